"""What the user sees when something fails: logged with its traceback, told in words.

Known store problems (db.errors.StoreError: the database is locked, damaged, or the disk is
full) read differently from bugs, but neither is swallowed. `guarded` wraps a window's
actions; `excepthook` catches whatever still escapes into the event loop.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from db.errors import StoreError

log = logging.getLogger(__name__)

STORE_TEXT = (
    "The local store could not complete this action: it may be in use by another Veil "
    "window, damaged, or the disk may be full. What you just did was not saved."
)
FAILURE_BOX = "failureMessage"
_UNPARENTED: set[QMessageBox] = set()
LOG_HINT = "The details are in the log (Help > About Veil shows where it is)."


def explain(exc: BaseException) -> str:
    """The message for a failure: what it means for the user's work, then the cause."""
    if isinstance(exc, StoreError):
        return f"{STORE_TEXT}\n\nCause: {exc}\n\n{LOG_HINT}"
    return f"{type(exc).__name__}: {exc}\n\n{LOG_HINT}"


def show_failure(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """Log a failed action with its traceback and tell the user in a message box."""
    log.error("%s: %s", title, exc, exc_info=exc)
    _message(parent, title, explain(exc))


def guarded(parent: QWidget, title: str, action: Callable[..., object]) -> Callable[..., None]:
    """action, with a store failure shown and logged instead of escaping the event loop.

    The signal's arguments, if any, are passed on to action.
    """

    def run(*args: object) -> None:
        try:
            action(*args)
        except StoreError as exc:
            show_failure(parent, title, exc)

    return run


def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook for the workstation: log the uncaught error and show it."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    log.critical("Uncaught exception", exc_info=(kind, exc, tb))
    sys.__excepthook__(kind, exc, tb)  # the traceback on the terminal too, for developers
    app = QApplication.instance()
    if isinstance(app, QApplication):
        _message(app.activeWindow(), "Something went wrong", explain(exc))


def _message(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    # One box at a time: a failing timer must not stack a new box every few seconds.
    shown = _open_box(parent)
    if shown is not None:
        return shown
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(FAILURE_BOX)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:
        # Nothing else holds a window-less box: without this Python would delete it at once.
        _UNPARENTED.add(box)
        box.finished.connect(lambda _result: _UNPARENTED.discard(box))
    box.open()  # not exec(): the event loop (timers, lease renewal) keeps running
    return box


def _open_box(parent: QWidget | None) -> QMessageBox | None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    boxes = (w for w in app.topLevelWidgets() if isinstance(w, QMessageBox))
    for box in boxes:
        if box.objectName() == FAILURE_BOX and box.isVisible() and box.parentWidget() is parent:
            return box
    return None
