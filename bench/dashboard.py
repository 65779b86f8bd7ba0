"""Lead dashboard at 1,000,000 decisions: aggregation time vs a table scan, and UI stall.

A local store (real schema, via the migrations) gets 1M decision facts by 200 reviewers
over 13 weeks, 5% of them audited blind, one exposure row per decision and a 5,000-case
backlog, written straight into the projection tables (writing 4M events through the
store would only time the event log). Then, in the same run:

- baselines over the same table: `SELECT count(*)` and a scan that reads every row;
- each dashboard query alone, and `build_dashboard` as the dashboard calls it (it should
  cost no more than its parts: nothing computed twice);
- the UI thread's gaps between 10 ms timer ticks (longest and 99th percentile) while
  `build_dashboard` runs on a `TaskRunner` worker (what the lead feels), against the
  same timer with nothing running and against computing on the UI thread.
"""

from __future__ import annotations

import gc
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app.log.clock import iso
from app.log.store import DB_FILENAME, LocalStore
from app.qa.dashboard import build_dashboard
from app.qa.dataset import Scope, exposure_days, open_cases, read_snapshot
from app.qa.gold_sets import gold_score
from app.qa.ops_sql import handling_times, tallies, throughput_per_day
from app.qa.qa_sql import qa_counts
from bench._util import median, percentile, print_table, verdict

N = 1_000_000
REVIEWERS = 200
DAYS = 91
OPEN_CASES = 5_000
AUDITED = 0.05
QUEUES = ("hate-harassment", "general", "graphic", "self-harm", "adult", "child-safety")
POLICIES = (
    "hate_speech",
    "spam_scams",
    "violent_graphic",
    "self_harm",
    "adult_nudity",
    "child_safety",
)
ACTIONS = ("no_violation", "restrict", "remove", "remove_and_strike", "label")
GRAPHIC = ("violent_graphic", "self_harm", "adult_nudity", "child_safety")
TICK_MS = 10
P99_LIMIT_MS = 50.0


def populate(folder: Path, now: datetime) -> None:
    """Fill a fresh store's projection tables with the synthetic team's quarter."""
    LocalStore(folder).close()  # the schema, by the migrations
    conn = sqlite3.connect(folder / DB_FILENAME)
    conn.execute("PRAGMA synchronous=OFF")
    rng = random.Random(20260611)
    start = (now - timedelta(days=DAYS)).timestamp()
    cases, facts, audit_rows, exposure = [], [], [], []
    for i in range(N + OPEN_CASES):
        q = i % len(QUEUES)
        decided = start + (i / N) * DAYS * 86400 + rng.random() * 60
        reported = decided - rng.uniform(600, 30_000)
        status = "new" if i >= N else "decided"
        cases.append(
            (f"c{i}", i + 1, POLICIES[q], 1 + i % 4, QUEUES[q], status, iso(_utc(reported)))
        )
        if i >= N:
            continue
        action = ACTIONS[rng.randrange(len(ACTIONS))]
        reviewer = f"rev-{i % REVIEWERS:03d}"
        claimed = decided - rng.lognormvariate(4.8, 0.6)
        facts.append((f"d{i}", f"c{i}", reviewer, QUEUES[q], POLICIES[q], action, 1 + i % 4,
                      claimed, decided, reported + 14_400, int(action == "label")))  # fmt: skip
        if rng.random() < AUDITED:
            blind = action if rng.random() < 0.85 else ACTIONS[rng.randrange(len(ACTIONS))]
            verdict_text = "agree" if blind == action else "disagree"
            audit_rows.append((f"d{i}", f"c{i}", reviewer, QUEUES[q], POLICIES[q], action,
                               POLICIES[q], blind, verdict_text))  # fmt: skip
        day = _utc(decided).date().isoformat()
        viewed = int(POLICIES[q] in GRAPHIC)
        exposure.append((reviewer, day, f"c{i}", POLICIES[q], viewed, rng.random() * 3))
    _insert(conn, cases, facts, audit_rows, exposure)
    conn.close()


def _insert(
    conn: sqlite3.Connection,
    cases: list[tuple[object, ...]],
    facts: list[tuple[object, ...]],
    audit_rows: list[tuple[object, ...]],
    exposure: list[tuple[object, ...]],
) -> None:
    conn.executemany(
        "INSERT INTO cases (case_id, case_no, category, severity, queue, status, reported_at, "
        "team, open_status, title, report_reason, body_text, report_count, media_count, "
        "head_event_id, updated_at) VALUES (?,?,?,?,?,?,?,'default','new','','','',1,0,'','')",
        cases,
    )
    conn.executemany(
        "INSERT INTO decision_facts (event_id, case_id, kind, reviewer, queue, policy, action, "
        "severity, claimed_ts, decided_ts, deadline_ts, escalated, resolves_escalation, "
        "unfiltered_seconds, reveals, retracted) VALUES (?,?,'decision',?,?,?,?,?,?,?,?,?,0,0,0,0)",
        facts,
    )
    conn.executemany(
        "INSERT INTO qa_audits (decision_event_id, case_id, reviewer, queue, policy, "
        "original_action, reason, assigned_at, auditor, blind_policy, blind_action, verdict, "
        "note) VALUES (?,?,?,?,?,?,'random','','lead',?,?,?,'')",
        audit_rows,
    )
    conn.executemany(
        "INSERT INTO exposure_case_days (reviewer, day, case_id, category, items, items_viewed, "
        "unfiltered_seconds, decisions) VALUES (?,?,?,?,'[]',?,?,1)",
        exposure,
    )
    conn.commit()


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _scan(folder: Path, sql: str) -> Callable[[], object]:
    def run_sql() -> object:
        conn = sqlite3.connect(folder / DB_FILENAME)
        try:
            return conn.execute(sql).fetchone()
        finally:
            conn.close()

    return run_sql


