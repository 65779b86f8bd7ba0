"""The login unlocks the media; a store made before encryption is sealed with progress.

Sealing runs on a worker thread (it reads and rewrites every media file); the dialog
only shows its progress, appears when it takes more than a moment, and can be cancelled
(a cancelled run leaves each blob plain or sealed and goes on at the next login).
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.evidence.sealing import SealReport, seal_store
from app.evidence.unlock import Authenticator, UnlockingAccounts, UnlockReport
from app.log.store import LocalStore


def unlocking(store: LocalStore, accounts: Authenticator) -> UnlockingAccounts:
    """The login check that also unlocks the media with the same password."""
    return UnlockingAccounts(store, accounts)


def after_login(store: LocalStore, report: UnlockReport | None, parent: QWidget | None) -> None:
    """Tell a person whose media stays locked why; seal a plain cache once unlocked."""
    if report is not None and not report.unlocked:
        QMessageBox.information(parent, "Media locked", report.summary())
        return
    if store.blobs.encrypted and store.blobs.unlocked:
        SealingDialog(store, parent).run()


class SealingDialog(QProgressDialog):
    """Progress of sealing the media cache in place; cancel stops after the current file."""

    def __init__(self, store: LocalStore, parent: QWidget | None = None) -> None:
        super().__init__("Encrypting the media on this workstation…", "Stop", 0, 0, parent)
        self.setObjectName("sealingDialog")
        self.setWindowTitle("Veil — encrypting media")
        self.setMinimumDuration(800)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self._blobs = store.blobs
        self._progress = (0, 0)
        self._stop = threading.Event()
        self.report: SealReport | None = None
        self.error: BaseException | None = None
        self._worker = threading.Thread(target=self._seal, daemon=True)
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._tick)
        self.canceled.connect(self._stop.set)

    def run(self) -> SealReport | None:
        """Seal every plain blob, showing progress; returns what was done."""
        self._worker.start()
        self._timer.start()
        self.exec()
        self._worker.join()
        if self.error is not None:
            QMessageBox.warning(self.parentWidget(), "Encrypting media", str(self.error))
        return self.report

    def _seal(self) -> None:
        try:
            self.report = seal_store(
                self._blobs, lambda done, total: self._set(done, total), self._stop.is_set
            )
        except Exception as exc:  # shown to the person by run(), on the UI thread
            self.error = exc

    def _set(self, done: int, total: int) -> None:
        self._progress = (done, total)

    def _tick(self) -> None:
        done, total = self._progress
        if total:
            self.setMaximum(total)
            self.setValue(done)
        if not self._worker.is_alive():
            self._timer.stop()
            self.accept()
