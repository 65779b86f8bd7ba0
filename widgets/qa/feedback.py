"""A reviewer's QA feedback: their audited decisions, the verdicts and the notes."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.words import Words
from app.qa.feedback import Feedback
from widgets.shell.fit import fit_window

HEADERS = ("Case", "Decided", "Your decision", "Verdict", "Should have been", "Note", "Audited")


class FeedbackDialog(QDialog):
    """Every finished audit of the reviewer's own decisions, newest first."""

    def __init__(self, feedback: Feedback, words: Words, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qaFeedback")
        self.setWindowTitle("My QA feedback")
        rate = feedback.agreement
        if rate.value is None:
            summary = "None of your decisions has been audited yet."
        else:
            summary = (
                f"QA agreed with {rate.value:.0%} of your audited decisions "
                f"({rate.hits} of {rate.total})."
            )
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(len(feedback.items), len(HEADERS))
        self.table.setObjectName("feedbackTable")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, item in enumerate(feedback.items):
            better = (
                ""
                if item.agreed
                else _decision(words, item.corrected_action, item.corrected_policy)
            )
            cells = (
                item.title,
                item.decided_at[:16],
                _decision(words, item.your_action, item.policy),
                "agree" if item.agreed else "disagree",
                better,
                item.note,
                item.verdict_at[:16],
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        fit_window(self, 1000, 480)  # cut down to the screen


def _decision(words: Words, action: str, policy: str) -> str:
    return f"{words.action(action, policy)} ({words.policy(policy)})"
