"""The background sync worker: its own thread, never the UI's.

It runs a sync round when asked (a decision was saved, "sync now") and otherwise every
`interval` seconds. While the hub cannot be reached it retries with exponential backoff
(with jitter, capped at `max_backoff`), so the outbox empties soon after the network
heals even when nobody writes anything new. Listeners get a SyncStatus after every
change and progress during a round; they are called on the worker's thread.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from app.sync.client import AuthExpired, HubUnreachable
from app.sync.engine import Progress, SyncCancelled, SyncEngine, SyncReport
from app.sync.link import LinkError

log = logging.getLogger(__name__)

NOT_CONFIGURED, SYNCING, ONLINE, OFFLINE = "not configured", "syncing", "online", "offline"
LOGIN_NEEDED, FAILED = "login needed", "failed"
Job = tuple[Callable[[SyncEngine], Any], Callable[[Any], None], Callable[[BaseException], None]]


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows: state, pending events, last good sync, a detail line."""

    state: str
    pending: int = 0
    last_sync: datetime | None = None
    detail: str = ""


class SyncWorker:
    """Runs an engine's rounds on a daemon thread for one logged-in person."""

    def __init__(
        self,
        engine: SyncEngine,
        user: str,
        *,
        interval: float = 30.0,
        first_backoff: float = 1.0,
        max_backoff: float = 10.0,
        on_status: Callable[[SyncStatus], None] | None = None,
        on_progress: Progress | None = None,
        on_report: Callable[[SyncReport], None] | None = None,
    ) -> None:
        self.engine = engine
        self.user = user
        self.interval = interval
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self._on_status = on_status
        self._on_progress = on_progress
        self._on_report = on_report
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._failures = 0
        self._jobs: deque[Job] = deque()
        self._thread = threading.Thread(target=self._run, name="veil-sync", daemon=True)
        self.status = SyncStatus(OFFLINE, engine.pending())

    def start(self) -> None:
        """Start the thread; the first round runs at once."""
        self._wake.set()
        self._thread.start()

    def request(self) -> None:
        """Run a round as soon as possible (a write happened, or "sync now")."""
        self._wake.set()

    def cancel(self) -> None:
        """Stop the running round at its next batch boundary."""
        self._cancel.set()

    def submit(
        self,
        job: Callable[[SyncEngine], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Run job(engine) on the sync thread before the next round (work ahead, say), so
        one thread and one connection carry all hub traffic; done or failed gets the end."""
        self._jobs.append((job, done, failed))
        self._wake.set()

    def stop(self, timeout: float = 15.0) -> None:
        """End the thread after the running round (cancelled) and close the engine."""
        self._stop.set()
        self._cancel.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self.engine.close()

    def _run(self) -> None:
        delay = 0.0
        while not self._stop.is_set():
            self._wake.wait(delay)
            self._wake.clear()
            if self._stop.is_set():
                return
            self._cancel.clear()
            self._run_jobs()
            delay = self._round()

    def _run_jobs(self) -> None:
        while self._jobs:
            job, done, failed = self._jobs.popleft()
            try:
                result = job(self.engine)
            except Exception as exc:  # handed to the caller, who says what went wrong
                failed(exc)
            else:
                done(result)

    def _round(self) -> float:
        """One sync round; how long to wait before the next one."""
        self._publish(replace(self.status, state=SYNCING, detail=""))
        try:
            report = self.engine.sync(self.user, progress=self._on_progress, cancel=self._cancel)
        except HubUnreachable as exc:
            self._failures += 1
            delay = self._backoff()
            self._publish(self._now(OFFLINE, f"hub unreachable, retrying in {delay:.0f} s: {exc}"))
            return delay
        except AuthExpired:
            self._publish(self._now(LOGIN_NEEDED, "log in to the hub again (Team menu)"))
            return self.interval
        except SyncCancelled:
            self._publish(self._now(ONLINE, "sync cancelled"))
            return self.interval
        except LinkError as exc:
            self._publish(self._now(NOT_CONFIGURED, str(exc)))
            return self.interval
        except Exception as exc:  # a bug or a broken store: keep the UI up, say so, retry
            log.exception("sync round failed")
            self._publish(self._now(FAILED, f"sync failed: {exc}"))
            return self.max_backoff
        self._failures = 0
        problems = bool(report.refused or report.waiting)
        state = FAILED if report.refused else ONLINE
        self._publish(
            SyncStatus(state, self.engine.pending(), report.finished_at, report.summary())
            if problems
            else SyncStatus(state, self.engine.pending(), report.finished_at)
        )
        if self._on_report is not None:
            self._on_report(report)
        return self.interval

    def _backoff(self) -> float:
        base = min(self.max_backoff, self.first_backoff * 2 ** (self._failures - 1))
        return base * random.uniform(0.5, 1.0)  # jitter: many workstations, one hub

    def _now(self, state: str, detail: str) -> SyncStatus:
        return replace(self.status, state=state, pending=self.engine.pending(), detail=detail)

    def _publish(self, status: SyncStatus) -> None:
        self.status = status
        if self._on_status is not None:
            self._on_status(status)
