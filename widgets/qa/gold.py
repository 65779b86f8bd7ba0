"""Gold sets: mark decided cases with the expected decision, see copies and accuracy.

Copies of gold cases are mixed into queues by the QA draw (see app/qa/gold_mixing.py);
reviewers cannot tell them from other cases. Accuracy is per policy over the last weeks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.words import words_for
from app.log.store import LocalStore
from app.qa.dataset import Scope, read_snapshot
from app.qa.gold_sets import GoldSets, gold_score
from app.review.reviewdesk import FormError
from widgets.qa.case import ActionPicker
from widgets.shell.fit import fit_window

SCORE_DAYS = 28
IdRole = Qt.ItemDataRole.UserRole + 1


class GoldSetDialog(QDialog):
    """The gold set: what is in it, how often it was served, how the team scores."""

    changed = Signal()

    def __init__(
        self,
        gold: GoldSets,
        store: LocalStore,
        run_mix: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("goldSets")
        self.setWindowTitle("Gold sets")
        self._gold = gold
        self.words = words_for(gold.policies)
        self._store = store
        self._run_mix = run_mix
        self.entries = _table(("Case", "Policy", "Expected", "Copies served", "Active", "Note"))
        self.candidates = _table(("Decided case", "Policy", "Decided as", "When"))
        self.candidates.currentCellChanged.connect(self._on_candidate)
        self.expected = ActionPicker(gold.policies, "Expected decision:")
        self.expected.policy.setEnabled(False)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Why this is the right call (shown to leads only)")
        self.score = QLabel("")
        self.score.setWordWrap(True)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        mark = QPushButton("Mark as gold")
        mark.clicked.connect(self.mark_selected)
        remove = QPushButton("Remove from gold set")
        remove.clicked.connect(self.remove_selected)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Gold cases"))
        layout.addWidget(self.entries)
        layout.addWidget(remove, alignment=Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.score)
        layout.addWidget(QLabel("Add: pick a decided case, then its expected decision"))
        row = QHBoxLayout()
        row.addWidget(self.candidates, 2)
        side = QVBoxLayout()
        side.addWidget(self.expected)
        side.addWidget(self.note)
        side.addWidget(mark)
        side.addWidget(self.error)
        side.addStretch(1)
        row.addLayout(side, 1)
        layout.addLayout(row)
        fit_window(self, 1000, 760)  # cut down to the screen
        self.reload()

    def reload(self) -> None:
        """Refill both tables and the accuracy line."""
        self.entries.setRowCount(0)
        for e in self._gold.entries():
            expected = self.words.action(e.expected_action, e.policy)
            _append(self.entries, e.case_id, (e.title, self.words.policy(e.policy), expected,
                                              str(e.copies), "yes" if e.active else "no",
                                              e.note))  # fmt: skip
        self.candidates.setRowCount(0)
        for c in self._gold.candidates():
            decided = self.words.action(c.decided_action, c.policy)
            cells = (c.title, self.words.policy(c.policy), decided, c.updated_at[:16])
            _append(self.candidates, c.case_id, cells)
        self.score.setText(self._score_text())

    def mark_selected(self) -> None:
        """Mark the chosen case with the chosen action."""
        row = self.candidates.currentRow()
        policy, action = self.expected.choice()
        if row < 0 or action is None:
            self.error.setText("Pick a case and its expected action.")
            return
        case_id = str(_cell(self.candidates, row, 0).data(IdRole))
        try:
            self._gold.mark(case_id, action, self.note.text())
        except (FormError, KeyError) as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        self.note.clear()
        self.reload()
        self.changed.emit()
        self._run_mix()

    def remove_selected(self) -> None:
        """Take the chosen gold case out of the set."""
        row = self.entries.currentRow()
        if row < 0:
            return
        self._gold.unmark(str(_cell(self.entries, row, 0).data(IdRole)))
        self.reload()
        self.changed.emit()

    def _on_candidate(self, row: int, *_: int) -> None:
        if row < 0:
            return
        self.expected.set_choice(_cell(self.candidates, row, 1).text())

    def _score_text(self) -> str:
        today = datetime.now(UTC).date()
        scope = Scope.days(today - timedelta(days=SCORE_DAYS - 1), today)
        with read_snapshot(self._store.engine) as cur:
            score = gold_score(cur, scope)
        if not score.overall.total:
            return f"No decisions on gold cases in the last {SCORE_DAYS} days."
        parts = [
            f"{self.words.policy(p)}: {r.value:.0%} ({r.hits}/{r.total})"
            for p, r in score.by_policy.items()
        ]
        overall = score.overall
        return (
            f"Accuracy on gold, last {SCORE_DAYS} days: {overall.value:.0%} "
            f"({overall.hits}/{overall.total}) · " + " · ".join(parts)
        )


def _table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def _append(table: QTableWidget, case_id: str, cells: tuple[str, ...]) -> None:
    row = table.rowCount()
    table.insertRow(row)
    for column, text in enumerate(cells):
        item = QTableWidgetItem(text)
        if column == 0:
            item.setData(IdRole, case_id)
        table.setItem(row, column, item)


def _cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """A filled cell; every row of these tables is filled whole when it is added."""
    item = table.item(row, column)
    assert item is not None, f"no cell at {row}, {column}"
    return item
