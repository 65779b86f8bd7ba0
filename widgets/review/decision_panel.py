"""The decision form, generated from the case's policy: actions, subcategory, severity,
fields and evidence marks.

Number keys pick an action and put the cursor in the first field it still needs (or on
Submit), Tab walks the form in a ring (action, subcategory, severity, the text fields,
Submit, Escalate, Skip), Ctrl+Enter submits; validation messages sit next to the field
they are about, go as soon as the field is put right, and nothing is saved until the form
is valid (the core checks it again). An analyst's decision on an escalation is final and
says so at the top, with the escalation's reason.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.policies import SEVERITY, SUBCATEGORY, Policy
from app.domain.words import Words
from app.review.deciding import EVIDENCE, form_problems
from app.review.reviewdesk import EscalationInfo, describe_marks
from widgets.shell.fit import compact_combo
from widgets.shell.keyboard import FocusRing

Marks = list[dict[str, Any]]


class DecisionPanel(QWidget):
    """Emits `submitted(action, subcategory, fields)` when the reviewer submits."""

    submitted = Signal(str, object, dict)
    escalate_requested = Signal()
    skip_requested = Signal()
    mark_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionPanel")
        self.setAccessibleName("Decision")
        self.setMinimumWidth(300)
        self._policy: Policy | None = None
        self.words: Words | None = None  # the team's names for people and queues
        self._marks: Marks = []
        self._buttons = QButtonGroup(self)
        self._layout = QVBoxLayout(self)
        self._title = QLabel("No case open")
        self._title.setObjectName("panelTitle")
        self._title.setWordWrap(True)
        self._layout.addWidget(self._title)
        self._banner = QLabel("")
        self._banner.setObjectName("escalationBanner")
        self._banner.setWordWrap(True)
        self._banner.setVisible(False)
        self._layout.addWidget(self._banner)
        self._actions_box = QVBoxLayout()
        self._layout.addLayout(self._actions_box)
        self._form = QFormLayout()
        self._layout.addLayout(self._form)
        self._errors: dict[str, QLabel] = {}
        self._editors: dict[str, QPlainTextEdit] = {}
        self._subcategory = compact_combo(QComboBox())
        self._severity = compact_combo(QComboBox())
        self._marks_label = QLabel("")
        self._layout.addStretch(1)
        self._submit = QPushButton("Submit decision  (Ctrl+Enter)")
        self._submit.setObjectName("submitDecision")
        self._submit.clicked.connect(self.submit)
        self._escalate = QPushButton("Escalate to analyst  (E)")
        self._escalate.clicked.connect(self.escalate_requested)
        self._skip = QPushButton("Skip  (S)")
        self._skip.clicked.connect(self.skip_requested)
        row = QHBoxLayout()
        row.addWidget(self._escalate)
        row.addWidget(self._skip)
        self._layout.addWidget(self._submit)
        self._layout.addLayout(row)
        self.final = False
        self._heading = ""
        self._ring = FocusRing(self._tab_chain)
        self._buttons.idToggled.connect(lambda _n, _on: self._recheck())
        self.setEnabled(False)

    def set_policy(
        self,
        policy: Policy | None,
        read_only_reason: str = "",
        *,
        severity: int | None = None,
        escalation: EscalationInfo | None = None,
        final: bool = False,
    ) -> None:
        """Rebuild the form for a policy; None (or a reason) disables it."""
        self._policy = policy
        self.final = final and policy is not None and not read_only_reason
        self._clear()
        self._show_banner(escalation)
        if policy is None:
            self._title.setText(read_only_reason or "No case open")
            self.setEnabled(False)
            return
        heading = "Final decision" if self.final else "Decide"
        self._heading = read_only_reason or f"{heading}: {policy.name}"
        self._title.setText(self._heading)
        for n, action in enumerate(policy.actions):
            button = QRadioButton(f"{action.key}  {action.label}")
            button.setToolTip(action.description + _needs(action.requires))
            button.setProperty("action_id", action.id)
            self._buttons.addButton(button, n)
            self._actions_box.addWidget(button)
            _show_now(button, self)
        self._build_choices(policy, severity)
        for spec in policy.fields.values():
            editor = QPlainTextEdit()
            editor.setAccessibleName(spec.label)
            editor.setPlaceholderText(spec.help)
            editor.setTabChangesFocus(True)
            editor.setFixedHeight(70 if spec.id == "rationale" else 46)
            editor.textChanged.connect(self._recheck)
            self._editors[spec.id] = editor
            self._add_row(spec.id, spec.label, editor)
        self._add_row("marks", "Marks", self._marks_label)
        self._refresh_marks()
        self._subcategory.currentIndexChanged.connect(self._recheck)
        self._severity.currentIndexChanged.connect(self._recheck)
        self._escalate.setVisible(not self.final)
        self.setEnabled(not read_only_reason)

    def choose_action(self, key: str) -> bool:
        """Select the action bound to a number key; False when none is."""
        if self._policy is None or not self.isEnabled():
            return False
        for n, action in enumerate(self._policy.actions):
            if action.key == key:
                self._buttons.button(n).setChecked(True)
                self.focus_start()
                return True
        return False

    def focus_start(self) -> None:
        """Put the cursor where the form needs input next.

        No action yet: on the actions (number keys or arrows choose). An action: in the
        first field it still needs, or on Submit when it needs nothing more.
        """
        if not self.isEnabled():
            return
        reason = Qt.FocusReason.OtherFocusReason
        action = self._buttons.checkedButton()
        if action is None:
            first = self._buttons.button(0)
            if first is not None:
                first.setFocus(reason)
            return
        problems = self._problems()
        widgets = {SUBCATEGORY: self._subcategory, SEVERITY: self._severity, **self._editors}
        for name, widget in widgets.items():
            if name in problems:
                widget.setFocus(reason)
                return
        self._submit.setFocus(reason)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002
        """Tab and Shift+Tab walk the form's fields in a ring and never leave it."""
        return self._ring.step(self.focusWidget(), next) or super().focusNextPrevChild(next)

    def _tab_chain(self) -> list[QWidget]:
        action = self._buttons.checkedButton() or self._buttons.button(0)
        fields: list[QWidget] = [] if action is None else [action]
        fields += [self._subcategory, self._severity, *self._editors.values()]
        return [*fields, self._submit, self._escalate, self._skip]

    def chosen_action(self) -> str | None:
        """The selected action id, if any."""
        button = self._buttons.checkedButton()
        return None if button is None else str(button.property("action_id"))

    def set_field(self, name: str, text: str) -> None:
        """Fill a text field (tests, templates)."""
        self._editors[name].setPlainText(text)

    def editor(self, name: str) -> QPlainTextEdit:
        """The editor of a text field (focus, tests)."""
        return self._editors[name]

    def set_subcategory(self, key: str) -> None:
        """Pick a subcategory by id."""
        self._subcategory.setCurrentIndex(max(0, self._subcategory.findData(key)))

    def severity(self) -> int | None:
        """The severity the reviewer confirms (prefilled with the case's)."""
        value = self._severity.currentData()
        return None if value is None else int(value)

    def marks(self) -> Marks:
        """The evidence marks made on this case so far."""
        return list(self._marks)

    def set_marks(self, marks: Marks) -> None:
        """Replace the evidence marks (from the evidence dialog)."""
        self._marks = list(marks)
        self._refresh_marks()

    def submit(self) -> None:
        """Emit the form, or show 'choose an action'."""
        if not self.isEnabled():
            return
        action = self.chosen_action()
        if action is None:
            self.show_errors({"action": "Choose an action (number keys 1-9)"})
            return
        fields = {name: editor.toPlainText() for name, editor in self._editors.items()}
        self.submitted.emit(action, self._subcategory.currentData(), fields)

    def _problems(self) -> dict[str, str]:
        """What the core would refuse in the form as it stands (empty: no action chosen)."""
        action = self.chosen_action()
        if self._policy is None or action is None:
            return {}
        fields = {name: editor.toPlainText() for name, editor in self._editors.items()}
        if self._marks and not fields.get(EVIDENCE, "").strip():
            fields[EVIDENCE] = describe_marks(self._marks)
        return form_problems(
            self._policy,
            self._policy.action(action).requires,
            fields,
            self._subcategory.currentData(),
            self.severity(),
            final=self.final,
        )

    def _recheck(self) -> None:
        """Take away each shown message whose field is now right (new ones wait for Submit)."""
        shown = {name for name, label in self._errors.items() if label.isVisible()}
        if not shown and not self._title.text().startswith("⚠"):
            return
        problems = self._problems()
        for name in shown - set(problems):
            self._errors[name].setText("")
            self._errors[name].setVisible(False)
        if self.chosen_action() is not None and self._title.text().startswith("⚠"):
            self._title.setText(self._heading)

    def show_errors(self, problems: dict[str, str]) -> None:
        """Put each message next to its field (or under the title for the action)."""
        for name, label in self._errors.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)
        if "action" in problems:
            self._title.setText(f"⚠ {problems['action']}")

    def errors(self) -> dict[str, str]:
        """The messages currently shown (tests)."""
        return {n: lbl.text() for n, lbl in self._errors.items() if lbl.text()}

    # --- building -------------------------------------------------------------------

    def _build_choices(self, policy: Policy, severity: int | None) -> None:
        self._subcategory.addItem("(choose)", None)
        for key, name in policy.subcategories.items():
            self._subcategory.addItem(name, key)
        self._add_row(SUBCATEGORY, "Subcategory", self._subcategory)
        for level, label in policy.severity_labels.items():
            self._severity.addItem(f"{level} — {label}", level)
        self._severity.setCurrentIndex(max(0, self._severity.findData(severity)))
        self._add_row(SEVERITY, "Severity", self._severity)

    def _show_banner(self, escalation: EscalationInfo | None) -> None:
        if escalation is None:
            self._banner.setVisible(False)
            return
        words = self.words
        by, queue = escalation.by, escalation.from_queue
        if words is not None:
            by, queue = words.person(by), words.queue(queue)
        text = (
            f"Escalated by {by} (severity {escalation.severity}) from {queue}: {escalation.reason}"
        )
        if escalation.resolved_by:
            resolved_by, action = escalation.resolved_by, escalation.resolution_action
            if words is not None:
                resolved_by, action = words.person(resolved_by), words.action(action)
            text += f"\nDecided by {resolved_by}: {action} — {escalation.resolution_rationale}"
        elif self.final:
            text += "\nYour decision closes the escalation; give a rationale."
        self._banner.setText(text)
        self._banner.setVisible(True)

    def _refresh_marks(self) -> None:
        if self._marks:
            self._marks_label.setText(f"{describe_marks(self._marks)}  (M to change)")
        else:
            self._marks_label.setText("none  (M marks a region or a time range)")

    def _add_row(self, name: str, label: str, editor: QWidget) -> None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(editor)
        error = QLabel("")
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.setVisible(False)
        error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(error)
        self._errors[name] = error
        self._form.addRow(label, box)
        _show_now(box, self)

    def _clear(self) -> None:
        for button in self._buttons.buttons():
            self._buttons.removeButton(button)
            button.deleteLater()
        while self._form.rowCount():
            self._form.removeRow(0)
        self._subcategory = QComboBox()
        self._subcategory.setAccessibleName("Subcategory")
        self._severity = QComboBox()
        self._severity.setAccessibleName("Severity")
        self._marks_label = QLabel("")
        self._marks_label.setWordWrap(True)
        self._marks = []
        self._errors.clear()
        self._editors.clear()


def _show_now(widget: QWidget, panel: QWidget) -> None:
    """Show a field added to the shown form at once (Qt would a moment later), so the
    cursor can be put in it right away."""
    if panel.isVisible():
        widget.show()


def _needs(requires: tuple[str, ...]) -> str:
    return f"\nRequires: {', '.join(requires)}" if requires else ""
