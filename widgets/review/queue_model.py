"""A lazy table model over the case queue: pages of rows fetched from SQL when painted.

The model never loads the queue: its row count comes from the store's queue-depth
projection, and each page of PAGE rows is read when Qt first asks for one of its cells,
from the neighbouring page's last key when that is cached (keyset) or by offset. At most
MAX_PAGES pages stay cached. A page that fails to load shows disabled error rows instead
of raising (the pattern of Anki's browser table model). The SLA column counts down and
is coloured as the deadline nears and passes; a timer repaints it.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from app.domain.priority import SlaState, countdown, sla_state
from app.domain.words import case_number
from app.log.clock import parse_iso
from app.review.reviewdesk import CaseRow

PAGE = 100
MAX_PAGES = 64
REFRESH_MS = 15_000
Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("SLA", "Sev", "Title", "Policy", "Queue", "Status", "Reported", "Reports", "Media")
SLA_COLUMN = 0
SEVERITY_COLORS = {1: "#5b7a5b", 2: "#8a7a3a", 3: "#a0602a", 4: "#a03030"}
SLA_COLORS = {
    SlaState.OK: ("#6fae7a", None),
    SlaState.NEAR: ("#1e2126", "#e0a43a"),
    SlaState.OVERDUE: ("#ffffff", "#b83b3b"),
}
_SEVERITY_BRUSH = {level: QBrush(QColor(c)) for level, c in SEVERITY_COLORS.items()}
_SLA_BRUSH = {
    state: (QBrush(QColor(fg)), None if bg is None else QBrush(QColor(bg)))
    for state, (fg, bg) in SLA_COLORS.items()
}
log = logging.getLogger(__name__)

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

CaseNoRole = Qt.ItemDataRole.UserRole + 1
CaseRowRole = Qt.ItemDataRole.UserRole + 2
SlaStateRole = Qt.ItemDataRole.UserRole + 3
R = Qt.ItemDataRole
# Qt asks every cell for a dozen roles on each paint; these are the only ones answered.
SERVED_ROLES = frozenset(
    int(getattr(r, "value", r))
    for r in (
        R.DisplayRole,
        R.ForegroundRole,
        R.BackgroundRole,
        R.ToolTipRole,
        R.TextAlignmentRole,
        CaseNoRole,
        CaseRowRole,
        SlaStateRole,
    )
)
_PAINT_ROLES = SERVED_ROLES - {int(CaseNoRole), int(CaseRowRole), int(SlaStateRole)}
ROW_HEIGHT = 24
TITLE_COLUMN = 2
COLUMN_WIDTHS = (76, 34, 220, 120, 110, 80, 112, 56, 44)
# The queue panel's size in a new main window (its splitter's first share).
DEFAULT_SIZE = (640, 780)


class _Pending(Enum):
    """A row whose page has not been read yet (distinct from None, an error row)."""

    NOT_READ = "not read"


@dataclass(frozen=True)
class _Shown:
    """A fetched row with what painting it needs, worked out once when its page loads."""

    row: CaseRow
    texts: tuple[str, ...]
    started: datetime | None
    deadline: datetime | None


class QueueDelegate(QStyledItemDelegate):
    """Paints a row only once its page is read (asking the model for nothing before)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """Blank until read: a paint before the page arrives costs one check per cell."""
        model = index.model()
        if isinstance(model, QueueModel) and model.is_pending(index.row()):
            model.request_row(index.row())
            return
        super().paint(painter, option, index)


