"""Fault injection for the kill tests: die like a SIGKILL at a named point of a sync.

`VEIL_SYNC_CRASH_AT=<point>` makes the process kill itself with SIGKILL when it reaches
that point, with nothing flushed or cleaned up. Unset (always, outside tests) it does
nothing. The hub has its own switch (VEIL_HUB_CRASH_AT, app/hub/context.py).
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "VEIL_SYNC_CRASH_AT"
CRASH_POINTS = frozenset(
    {
        "after_local_commit",  # a decision is committed locally, nothing sent yet
        "after_reply_before_record",  # the hub acknowledged a push, not recorded here yet
        "mid_pull_apply",  # pulled events inserted, the transaction not committed
    }
)


def crash_point(name: str) -> None:
    """SIGKILL this process when VEIL_SYNC_CRASH_AT names this point."""
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    if wanted not in CRASH_POINTS:
        raise ValueError(f"unknown crash point {wanted!r}; known: {sorted(CRASH_POINTS)}")
    if wanted == name:
        kill = getattr(signal, "SIGKILL", None)  # Windows has none: exit just as abruptly
        if kill is None:
            os._exit(137)
        os.kill(os.getpid(), kill)
