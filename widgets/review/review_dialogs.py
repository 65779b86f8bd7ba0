"""Small dialogs of the review loop: skip with a reason, assign to a person, team rules.

Every one works from the keyboard: number keys pick a listed reason, Tab moves, Return
confirms and Esc cancels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.wellbeing.rotation import WellbeingRules

OTHER = "Other (say why)"


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class SkipDialog(QDialog):
    """Why this case is skipped: a listed reason (number keys) or free text."""

    def __init__(self, reasons: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("skipDialog")
        self.setWindowTitle("Skip this case")
        self.reasons = QListWidget()
        self.reasons.setAccessibleName("Skip reason")
        for n, reason in enumerate([*reasons, OTHER], start=1):
            self.reasons.addItem(f"{n}  {reason}")
        self.reasons.setCurrentRow(0)
        self.other = QLineEdit()
        self.other.setPlaceholderText("Why (for 'Other')")
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("It goes back to the queue for someone else."))
        layout.addWidget(self.reasons)
        layout.addWidget(self.other)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Skip"))
        self._labels = [*reasons, OTHER]

    def reason(self) -> str:
        """The chosen reason, '' when 'Other' has no text."""
        chosen = self._labels[max(0, self.reasons.currentRow())]
        return self.other.text().strip() if chosen == OTHER else chosen

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Number keys pick a reason (unless typing in the text box)."""
        text = event.text()
        if text.isdigit() and 1 <= int(text) <= len(self._labels) and not self.other.hasFocus():
            self.reasons.setCurrentRow(int(text) - 1)
            if self._labels[int(text) - 1] == OTHER:
                self.other.setFocus()
            return
        super().keyPressEvent(event)

    def accept(self) -> None:
        """Refuse an empty reason."""
        if not self.reason():
            self.error.setText("Say why you skip it.")
            self.other.setFocus()
            return
        super().accept()


class AssignDialog(QDialog):
    """A lead hands the case to a person who may work its queue."""

    def __init__(self, people: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assignDialog")
        self.setWindowTitle("Assign to a person")
        self.person = QComboBox()
        for username, label in people:
            self.person.addItem(label, username)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why this person (optional)")
        form = QFormLayout(self)
        form.addRow("Person", self.person)
        form.addRow("Reason", self.reason)
        form.addRow(_buttons(self, "Assign"))

    def username(self) -> str:
        """The chosen user name."""
        return str(self.person.currentData())


class LinkDialog(QDialog):
    """An analyst links another case, typed by its number (`#1042` or `1042`), as related."""

    def __init__(
        self,
        case_no: int,
        describe: Callable[[int], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("linkDialog")
        self.setWindowTitle(f"Link #{case_no} to a related case")
        self._own = case_no
        self._describe = describe
        self.number = QLineEdit()
        self.number.setAccessibleName("Case number")
        self.number.setPlaceholderText("#1042 or 1042")
        self.found = QLabel("")
        self.found.setObjectName("linkedCase")
        self.found.setWordWrap(True)
        self.number.textChanged.connect(self._look_up)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("How they are related")
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        form = QFormLayout(self)
        form.addRow(QLabel(f"Case #{case_no} is related to:"))
        form.addRow("Case #", self.number)
        form.addRow("", self.found)
        form.addRow("Reason", self.reason)
        form.addRow(self.error)
        form.addRow(_buttons(self, "Link"))

    def case_no(self) -> int | None:
        """The typed case number, None when the text is not one."""
        return parse_case_no(self.number.text())

    def _look_up(self, text: str) -> None:
        self.error.setText("")
        number = parse_case_no(text)
        if number is None:
            self.found.setText("" if not text.strip() else "Type a case number, like #1042.")
            return
        self.found.setText(self._describe(number) or f"There is no case #{number}.")

    def accept(self) -> None:
        """Refuse what is not a case number, or this case itself."""
        number = self.case_no()
        if number is None:
            self.error.setText("Type the other case's number, like #1042 or 1042.")
        elif number == self._own:
            self.error.setText("A case cannot be linked to itself.")
        else:
            super().accept()
            return
        self.number.setFocus()


def parse_case_no(text: str) -> int | None:
    """`#1042`, `1042` or ` # 1042 ` as 1042; None for anything else."""
    digits = text.strip().removeprefix("#").strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) > 18:
        return None
    number = int(digits)
    return number if number > 0 else None


class RulesDialog(QDialog):
    """A lead sets the team's rotation and break rules."""

    def __init__(self, rules: WellbeingRules, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rulesDialog")
        self.setWindowTitle("Breaks and rotation")
        self.spins: dict[str, QSpinBox] = {}
        form = QFormLayout(self)
        for name, label, low, high in (
            ("rotation_after", "Calmer case after N intense cases in a row", 1, 100),
            ("high_severity", "Intense from severity", 1, 10),
            ("sla_allowance_minutes", "Minutes one case takes (rotation safety)", 0, 240),
            ("break_after_minutes", "Break reminder after minutes of work", 5, 600),
            ("break_after_graphic_items", "…or after graphic items", 1, 1000),
            ("break_minutes", "Break length in minutes", 1, 120),
        ):
            spin = QSpinBox()
            spin.setRange(low, high)
            spin.setValue(int(getattr(rules, name)))
            self.spins[name] = spin
            form.addRow(label, spin)
        self.mandatory = QCheckBox("Breaks are mandatory (media stays hidden until it ends)")
        self.mandatory.setChecked(rules.break_mandatory)
        form.addRow(self.mandatory)
        form.addRow(_buttons(self, "Save for the team"))

    def values(self) -> dict[str, object]:
        """The settings as team.setting expects them."""
        out: dict[str, object] = {name: spin.value() for name, spin in self.spins.items()}
        out["break_mandatory"] = self.mandatory.isChecked()
        return out
