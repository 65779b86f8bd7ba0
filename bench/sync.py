"""Hub sync over HTTP: push and pull events/s, and an idle pull at 10,000 vs 1,000,000 events.

Runs a real hub process on loopback, SQLite-backed, and PostgreSQL-backed too when the
server at 127.0.0.1:5432 answers (in a throwaway database). Push is measured per client
(one client alone, then four at once); pull is pull-and-decode into EventRecords (applying
them is the workstation's part). The idle pull is timed after the log is grown to a
million rows with plain SQL, which is much faster to set up than pushing them.
"""

from __future__ import annotations

import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import Engine, text

from app.domain.kinds import EventKind
from app.hub.accounts import create_user
from app.hub.process import HubProcess
from app.log.events import GENESIS_HASH, EventRecord, seal, uuid7
from app.sync.client import HubClient
from bench._util import median, print_table, verdict
from db.hub.engine import make_engine, write_transaction

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench password"
TEAM = "bench"
BATCH = 500


class Device:
    """Sealed, chained note events of one device, as a workstation would push them."""

    def __init__(self, actor: str) -> None:
        self.actor, self.device_id = actor, f"dev-{uuid.uuid4().hex[:12]}"
        self.seq, self.last_hash = 0, GENESIS_HASH

    def batch(self, n: int) -> list[EventRecord]:
        """The next n events."""
        out = []
        for _ in range(n):
            self.seq += 1
            record = seal(
                EventRecord(
                    uuid7(),
                    self.device_id,
                    self.seq,
                    self.actor,
                    EventKind.NOTE_ADDED,
                    None,
                    {"text": "a note of typical length " * 4},
                    None,
                    "2026-01-01T00:00:00+00:00",
                    self.last_hash,
                )
            )
            self.last_hash = record.hash
            out.append(record)
        return out


def run() -> None:
    """Measure every reachable engine and print the table and verdicts."""
    rows, verdicts = [], []
    for name, url in _engines():
        with url as db_url:
            figures = _measure(db_url)
        rows.append([name, *(round(v) if v > 100 else v for v in figures.values())])
        verdicts += [
            verdict(
                f"{name} push events/s per client (alone)", figures["push/s 1"], 1000, at_most=False
            ),
            verdict(
                f"{name} push events/s per client (4 at once)",
                figures["push/s 4"],
                1000,
                at_most=False,
            ),
            verdict(f"{name} pull-and-decode events/s", figures["pull/s"], 5000, at_most=False),
            verdict(f"{name} idle pull at 1M / at 10k", figures["idle 1M/10k"], 1.2, at_most=True),
        ]
    print_table(
        ["engine", "push/s 1", "push/s 4", "pull/s", "idle 10k ms", "idle 1M ms", "idle 1M/10k"],
        rows,
    )
    for line in verdicts:
        print(line)


def _engines() -> Iterator[tuple[str, AbstractContextManager[str]]]:
    workdir = Path(tempfile.mkdtemp(prefix="veil-bench-sync-"))
    yield "sqlite", _sqlite(workdir)
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            pass
    except psycopg.OperationalError:
        print("PostgreSQL at 127.0.0.1:5432 is unreachable: SQLite only")
        return
    yield "postgresql", _postgres()


@contextmanager
def _sqlite(workdir: Path) -> Iterator[str]:
    yield f"sqlite:///{workdir / 'hub.db'}"


@contextmanager
def _postgres() -> Iterator[str]:
    name = f"veil_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _measure(db_url: str) -> dict[str, float]:
    logs = Path(tempfile.mkdtemp(prefix="veil-bench-logs-"))
    hub = HubProcess(db_url, logs).start()
    engine = make_engine(db_url)
    try:
        figures = {"push/s 1": _push_rate(hub, engine, 1, 10_000)}
        idle_10k = _idle_pull(hub, engine)
        figures["push/s 4"] = _push_rate(hub, engine, 4, 5_000)
        figures["pull/s"] = _pull_rate(hub, engine)
        hub.stop()
        _grow_to(engine, 1_000_000)
        hub.start()
        idle_1m = _idle_pull(hub, engine)
    finally:
        hub.stop()
        engine.dispose()
    figures.update({"idle 10k ms": idle_10k * 1000, "idle 1M ms": idle_1m * 1000})
    figures["idle 1M/10k"] = idle_1m / idle_10k
    return figures


