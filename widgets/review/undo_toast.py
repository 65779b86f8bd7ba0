"""The undo toast: 'Saved: Remove on #1042 · 9 s left  [Undo]', for UNDO_SECONDS after a decision.

It floats over the bottom of the media pane (its anchor), where it hides no control: never
over the form's Submit and Escalate buttons. The text is elided to the room there; the
countdown and the Undo button always show in full.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from app.review.reviewdesk import UNDO_SECONDS

MAX_WIDTH = 560
MARGIN = 12


class UndoToast(QWidget):
    """A strip over the media's bottom; `undo_requested` when clicked or on Ctrl+Z."""

    undo_requested = Signal()
    expired = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._host = parent
        self._anchor: QWidget | None = None
        self.setObjectName("undoToast")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.label = QLabel("")
        self.label.setObjectName("undoText")
        # Elided to whatever room is left: the text never pushes the countdown out.
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(40)
        self.countdown = QLabel("")
        self.countdown.setObjectName("undoCountdown")
        self.button = QPushButton("Undo  (Ctrl+Z)")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.undo_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 6, 8, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.countdown)
        layout.addWidget(self.button)
        self._left = 0
        self._text = ""
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        parent.installEventFilter(self)
        self.hide()

    @property
    def armed(self) -> bool:
        """Whether undo is still possible."""
        return self._left > 0

    def set_anchor(self, anchor: QWidget) -> None:
        """Float over the bottom of `anchor` (the media pane) instead of the host's bottom."""
        if self._anchor is not None:
            self._anchor.removeEventFilter(self)
        self._anchor = anchor
        anchor.installEventFilter(self)

    def show_for(self, text: str) -> None:
        """Show `text` with a countdown of UNDO_SECONDS."""
        self._text = text
        self._left = UNDO_SECONDS
        self.show()
        self._place()
        self._render()
        self.raise_()
        self._timer.start()

    def dismiss(self) -> None:
        """Hide now; undo is no longer offered."""
        self._left = 0
        self._timer.stop()
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Follow the anchor (or the host) when it moves or changes size."""
        if self.isVisible() and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place()
            self._render()
        return False

    def _tick(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self.dismiss()
            self.expired.emit()
            return
        self._render()

    def _render(self) -> None:
        self.countdown.setText(f"· {self._left} s left")
        room = max(0, self.label.width())
        shown = self.label.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, room)
        self.label.setText(shown)
        self.label.setToolTip(self._text if shown != self._text else "")

    def _place(self) -> None:
        host, anchor = self._host, self._anchor
        if anchor is not None and anchor.isVisible():
            top_left = anchor.mapTo(host, QPoint(0, 0))
            left, bottom, room = top_left.x(), top_left.y() + anchor.height(), anchor.width()
        else:
            left, bottom, room = 0, host.height() - 40, host.width()
        width = max(0, min(MAX_WIDTH, room - 2 * MARGIN))
        self.setFixedWidth(width)
        self.adjustSize()
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self.move(left + (room - width) // 2, bottom - self.height() - MARGIN)
