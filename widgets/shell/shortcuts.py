"""The keyboard map and the `?` overlay that lists it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("N  /  Space", "claim the most urgent case you may work"),
    ("J  /  K", "browse the queue (read only, no lease)"),
    ("Q", "pick the queue to work (N then claims from it)"),
    ("Enter", "take the case you browsed to, if it is free"),
    ("1 … 9", "choose a decision action"),
    ("Tab", "move through subcategory, severity and the fields"),
    ("M", "mark evidence: a region or a video time range (filtered)"),
    ("Ctrl+Enter", "submit the decision; the next case is claimed"),
    ("Ctrl+Z", "undo the last decision (10 seconds)"),
    ("D", "decide the near-duplicates of the last case alike"),
    ("E", "escalate to an analyst"),
    ("S", "skip the case, with a reason"),
    ("R", "release the case back to the queue"),
    ("B", "take a break (media hidden)"),
    ("H  /  L", "analysts: history and notes  /  link a related case"),
    ("Ctrl+Shift+Enter", "analysts: add the typed note"),
    ("A", "leads: assign the case to a person"),
    ("O  (hold)", "lens: reveal around the cursor (or hold the right mouse button)"),
    ("V  (hold)", "reveal the whole item; re-filters on release or after 3 s"),
    ("T", "show masked terms in the text for a moment"),
    ("Esc", "safe screen: hide all media until Esc again"),
    ("P  /  ,  .", "video: play or pause  /  step a frame back or forward"),
    ("[  /  ]", "previous / next media item of the case"),
    ("Ctrl+wheel, drag", "zoom and pan (the filter stays on)"),
    ("?", "show or hide this list"),
)


class ShortcutOverlay(QWidget):
    """A translucent panel over the main window listing the shortcuts."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._host = parent
        self.setObjectName("shortcutOverlay")
        self.setAccessibleName("Keyboard shortcuts")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        rows = "".join(
            f"<tr><td><b>{k}</b></td><td>&nbsp;&nbsp;{v}</td></tr>" for k, v in SHORTCUTS
        )
        label = QLabel(f"<h2>Keyboard</h2><table>{rows}</table><p>Press ? or Esc to close.</p>")
        label.setObjectName("shortcutText")
        layout = QVBoxLayout(self)
        layout.addWidget(label, alignment=Qt.AlignmentFlag.AlignCenter)
        self.hide()

    def toggle(self) -> None:
        """Show over the whole parent, or hide."""
        if self.isVisible():
            self.hide()
            return
        self.setGeometry(self._host.rect())
        self.raise_()
        self.show()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Dim what is below."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(10, 12, 16, 225))
        painter.end()
