"""Per-reviewer scorecards as a table model: volume, speed, SLA, escalations, QA, gold.

Never exposure: wellbeing figures are shown for the team in aggregate only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.qa.dashboard import Scorecard
from app.quality.records import Rate

Index = QModelIndex | QPersistentModelIndex
SortRole = Qt.ItemDataRole.UserRole + 1


def _pct(rate: Rate) -> str:
    return "–" if rate.value is None else f"{rate.value:.0%} ({rate.hits}/{rate.total})"


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


COLUMNS: tuple[tuple[str, Callable[[Scorecard], str], Callable[[Scorecard], float]], ...] = (
    ("Decisions", lambda c: str(c.tally.decisions), lambda c: c.tally.decisions),
    ("Median time", lambda c: _seconds(c.handling.median_s), lambda c: c.handling.median_s or 0),
    ("p90 time", lambda c: _seconds(c.handling.p90_s), lambda c: c.handling.p90_s or 0),
    ("SLA", lambda c: _pct(c.tally.sla), lambda c: c.tally.sla.value or 0),
    ("Escalated", lambda c: _pct(c.tally.escalation_rate), lambda c: c.tally.escalations),
    ("Audited", lambda c: str(c.audited), lambda c: c.audited),
    ("Agreement", lambda c: _pct(c.agreement), lambda c: c.agreement.value or 0),
    ("Kappa", lambda c: _num(c.kappa), lambda c: c.kappa if c.kappa is not None else -2),
    ("QA pass", lambda c: _pct(c.qa_pass), lambda c: c.qa_pass.value or 0),
    ("Gold", lambda c: _pct(c.gold), lambda c: c.gold.value or 0),
)


class ScorecardModel(QAbstractTableModel):
    """One row per reviewer with work in the period."""

    def __init__(self, names: dict[str, str] | None = None) -> None:
        super().__init__()
        self._cards: list[Scorecard] = []
        self._names = names or {}

    def set_cards(self, cards: list[Scorecard]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._cards = list(cards)
        self.endResetModel()

    def card(self, row: int) -> Scorecard:
        """The scorecard shown in a row."""
        return self._cards[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Reviewers (0 under any parent: a flat table)."""
        return 0 if parent.isValid() else len(self._cards)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Reviewer plus the figures."""
        return 0 if parent.isValid() else len(COLUMNS) + 1

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Column titles."""
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "Reviewer"
        return COLUMNS[section - 1][0] if 0 < section <= len(COLUMNS) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Text, alignment, and a numeric sort key."""
        if not index.isValid() or not 0 <= index.row() < len(self._cards):
            return None
        card = self._cards[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self._names.get(card.reviewer, card.reviewer)
            return COLUMNS[column - 1][1](card)
        if role == SortRole:
            return card.reviewer if column == 0 else float(COLUMNS[column - 1][2](card))
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