def queries(
    store: LocalStore, scope: Scope, now: datetime
) -> list[tuple[str, Callable[[], object]]]:
    """Each dashboard query alone, in its own read snapshot."""

    def alone(fn: Callable[..., object], *args: object) -> Callable[[], object]:
        def run_one() -> object:
            with read_snapshot(store.engine) as cur:
                return fn(cur, *args)

        return run_one

    return [
        ("tallies per reviewer and queue", alone(tallies, scope)),
        ("throughput per day (Berlin)", alone(throughput_per_day, scope)),
        ("handling time per reviewer", alone(handling_times, scope)),
        ("QA agreement counts (one pass)", alone(qa_counts, scope)),
        ("exposure per reviewer-day", alone(exposure_days, scope, GRAPHIC)),
        ("open cases (backlog)", alone(open_cases, scope)),
        ("gold score", alone(gold_score, scope)),
        ("build_dashboard (all of it)", lambda: build_dashboard(store.engine, scope, GRAPHIC, now)),
    ]


def ui_stall(work: Callable[[], object] | None, off_thread: bool = True) -> tuple[float, float]:
    """(longest, 99th percentile) gap in ms beyond the tick between UI timer ticks while
    `work` runs (None: nothing runs, to see what the machine alone does to the ticks)."""
    from PySide6.QtCore import QEventLoop, QTimer

    from widgets.shell.tasks import TaskRunner

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    # One more tick after the work, so a stall that ends the run is measured too.
    finish = lambda *_: QTimer.singleShot(TICK_MS * 3, loop.quit)  # noqa: E731
    timer.start()
    if work is None:
        QTimer.singleShot(3000, loop.quit)
    elif off_thread:
        TaskRunner().submit(work, finish, finish)
    else:
        QTimer.singleShot(TICK_MS * 3, lambda: (work(), finish()))
    loop.exec()
    timer.stop()
    gaps = sorted((b - a) * 1000.0 - TICK_MS for a, b in zip(ticks, ticks[1:], strict=False))
    return (gaps[-1], percentile(gaps, 99)) if gaps else (0.0, 0.0)


def _median_stall(measure: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    runs = sorted(measure() for _ in range(3))
    return runs[1]


def run() -> None:
    """Populate 1M decisions, time the dashboard's queries and the UI stall."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from widgets.shell.application import make_app

    make_app()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="veil-bench-dashboard-") as tmp:
        folder = Path(tmp)
        built = time.perf_counter()
        populate(folder, now)
        print(f"populated {N:,} decision facts in {time.perf_counter() - built:.1f} s")
        store = LocalStore(folder)
        gc.collect()
        gc.freeze()  # as the workstation does once its window is up (widgets/shell/application.py)
        berlin = ZoneInfo("Europe/Berlin")
        scope = Scope.days((now - timedelta(days=DAYS)).date(), now.date(), berlin)
        count_s = median(_scan(folder, "SELECT count(*) FROM decision_facts"), 5)
        scan_s = median(_scan(folder, "SELECT sum(decided_ts - claimed_ts) FROM decision_facts"), 5)
        rows: list[list[object]] = [
            ["baseline: SELECT count(*)", count_s, 1.0, ""],
            ["baseline: SELECT sum() over every row", scan_s, scan_s / count_s, 1.0],
        ]
        timed = {label: median(fn, 3) for label, fn in queries(store, scope, now)}
        rows += [[label, s, s / count_s, s / scan_s] for label, s in timed.items()]
        print_table(["1,000,000 decisions", "seconds", "x count(*)", "x full scan"], rows)
        work = lambda: build_dashboard(store.engine, scope, GRAPHIC, now)  # noqa: E731
        # Three runs each (the longest stall of one run is at the mercy of the scheduler).
        idle = _median_stall(lambda: ui_stall(None))
        off = _median_stall(lambda: ui_stall(work))
        on = ui_stall(work, off_thread=False)
        print_table(
            ["UI thread, 10 ms timer (median of 3 runs)", "longest stall (ms)", "p99 stall (ms)"],
            [
                ["nothing running (this machine's own jitter)", *idle],
                ["build_dashboard on a TaskRunner worker", *off],
                ["build_dashboard on the UI thread (contrast)", *on],
            ],
        )
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} CPUs, load average {load}")
        whole = timed.pop("build_dashboard (all of it)")
        parts = sum(timed.values())
        times = whole / scan_s
        print(f"build_dashboard: {whole:.2f} s for {N:,} decisions ({times:.0f}x a full scan)")
        print(verdict("build_dashboard / its queries run alone", whole / parts, 1.2, at_most=True))
        # The p99 tells whether the worker keeps the UI thread waiting; the longest single
        # stall on a shared machine is mostly the scheduler (compare the idle row).
        print(
            verdict("p99 UI stall, dashboard off-thread (ms)", off[1], P99_LIMIT_MS, at_most=True)
        )
        print(f"longest UI stall off-thread: {off[0]:.0f} ms (idle machine: {idle[0]:.0f} ms)")
        store.close()