def configure_queue_view(view: QTableView) -> None:
    """The queue table's look: whole rows, no row header, fixed row height (O(1) layout)."""
    view.setItemDelegate(QueueDelegate(view))
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    header = view.verticalHeader()
    header.setVisible(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header.setDefaultSectionSize(ROW_HEIGHT)
    view.setWordWrap(False)
    columns = view.horizontalHeader()
    columns.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in enumerate(COLUMN_WIDTHS):
        columns.resizeSection(column, width)


class PageSource(Protocol):
    """What the model reads: app.review.queue_view.QueueSource, or a fake in tests."""

    def count(self) -> int: ...
    def page(self, offset: int, limit: int, total: int | None = None) -> list[CaseRow]: ...
    def after(self, last: CaseRow, limit: int) -> list[CaseRow]: ...
    def before(self, first: CaseRow, limit: int) -> list[CaseRow]: ...
    def position(self, row: CaseRow) -> int: ...


class QueueModel(QAbstractTableModel):
    """Rows of the reviewer's queue, loaded page by page from the store."""

    def __init__(
        self,
        make_source: Callable[[], PageSource],
        policy_names: dict[str, str],
        now: Callable[[], datetime],
        me: str = "",
        queue_names: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self._make_source = make_source
        self._policy_names = policy_names
        self._queue_names = queue_names or {}
        self._now = now
        self._me = me
        self._source: PageSource | None = None
        self._count = 0
        self._pages: OrderedDict[int, list[_Shown | None]] = OrderedDict()
        self._wanted: set[int] = set()
        self._fetcher = QTimer(self)
        self._fetcher.setSingleShot(True)
        self._fetcher.setInterval(0)
        self._fetcher.timeout.connect(self._fetch_wanted)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh_countdowns)
        self._timer.start()

    # --- Qt model API ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Queue depth (0 under any parent: this is a flat table)."""
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Fixed columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Rows are selectable; a row whose page failed to load is disabled."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._cached(index.row()) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Cell text, SLA and severity colours, and the case (CaseNoRole, CaseRowRole).

        Painting never waits for SQL: a cell of a page not read yet is blank, the page is
        read right after the paint, and its rows repaint. Asked for the case itself
        (CaseNoRole, CaseRowRole, SlaStateRole) the model reads the page at once.
        """
        if role not in SERVED_ROLES or not index.isValid():
            return None
        if role in _PAINT_ROLES:
            shown = self._cached(index.row())
            if shown is _Pending.NOT_READ:
                self._request(index.row() // PAGE)
                return None
        else:
            shown = self._shown(index.row())
        if shown is None or shown is _Pending.NOT_READ:
            if role == Qt.ItemDataRole.DisplayRole:
                return "(could not load)" if index.column() == 2 else ""
            if role == Qt.ItemDataRole.ToolTipRole:
                return "This case could not be loaded from the local store."
            return None
        if role == CaseNoRole:
            return shown.row.case_no
        if role == CaseRowRole:
            return shown.row
        column = index.column()
        if column == SLA_COLUMN:
            return self._sla_data(shown, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return shown.texts[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == TITLE_COLUMN:
            return shown.texts[column]  # the whole title when the column cuts it
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return _SEVERITY_BRUSH.get(shown.row.severity)
        return None

    # --- queue API ------------------------------------------------------------------

    def reload(self) -> None:
        """Count again and forget every page (after a claim, a decision, a filter change)."""
        self.beginResetModel()
        self._pages.clear()
        self._wanted.clear()
        try:
            self._source = self._make_source()
            self._count = self._source.count()
        except Exception:  # a store failure shows an empty queue, never an exception
            log.exception("the queue could not be counted")
            self._source, self._count = None, 0
        self.endResetModel()

    def refresh_cases(self, case_ids: Collection[str]) -> None:
        """Show what changed for these cases: re-read the cached pages holding them and
        repaint only their changed rows, or reload when the queue itself moved (its depth
        changed, an uncached case may have entered the visible order, or a row moved)."""
        wanted = set(case_ids)
        if not wanted:
            return
        holding = [n for n, page in self._pages.items() if _holds(page, wanted)]
        cached = {s.row.case_id for n in holding for s in self._pages[n] if s is not None}
        if self._source is None or not wanted <= cached or self._depth_moved():
            self.reload()
            return
        for number in holding:
            if not self._reread(number):
                self.reload()
                return

    def _depth_moved(self) -> bool:
        try:
            return self._source is None or self._source.count() != self._count
        except Exception:
            log.exception("the queue could not be counted")
            return True

    def _reread(self, number: int) -> bool:
        """Read a cached page again in place; False when its rows are no longer the same
        cases in the same order (then only a reload shows the queue right)."""
        old, source = self._pages[number], self._source
        if source is None:
            return False
        try:
            rows = source.page(number * PAGE, len(old), self._count)
        except Exception:
            log.exception("queue page %d could not be read again", number)
            return False
        if [r.case_no for r in rows] != [s.row.case_no if s else None for s in old]:
            return False
        fresh = [self._prepare(r) for r in rows]
        self._pages[number] = list(fresh)
        last = len(COLUMNS) - 1
        for offset, (before, after) in enumerate(zip(old, fresh, strict=True)):
            if before is None or before.row != after.row:
                row = number * PAGE + offset
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        return True

    def mark_stale(self, case_no: int) -> None:
        """Fetch the page holding this case again when it is next painted."""
        for number, page in list(self._pages.items()):
            if any(s is not None and s.row.case_no == case_no for s in page):
                del self._pages[number]
                first = number * PAGE
                last = min(self._count, first + PAGE) - 1
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def refresh_countdowns(self) -> None:
        """Repaint the SLA column (the view repaints only the visible cells)."""
        if self._count:
            self.dataChanged.emit(
                self.index(0, SLA_COLUMN),
                self.index(self._count - 1, SLA_COLUMN),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole],
            )

    def row_at(self, row: int) -> CaseRow | None:
        """The case shown at a row (fetching its page), or None for an error row."""
        shown = self._shown(row)
        return None if shown is None else shown.row

    def _cached(self, row: int) -> _Shown | _Pending | None:
        """The row if its page was read, else _Pending.NOT_READ (nothing is fetched here)."""
        page = self._pages.get(row // PAGE)
        if page is None or not 0 <= row < self._count:
            return _Pending.NOT_READ if 0 <= row < self._count else None
        offset = row % PAGE
        return page[offset] if offset < len(page) else None

    def is_pending(self, row: int) -> bool:
        """Whether the row's page has not been read yet."""
        return self._cached(row) is _Pending.NOT_READ

    def request_row(self, row: int) -> None:
        """Read the row's page right after this paint."""
        self._request(row // PAGE)

    def _request(self, number: int) -> None:
        self._wanted.add(number)
        if not self._fetcher.isActive():
            self._fetcher.start()

    def _fetch_wanted(self) -> None:
        wanted, self._wanted = sorted(self._wanted), set()
        for number in wanted:
            if number in self._pages or number * PAGE >= self._count:
                continue
            self._page(number)
            last = min(self._count, (number + 1) * PAGE) - 1
            self.dataChanged.emit(self.index(number * PAGE, 0), self.index(last, len(COLUMNS) - 1))

    def _shown(self, row: int) -> _Shown | None:
        if not 0 <= row < self._count:
            return None
        page = self._page(row // PAGE)
        offset = row % PAGE
        return page[offset] if offset < len(page) else None

    def case_no_at(self, row: int) -> int | None:
        """The case number at a row, or None outside the queue."""
        found = self.row_at(row)
        return None if found is None else found.case_no

    def row_of(self, case: CaseRow | int) -> int:
        """The row showing a case (by row or number), or -1 when it is not listed."""
        case_no = case if isinstance(case, int) else case.case_no
        for number, page in self._pages.items():
            for offset, shown in enumerate(page):
                if shown is not None and shown.row.case_no == case_no:
                    return number * PAGE + offset
        if isinstance(case, int) or self._source is None:
            return -1
        try:
            position = self._source.position(case)
        except Exception:
            log.exception("the position of case %s in the queue could not be read", case_no)
            return -1
        found = self.row_at(position) if position < self._count else None
        return position if found is not None and found.case_no == case_no else -1

    # --- internals ------------------------------------------------------------------

    def _page(self, number: int) -> list[_Shown | None]:
        page = self._pages.get(number)
        if page is not None:
            return page
        expected = min(PAGE, self._count - number * PAGE)
        try:
            rows: list[_Shown | None] = [self._prepare(r) for r in self._fetch(number, expected)]
        except Exception:  # a store failure shows error rows, never an exception in paint
            log.exception("queue page %d could not be read", number)
            rows = []
        rows += [None] * (expected - len(rows))
        self._pages[number] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)  # the page fetched longest ago
        return rows

    def _fetch(self, number: int, expected: int) -> list[CaseRow]:
        if self._source is None:
            return []
        before, after = self._pages.get(number - 1), self._pages.get(number + 1)
        if before and before[-1] is not None:
            rows = self._source.after(before[-1].row, expected)
            if len(rows) == expected:
                return rows
        if after and after[0] is not None:
            rows = self._source.before(after[0].row, expected)
            if len(rows) == expected:
                return rows
        return self._source.page(number * PAGE, expected, self._count)

    def _sla_data(self, shown: _Shown, role: int) -> object:
        if shown.deadline is None or shown.started is None:
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        now = self._now()
        if role == Qt.ItemDataRole.DisplayRole:
            return countdown(now, shown.deadline)
        state = sla_state(now, shown.started, shown.deadline)
        if role == SlaStateRole:
            return state
        if role == Qt.ItemDataRole.ForegroundRole:
            return _SLA_BRUSH[state][0]
        if role == Qt.ItemDataRole.BackgroundRole:
            return _SLA_BRUSH[state][1]
        if role == Qt.ItemDataRole.ToolTipRole:
            word = {"ok": "on time", "near": "due soon", "overdue": "overdue"}[state.value]
            return f"SLA {word}: due {shown.row.sla_deadline[:16].replace('T', ' ')} UTC"
        return None

    def _prepare(self, row: CaseRow) -> _Shown:
        if not row.sla_deadline:
            return _Shown(row, self._texts(row), None, None)
        started = parse_iso(row.sla_started_at or row.reported_at)
        return _Shown(row, self._texts(row), started, parse_iso(row.sla_deadline))

    def _texts(self, row: CaseRow) -> tuple[str, ...]:
        return tuple(self._text(row, column) for column in range(len(COLUMNS)))

    def _text(self, row: CaseRow, column: int) -> str:
        if row.status == "leased":
            status = "yours" if row.leased_by == self._me else f"with {row.leased_by}"
        else:
            status = row.status
        values = (
            "",
            f"S{row.severity}",
            f"{case_number(row.case_no)}  {row.title}",
            self._policy_names.get(row.category, row.category),
            self._queue_names.get(row.queue, row.queue),
            status,
            row.reported_at[:16].replace("T", " "),
            str(row.report_count),
            str(row.media_count) if row.media_count else "text",
        )
        return values[column]


def _holds(page: list[_Shown | None], case_ids: set[str]) -> bool:
    return any(s is not None and s.row.case_id in case_ids for s in page)
