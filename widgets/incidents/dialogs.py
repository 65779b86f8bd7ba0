"""The incident room's forms: declare, status update (Conditions / Actions / Needs),
role, post-mortem and action item. Each only collects values; the window runs the
command and shows what it refused (the field and the rule)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from app.incidents.severity import SeveritySet


class _Form(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)

    def finish(self) -> None:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)


class DeclareDialog(_Form):
    """Title, SEV (with its meaning), category, regions, commander, optional case number."""

    def __init__(
        self, severities: SeveritySet, categories: list[str], me: str, parent: QWidget | None
    ) -> None:
        super().__init__("Declare an incident", parent)
        self.title = QLineEdit()
        self.severity = QComboBox()
        for level in severities:
            self.severity.addItem(f"{level.name}: {level.meaning}", level.level)
        self.severity.setCurrentIndex(1)
        self.category = QComboBox()
        self.category.addItems(categories)
        self.regions = QLineEdit()
        self.regions.setPlaceholderText("comma-separated, e.g. EU, UK")
        self.commander = QLineEdit(me)
        self.case_no = QSpinBox()
        self.case_no.setRange(0, 2_000_000_000)
        self.case_no.setSpecialValueText("none (declare from nothing)")
        self.form.addRow("Title", self.title)
        self.form.addRow("Severity", self.severity)
        self.form.addRow("Category", self.category)
        self.form.addRow("Regions", self.regions)
        self.form.addRow("Commander", self.commander)
        self.form.addRow("From case #", self.case_no)
        self.finish()

    def region_list(self) -> list[str]:
        """The regions typed."""
        return [r.strip() for r in self.regions.text().split(",") if r.strip()]


class StatusUpdateDialog(_Form):
    """The Conditions / Actions / Needs template, with prompts from the severity."""

    def __init__(self, prompts: tuple[str, str, str], parent: QWidget | None) -> None:
        super().__init__("Status update", parent)
        self.conditions = QPlainTextEdit()
        self.done_and_doing = QPlainTextEdit()
        self.needs = QPlainTextEdit()
        edits = (self.conditions, self.done_and_doing, self.needs)
        for edit, prompt in zip(edits, prompts, strict=True):
            edit.setPlaceholderText(prompt)
            edit.setFixedHeight(70)
        self.form.addRow("Conditions", self.conditions)
        self.form.addRow("Actions", self.done_and_doing)
        self.form.addRow("Needs", self.needs)
        self.finish()


class RoleDialog(_Form):
    """A person and a role (a liaison's area)."""

    def __init__(self, people: list[str], parent: QWidget | None) -> None:
        super().__init__("Assign a role", parent)
        self.person = QComboBox()
        self.person.setEditable(True)
        self.person.addItems(people)
        self.role = QComboBox()
        self.role.addItems(["commander", "scribe", "analyst", "liaison"])
        self.area = QComboBox()
        self.area.addItem("(not a liaison)", None)
        for area in ("legal", "policy", "comms"):
            self.area.addItem(area, area)
        self.form.addRow("Person", self.person)
        self.form.addRow("Role", self.role)
        self.form.addRow("Liaison for", self.area)
        self.finish()


class PostMortemDialog(_Form):
    """What went well and badly, and one action item with its owner."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__("Post-mortem", parent)
        self.went_well, self.went_badly = QPlainTextEdit(), QPlainTextEdit()
        self.action, self.owner = QLineEdit(), QLineEdit()
        self.form.addRow(QLabel("The figures and the timeline are computed from the log."))
        self.form.addRow("Went well", self.went_well)
        self.form.addRow("Went badly", self.went_badly)
        self.form.addRow("Action item", self.action)
        self.form.addRow("Owner", self.owner)
        self.finish()
