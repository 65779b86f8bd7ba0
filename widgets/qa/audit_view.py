"""The audit view: every event, filterable by person, case, kind and date, with details.

A lazy table model over `AuditTrail`: it holds local event ids only and fetches rows a
page at a time when they are painted, so a log of millions of events opens at once.
Selecting a row shows the whole event: payload, chain position and hashes.
"""

from __future__ import annotations

import json
from array import array
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.audit.trail import MAX_ROWS, AuditTrail, TrailFilter, TrailRow
from app.domain.words import case_number
from app.log.registry import registry
from widgets.shell.fit import fit_window

PAGE = 200
COLUMNS = ("When (UTC)", "Person", "Kind", "Case", "What")
WHEN_SAMPLE = "0000-00-00 00:00:00"  # the widest a When cell gets
Index = QModelIndex | QPersistentModelIndex
LocalIdRole = Qt.ItemDataRole.UserRole + 1


class AuditTrailModel(QAbstractTableModel):
    """Events matching a filter, newest first, loaded a page at a time."""

    def __init__(self, trail: AuditTrail, names: dict[str, str] | None = None) -> None:
        super().__init__()
        self._trail = trail
        self._names = names or {}
        self._ids: array[int] = array("q")
        self._rows: dict[int, TrailRow] = {}

    def set_filter(self, f: TrailFilter) -> None:
        """Reload the ids for a new filter."""
        self.beginResetModel()
        self._ids = self._trail.ids(f)
        self._rows = {}
        self.endResetModel()

    def local_id_at(self, row: int) -> int | None:
        """The local event id shown in a row."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Matching events (0 under any parent: a flat table)."""
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Fixed columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Cell text, fetched with its page on first sight."""
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        local_id = self._ids[index.row()]
        if role == LocalIdRole:
            return local_id
        shown = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        if role not in shown:
            return None
        row = self._row(index.row())
        if row is None:
            return "(not visible)" if index.column() == 0 else ""
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return row.kind  # the stored kind, for a lead who greps the log
        return (
            row.created_at[:19].replace("T", " "),
            self._names.get(row.actor, row.actor),
            kind_label(row.kind),
            _case_cell(row),
            row.summary,
        )[index.column()]

    def _row(self, position: int) -> TrailRow | None:
        local_id = self._ids[position]
        if local_id not in self._rows:
            start = position - position % PAGE
            page = self._ids[start : start + PAGE]
            self._rows.update(self._trail.rows(page))
        return self._rows.get(local_id)


class AuditView(QWidget):
    """Filters, the event list and the selected event's details."""

    filtered = Signal(int)

    def __init__(self, trail: AuditTrail, names: dict[str, str] | None = None) -> None:
        super().__init__()
        self.setObjectName("auditView")
        self.setWindowTitle("Veil — audit trail")
        self.trail = trail
        names = names or {}
        self.model = AuditTrailModel(trail, names)
        self.person = _combo("Person", "Anyone", trail.actors(), names)
        labels = {kind: kind_label(kind) for kind in trail.kinds()}
        self.kind = _combo("Kind", "Any kind", trail.kinds(), labels)
        self.case = QLineEdit()
        self.case.setPlaceholderText("case #number or id")
        self.case.setAccessibleName("Case number or id")
        self.use_dates = QCheckBox("Dates")
        today = date.today()
        self.first = _date_edit(today - timedelta(days=6))
        self.last = _date_edit(today)
        apply = QPushButton("Filter")
        apply.clicked.connect(self.apply)
        self.count = QLabel("")
        self.table = self._make_table()
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setObjectName("eventDetails")
        self.details.setAccessibleName("Event details")
        self._build(apply)
        self.apply()

    def current_filter(self) -> TrailFilter:
        """The filter the controls describe."""
        start = end = None
        if self.use_dates.isChecked():
            start = _iso(self.first.date())
            end = _iso(self.last.date().addDays(1))
        return TrailFilter(
            actor=self.person.currentData(),
            case_id=self._case_id(self.case.text().strip()),
            kind=self.kind.currentData(),
            start=start,
            end=end,
        )

    def _case_id(self, typed: str) -> str | None:
        # A case number as people read it (#1042 or 1042), else the id as typed.
        number = typed.removeprefix("#")
        if number.isdigit():
            return self.trail.case_id_of(int(number)) or typed
        return typed or None

    def apply(self) -> None:
        """Reload the list for the current filter."""
        self.model.set_filter(self.current_filter())
        n = self.model.rowCount()
        capped = f" (the newest {MAX_ROWS:,}; narrow the filter)" if n >= MAX_ROWS else ""
        self.count.setText(f"{n:,} event(s){capped}")
        self.details.clear()
        self.filtered.emit(n)

    def show_details(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The whole selected event."""
        local_id = self.model.local_id_at(current.row())
        if local_id is None:
            return
        try:
            record = self.trail.record(local_id)
        except KeyError:
            self.details.setPlainText("This event is not visible to you.")
            return
        self.details.setPlainText(json.dumps(record.to_wire(), indent=2, ensure_ascii=False))

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("auditTable")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(22)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        # Sized to their widest possible text (the model is lazy: no row is read to size it).
        metrics = table.fontMetrics()
        pad = 24
        header.resizeSection(0, metrics.horizontalAdvance(WHEN_SAMPLE) + pad)
        widest_kind = max((metrics.horizontalAdvance(k.label) for k in _kinds()), default=80)
        header.resizeSection(2, widest_kind + pad)
        table.selectionModel().currentRowChanged.connect(self.show_details)
        return table

    def _build(self, apply: QPushButton) -> None:
        bar = QHBoxLayout()
        for widget in (
            self.person,
            self.kind,
            self.case,
            self.use_dates,
            self.first,
            self.last,
            apply,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.count)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setSizes([520, 240])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        fit_window(self, 1200, 800)  # cut down to the screen


def _combo(
    name: str, anything: str, values: list[str], labels: dict[str, str] | None = None
) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem(anything, None)
    for value in values:
        combo.addItem((labels or {}).get(value, value), value)
    return combo


def _case_cell(row: TrailRow) -> str:
    if row.case_no is None:
        return row.case_title or (row.case_id or "")[:8]
    return f"{case_number(row.case_no)} {row.case_title}".strip()


def kind_label(kind: str) -> str:
    """An event kind as people read it: its feature's label ("Decided" for
    `decision.recorded`); a kind no feature declares shows as stored."""
    found = registry().kinds.get(kind)
    return found.label if found is not None else kind


def _kinds() -> list[Any]:
    return list(registry().kinds.values())


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _iso(day: QDate) -> str:
    return f"{day.toString('yyyy-MM-dd')}T00:00:00.000Z"
