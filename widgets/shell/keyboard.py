"""Who gets a key: the focused field, or the window's single-key commands.

Single-key commands (N, S, E, 1-9, Space, V, O…) act where nothing that types has the
focus: the queue, the media, a button. In a text field, a list, a combo box or a spin
box a letter or digit types or jumps to the entry starting with it (type-ahead), Space
ticks or opens, and a list keeps Enter; modifier shortcuts (Ctrl+Enter, Ctrl+Z,
Ctrl+Shift+Enter) work everywhere. The queue is the one list whose letters are commands:
it is marked a command surface, and a letter nobody binds does nothing there (a
type-ahead would silently browse another case).

Tab walks one panel's fields in a ring (`FocusRing`), so focus never drifts out of the
form being filled; scroll areas take no focus and scroll the focused field into view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QWidget,
)

COMMAND_SURFACE = "veilCommandSurface"
"""Widget property: this list's plain keys are the window's commands (the queue)."""

TEXT_FIELDS = (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QComboBox)
ENTER_KEYS = (Qt.Key.Key_Enter, Qt.Key.Key_Return)


def mark_command_surface(widget: QWidget) -> None:
    """Let single-key commands work while this widget has the focus."""
    widget.setProperty(COMMAND_SURFACE, True)


def is_plain(event: QKeyEvent) -> bool:
    """No Ctrl, Alt or Meta held (Shift and the keypad are part of the character)."""
    held = event.modifiers() & ~(
        Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
    )
    return held == Qt.KeyboardModifier.NoModifier


def _types(event: QKeyEvent) -> bool:
    text = event.text()
    return bool(text) and text.isprintable()


def _read_only(widget: QWidget) -> bool:
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        return widget.isReadOnly()
    return False


def owns_key(widget: QWidget | None, event: QKeyEvent) -> bool:
    """Whether the focused widget keeps this key press instead of a window command."""
    if widget is None or not is_plain(event) or widget.property(COMMAND_SURFACE):
        return False
    if isinstance(widget, TEXT_FIELDS):
        return _types(event) and not _read_only(widget)
    if isinstance(widget, QAbstractItemView):
        return _types(event) or event.key() in ENTER_KEYS
    if isinstance(widget, QAbstractButton):
        return event.key() == Qt.Key.Key_Space or (
            event.key() in ENTER_KEYS and isinstance(widget, QPushButton)
        )
    return False


class PlainKeys(QObject):
    """Gives plain keys to the focused field before the window's shortcuts see them.

    Qt asks the focused widget first (a ShortcutOverride event) whether it wants a key
    that is also a shortcut; this application filter answers yes for a widget that
    types, lists or is a button (see `owns_key`), so S in the subcategory list selects
    "Sharing…" and never opens Skip. Enter on a focused push button presses it.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Decide the owner of a key sent to a widget of our window."""
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if not isinstance(event, QKeyEvent) or not isinstance(watched, QWidget):
            return False
        if watched is not self._window.focusWidget() or not self._window.isAncestorOf(watched):
            return False  # Qt sends a key to the focused widget of its window
        if kind == QEvent.Type.ShortcutOverride:
            if owns_key(watched, event):
                event.accept()
                return True
            return False
        if isinstance(watched, QPushButton) and event.key() in ENTER_KEYS and is_plain(event):
            watched.click()
            return True
        return False


class CommandSurface(QObject):
    """The queue's own key filter: letters are commands, Tab goes into the form.

    Installed on the widget itself, so application filters (the viewer's held keys) see
    a key first; what reaches this filter and no shortcut took is not a command: a letter
    then does nothing (a type-ahead would silently browse another case), and Tab asks
    `on_tab` (the window puts the cursor into the form of the case being decided).
    """

    def __init__(self, widget: QWidget, on_tab: Callable[[bool], bool]) -> None:
        super().__init__(widget)
        self._on_tab = on_tab
        mark_command_surface(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Tab into the form; swallow letters no command took."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not control:
            back = event.key() == Qt.Key.Key_Backtab or bool(
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            return self._on_tab(not back)
        return is_plain(event) and _types(event)


class FocusRing:
    """Tab and Shift+Tab walk these fields in order and wrap, never leaving the panel."""

    def __init__(self, fields: Callable[[], Sequence[QWidget]]) -> None:
        self._fields = fields

    def chain(self) -> list[QWidget]:
        """The fields Tab can reach now (shown, enabled, taking focus)."""
        return [
            w
            for w in self._fields()
            if w.isVisibleTo(w.window())
            and w.isEnabled()
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        ]

    def step(self, focus: QWidget | None, forward: bool) -> bool:
        """Move the focus to the next (or previous) field; False when there is none."""
        chain = self.chain()
        if not chain:
            return False
        here = next(
            (n for n, w in enumerate(chain) if focus is not None and _within(focus, w)), None
        )
        if here is None:
            target = chain[0] if forward else chain[-1]
        else:
            target = chain[(here + (1 if forward else -1)) % len(chain)]
        reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
        target.setFocus(reason)
        return True


def _within(focus: QWidget, field: QWidget) -> bool:
    return focus is field or field.isAncestorOf(focus)


class FocusInView(QObject):
    """Scroll areas in the window take no focus and bring the focused field into view."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        for area in window.findChildren(QScrollArea):
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # a slot of ours: gone with the window
            app.focusChanged.connect(self.follow)

    @Slot(QWidget, QWidget)
    def follow(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Scroll every scroll area around the newly focused field to show it."""
        if new is None or not self._window.isAncestorOf(new):
            return
        if isinstance(new, QScrollArea):  # added after the window was built
            new.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            new.focusNextChild()
            return
        parent = new.parentWidget()
        while parent is not None and parent is not self._window:
            if isinstance(parent, QScrollArea) and parent.widget() is not None:
                parent.ensureWidgetVisible(new, 8, 8)
            parent = parent.parentWidget()
