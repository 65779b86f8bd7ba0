"""Blind re-review: decide first, then see the original, then give a verdict.

The window never holds the original decision before the auditor's own call is recorded:
it asks `BlindReview.original()` only after `record_call()` succeeded, and the core
refuses before that anyway. The list names no reviewer and no action.

By keyboard: arrows pick a drawn decision in the list, Enter goes to your decision, 1-9
choose an action, Ctrl+Enter records it; then arrows choose Agree or Disagree (1-9 pick
the correction and mean Disagree), Ctrl+Enter submits the verdict and the cursor is back
in the list; Esc goes back to the list at any step.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.words import Words, case_number
from app.log.store import LocalStore
from app.qa.blind import AuditItem, BlindReview, OriginalDecision
from app.qa.people import team_words
from app.review.reviewdesk import AccessDenied, FormError
from widgets.qa.case import ActionPicker, CaseContentView
from widgets.shell.fit import fit_window
from widgets.shell.tasks import TaskRunner

STAGES = {"blind": "to review", "verdict": "verdict due", "done": "done"}
REASONS = {
    "random": "random draw",
    "highest_severity": "highest severity",
    "escalation": "escalation",
}
DecisionRole = Qt.ItemDataRole.UserRole + 1


class BlindReviewWindow(QWidget):
    """The lead's QA work list with the blind re-review flow for the selected item."""

    call_recorded = Signal(str)
    verdict_submitted = Signal(str)

    def __init__(self, desk: BlindReview, store: LocalStore, runner: TaskRunner) -> None:
        super().__init__()
        self.setObjectName("blindReview")
        self.setWindowTitle("Veil — QA blind re-review")
        self.desk = desk
        self.words: Words = team_words(store, desk.policies)
        self.current: str | None = None
        self.original: OriginalDecision | None = None
        policies = desk.policies
        self.items = QListWidget()
        self.items.setAccessibleName("Decisions drawn for QA")
        self.items.setWordWrap(True)
        self.items.setAlternatingRowColors(True)
        self.items.currentItemChanged.connect(self._on_pick)
        self.case = CaseContentView(store, policies, desk.auditor, runner)
        self.own = ActionPicker(policies, "Your decision, made before you see the original:")
        self.record = QPushButton("Record my decision")
        self.record.clicked.connect(self.record_call)
        self.original_box = QGroupBox("2. The original decision")
        self.original_text = QLabel("Hidden until you record your own decision.")
        self.original_text.setObjectName("originalDecision")
        self.original_text.setWordWrap(True)
        self.agree = QRadioButton("Agree")
        self.disagree = QRadioButton("Disagree: it should have been")
        self.correction = ActionPicker(policies)
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Verdict note")
        self.note.setPlaceholderText("Why (required when you disagree; the reviewer reads it)")
        self.note.setMaximumHeight(80)
        self.submit = QPushButton("Submit verdict")
        self.submit.clicked.connect(self.submit_verdict)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self._build()
        self._keys()
        self.reload()
        self.items.setFocus()

    # --- flow -----------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        """Refill the work list (open items first), keeping or choosing a selection."""
        self.items.blockSignals(True)
        self.items.clear()
        for item in self.desk.worklist(include_done=False):
            self.items.addItem(_list_item(item))
        self.items.blockSignals(False)
        self._set_stage(None)
        if self.items.count() == 0:
            self.case.clear("Nothing to audit: every drawn decision has a verdict.")
            return
        row = next(
            (
                i
                for i in range(self.items.count())
                if self.items.item(i).data(DecisionRole) == select
            ),
            0,
        )
        self.items.setCurrentRow(row)

    def record_call(self) -> None:
        """Record the auditor's own call; only then fetch and show the original."""
        if self.current is None:
            return
        policy, action = self.own.choice()
        if action is None:
            self.error.setText("Choose an action first.")
            return
        try:
            self.desk.record_call(self.current, policy, action)
        except (FormError, AccessDenied, KeyError) as exc:
            self.error.setText(str(exc))
            return
        self.call_recorded.emit(self.current)
        self._reveal(self.current)
        self.focus_stage()

    def submit_verdict(self) -> None:
        """Agree, or disagree with a correction and a note."""
        if self.current is None or self.original is None:
            return
        if not (self.agree.isChecked() or self.disagree.isChecked()):
            self.error.setText("Choose Agree or Disagree.")
            return
        policy, action = self.correction.choice()
        try:
            self.desk.submit_verdict(
                self.current, self.agree.isChecked(), policy, action, self.note.toPlainText()
            )
        except (FormError, AccessDenied, KeyError) as exc:
            self.error.setText(str(exc))
            return
        done = self.current
        self.verdict_submitted.emit(done)
        self.reload()
        self.items.setFocus()

    def stage(self) -> str | None:
        """'blind' (your call is due), 'verdict', or None (nothing open)."""
        if self.record.isEnabled():
            return "blind"
        return "verdict" if self.submit.isEnabled() else None

    def focus_stage(self) -> None:
        """Cursor where the open step needs input: your action, or Agree/Disagree."""
        stage = self.stage()
        if stage == "blind":
            self.own.focus_action()
        elif stage == "verdict":
            (self.disagree if self.disagree.isChecked() else self.agree).setFocus()

    def ctrl_enter(self) -> None:
        """Record your call (blind step) or submit the verdict (verdict step)."""
        if self.stage() == "blind":
            self.record_call()
        elif self.stage() == "verdict":
            self.submit_verdict()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """1-9 choose an action of the open step (a list or text field keeps its digits)."""
        text = event.text()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if plain and len(text) == 1 and text in "123456789":
            if self.stage() == "blind" and self.own.choose_key(text):
                return
            if self.stage() == "verdict" and self.correction.choose_key(text):
                self.disagree.setChecked(True)
                return
        super().keyPressEvent(event)

    # --- internals ------------------------------------------------------------------

    def _keys(self) -> None:
        self.items.itemActivated.connect(lambda _item: self.focus_stage())
        for keys, run in (
            (("Ctrl+Return", "Ctrl+Enter"), self.ctrl_enter),
            (("Escape",), self.items.setFocus),
        ):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.activated.connect(run)
        self.record.setText("Record my decision  (Ctrl+Enter)")
        self.submit.setText("Submit verdict  (Ctrl+Enter)")

    def _on_pick(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is None:
            return
        decision_event_id = str(item.data(DecisionRole))
        try:
            content = self.desk.open(decision_event_id)
        except (AccessDenied, KeyError) as exc:
            QMessageBox.warning(self, "Cannot open", str(exc))
            return
        self.current = decision_event_id
        self.case.show_content(content)
        self.own.set_choice(content.category)
        self.correction.set_choice(content.category)
        own = self.desk.own_call(decision_event_id)
        if own is None:
            self._set_stage("blind")
        else:
            self._reveal(decision_event_id)

    def _reveal(self, decision_event_id: str) -> None:
        self.original = self.desk.original(decision_event_id)
        o = self.original
        fields = "; ".join(f"{k}: {v}" for k, v in o.fields.items() if k != "rationale")
        words = self.words
        sub = words.subcategory(o.policy, o.subcategory)
        self.original_text.setText(
            f"{words.person(o.reviewer)} decided <b>{words.action(o.action, o.policy)}</b> "
            f"under {words.policy(o.policy)}{' (' + sub + ')' if sub else ''} "
            f"at {o.decided_at[:16].replace('T', ' ')}."
            f"<br>Rationale: {o.rationale or '(none)'}{'<br>' + fields if fields else ''}"
        )
        own = self.desk.own_call(decision_event_id)
        if own is not None:
            self.correction.set_choice(own.policy, own.action)
            agrees = (own.policy, own.action) == (o.policy, o.action)
            (self.agree if agrees else self.disagree).setChecked(True)
        self._set_stage("verdict")

    def _set_stage(self, stage: str | None) -> None:
        """Enable what the stage allows; before the verdict stage the original is blank."""
        blind = stage == "blind"
        self.error.setText("")
        self.own.setEnabled(blind)
        self.record.setEnabled(blind)
        verdict = stage == "verdict"
        self.original_box.setEnabled(verdict)
        for widget in (self.agree, self.disagree, self.correction, self.note, self.submit):
            widget.setEnabled(verdict)
        if not verdict:
            self.original = None
            self.original_text.setText("Hidden until you record your own decision.")
            self.note.clear()

    def _build(self) -> None:
        step1 = QGroupBox("1. Your decision")
        one = QVBoxLayout(step1)
        one.addWidget(self.own)
        one.addWidget(self.record)
        two = QVBoxLayout(self.original_box)
        two.addWidget(self.original_text)
        step3 = QGroupBox("3. Verdict")
        three = QVBoxLayout(step3)
        for widget in (self.agree, self.disagree, self.correction, self.note, self.submit):
            three.addWidget(widget)
        side = QWidget()
        right = QVBoxLayout(side)
        for part in (step1, self.original_box, step3, self.error):
            right.addWidget(part)
        right.addStretch(1)
        # The three steps scroll on a short screen: they never set the window's height.
        steps = QScrollArea()
        steps.setWidgetResizable(True)
        steps.setFrameShape(QScrollArea.Shape.NoFrame)
        steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        steps.setWidget(side)
        steps.setMinimumWidth(
            side.sizeHint().width() + steps.verticalScrollBar().sizeHint().width()
        )
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.items)
        splitter.addWidget(self.case)
        splitter.addWidget(steps)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 600, 360])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        fit_window(self, 1320, 820)  # cut down to the screen

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Count the time the last item's media was on screen."""
        self.case.record_view()
        super().closeEvent(event)


def _list_item(item: AuditItem) -> QListWidgetItem:
    why = REASONS.get(item.reason, item.reason)
    title = f"{case_number(item.case_no)}  {item.title}"
    text = f"{title}\n{why} · {STAGES[item.stage]} · drawn {item.assigned_at[:10]}"
    entry = QListWidgetItem(text)
    entry.setData(DecisionRole, item.decision_event_id)
    return entry
