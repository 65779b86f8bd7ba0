"""A local store with a million cases, built by bulk SQL for the review benchmarks.

The schema comes from the real migrations (LocalStore); the rows go in through one
sqlite3 connection with the indexes dropped and rebuilt afterwards, which takes seconds
instead of the hour a million intake events would. Every row is what the projection
would hold: routed by the bundled queues, SLA deadlines from their SLAs, priority keys
from app/domain/priority.py, and queue depth counted to match.
"""

from __future__ import annotations

import functools
import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from app.domain.people import Accounts
from app.domain.policies import PolicySet, load_policies
from app.domain.priority import priority_key_at
from app.domain.queues import QueueSet, bundled_queues
from app.log.clock import ManualClock, iso
from app.log.paths import resources_dir
from app.log.store import DB_FILENAME, LocalStore

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
NOW_S = int(NOW.timestamp())
# Most of a big store is history; what is still open is what the queues work on.
STATUS_MIX = (
    ("decided", 0.55),
    ("closed", 0.05),
    ("new", 0.3695),
    ("leased", 0.0005),
    ("escalated", 0.03),
)
COLUMNS = (
    "case_id, case_no, external_id, team, category, subcategory, severity, clearance, queue,"
    " status, open_status, title, report_reason, body_text, reported_at, report_count,"
    " media_count, leased_by, lease_expires_at, decision_event_id, decision_action,"
    " head_event_id, updated_at, sla_started_at, sla_deadline, priority_key"
)
PASSWORD = "bench-password-1"


def policies() -> PolicySet:
    """The bundled policies."""
    return load_policies(resources_dir() / "policies")


def build(folder: Path, count: int, seed: int = 20260302) -> LocalStore:
    """A store in folder with `count` cases and the users mod, analyst and lead."""
    started = time.perf_counter()
    store = LocalStore(folder)
    accounts = Accounts(store)
    accounts.add("mod", PASSWORD, "moderator", "Maya")
    accounts.add("analyst", PASSWORD, "analyst", "Ari", ("child_safety",))
    accounts.add("lead", PASSWORD, "lead", "Lee", ("child_safety",))
    store.close()
    conn = sqlite3.connect(folder / DB_FILENAME, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'"
        " AND sql IS NOT NULL"
    ).fetchall()
    conn.execute("BEGIN")
    for name, _sql in indexes:
        conn.execute(f"DROP INDEX {name}")
    marks = ", ".join("?" * len(COLUMNS.split(",")))
    conn.executemany(f"INSERT INTO cases ({COLUMNS}) VALUES ({marks})", _rows(count, seed))
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute(
        "INSERT INTO queue_depth (queue, status, severity, clearance, cases)"
        " SELECT queue, status, severity, COALESCE(clearance, ''), COUNT(*) FROM cases"
        " GROUP BY queue, status, severity, COALESCE(clearance, '')"
    )
    conn.execute("COMMIT")
    conn.close()
    print(f"built {count:,} cases in {time.perf_counter() - started:.1f} s", flush=True)
    return LocalStore(folder, ManualClock(NOW))


def _rows(count: int, seed: int) -> Iterator[tuple[object, ...]]:
    rng = random.Random(seed)
    pols = policies()
    queues = bundled_queues(pols)
    ids = pols.ids()
    statuses = [s for s, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    for n in range(1, count + 1):
        category = ids[n % len(ids)]
        severity = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        status = rng.choices(statuses, weights)[0]
        yield _row(n, rng, pols, queues, category, severity, status)


def _row(
    n: int,
    rng: random.Random,
    pols: PolicySet,
    queues: QueueSet,
    category: str,
    severity: int,
    status: str,
) -> tuple[object, ...]:
    policy = pols[category]
    reported = NOW_S - 60 * rng.randrange(0, 5 * 1440)
    queue = queues.route(category, severity)
    started = reported
    if status == "escalated":
        queue = queues.escalation_queue()
        started = reported + 60 * rng.randrange(5, 600)
    deadline = started + 60 * queue.sla_minutes[severity]
    reports = 1 + int(rng.expovariate(0.3))
    leased = status == "leased"
    case_id = f"{n:08x}-0000-7000-8000-{n:012x}"
    return (
        case_id,
        n,
        f"big-{n}",
        "default",
        category,
        next(iter(policy.subcategories)),
        severity,
        policy.clearance,
        queue.id,
        status,
        "escalated" if status == "escalated" else "new",
        f"{policy.name} report {n}",
        "",
        "",
        _iso(reported),
        reports,
        rng.randrange(0, 3),
        "someone" if leased else None,
        _iso(NOW_S + 300) if leased else None,
        None,
        "no_violation" if status in ("decided", "closed") else None,
        case_id,
        _iso(reported),
        _iso(started),
        _iso(deadline),
        priority_key_at(deadline, severity, reported, reports),
    )


@functools.cache
def _iso(epoch: int) -> str:
    # Whole minutes only, so a few thousand distinct strings cover a million rows.
    return iso(datetime.fromtimestamp(epoch, UTC))
