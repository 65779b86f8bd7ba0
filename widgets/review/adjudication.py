"""View > Conflicts (leads): cases where decisions did not see each other.

The lead picks a case, sees its media (filtered, as everywhere), the standing decisions
side by side with who made them and why, and records an adjudication: a new event that
settles them all. It goes to the hub with the next sync.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.lifecycle import IllegalTransition
from app.domain.words import case_number
from app.imaging.pipeline import resolve_pipeline
from app.review.adjudication import Adjudication, Conflict
from app.review.reviewdesk import FormError
from widgets.review.case_view import CaseView
from widgets.shell.tasks import TaskRunner

COLUMNS = ("Who", "Decision", "Rationale", "When", "At the hub")
# The panel docks under the case: small minimums, three columns side by side.
MEDIA_MIN = (200, 60)
CASE_MIN = (240, 140)
TABLE_MIN_HEIGHT = 44
RATIONALE_HEIGHT = 40


class ConflictPanel(QWidget):
    """The lead's conflict queue and the adjudication form for the chosen case."""

    adjudicated = Signal(str)
    counted = Signal(int)  # cases in conflict, after every reload

    def __init__(
        self, desk: Adjudication, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictPanel")
        self.desk = desk
        self.conflict: Conflict | None = None
        self.cases = QListWidget()
        self.cases.setObjectName("conflictList")
        self.cases.setAccessibleName("Cases in conflict")
        self.cases.currentItemChanged.connect(self._chosen)
        self.case_view = CaseView(desk.store.blobs, runner)
        self.case_view.media.setMinimumSize(*MEDIA_MIN)
        self.case_view.fixed_minimum = QSize(*CASE_MIN)  # the picture shrinks, the dock fits
        self.decisions = QTableWidget(0, len(COLUMNS))
        self.decisions.setObjectName("standingDecisions")
        self.decisions.setHorizontalHeaderLabels(list(COLUMNS))
        self.decisions.setAccessibleName("Standing decisions")
        self.decisions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.decisions.setToolTip("The standing decisions this adjudication settles")
        self.decisions.verticalHeader().setVisible(False)
        self.action = QComboBox()
        self.action.setObjectName("adjudicationAction")
        self.rationale = QPlainTextEdit()
        self.rationale.setObjectName("adjudicationRationale")
        self.rationale.setPlaceholderText("Why this decision settles the case (10+ characters)")
        self.rationale.setTabChangesFocus(True)
        self.rationale.setFixedHeight(RATIONALE_HEIGHT)
        self.error = QLabel("")
        self.error.setObjectName("adjudicationError")
        self.record = QPushButton("Record adjudication")
        self.record.setObjectName("recordAdjudication")
        self.record.clicked.connect(self.submit)
        self._build()
        self.reload()

    def _build(self) -> None:
        choice = QHBoxLayout()  # decision and button on one line: the form fits a low dock
        choice.addWidget(QLabel("Decision"))
        choice.addWidget(self.action, 1)
        choice.addWidget(self.record)
        right = QVBoxLayout()
        right.addWidget(self.decisions, 1)
        right.addLayout(choice)
        right.addWidget(self.rationale)
        right.addWidget(self.error)
        self.decisions.setMinimumHeight(TABLE_MIN_HEIGHT)
        self.cases.setMinimumHeight(TABLE_MIN_HEIGHT)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.cases, 1)
        layout.addWidget(self.case_view, 2)
        layout.addLayout(right, 2)

    def reload(self) -> None:
        """Fill the queue again (after a sync brought new conflicts, say)."""
        chosen = self.conflict.detail.row.case_id if self.conflict else None
        self.cases.blockSignals(True)
        self.cases.clear()
        for row in self.desk.queue():
            title = f"{case_number(row.case_no)}  {row.title}"
            item = QListWidgetItem(f"{title} · severity {row.severity}")
            item.setData(256, row.case_id)
            self.cases.addItem(item)
            if row.case_id == chosen:
                self.cases.setCurrentItem(item)
        self.cases.blockSignals(False)
        if self.cases.currentItem() is None and self.cases.count():
            self.cases.setCurrentRow(0)
        elif self.cases.count() == 0:
            self._show(None)
        self.counted.emit(self.cases.count())

    def _chosen(self, item: QListWidgetItem | None, _previous: object) -> None:
        self._show(self.desk.conflict(item.data(256)) if item is not None else None)

    def _show(self, conflict: Conflict | None) -> None:
        self.conflict = conflict
        self.record.setEnabled(conflict is not None)
        self.decisions.setRowCount(0)
        self.action.clear()
        self.error.clear()
        if conflict is None:
            self.case_view.clear()
            return
        policy = self.desk.policies[conflict.detail.row.category]
        pipeline = resolve_pipeline(policy.filters, conflict.detail.row.severity)
        self.case_view.show_case(conflict.detail, policy, pipeline)
        for action in policy.actions:
            self.action.addItem(action.label, action.id)
        words = self.desk.words()
        for d in conflict.decisions:
            synced = "yes" if d.synced else "not yet"
            when = d.decided_at[:16].replace("T", " ")
            label = words.action(d.action, policy.id)
            self._add_row(words.person(d.actor), label, d.rationale, when, synced)

    def _add_row(self, *cells: str) -> None:
        row = self.decisions.rowCount()
        self.decisions.insertRow(row)
        for column, text in enumerate(cells):
            self.decisions.setItem(row, column, QTableWidgetItem(text))

    def submit(self) -> None:
        """Record the adjudication; problems are shown next to the form."""
        if self.conflict is None:
            return
        case_id = self.conflict.detail.row.case_id
        try:
            self.desk.adjudicate(case_id, self.action.currentData(), self.rationale.toPlainText())
        except FormError as exc:
            self.error.setText("; ".join(exc.problems.values()))
            return
        except IllegalTransition as exc:
            self.error.setText(str(exc))
            return
        self.rationale.clear()
        self.conflict = None
        self.adjudicated.emit(case_id)
        self.reload()
