"""The hub's background blob sweep: every so often, expire unreferenced blobs.

Each hub process runs one; on PostgreSQL several processes sweep the same database
safely (a sweep holds the hub_head lock, app/hub/blobs.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.hub.blobs import sweep

log = logging.getLogger(__name__)
# Sweep at least this often, and at least twice per grace period.
MAX_SWEEP_INTERVAL = 600.0
MIN_SWEEP_INTERVAL = 0.5


class BlobSweeper:
    """A daemon thread that sweeps blobs older than grace seconds since their upload."""

    def __init__(self, engine: Engine, clock: Callable[[], float], grace: float) -> None:
        self.engine = engine
        self.clock = clock
        self.grace = grace
        self.interval = min(MAX_SWEEP_INTERVAL, max(MIN_SWEEP_INTERVAL, grace / 2))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="veil-blob-sweep", daemon=True)

    def start(self) -> None:
        """Start sweeping."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sweeping (waits for a sweep in progress)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                report = sweep(self.engine, int(self.clock() * 1000), int(self.grace * 1000))
            except SQLAlchemyError as exc:  # the database is away: try again next time
                log.warning("blob sweep failed: %s", exc)
                continue
            if report.blobs:
                log.info("blob sweep: %s", report.summary())
