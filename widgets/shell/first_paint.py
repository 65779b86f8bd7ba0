"""Call back once, just after a widget has painted (when a condition holds).

The start-up uses it to open the store only once the login is on the screen, and
`python -m bench startup` to learn when the login and the first case were painted.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class FirstPaint(QObject):
    """Watches `widget`'s paint events; after the first one for which `when()` is true,
    `callback` runs from the event loop (the paint has finished by then) and the watch ends.
    """

    def __init__(
        self,
        widget: QWidget,
        callback: Callable[[], None],
        when: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback = callback
        self._when = when
        self.done = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """On a paint of the watched widget that meets the condition: call back once."""
        if not self.done and event.type() == QEvent.Type.Paint and self._when():
            self.done = True
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False
