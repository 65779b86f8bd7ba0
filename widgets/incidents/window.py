"""The incident room: the incidents a person may see, and for the chosen one its severity
(what it means, who must be told), roles, seeds and terms, live counters, the status
update reminder, and the timeline with a filter, pins and corrections; declare, resolve,
post-mortem and export from here.

Every read (the list, an incident's state, a timeline page) runs off the UI thread and
arrives by signal; the timeline loads a page at a time as it is scrolled, so the first
paint of an incident with 50,000 events costs what an empty one does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet, load_policies
from app.incidents import report, room, timeline, trends
from app.incidents.brief import brief_pdf
from app.incidents.commands import IncidentDesk, incident_of
from app.incidents.matcher import contain
from app.incidents.severity import SeveritySet
from app.log.changes import Change
from app.log.clock import iso
from app.log.paths import resources_dir
from app.log.store import LocalStore
from db.models import Case
from widgets.incidents.dialogs import (
    DeclareDialog,
    PostMortemDialog,
    RoleDialog,
    StatusUpdateDialog,
)
from widgets.shell.errors import show_failure
from widgets.shell.tasks import TaskRunner

FIRST_PAGE = 60  # the most a first page holds (a tall window's rows)
MIN_FIRST_PAGE = 8
ALIGN = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
PAGE = 200
FILTERS = [("Everything", None), *((c.capitalize(), c) for c in timeline.CATEGORIES)]
COLUMNS = ("Time", "Who", "What", "Detail")


class TimelineModel(QAbstractTableModel):
    """Timeline lines, newest first, fetched a page at a time through a loader.

    The first page holds only the rows the table shows (`first_page`), so choosing an
    incident costs about the same with 50,000 lines as with one; the view asks for the
    next page (`fetchMore`) when its last loaded row scrolls into sight."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[timeline.TimelineItem] = []
        self.more = False
        self.loading = False
        self.loader: Callable[[int], None] | None = None
        self.first_page = FIRST_PAGE
        self._cells: dict[int, tuple[str, str, str, str]] = {}

    def reset(self, items: list[timeline.TimelineItem]) -> None:
        """Show a first page."""
        self.beginResetModel()
        self.items = list(items)
        self._cells = {}
        self.more = len(items) == self.first_page
        self.loading = False
        self.endResetModel()

    def append(self, items: list[timeline.TimelineItem]) -> None:
        """Add the next page."""
        self.loading = False
        self.more = len(items) == PAGE
        if items:
            start = len(self.items)
            self.beginInsertRows(QModelIndex(), start, start + len(items) - 1)
            self.items += items
            self.endInsertRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Lines loaded."""
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Time, who, what, detail."""
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        """Whether another page may exist."""
        return not parent.isValid() and self.more and not self.loading

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        """Ask the loader for the next page (it arrives by `append`)."""
        if self.loader is not None and self.canFetchMore(parent):
            self.loading = True
            self.loader(len(self.items))

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column names."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """A cell: the line's time, author, label (pinned marked) and text (corrected)."""
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        return self.cell(index.row(), index.column())

    def cell(self, row: int, column: int) -> str:
        """The text of a cell (made once per row)."""
        cells = self._cells.get(row)
        if cells is None:
            cells = self._cells[row] = cells_of(self.items[row])
        return cells[column]


class LineDelegate(QStyledItemDelegate):
    """Paints a timeline cell as one line of plain text. The default delegate lays out
    every cell's text (a text layout per cell, some twenty style look-ups), which made a
    screenful of rows cost twice what drawing their text costs; a first paint should
    cost what the screen shows, whatever the length of the timeline."""

    def __init__(self, model: TimelineModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.model = model  # its cells are read directly: a paint is 80 of them
        self.char_width = max(1, parent.fontMetrics().averageCharWidth())

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Selection background, then the cell's text (elided only when it may not fit)."""
        rect = option.rect.adjusted(4, 0, -4, 0)
        text = self.model.cell(index.row(), index.column())
        if len(text) * self.char_width > rect.width():
            text = option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        palette = option.palette
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, palette.highlight())
            painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        else:
            painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(rect, ALIGN, text)


def cells_of(item: timeline.TimelineItem) -> tuple[str, str, str, str]:
    """A line's four cells (made once per row: a paint asks for each cell many times)."""
    text = item.text.replace("\n", " · ")
    if item.corrected_text is not None:
        text = f"{item.corrected_text}  (corrected by {item.corrected_by}; was: {text})"
    return (
        item.at.replace("T", " ")[:19],
        item.actor or "-",
        ("[pinned] " if item.pinned else "") + item.label,
        text,
    )


