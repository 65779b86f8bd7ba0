"""Help > About Veil: the version, and where the data and the log file are (for support)."""

from __future__ import annotations

import html
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.log.logs import log_path


def veil_version() -> str:
    """The installed version, or a plain note when running from an uninstalled tree."""
    try:
        return version("veil")
    except PackageNotFoundError:
        return "unknown (not installed as a package)"


class AboutDialog(QDialog):
    """What a support request needs: version, data dir, log file (selectable text)."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Veil")
        self.log_file = log_path(data_dir)
        self.text = QLabel(self._describe(data_dir))
        self.text.setObjectName("aboutText")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        folder = buttons.addButton("Open log folder", QDialogButtonBox.ButtonRole.ActionRole)
        folder.clicked.connect(self.open_log_folder)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _describe(self, data_dir: Path) -> str:
        rows = (
            ("Version", veil_version()),
            ("Data folder", str(data_dir)),
            ("Log file", str(self.log_file)),
        )
        table = "".join(
            f"<tr><td><b>{name}</b>&nbsp;&nbsp;</td><td>{html.escape(value)}</td></tr>"
            for name, value in rows
        )
        return (
            "<h2>Veil</h2><p>Case review with wellbeing filters.</p>"
            f"<table>{table}</table>"
            "<p>Warnings and errors are written to the log file. "
            "Attach it when you report a problem.</p>"
        )

    def open_log_folder(self) -> None:
        """Show the log folder in the desktop's file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_file.parent)))
