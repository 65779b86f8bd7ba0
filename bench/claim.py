"""Claim next at 1,000,000 cases: p99 through Veil's code, the plan, and raw sqlite3.

The figure the issue asks for is the selection: `ReviewDesk.peek_next()`, the code
claim-next runs to choose (its pool of index probes on the desk's read connection),
against the same statement run on a plain sqlite3 connection. The full claim, which
also writes the lease event and commits it with synchronous=FULL, is printed beside it;
its commit is the disk's fsync, measured by bench/commit.py.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from app.domain.people import Accounts
from app.log.store import DB_FILENAME
from app.review.reviewdesk import ReviewDesk
from bench._bigstore import PASSWORD, build, policies
from bench._util import percentile, print_table, verdict

N = 1_000_000
CALLS = 3000


def _timed(fn, calls: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def run() -> None:
    """Build the store, time the selection both ways, check the plan, claim a few."""
    with tempfile.TemporaryDirectory(prefix="veil-bench-claim-") as tmp:
        store = build(Path(tmp), N)
        pols = policies()
        rows = []
        for username in ("mod", "analyst"):
            reviewer = Accounts(store).authenticate(username, PASSWORD)
            desk = ReviewDesk(store, pols, reviewer)
            ours = _timed(desk.peek_next, CALLS)
            query = desk.claims.query()
            raw = sqlite3.connect(Path(tmp) / DB_FILENAME)
            plain = _timed(lambda q=query, c=raw: c.execute(q.sql, q.params).fetchone(), CALLS)
            plan = query.plan(raw)
            raw.close()
            temp = [line for line in plan if "TEMP B-TREE" in line]
            rows.append((username, len(query.probes), ours, plain, temp))
            claims = _timed(lambda d=desk: d.claim_next(), 50)
            desk.close()
            probes = len(query.probes)
            print(f"{username}: {probes} index probes; plan: {plan[0]} … ({len(plan)} lines)")
            median_ms, p99_ms = statistics.median(claims) * 1e3, percentile(claims, 99) * 1e3
            print(
                f"{username}: full claim incl. lease commit (synchronous=FULL): "
                f"median {median_ms:.2f} ms, p99 {p99_ms:.2f} ms"
            )
        store.close()
    table = [
        [
            who,
            probes,
            statistics.median(o) * 1e3,
            percentile(o, 99) * 1e3,
            statistics.median(p) * 1e3,
            statistics.median(o) / statistics.median(p),
        ]
        for who, probes, o, p, _t in rows
    ]
    print_table(
        ["reviewer", "probes", "ours median ms", "ours p99 ms", "raw median ms", "ratio"], table
    )
    for who, _probes, ours, plain, temp in rows:
        print(
            verdict(f"{who}: claim-next p99 (ms)", percentile(ours, 99) * 1000, 1.0, at_most=True)
        )
        print(
            verdict(
                f"{who}: median / raw sqlite3",
                statistics.median(ours) / statistics.median(plain),
                5.0,
                at_most=True,
            )
        )
        print(f"{who}: temporary B-trees in the plan: {len(temp)} {'PASS' if not temp else 'FAIL'}")
