"""Run slow work (decoding, filtering) off the UI thread and deliver results by signal.

The UI thread only paints. `TaskRunner` uses Qt's global thread pool; `InlineTaskRunner`
runs the work at once on the calling thread, for tests that want determinism.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives on the UI thread; the worker emits, the slots run on the UI thread."""

    finished = Signal(object, object)

    def __init__(self, on_done: Done, on_error: Failed) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self.finished.connect(self._deliver)

    @Slot(object, object)
    def _deliver(self, result: object, error: object) -> None:
        if isinstance(error, BaseException):
            self._on_error(error)
        else:
            self._on_done(result)
        self.deleteLater()


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result, error = self._fn(), None
        except Exception as exc:  # handed to on_error on the UI thread
            exc.add_note(traceback.format_exc())
            result, error = None, exc
        try:
            self._relay.finished.emit(result, error)
        except RuntimeError:
            return  # the owner (and its relay) was destroyed: nobody waits for this result


class TaskRunner:
    """Runs callables on a thread pool; callbacks run on the UI thread."""

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self._pool = pool or QThreadPool.globalInstance()
        # PySide does not keep a started QRunnable's Python side alive: without these
        # references the job and its relay are collected mid-flight and the result is lost.
        self._inflight: dict[int, _Job] = {}

    def submit(
        self, fn: Callable[[], Any], on_done: Done, on_error: Failed, owner: QObject | None = None
    ) -> None:
        """Start fn in the background; with an owner, the result is dropped once it is gone."""
        key = id(fn)
        while key in self._inflight:
            key += 1

        def forget_then(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def deliver(value: Any) -> None:
                self._inflight.pop(key, None)
                callback(value)

            return deliver

        relay = _Relay(forget_then(on_done), forget_then(on_error))
        if owner is not None:
            # Parented, the relay dies with its owner and Qt drops the queued result.
            relay.setParent(owner)
        job = _Job(fn, relay)
        job.setAutoDelete(False)
        self._inflight[key] = job
        self._pool.start(job)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the pool is idle (shutdown, tests)."""
        return self._pool.waitForDone(msecs)


class InlineTaskRunner(TaskRunner):
    """Runs the work synchronously: the synchronous fake for tests."""

    def __init__(self) -> None:
        super().__init__()

    def submit(
        self, fn: Callable[[], Any], on_done: Done, on_error: Failed, owner: QObject | None = None
    ) -> None:
        """Run fn now and call back before returning."""
        try:
            result = fn()
        except Exception as exc:
            on_error(exc)
            return
        on_done(result)