def _client(hub: HubProcess, engine: Engine, role: str = "moderator") -> tuple[HubClient, str]:
    username = f"{role[:3]}-{uuid.uuid4().hex[:8]}"
    with write_transaction(engine) as conn:
        create_user(conn, username, role, TEAM, [], PASSWORD)
    client = HubClient(hub.base_url, timeout=120)
    client.login(username, PASSWORD)
    return client, username


def _push_rate(hub: HubProcess, engine: Engine, clients: int, per_client: int) -> float:
    """Events/s each client achieves while `clients` push at once (the slowest one)."""
    pushers = [_client(hub, engine) for _ in range(clients)]
    batches = [
        [d.batch(BATCH) for _ in range(per_client // BATCH)]
        for d in (Device(u) for _, u in pushers)
    ]
    rates: list[float] = []

    def push(client: HubClient, device_batches: list[list[EventRecord]]) -> None:
        start = time.perf_counter()
        for batch in device_batches:
            client.push(batch[0].device_id, batch)
        rates.append(per_client / (time.perf_counter() - start))

    threads = [
        threading.Thread(target=push, args=(c, b))
        for (c, _), b in zip(pushers, batches, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client, _ in pushers:
        client.close()
    return min(rates)


def _pull_rate(hub: HubProcess, engine: Engine) -> float:
    client, _ = _client(hub, engine, "lead")
    with client:
        start, cursor, count = time.perf_counter(), 0, 0
        while True:
            page, cursor = client.pull(cursor, 5000)
            if not page:
                return count / (time.perf_counter() - start)
            count += len(page)


def _idle_pull(hub: HubProcess, engine: Engine) -> float:
    """Median seconds of a pull with nothing new, cursor at the head."""
    client, _ = _client(hub, engine, "lead")
    with client:
        _, cursor = client.pull(_head(engine), 1000)
        return median(lambda: client.pull(cursor, 1000), repeat=301, warmup=20)


def _head(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT server_seq FROM hub_head")).scalar_one())


def _grow_to(engine: Engine, total: int) -> None:
    """Append rows up to total events with one INSERT ... SELECT (no hashing, no HTTP)."""
    start = _head(engine) + 1
    postgres = engine.dialect.name == "postgresql"
    # Cast: psycopg sends small ints as smallint, and generate_series(smallint, smallint)
    # is ambiguous in PostgreSQL.
    numbers = (
        "generate_series(CAST(:start AS bigint), CAST(:end AS bigint)) AS n(i)" if postgres else "n"
    )
    prefix = (
        ""
        if postgres
        else "WITH RECURSIVE n(i) AS (SELECT :start UNION ALL SELECT i + 1 FROM n WHERE i < :end) "
    )
    concat = "'bulk-' || i"
    sql = (
        f"{prefix}INSERT INTO events (server_seq, event_id, device_id, device_seq, actor, kind,"
        " case_id, payload, seen_head, created_at, prev_hash, hash, team, category, clearance,"
        " global_prev_hash, global_hash, received_at)"
        f" SELECT i, {concat}, 'bulk-device', i, 'bulk', 'note.added', NULL, '{{}}', NULL,"
        " '2026-01-01T00:00:00+00:00', :zero, :zero, :team, NULL, NULL, :zero, :zero, 0"
        f" FROM {numbers}"
    )
    params = {"start": start, "end": total, "zero": GENESIS_HASH, "team": TEAM}
    with write_transaction(engine) as conn:
        conn.execute(text(sql), params)
        conn.execute(text("UPDATE hub_head SET server_seq = :end"), params)
    if postgres:
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE events")
