"""The one store-changed signal the screens listen to, delivered on the GUI thread.

The store tells its listeners after each committed write (a command on the GUI thread,
a pulled page on the sync worker). `StoreSignals` turns that into a Qt signal: emitted
at once for a write made on its own thread, so a view is up to date when the command
returns, and queued to its thread for a write made elsewhere, so no widget is touched
from the worker.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal

from app.log.changes import Change
from app.log.store import LocalStore


class StoreSignals(QObject):
    """Emits `changed(Change)` after every committed write to the store."""

    changed = Signal(object)  # Change
    _from_elsewhere = Signal(object)

    def __init__(self, store: LocalStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._from_elsewhere.connect(self.changed.emit, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = store.on_change(self._heard)

    def close(self) -> None:
        """Stop listening to the store (the window is closing)."""
        self._unsubscribe()

    def _heard(self, change: Change) -> None:
        if not shiboken6.isValid(self):  # its window is gone: nobody is left to tell
            self._unsubscribe()
            return
        if QThread.currentThread() == self.thread():
            self.changed.emit(change)
        else:
            self._from_elsewhere.emit(change)
