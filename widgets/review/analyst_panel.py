"""The analyst workspace beside a case: its history as a timeline, notes and related cases.

The timeline is the case's event log in words (who saw what and through which filters,
reveals, decisions, notes). Enter on a decision with evidence marks shows them on the
filtered media. Shown by H, it puts the cursor in the note; Tab walks note, Add, Link,
history, notes and related cases in a ring.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.words import case_number
from app.review.analyst import MAX_NOTE
from app.review.kinds import evidence_marks
from app.review.reviewdesk import AccessDenied, FormError, ReviewDesk
from widgets.shell.keyboard import FocusRing

MarksRole = Qt.ItemDataRole.UserRole + 1  # a timeline line's evidence marks


class CaseHistoryPanel(QWidget):
    """Timeline, notes and links of the case on screen."""

    evidence_requested = Signal(list)
    link_requested = Signal()
    changed = Signal()

    def __init__(self, desk: ReviewDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseHistory")
        self.setAccessibleName("Case history")
        self.desk = desk
        self.case_id: str | None = None
        self.timeline = QListWidget()
        self.timeline.setAccessibleName("Timeline")
        self.timeline.setWordWrap(True)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline.setSpacing(2)
        self.timeline.itemActivated.connect(self._activated)
        self.notes = QListWidget()
        self.notes.setAccessibleName("Notes")
        self.notes.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("New note")
        self.note.setPlaceholderText("Investigation note (Ctrl+Shift+Enter adds it)")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(60)
        self.add = QPushButton("Add note  (Ctrl+Shift+Enter)")
        self.add.clicked.connect(self.add_note)
        self.links = QListWidget()
        self.links.setAccessibleName("Related cases")
        self.link = QPushButton("Link a related case…  (L)")
        self.link.clicked.connect(self.link_requested)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("History"))
        layout.addWidget(self.timeline, 3)
        layout.addWidget(QLabel("Notes"))
        layout.addWidget(self.notes, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.add)  # one under the other: the form's column stays narrow
        layout.addWidget(self.link)
        layout.addWidget(self.error)
        layout.addWidget(QLabel("Related cases"))
        layout.addWidget(self.links, 1)
        self._note_problem = False
        self.note.textChanged.connect(self._note_changed)
        self._ring = FocusRing(
            lambda: (self.note, self.add, self.link, self.timeline, self.notes, self.links)
        )

    def focus_start(self) -> None:
        """Put the cursor in the note field."""
        self.note.setFocus(Qt.FocusReason.OtherFocusReason)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002
        """Tab and Shift+Tab stay in the panel."""
        return self._ring.step(self.focusWidget(), next) or super().focusNextPrevChild(next)

    def _note_changed(self) -> None:
        """A note's message goes as soon as the note could be added."""
        text = self.note.toPlainText().strip()
        if self._note_problem and 0 < len(text) <= MAX_NOTE:
            self._note_problem = False
            self.error.setText("")

    def set_case(self, case_id: str | None) -> None:
        """Show a case's history (None clears)."""
        self.case_id = case_id
        self.refresh()

    def refresh(self) -> None:
        """Read the history, notes and links again."""
        for widget in (self.timeline, self.notes, self.links):
            widget.clear()
        self.error.setText("")
        if self.case_id is None:
            return
        try:
            entries = self.desk.history(self.case_id)
        except (AccessDenied, KeyError) as exc:
            self.error.setText(str(exc))
            return
        words = self.desk.words()
        for entry in entries:
            when = entry.at[5:16].replace("T", " ")
            who = words.person(entry.actor)
            item = QListWidgetItem(f"{when} · {who} · {entry.label}\n{entry.text}")
            marks = evidence_marks(entry.typed)
            item.setData(MarksRole, marks)
            if marks:
                item.setToolTip("Enter shows the evidence marks on the filtered media")
            self.timeline.addItem(item)
        for note in self.desk.notes(self.case_id):
            self.notes.addItem(
                f"{note.created_at[5:16].replace('T', ' ')} {words.person(note.actor)}: {note.body}"
            )
        for link in self.desk.links(self.case_id):
            number = case_number(link.case_no) if link.case_no else link.case_id[:8]
            self.links.addItem(f"{number} {link.title} ({link.status}) — {link.reason}")

    def add_note(self) -> None:
        """Save the typed note as a note.added event."""
        if self.case_id is None:
            return
        try:
            self.desk.add_note(self.case_id, self.note.toPlainText())
        except FormError as exc:
            self.error.setText(exc.problems.get("note", str(exc)))
            self._note_problem = True
            return
        self.note.clear()
        self.refresh()
        self.changed.emit()

    def _activated(self, item: QListWidgetItem) -> None:
        marks = item.data(MarksRole) or []
        if marks:
            self.evidence_requested.emit(list(marks))
