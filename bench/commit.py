"""Decision commit with synchronous=FULL at 1,000,000 cases: p50/p99 of ReviewDesk.decide.

Each timed call is one decision as the workstation makes it: the policy form validated,
the event sealed into the hash chain, folded into every projection (cases, decisions,
queue depth, lead metrics) and committed with synchronous=FULL in WAL mode, so it is on
disk when the call returns. The lease before each decision is taken untimed.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from app.domain.people import Accounts
from app.review.reviewdesk import ReviewDesk
from bench._bigstore import PASSWORD, build, policies
from bench._util import percentile, print_table, verdict

N = 1_000_000
DECISIONS = 400
FIELDS = {"rationale": "Clause 3.1: a fake bank login page (phishing kit)", "notes": "bench"}


def run() -> None:
    """Claim and decide DECISIONS cases on a million-case store; time each decision."""
    with tempfile.TemporaryDirectory(prefix="veil-bench-commit-") as tmp:
        store = build(Path(tmp), N)
        with store.engine.connect() as conn:
            sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
            journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        desk = ReviewDesk(store, policies(), Accounts(store).authenticate("mod", PASSWORD))
        times = []
        for _ in range(DECISIONS):
            claim = desk.claim_next()
            assert claim is not None
            case = claim.detail.row
            action, sub = ("remove", next(iter(desk.policies[case.category].subcategories)))
            fields = dict(FIELDS)
            if "evidence" in desk.policies[case.category].action(action).requires:
                fields["evidence"] = "the login form in the screenshot"
            start = time.perf_counter()
            desk.decide(case.case_id, action, fields, sub, severity=case.severity)
            times.append(time.perf_counter() - start)
        desk.close()
        store.close()
    print(f"synchronous={sync} (2 = FULL), journal_mode={journal}")
    print_table(
        ["decisions", "median ms", "p90 ms", "p99 ms", "max ms"],
        [
            [
                len(times),
                statistics.median(times) * 1e3,
                percentile(times, 90) * 1e3,
                percentile(times, 99) * 1e3,
                max(times) * 1e3,
            ]
        ],
    )
    print(verdict("decision commit p99 (ms)", percentile(times, 99) * 1000, 25.0, at_most=True))
