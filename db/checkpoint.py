"""WAL checkpoints on a background thread, so a commit never waits for one.

In WAL mode a commit appends to the -wal file and, with synchronous=FULL, syncs it. Every
so often the WAL's pages must be copied back into the database file (a checkpoint).
SQLite does that by default inside whichever commit crosses 1,000 WAL pages, and that
commit then waits for hundreds of page writes and another sync: a reviewer's decision
that usually takes milliseconds takes most of a second. Here a thread runs PASSIVE
checkpoints (they never block readers or writers) once a second instead; the connection
pragma keeps a far higher automatic threshold only as a safety net for processes without
this thread (the CLI).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

INTERVAL_S = 1.0


class WalCheckpointer:
    """A daemon thread checkpointing one database's WAL until closed."""

    def __init__(self, path: Path, interval: float = INTERVAL_S) -> None:
        self._path = path
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the thread (a last checkpoint happens when the store's connections close)."""
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout=1000")
            while not self._stop.wait(self._interval):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    continue  # busy or closing: the next round tries again
        finally:
            conn.close()
