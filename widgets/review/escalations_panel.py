"""'My escalations': what a moderator sent to the analysts, and how each one ended."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.domain.kinds import EventKind
from app.domain.words import Words, case_number
from app.log.changes import Change
from app.review.reviewdesk import MyEscalation, ReviewDesk

# What moves an escalation or its outcome (from this desk or pulled from the hub).
ESCALATION_KINDS = frozenset(
    str(k)
    for k in (EventKind.CASE_ESCALATED, EventKind.DECISION_RECORDED, EventKind.DECISION_RETRACTED)
)


class EscalationsPanel(QWidget):
    """A list of my escalations; `outcome` fires once for each newly decided one."""

    outcome = Signal(str)

    def __init__(self, desk: ReviewDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("myEscalations")
        self.setAccessibleName("My escalations")
        self.desk = desk
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Case", "Escalated", "Outcome"])
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        self._known: set[str] | None = None

    def refresh(self) -> list[MyEscalation]:
        """Read my escalations again; announce outcomes that arrived since the last look."""
        rows = self.desk.my_escalations()
        words = self.desk.words()
        self.tree.clear()
        for row in rows:
            self.tree.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        f"{case_number(row.case_no)} {row.title}",
                        row.info.escalated_at[5:16].replace("T", " "),
                        _outcome(row, words),
                    ]
                )
            )
        decided = {r.info.event_id for r in rows if r.info.resolved_by}
        if self._known is not None:
            for row in rows:
                if row.info.event_id in decided - self._known:
                    self.outcome.emit(
                        f"Your escalation of {case_number(row.case_no)} was decided: "
                        f"{_outcome(row, words)}"
                    )
        self._known = decided
        return rows

    def on_store_changed(self, change: Change) -> None:
        """Read again when a committed write may have moved an escalation."""
        if change.kinds & ESCALATION_KINDS:
            self.refresh()


def _outcome(row: MyEscalation, words: Words) -> str:
    info = row.info
    if info.resolved_by is None:
        return "with the analysts" if row.status == "escalated" else f"{row.status}"
    action = words.action(info.resolution_action)
    return f"{action} by {words.person(info.resolved_by)}: {info.resolution_rationale}"
