"""Sync in the window: the status bar indicator and "Sync now" with progress and cancel.

The SyncWorker (app/sync/worker.py) runs on its own thread and calls back there; the
SyncBridge turns those calls into Qt signals, which Qt delivers on the UI thread. The
progress dialog follows Anki's sync progress: it shows the phase, counts up, and Cancel
stops the round at the next batch (what was sent or received so far is kept).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from app.sync.engine import SyncEngine, SyncReport
from app.sync.worker import (
    FAILED,
    LOGIN_NEEDED,
    NOT_CONFIGURED,
    OFFLINE,
    ONLINE,
    SYNCING,
    SyncStatus,
    SyncWorker,
)

PHASES = {"push": "Sending decisions", "pull": "Receiving updates", "media": "Fetching media"}


class SyncBridge(QObject):
    """Carries the worker's callbacks to the UI thread as signals."""

    status_changed = Signal(object)
    progressed = Signal(str, int, object)
    reported = Signal(object)

    def worker(self, engine: SyncEngine, user: str, **options: Any) -> SyncWorker:
        """A SyncWorker for user that reports through this bridge."""
        return SyncWorker(
            engine,
            user,
            on_status=self.status_changed.emit,
            on_progress=lambda phase, done, total: self.progressed.emit(phase, done, total),
            on_report=self.reported.emit,
            **options,
        )

    def submit(self, worker: SyncWorker, job: Any, done: Any, failed: Any) -> None:
        """Run job(engine) on the sync thread; done(result) or failed(error) on this one."""
        relay = _JobRelay(done, failed, self)
        worker.submit(job, relay.result.emit, relay.error.emit)


class _JobRelay(QObject):
    result = Signal(object)
    error = Signal(object)

    def __init__(self, done: Any, failed: Any, parent: QObject) -> None:
        super().__init__(parent)
        self._done = done
        self._failed = failed
        self.result.connect(self._deliver_result)
        self.error.connect(self._deliver_error)

    def _deliver_result(self, value: object) -> None:
        self._done(value)
        self.deleteLater()

    def _deliver_error(self, exc: object) -> None:
        self._failed(exc)
        self.deleteLater()


def describe(status: SyncStatus) -> str:
    """The status bar text: state, pending events, last sync time."""
    if status.state == NOT_CONFIGURED:
        return "offline: no hub configured"
    words = {
        ONLINE: "online",
        OFFLINE: "offline",
        SYNCING: "syncing…",
        LOGIN_NEEDED: "log in to the hub again",
        FAILED: "sync problem",
    }
    parts = [f"hub: {words.get(status.state, status.state)}", f"{status.pending} pending"]
    if status.last_sync is not None:
        parts.append(f"synced {status.last_sync.astimezone().strftime('%H:%M:%S')}")
    return " · ".join(parts)


class SyncIndicator(QObject):
    """Keeps the status bar label in step with the worker's status."""

    def __init__(self, label: QLabel, bridge: SyncBridge) -> None:
        super().__init__(label)
        self.label = label
        self.status: SyncStatus | None = None
        bridge.status_changed.connect(self.show_status)

    def show_status(self, status: SyncStatus) -> None:
        """Show status (the detail line as the tooltip)."""
        self.status = status
        self.label.setText(describe(status))
        self.label.setToolTip(status.detail or describe(status))
        self.label.setProperty("syncState", status.state)


class SyncProgress(QProgressDialog):
    """ "Sync now": asks the worker for a round and follows it until it reports."""

    def __init__(self, worker: SyncWorker, bridge: SyncBridge, parent: QWidget) -> None:
        super().__init__("Syncing with the hub…", "Cancel", 0, 0, parent)
        self.setObjectName("syncProgress")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Sync now")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.worker = worker
        self.outcome: SyncReport | SyncStatus | None = None
        bridge.progressed.connect(self.on_progress)
        bridge.reported.connect(self.on_report)
        bridge.status_changed.connect(self.on_status)
        self.canceled.connect(worker.cancel)

    def start(self) -> None:
        """Show the dialog and ask for a round now."""
        self.show()
        self.worker.request()

    def on_progress(self, phase: str, done: int, total: int | None) -> None:
        """Count up in the current phase."""
        self.setLabelText(f"{PHASES.get(phase, phase)}: {done}" + (f" of {total}" if total else ""))
        self.setMaximum(total or 0)
        if total:
            self.setValue(min(done, total))

    def on_report(self, report: SyncReport) -> None:
        """The round ended well: close."""
        self.outcome = report
        self.close()

    def on_status(self, status: SyncStatus) -> None:
        """The round ended badly (offline, login needed, cancelled): say so and close."""
        if status.state in (SYNCING, ONLINE) and "cancelled" not in status.detail:
            return
        self.outcome = status
        self.close()
