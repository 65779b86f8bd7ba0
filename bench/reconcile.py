"""Workstation sync: pull-and-apply events/s, idle full sync at 10k vs 1M, 2,000 offline decisions.

Everything goes through the workstation's real path: a LocalStore, a SyncEngine and a real
hub process on loopback (SQLite, and PostgreSQL when 127.0.0.1:5432 answers).

- reconcile: a moderator pulls 2,000 cases, decides all of them with the network gone
  (4,000 events: a lease and a decision each), then one `SyncEngine.sync` sends them and
  pulls what changed. The issue's limit (30 s) is for the PostgreSQL hub.
- pull-and-apply: a fresh lead workstation pulls the whole log (cases, leases, decisions)
  and folds it into its projections; events per second of the full `sync` call, the
  median of five fresh workstations (the machine is shared and noisy). Measured in the
  same rounds as baselines: the pulls alone and the applies alone; the sync overlaps
  the two (the next page is fetched while one is applied), so its rate approaches the
  applies' alone, and the ratio of the two is printed.
- idle sync: `SyncEngine.sync` with nothing new, median, at 10,000 hub events and again
  after the log grew to 1,000,000 (bulk rows, as bench/sync.py grows it).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from app.domain.policies import load_policies
from app.hub.accounts import create_user
from app.hub.process import HubProcess
from app.log.paths import resources_dir
from app.log.store import LocalStore
from app.review.reviewdesk import ReviewDesk
from app.sync.client import HubClient, PulledPage
from app.sync.engine import SyncEngine
from app.sync.link import HubLink
from app.sync.login import connect, remember_login
from bench._util import median, print_table, verdict
from bench.sync import PASSWORD, TEAM, _engines, _grow_to
from db.hub.engine import make_engine, write_transaction

DECISIONS = 2000
INTAKE_BATCH = 1000


class Workstation:
    """A data dir bound to the hub with one person logged in, and its sync engine."""

    def __init__(self, hub: HubProcess, engine: Engine, role: str) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="veil-bench-ws-"))
        self.store = LocalStore(self.folder)
        self.link = HubLink(self.folder)
        connect(self.store, self.link, hub.base_url)
        username = f"{role[:3]}-{uuid.uuid4().hex[:8]}"
        with write_transaction(engine) as conn:
            create_user(conn, username, role, TEAM, [], PASSWORD)
        with HubClient(hub.base_url) as client:
            self.reviewer = remember_login(
                self.store, self.link, client.login(username, PASSWORD), None
            )
        self.sync = SyncEngine(self.store, self.link, timeout=120)

    def close(self) -> None:
        """Close the engine and the store."""
        self.sync.close()
        self.store.close()


def run() -> None:
    """Measure every reachable engine and print the table and verdicts."""
    rows, verdicts = [], []
    for name, url in _engines():
        with url as db_url:
            figures = _measure(db_url)
        rows.append([name, *(round(v, 3) if v < 100 else round(v) for v in figures.values())])
        limit = "PostgreSQL hub" if name == "postgresql" else "for reference"
        verdicts += [
            verdict(
                f"{name} reconcile {DECISIONS} offline decisions, s ({limit})",
                figures["reconcile s"],
                30,
                at_most=True,
            ),  # fmt: skip
            verdict(f"{name} pull-and-apply events/s", figures["apply/s"], 5000, at_most=False),
            verdict(f"{name} idle full sync 1M / 10k", figures["idle 1M/10k"], 1.2, at_most=True),
        ]
    print_table(["engine", *figures.keys()], rows)
    for line in verdicts:
        print(line)
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"load average (1, 5, 15 min) at the end: {load}")


def _measure(db_url: str) -> dict[str, float]:
    hub = HubProcess(db_url, Path(tempfile.mkdtemp(prefix="veil-bench-logs-"))).start()
    engine = make_engine(db_url)
    try:
        figures = _reconcile(hub, engine)
        figures.update(_pull_and_apply(hub, engine))
        figures.update(_idle(hub, engine))
    finally:
        hub.stop()
        engine.dispose()
    return figures


def _reconcile(hub: HubProcess, engine: Engine) -> dict[str, float]:
    lead = Workstation(hub, engine, "lead")
    mod = Workstation(hub, engine, "moderator")
    try:
        _intake(lead, DECISIONS)
        mod.sync.sync(mod.reviewer.username)
        _decide_all(mod)  # offline: nothing is sent until the next sync
        start = time.perf_counter()
        report = mod.sync.sync(mod.reviewer.username)
        seconds = time.perf_counter() - start
        assert report.pushed == 2 * DECISIONS and mod.sync.pending() == 0, report.summary()
    finally:
        lead.close()
        mod.close()
    return {"reconcile s": seconds}


def _intake(lead: Workstation, count: int) -> None:
    client = lead.sync.authorized(lead.reviewer.username)
    for start in range(0, count, INTAKE_BATCH):
        batch = [_case(n) for n in range(start, min(count, start + INTAKE_BATCH))]
        client.intake(batch)


def _case(n: int) -> dict[str, Any]:
    return {
        "external_id": f"bench-{uuid.uuid4().hex[:8]}-{n}",
        "category": "spam_scams",
        "subcategory": "phishing",
        "severity": 1 + n % 4,
        "queue": "general",
        "title": f"bench case {n}",
        "reported_at": "2026-01-05T09:00:00.000Z",
        "media": [],
    }


def _decide_all(ws: Workstation) -> None:
    desk = ReviewDesk(ws.store, load_policies(resources_dir() / "policies"), ws.reviewer)
    with ws.store.engine.connect() as conn:
        cases = list(conn.execute(text("SELECT case_id FROM cases WHERE status = 'new'")).scalars())
    for case_id in cases[:DECISIONS]:
        desk.open_case(case_id)
        desk.decide(case_id, "no_violation", {})


def _pull_and_apply(hub: HubProcess, engine: Engine, runs: int = 5) -> dict[str, float]:
    """Median of `runs` fresh lead workstations each pulling the whole log, and in the same
    rounds the two halves alone: pulling the pages (HTTP, decode, hash checks) and applying
    the same pages to another fresh store (no network)."""
    rates, pull_rates, apply_rates, pulled = [], [], [], 0
    for _ in range(runs):
        fresh = Workstation(hub, engine, "lead")
        try:
            start = time.perf_counter()
            report = fresh.sync.sync(fresh.reviewer.username)
            rates.append(report.pulled / (time.perf_counter() - start))
            pulled = report.pulled
            client = fresh.sync.authorized(fresh.reviewer.username)
            start, pages, cursor = time.perf_counter(), [], 0
            while True:
                page = client.pull_page(cursor, fresh.sync.pull_page)
                pages.append(page)
                if not page.full:
                    break
                cursor = page.cursor
            pull_rates.append(pulled / (time.perf_counter() - start))
        finally:
            fresh.close()
        apply_rates.append(pulled / _apply_only(pages, fresh.reviewer.username))
    rate, pull_rate, apply_rate = map(statistics.median, (rates, pull_rates, apply_rates))
    return {
        "pulled": float(pulled),
        "apply/s": rate,
        "pull only/s": pull_rate,
        "apply only/s": apply_rate,
        # Serial would be 1 / (1/pull + 1/apply); 1.0 means the pipeline hid the pulls.
        "apply/s / apply only/s": rate / apply_rate,
    }


def _apply_only(pages: list[PulledPage], user: str) -> float:
    """Seconds to apply already pulled pages to a fresh store, page by page."""
    store = LocalStore(Path(tempfile.mkdtemp(prefix="veil-bench-apply-")))
    try:
        start = time.perf_counter()
        for page in pages:
            store.apply_remote(page.events, page.cursor, user, payload_json=page.payload_json)
        return time.perf_counter() - start
    finally:
        store.close()


def _idle(hub: HubProcess, engine: Engine) -> dict[str, float]:
    ws = Workstation(hub, engine, "lead")
    try:
        _grow_to(engine, 10_000)
        idle_10k = _idle_sync(ws, engine)
        hub.stop()
        _grow_to(engine, 1_000_000)
        hub.start()
        idle_1m = _idle_sync(ws, engine)
    finally:
        ws.close()
    return {"idle 10k ms": idle_10k * 1000, "idle 1M ms": idle_1m * 1000,
            "idle 1M/10k": idle_1m / idle_10k}  # fmt: skip


def _idle_sync(ws: Workstation, engine: Engine) -> float:
    """Median seconds of a full sync call with nothing new (the cursor at the head)."""
    with engine.connect() as conn:
        head = int(conn.execute(text("SELECT server_seq FROM hub_head")).scalar_one())
    # The bulk rows carry no real hashes: start past them, as if they had been pulled.
    ws.store.apply_remote([], head, ws.reviewer.username)
    user = ws.reviewer.username
    return median(lambda: ws.sync.sync(user), repeat=201, warmup=20)