class IncidentsWindow(QWidget):
    """The incident room for analysts and leads."""

    def __init__(
        self,
        store: LocalStore,
        reviewer: Reviewer,
        runner: TaskRunner,
        severities: SeveritySet,
        categories: list[str],
        people: list[str],
        parent: QWidget | None = None,
        policies: PolicySet | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidentsWindow")
        self.setWindowTitle("Incidents")
        self.store, self.reviewer, self.runner = store, reviewer, runner
        self.severities, self.categories, self.people = severities, categories, people
        self.policies = policies or load_policies(resources_dir() / "policies")
        self.desk = IncidentDesk(store, reviewer, severities)
        self.current: str | None = None
        self.state: room.IncidentState | None = None
        self.trends_text = ""
        self._generation = 0  # a reload newer than a page's request drops that page
        self._build()
        self.due_timer = QTimer(self)
        self.due_timer.timeout.connect(self._show_due)
        self.due_timer.start(30_000)
        self.reload()

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._picked)
        declare = QPushButton("Declare…")
        declare.clicked.connect(self.declare)
        trends_button = QPushButton("Trends…")
        trends_button.clicked.connect(self.show_trends)
        trends_button.setVisible(self.reviewer.at_least(Role.LEAD))
        left = QWidget()
        column = QVBoxLayout(left)
        column.addWidget(declare)
        column.addWidget(trends_button)
        column.addWidget(self.list)
        self.header = QLabel("Pick or declare an incident.")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.counters = QLabel("")
        self.counters.setObjectName("incidentCounters")
        self.due = QLabel("")
        self.due.setObjectName("incidentDue")
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        entries: list[tuple[str, Callable[[], None]]] = [
            ("Severity…", self.change_severity),
            ("Role…", self.assign_role),
            ("Seeds from case…", self.seed_from_case),
            ("Terms…", self.set_terms),
            ("Status update…", self.status_update),
            ("Note…", self.note),
            ("External contact…", self.contact),
            ("Resolve…", self.resolve),
            ("Post-mortem…", self.postmortem),
            ("Export…", self.export),
            ("Brief (PDF)…", self.brief),
        ]
        for n, (label, slot) in enumerate(entries):
            button = QPushButton(label)
            button.clicked.connect(slot)
            self.buttons[label] = button
            grid.addWidget(button, n // 6, n % 6)
        self.filter = QComboBox()
        for label, value in FILTERS:
            self.filter.addItem(label, value)
        self.filter.addItem("Pinned only", "pinned")
        self.filter.currentIndexChanged.connect(lambda _n: self.load_timeline())
        pin = QPushButton("Pin / unpin")
        pin.clicked.connect(self.toggle_pin)
        correct = QPushButton("Correct…")
        correct.clicked.connect(self.correct)
        self.buttons["pin"], self.buttons["correct"] = pin, correct
        tools = QHBoxLayout()
        tools.addWidget(QLabel("Timeline:"))
        tools.addWidget(self.filter)
        tools.addStretch(1)
        tools.addWidget(pin)
        tools.addWidget(correct)
        self.model = TimelineModel()
        self.model.loader = self._load_page
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(LineDelegate(self.model, self.table))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        # Widths from the font, not from the rows: sizing to contents would measure every
        # loaded row on each page.
        metrics = self.table.fontMetrics()
        for n, sample in enumerate(
            ("2026-01-05 09:10:00", "analyst-name", "[pinned] Status update")
        ):
            header.setSectionResizeMode(n, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(n, metrics.horizontalAdvance(sample) + 16)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        right = QWidget()
        detail = QVBoxLayout(right)
        detail.addWidget(self.header)
        detail.addWidget(self.counters)
        detail.addWidget(self.due)
        detail.addLayout(grid)
        detail.addLayout(tools)
        detail.addWidget(self.table, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        outer = QVBoxLayout(self)
        outer.addWidget(split)
        self.resize(1200, 760)
        self._enable()

    def _enable(self) -> None:
        chosen = self.state is not None
        open_ = chosen and self.state is not None and self.state.status == "open"
        for label, button in self.buttons.items():
            if label in ("Severity…", "Role…", "Seeds from case…", "Terms…", "Resolve…"):
                button.setEnabled(open_)
            elif label == "Post-mortem…":
                button.setEnabled(chosen and not open_)
            else:
                button.setEnabled(chosen)

    # --- loading (off the UI thread) ----------------------------------------------------

    def reload(self) -> None:
        """Read the list and the chosen incident again."""
        self._generation += 1
        generation = self._generation

        def work() -> tuple[list[room.IncidentLine], room.IncidentState | None]:
            with self.store.read() as session:
                lines = room.incidents(session, self.reviewer)
                chosen = (
                    room.state(session, self.reviewer, self.current, self.severities)
                    if self.current
                    else None
                )
            return lines, chosen

        def done(result: tuple[list[room.IncidentLine], room.IncidentState | None]) -> None:
            if generation == self._generation:
                self._show(*result)

        self.runner.submit(work, done, self._failed, owner=self)
        self.load_timeline()

    def _show(self, lines: list[room.IncidentLine], chosen: room.IncidentState | None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for line in lines:
            item = QListWidgetItem(f"SEV {line.severity} · {line.status} · {line.title}")
            item.setData(Qt.ItemDataRole.UserRole, line.incident_id)
            self.list.addItem(item)
            if line.incident_id == self.current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.state = chosen
        if chosen is None:
            self.header.setText("Pick or declare an incident.")
            self.counters.setText("")
        else:
            level = chosen.level
            roles = ", ".join(f"{p} {r}" + (f" ({a})" if a else "") for p, r, a in chosen.roles)
            self.header.setText(
                f"{chosen.title} — {level.name} ({chosen.status}), {chosen.category}"
                f"{' · clearance ' + chosen.clearance if chosen.clearance else ''}\n"
                f"{level.meaning}\nTell: {', '.join(level.notify)} · roles: {roles}\n"
                f"Terms: {', '.join(chosen.terms) or 'none'}"
            )
            c = chosen.counters
            self.counters.setText(
                f"Matched {c.matched} · decided {c.decided} · open {c.open} · "
                f"last hour {c.last_hour} · per hour: "
                + ", ".join(f"{h[11:13]}h {n}" for h, n in c.per_hour[-6:])
            )
        self._show_due()
        self._enable()

    def _show_due(self) -> None:
        state = self.state
        left = state.update_due_in(self.store.clock.now()) if state is not None else None
        if state is None or left is None:
            self.due.setText("")
            return
        minutes = int(left.total_seconds() // 60)
        if minutes < 0:
            self.due.setText(
                f"Status update overdue by {-minutes} min (every "
                f"{state.level.update_minutes} min at {state.level.name})"
            )
            self.due.setProperty("overdue", True)
        else:
            self.due.setText(f"Next status update due in {minutes} min")
            self.due.setProperty("overdue", False)

    def load_timeline(self) -> None:
        """Load the first page of the chosen incident's timeline (with the filter)."""
        if self.current is None:
            self.model.reset([])
            return
        self.model.loading = True
        self.model.first_page = self._visible_rows()
        self._request(0, self.model.first_page, self.model.reset)

    def _visible_rows(self) -> int:
        """The rows the table shows at its size now, and two more (so the last one
        loaded is out of sight and the view does not ask for the next page at once)."""
        height = self.table.viewport().height()
        row = max(1, self.table.verticalHeader().defaultSectionSize())
        return max(MIN_FIRST_PAGE, min(FIRST_PAGE, height // row + 2))

    def _load_page(self, offset: int) -> None:
        self._request(offset, PAGE, self.model.append)

    def _request(
        self, offset: int, limit: int, deliver: Callable[[list[timeline.TimelineItem]], None]
    ) -> None:
        incident_id, wanted = self.current, self.filter.currentData()
        generation = self._generation
        now = iso(self.store.clock.now())
        assert incident_id is not None

        def work() -> list[timeline.TimelineItem]:
            with self.store.read() as session:
                return timeline.page(
                    session,
                    incident_id,
                    now,
                    categories=None if wanted in (None, "pinned") else {wanted},
                    pinned_only=wanted == "pinned",
                    limit=limit,
                    offset=offset,
                )

        def done(items: list[timeline.TimelineItem]) -> None:
            if generation == self._generation and incident_id == self.current:
                deliver(items)

        self.runner.submit(work, done, self._failed, owner=self)

    def _picked(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        self.current = None if item is None else str(item.data(Qt.ItemDataRole.UserRole))
        self.reload()

    def show_incident(self, incident_id: str) -> None:
        """Choose an incident."""
        self.current = incident_id
        self.reload()

    def on_store_changed(self, change: Change) -> None:
        """Repaint after a write that touched incidents or their cases."""
        if any(kind.startswith(("incident.", "decision.", "case.")) for kind in change.kinds):
            self.reload()

    def _failed(self, error: BaseException) -> None:
        self.model.loading = False
        show_failure(self, "Incidents", error)

    # --- commands -----------------------------------------------------------------------

    def _do(self, title: str, action: Callable[[], object]) -> bool:
        try:
            action()
        except (ValueError, KeyError) as exc:
            QMessageBox.warning(self, title, str(exc))
            return False
        self.reload()
        return True

    def declare(self) -> None:
        """Declare from nothing or from a case number (its cluster joins)."""
        dialog = DeclareDialog(self.severities, self.categories, self.reviewer.username, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        case_id = self._case_of(dialog.case_no.value()) if dialog.case_no.value() else None
        if dialog.case_no.value() and case_id is None:
            QMessageBox.warning(self, "Declare", f"There is no case #{dialog.case_no.value()}.")
            return
        made: list[Any] = []

        def run() -> None:
            made.extend(
                self.desk.declare(
                    dialog.title.text(),
                    int(dialog.severity.currentData()),
                    dialog.category.currentText(),
                    dialog.commander.text().strip() or None,
                    regions=dialog.region_list(),
                    from_case=case_id,
                )
            )

        if self._do("Declare", run):
            self.current = incident_of(made[0])
            self.reload()
            self.run_containment()

    def _case_of(self, case_no: int) -> str | None:
        with self.store.read() as session:
            case = session.query(Case).filter(Case.case_no == case_no).one_or_none()
            return None if case is None else case.case_id

    def change_severity(self) -> None:
        """A new SEV, with a reason."""
        if self.current is None or self.state is None:
            return
        names = [f"{lv.name}: {lv.meaning}" for lv in self.severities]
        chosen, ok = QInputDialog.getItem(self, "Severity", "New severity", names, 0, False)
        if not ok:
            return
        reason, _ok = QInputDialog.getText(self, "Severity", "Why?")
        level = names.index(chosen) + 1
        incident_id = self.current
        self._do("Severity", lambda: self.desk.change_severity(incident_id, level, reason))

    def assign_role(self) -> None:
        """Give a person a role."""
        if self.current is None:
            return
        dialog = RoleDialog(self.people, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        incident_id = self.current
        self._do(
            "Role",
            lambda: self.desk.assign(
                incident_id,
                dialog.person.currentText().strip(),
                dialog.role.currentText(),
                dialog.area.currentData(),
            ),
        )

    def seed_from_case(self) -> None:
        """Every media item of a case becomes a seed; then the sweep runs."""
        if self.current is None:
            return
        number, ok = QInputDialog.getInt(self, "Seeds", "Case #", 1, 1, 2_000_000_000)
        case_id = self._case_of(number) if ok else None
        if ok and case_id is None:
            QMessageBox.warning(self, "Seeds", f"There is no case #{number}.")
        if case_id is None:
            return
        incident_id = self.current
        if self._do("Seeds", lambda: self.desk.add_seeds_from_case(incident_id, case_id)):
            self.run_containment()

    def set_terms(self) -> None:
        """The words whose presence in a report's text links it."""
        if self.current is None or self.state is None:
            return
        text, ok = QInputDialog.getText(
            self, "Terms", "Terms, comma-separated:", text=", ".join(self.state.terms)
        )
        if not ok:
            return
        incident_id = self.current
        terms = [t for t in text.split(",")]
        if self._do("Terms", lambda: self.desk.set_terms(incident_id, terms)):
            self.run_containment()

    def status_update(self) -> None:
        """A status update in the Conditions / Actions / Needs template."""
        if self.current is None or self.state is None:
            return
        dialog = StatusUpdateDialog(room.template(self.state.level), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        incident_id = self.current
        self._do(
            "Status update",
            lambda: self.desk.status_update(
                incident_id,
                dialog.conditions.toPlainText(),
                dialog.done_and_doing.toPlainText(),
                dialog.needs.toPlainText(),
            ),
        )

    def note(self) -> None:
        """A note on the timeline."""
        if self.current is None:
            return
        text, ok = QInputDialog.getMultiLineText(self, "Note", "Note:")
        incident_id = self.current
        if ok:
            self._do("Note", lambda: self.desk.note(incident_id, text))

    def contact(self) -> None:
        """An external contact: who, how, what."""
        if self.current is None:
            return
        party, ok = QInputDialog.getText(self, "External contact", "Who (organisation)?")
        if not ok:
            return
        channel, ok = QInputDialog.getText(self, "External contact", "How (phone, email…)?")
        if not ok:
            return
        summary, _ok = QInputDialog.getMultiLineText(self, "External contact", "What was said?")
        incident_id = self.current
        self._do(
            "External contact", lambda: self.desk.contact(incident_id, party, channel, summary)
        )

    def _selected(self) -> timeline.TimelineItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.items[rows[0].row()] if rows else None

    def toggle_pin(self) -> None:
        """Pin or unpin the selected typed entry."""
        item = self._selected()
        if self.current is None or item is None or not item.typed or item.event_id is None:
            QMessageBox.information(self, "Pin", "Select a status update, note or contact.")
            return
        incident_id, entry = self.current, item.event_id
        self._do("Pin", lambda: self.desk.pin(incident_id, entry, not item.pinned))

    def correct(self) -> None:
        """Correct the selected typed entry by a new event."""
        item = self._selected()
        if self.current is None or item is None or not item.typed or item.event_id is None:
            QMessageBox.information(self, "Correct", "Select a status update, note or contact.")
            return
        text, ok = QInputDialog.getMultiLineText(
            self, "Correct", "Corrected text:", item.corrected_text or item.text
        )
        incident_id, entry = self.current, item.event_id
        if ok:
            self._do("Correct", lambda: self.desk.correct(incident_id, entry, text))

    def resolve(self) -> None:
        """Resolve the incident."""
        if self.current is None:
            return
        summary, ok = QInputDialog.getMultiLineText(self, "Resolve", "How was it resolved?")
        incident_id = self.current
        if ok:
            self._do("Resolve", lambda: self.desk.resolve(incident_id, summary))

    def postmortem(self) -> None:
        """The post-mortem's written parts and an action item."""
        if self.current is None:
            return
        dialog = PostMortemDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        incident_id = self.current

        def run() -> None:
            self.desk.postmortem(
                incident_id, dialog.went_well.toPlainText(), dialog.went_badly.toPlainText()
            )
            if dialog.action.text().strip():
                self.desk.action_item(
                    incident_id, dialog.action.text().strip(), dialog.owner.text().strip()
                )

        self._do("Post-mortem", run)

    def export(self, path: Path | None = None) -> None:
        """Export the post-mortem (PDF or Markdown by the file's suffix), off the UI thread."""
        if self.current is None:
            return
        if path is None:
            name, _filter = QFileDialog.getSaveFileName(
                self,
                "Export post-mortem",
                f"incident-{self.current[:8]}.pdf",
                "PDF (*.pdf);;Markdown (*.md)",
            )
            if not name:
                return
            path = Path(name)
        incident_id = self.current
        target = path

        def work() -> str:
            doc = report.build(self.store, self.reviewer, incident_id, self.severities)
            if target.suffix.lower() == ".md":
                target.write_text(report.to_markdown(doc), encoding="utf-8")
            else:
                target.write_bytes(report.to_pdf(doc))
            return f"Post-mortem written to {target} ({len(doc.citations)} events cited)"

        self.runner.submit(work, self._told, self._failed, owner=self)

    def brief(self, path: Path | None = None) -> None:
        """The one-page stakeholder brief (filtered thumbnails only), off the UI thread."""
        if self.current is None:
            return
        if path is None:
            name, _filter = QFileDialog.getSaveFileName(
                self, "Stakeholder brief", f"brief-{self.current[:8]}.pdf", "PDF (*.pdf)"
            )
            if not name:
                return
            path = Path(name)
        incident_id, target, policies = self.current, path, self.policies

        def work() -> str:
            target.write_bytes(
                brief_pdf(self.store, self.reviewer, incident_id, policies, self.severities)
            )
            return f"Brief written to {target}"

        self.runner.submit(work, self._told, self._failed, owner=self)

    def show_trends(self) -> None:
        """A lead's view of incidents over time, read off the UI thread."""

        def work() -> str:
            with self.store.read() as session:
                return "\n".join(trends.lines(trends.trends(session, self.reviewer)))

        def done(text: str) -> None:
            self.trends_text = text
            QMessageBox.information(self, "Incident trends", text)

        self.runner.submit(work, done, self._failed, owner=self)

    def _told(self, message: str) -> None:
        self.due.setText(message)

    def run_containment(self) -> None:
        """Route every open matching case, off the UI thread."""
        desk = self.desk
        self.runner.submit(
            lambda: len(contain(desk)), lambda _n: self.reload(), self._failed, owner=self
        )

    def now(self) -> datetime:
        """The store's clock."""
        return self.store.clock.now()
