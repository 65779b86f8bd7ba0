"""The child-safety report packet form: what the analyst states; the rest (files, hashes,
who viewed what) comes from the case and the exposure log. No media is shown or opened.

Accepting builds and validates the packet (app/evidence/packets.py); a refusal is shown
in the dialog, naming the field. The packet can then be saved as JSON or XML.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.people import Reviewer
from app.evidence.packets import FileFacts, PacketError, PacketForm, build_packet, stored_packet
from app.evidence.schema import ReportSchema
from app.log.registry import registry
from app.log.store import LocalStore

CLASSES = ("A1", "A2", "B1", "B2")


class PacketDialog(QDialog):
    """Fill in and build one packet; `packet` holds it once built."""

    def __init__(
        self,
        store: LocalStore,
        who: Reviewer,
        case_id: str,
        files: list[tuple[str, str]],
        schema: ReportSchema,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("packetDialog")
        self.setWindowTitle("Child-safety report packet")
        self.store, self.who, self.case_id = store, who, case_id
        self.packet: dict[str, object] | None = None
        summary = schema.types["incidentSummary"]["properties"]
        self.incident_type = QComboBox()
        self.incident_type.addItems(summary["incidentType"]["enum"])
        self.incident_at = QLineEdit()
        self.incident_at.setPlaceholderText("2026-01-04T22:10:00Z")
        self.screen_name, self.esp_id, self.email = QLineEdit(), QLineEdit(), QLineEdit()
        self.victim = QLineEdit()
        self.victim.setPlaceholderText("victim details, if known (optional)")
        self.info = QPlainTextEdit()
        self.files: dict[str, tuple[QComboBox, QCheckBox]] = {}
        form = QFormLayout()
        form.addRow("Incident type", self.incident_type)
        form.addRow("Incident time", self.incident_at)
        form.addRow("Reported screen name", self.screen_name)
        form.addRow("Reported account id", self.esp_id)
        form.addRow("Reported email", self.email)
        form.addRow("Victim", self.victim)
        for sha, name in files:
            kind, public = QComboBox(), QCheckBox("publicly available")
            kind.addItems(CLASSES)
            self.files[sha] = (kind, public)
            form.addRow(f"{name} ({sha[:10]}…)", kind)
            form.addRow("", public)
        if not files:
            form.addRow(QLabel("No media: a text-only report."))
        form.addRow("Additional information", self.info)
        self.error = QLabel("")
        self.error.setObjectName("packetError")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Build packet")
        buttons.accepted.connect(self.build)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def form(self) -> PacketForm:
        """The answers as a PacketForm."""
        person = {
            key: field.text().strip()
            for key, field in (
                ("screenName", self.screen_name),
                ("espIdentifier", self.esp_id),
                ("email", self.email),
            )
            if field.text().strip()
        }
        victim = self.victim.text().strip()
        return PacketForm(
            incident_type=self.incident_type.currentText(),
            incident_at=self.incident_at.text().strip(),
            reported_person=person,
            files={
                sha: FileFacts(kind.currentText(), public=public.isChecked())
                for sha, (kind, public) in self.files.items()
            },
            victims=({"description": victim},) if victim else (),
            additional_info=self.info.toPlainText(),
        )

    def build(self) -> None:
        """Build and record the packet; stay open with the reason when refused."""
        try:
            record = build_packet(self.store, self.who, self.case_id, self.form(), "Veil team")
            built = registry().decode(record.kind, record.payload)
            self.packet = stored_packet(self.store, self.who, built.packet_id)
        except PacketError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
