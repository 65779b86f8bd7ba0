"""The break screen: covers the whole window (media included) while the reviewer rests.

A reminder can be snoozed or started; a mandatory break (a lead's team rule) can only be
ended once its minutes have passed. While it shows, nothing of the case is visible.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.wellbeing.rotation import BreakAdvice

# The cover's colour: darker than the window (resources/styles names the same one).
BACKGROUND = QColor("#15181c")
CARD_WIDTH = 620


class BreakScreen(QWidget):
    """An opaque overlay: reminder first, then a countdown during the break."""

    snoozed = Signal()
    finished = Signal(object)  # the break's start (datetime)

    def __init__(self, parent: QWidget, now: Callable[[], datetime]) -> None:
        super().__init__(parent)
        self.setObjectName("breakScreen")
        self.setAccessibleName("Break")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._now = now
        self._host = parent
        self.title = QLabel("")
        self.title.setObjectName("breakTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = QLabel("")
        self.detail.setObjectName("breakDetail")
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.start_button = QPushButton("Start my break  (Enter)")
        self.start_button.clicked.connect(self.start)
        self.snooze_button = QPushButton("In 15 minutes  (Esc)")
        self.snooze_button.clicked.connect(self.snooze)
        self.back_button = QPushButton("I'm back  (Enter)")
        self.back_button.clicked.connect(self.end)
        self._build()
        self.mandatory = False
        self.minutes = 10
        self.started: datetime | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self.hide()

    def remind(self, advice: BreakAdvice, minutes: int) -> None:
        """Show the reminder (mandatory: the break starts at once)."""
        self.mandatory = advice.mandatory
        self.minutes = minutes
        self.title.setText("Time for a break")
        self.detail.setText(
            f"{advice.reason}.\nStep away from the screen for {minutes} minutes; "
            "the case stays leased to you and the media stays hidden."
        )
        self._cover()
        if self.mandatory:
            self.start()
            return
        self.started = None
        self._buttons(start=True, snooze=True, back=False)

    def start(self) -> None:
        """The break begins: a countdown, and (if mandatory) no way back until it ends."""
        self.started = self._now()
        self.title.setText("On a break")
        self._cover()
        self._buttons(start=False, snooze=False, back=not self.mandatory)
        self._timer.start()
        self._tick()

    def snooze(self) -> None:
        """Not now: remind again later."""
        if self.mandatory or self.started is not None:
            return
        self.hide()
        self.snoozed.emit()

    def end(self) -> None:
        """Back to work (once a mandatory break has run its minutes)."""
        if self.started is None or (self.mandatory and self._left() > timedelta(0)):
            return
        self._timer.stop()
        started, self.started = self.started, None
        self.hide()
        self.finished.emit(started)

    def event(self, event: QEvent) -> bool:
        """While the screen has the keyboard, no window shortcut fires (N, J, 1-9…)."""
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: object) -> None:  # noqa: N802
        """Enter starts or ends the break; Esc snoozes a reminder."""
        key = event.key()  # type: ignore[attr-defined]
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.start() if self.started is None else self.end()
        elif key == Qt.Key.Key_Escape:
            self.snooze()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Opaque, whatever the stylesheet says: nothing below shows through."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        painter.end()

    def _build(self) -> None:
        # A calm card in the middle of the dark cover: title, one line, the buttons.
        card = QWidget()
        card.setObjectName("breakCard")
        card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        card.setMaximumWidth(CARD_WIDTH)
        column = QVBoxLayout(card)
        column.setContentsMargins(36, 32, 36, 32)
        column.setSpacing(16)
        column.addWidget(self.title)
        column.addWidget(self.detail)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.start_button, self.snooze_button, self.back_button):
            button.setMinimumWidth(160)
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(card, 4)
        middle.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(middle)
        layout.addStretch(1)

    def _left(self) -> timedelta:
        if self.started is None:
            return timedelta(0)
        return self.started + timedelta(minutes=self.minutes) - self._now()

    def _tick(self) -> None:
        left = self._left()
        if left > timedelta(0):
            minutes, seconds = divmod(int(left.total_seconds()), 60)
            self.detail.setText(f"Back in {minutes}:{seconds:02d}. Look at something far away.")
            self.back_button.setEnabled(not self.mandatory)
        else:
            self.detail.setText("Your break is over. Press Enter when you are ready.")
            self.back_button.setEnabled(True)
            self.back_button.setVisible(True)

    def _buttons(self, *, start: bool, snooze: bool, back: bool) -> None:
        self.start_button.setVisible(start)
        self.snooze_button.setVisible(snooze)
        self.back_button.setVisible(back or self.mandatory)
        self.back_button.setEnabled(back)

    def _cover(self) -> None:
        self.setGeometry(self._host.rect())
        self.raise_()
        self.show()
        self.setFocus()
