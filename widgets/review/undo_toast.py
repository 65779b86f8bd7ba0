"""The undo toast: 'Decision saved · Ctrl+Z to undo (9 s)', for UNDO_SECONDS after a decision."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.review.reviewdesk import UNDO_SECONDS


class UndoToast(QWidget):
    """A strip at the bottom of the window; `undo_requested` when clicked or on Ctrl+Z."""

    undo_requested = Signal()
    expired = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._host = parent
        self.setObjectName("undoToast")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.label = QLabel("")
        self.label.setObjectName("undoText")
        self.button = QPushButton("Undo  (Ctrl+Z)")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.undo_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 6, 8, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self._left = 0
        self._text = ""
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self.hide()

    @property
    def armed(self) -> bool:
        """Whether undo is still possible."""
        return self._left > 0

    def show_for(self, text: str) -> None:
        """Show `text` with a countdown of UNDO_SECONDS."""
        self._text = text
        self._left = UNDO_SECONDS
        self._render()
        self._place()
        self.show()
        self.raise_()
        self._timer.start()

    def dismiss(self) -> None:
        """Hide now; undo is no longer offered."""
        self._left = 0
        self._timer.stop()
        self.hide()

    def _tick(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self.dismiss()
            self.expired.emit()
            return
        self._render()

    def _render(self) -> None:
        self.label.setText(f"{self._text}  ·  undo possible for {self._left} s")

    def _place(self) -> None:
        parent = self._host
        width = min(640, parent.width() - 40)
        self.setFixedWidth(width)
        self.adjustSize()
        self.move((parent.width() - width) // 2, parent.height() - self.height() - 40)
