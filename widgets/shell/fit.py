"""Window sizes that fit the screen they open on, never the content they happen to show.

A window opens at a preferred size cut down to the screen's available room (a 1,366 x 768
laptop, or 1,280 x 720 logical pixels at 150 % scaling); a restored geometry is clamped the
same way, so a size saved on a bigger screen (or by an older version) never opens off-screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QWidget

# Room kept free around a window for the frame and the task bar.
FRAME_MARGIN = 8
# Characters a combo box shows before eliding: its width never follows its longest entry.
COMBO_CHARS = 14


def screen_room(widget: QWidget | None = None) -> QRect:
    """The available geometry (logical pixels) of the screen `widget` is on, else the primary."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)


def fitting_size(widget: QWidget, preferred: QSize) -> QSize:
    """`preferred` (or the content's size hint, if larger) cut down to the screen's room."""
    room = screen_room(widget)
    hint = widget.sizeHint()
    width = max(preferred.width(), hint.width())
    height = max(preferred.height(), hint.height())
    width = min(width, room.width() - 2 * FRAME_MARGIN)
    height = min(height, room.height() - 2 * FRAME_MARGIN)
    minimum = widget.minimumSize()
    return QSize(max(width, minimum.width()), max(height, minimum.height()))


def fit_window(widget: QWidget, width: int, height: int) -> None:
    """Open a window or dialog at about `width` x `height`, never larger than the screen."""
    widget.resize(fitting_size(widget, QSize(width, height)))


def clamp_to_screen(widget: QWidget) -> None:
    """Shrink and move a (restored) window so all of it is on the screen's available room."""
    room = screen_room(widget)
    borders = widget.frameGeometry().size() - widget.size()  # title bar and borders
    size = widget.size().boundedTo(room.size() - borders)
    if size != widget.size():
        widget.resize(size.expandedTo(widget.minimumSize()))
    frame = widget.frameGeometry()
    x = min(max(frame.x(), room.left()), max(room.left(), room.right() + 1 - frame.width()))
    y = min(max(frame.y(), room.top()), max(room.top(), room.bottom() + 1 - frame.height()))
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)


def compact_combo(combo: QComboBox, chars: int = COMBO_CHARS) -> QComboBox:
    """A combo box whose width does not grow with its longest entry (the list still shows it)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo
