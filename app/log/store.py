"""The local store: one SQLite file (WAL) holding the event log, plus the media cache.

Every action is one transaction that appends its event(s) and folds them into the
projections, so a decision the reviewer saw as saved survives a crash or a power cut.

Each person writes their own hash chain (one `device` row per actor): the hub binds a
device to the one user who pushes from it, so a workstation shared by a moderator and a
lead pushes two chains, each with its owner's token. The row without an actor is the
workstation itself; stores made before per-person chains keep their old events there.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.log import quarantine
from app.log.changes import ChangeFeed, Listener
from app.log.clock import Clock, SystemClock, iso
from app.log.events import (
    GENESIS_HASH,
    ChainBreak,
    EventRecord,
    canonical_json,
    seal,
    uuid7,
    verify_chain,
)
from app.log.folding import fold_one, rebuild_all, record_of
from app.log.paths import private_dir, private_media_dir, private_sqlite
from app.log.quarantine import Quarantined, RetryReport
from app.log.registry import registry
from app.log.remote import RemoteBatch, row_values, verify_partial_chain
from db.blobs import BlobStore
from db.checkpoint import WalCheckpointer
from db.engine import SessionSource, sqlite_engine, store_error
from db.keyring import Keyring
from db.migrate import current_revision, upgrade
from db.models import Device, Event

DB_FILENAME = "veil.db"
KEYRING_FILENAME = "keyring.json"


class LocalStore:
    """A workstation's durable state: event log, projections and blobs under one dir."""

    def __init__(self, data_dir: Path, clock: Clock | None = None) -> None:
        private_dir(data_dir)  # the store, its media cache and logs: the owner's only
        self.data_dir = data_dir
        self.clock: Clock = clock or SystemClock()
        self.changes = ChangeFeed()
        self.engine = sqlite_engine(private_sqlite(data_dir / DB_FILENAME))
        self._checkpointer = WalCheckpointer(data_dir / DB_FILENAME)
        schema_before = current_revision(self.engine)
        upgrade(self.engine)
        self.sessions = SessionSource(self.engine)
        # Media is sealed to the store's key once keyring.json exists (app/evidence).
        self.blobs = BlobStore(
            private_media_dir(data_dir / "media"), keyring=Keyring(data_dir / KEYRING_FILENAME)
        )
        self.device_id = self._ensure_device()
        added = self._create_feature_tables()
        if added or (schema_before is not None and schema_before != current_revision(self.engine)):
            # New projection columns and tables start empty: fill them from the log.
            self.rebuild_projections()
        # Another build (an upgrade) may fold what this store quarantined: try again.
        with self.read() as session:
            stale = quarantine.stale(session)
        if stale:
            self.retry_quarantined(only_stale=True)

    def _create_feature_tables(self) -> bool:
        """Create the tables installed features bring without a migration; whether any
        was new (then the log is folded again to fill it)."""
        added = False
        with self.engine.begin() as conn:
            for table in registry().own_tables():
                if not self.engine.dialect.has_table(conn, table.name):
                    table.create(conn)
                    added = True
        return added

    def close(self) -> None:
        """Release the database connections."""
        self._checkpointer.close()
        self.engine.dispose()

    @contextmanager
    def transaction(self, on_commit: Listener | None = None) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE), committed with synchronous=FULL.

        Once it has committed, what it changed goes to `on_commit` (if given) and to the
        store's listeners (`on_change`); a rolled-back transaction tells nobody."""
        with self.sessions.transaction() as session:
            self.changes.begin(session)
            try:
                yield session
            finally:
                change = self.changes.end(session)
        if on_commit is not None:
            on_commit(change)
        self.changes.publish(change)

    def on_change(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with each committed Change (on the writing thread); returns the
        call that unsubscribes it."""
        return self.changes.subscribe(listener)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only snapshot (BEGIN DEFERRED, query_only): never takes the write lock,
        so it does not wait for a write (a pulled page being applied) and a write in it
        raises StoreError."""
        with self.sessions.read() as session:
            yield session

    def append(
        self,
        session: Session,
        *,
        actor: str,
        kind: str,
        case_id: str | None,
        payload: Mapping[str, Any],
        seen_head: str | None = None,
    ) -> EventRecord:
        """Append one event to the actor's chain and fold it, in the caller's transaction.

        The kind must be declared by an installed feature and the payload must fit its
        size limit (PayloadTooLarge) and match its typed payload (PayloadError names the
        field and the rule); nothing is written otherwise."""
        text = canonical_json(dict(payload))
        registry().check_size(str(kind), text)
        stored: dict[str, Any] = json.loads(text)
        registry().check(str(kind), case_id, stored)
        device = self._device_of(session, actor)
        record = seal(
            EventRecord(
                event_id=uuid7(),
                device_id=device.device_id,
                device_seq=device.last_seq + 1,
                actor=actor,
                kind=str(kind),
                case_id=case_id,
                payload=stored,
                seen_head=seen_head,
                created_at=iso(self.clock.now()),
                prev_hash=device.last_hash,
            )
        )
        session.add(_row_of(record))
        device.last_seq = record.device_seq
        device.last_hash = record.hash
        session.flush()
        fold_one(session, record)
        self.changes.note(session, (case_id,), (record.kind,))
        return record

    def events(self, case_id: str | None = None) -> list[EventRecord]:
        """Events in local order, all or one case's."""
        query = select(Event).order_by(Event.id)
        if case_id is not None:
            query = query.where(Event.case_id == case_id)
        with self.read() as session:
            return [record_of(row) for row in session.scalars(query)]

    def event_count(self) -> int:
        """How many events the local log holds."""
        with self.read() as session:
            return session.scalar(select(func.count(Event.id))) or 0

    # --- sync support (see app/log/remote.py and app/sync/engine.py) -------------------

    def device_of(self, actor: str) -> str:
        """The device_id of the actor's chain on this workstation (created on first use)."""
        with self.transaction() as session:
            return self._device_of(session, actor).device_id

    def pending_by_actor(self) -> dict[str, int]:
        """How many events each person wrote here that the hub has not acknowledged."""
        query = (
            select(Device.actor, func.count(Event.id))
            .join(Event, Event.device_id == Device.device_id)
            .where(Device.actor.is_not(None), Event.server_seq.is_(None))
            .group_by(Device.actor)
        )
        with self.read() as session:
            return {str(actor): int(n) for actor, n in session.execute(query)}

    def unsent(self, actor: str, limit: int = 1000) -> list[EventRecord]:
        """The actor's events the hub has not acknowledged, in device_seq order."""
        query = (
            select(Event)
            .join(Device, Device.device_id == Event.device_id)
            .where(Device.actor == actor, Event.server_seq.is_(None))
            .order_by(Event.device_seq)
            .limit(limit)
        )
        with self.read() as session:
            return [record_of(row) for row in session.scalars(query)]

    def mark_acked(self, acks: dict[str, int]) -> None:
        """Record the hub's server_seq for acknowledged events, in one transaction."""
        with self.transaction() as session:
            batch = RemoteBatch(session)
            batch.acknowledge(acks)
            self.changes.note(session, batch.case_ids, batch.kinds)

    def apply_remote(
        self,
        records: Iterable[EventRecord],
        cursor: int,
        actor: str,
        *,
        midway: Callable[[], None] | None = None,
        payload_json: Mapping[str, str] | None = None,
    ) -> int:
        """Insert pulled events (known ones are skipped), refold their cases, store the cursor.

        All in one transaction, so a crash mid-pull leaves the store as it was before it.
        The cursor is the pulling person's (each person sees a different part of the log).
        `midway` runs after the events are inserted, before the commit (fault injection).
        `payload_json` may give events' payloads as canonical JSON by event id (what
        checking their hashes produced), so they are not serialized again.
        Returns how many events were new here.
        """
        # A page allocates tens of thousands of short-lived objects and no cycles: the
        # cyclic collector would only walk the heap again and again meanwhile.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with self.transaction() as session:
                batch = RemoteBatch(session)
                new = batch.apply(list(records), payload_json, iso(self.clock.now()))
                self.changes.note(session, batch.case_ids, batch.kinds)
                if midway is not None:
                    midway()
                self._device_of(session, actor).sync_cursor = cursor
        finally:
            if collecting:
                gc.enable()
        return new

    def sync_cursor(self, actor: str) -> int:
        """The highest server_seq the actor has pulled and applied here (0 before any)."""
        query = select(Device.sync_cursor).where(Device.actor == actor)
        with self.read() as session:
            return session.scalars(query).first() or 0

    def reset_cursor(self, actor: str) -> None:
        """Pull the actor's view from the start again (their team or clearances changed)."""
        with self.transaction() as session:
            self._device_of(session, actor).sync_cursor = 0

    # --- quarantine (app/log/quarantine.py) -------------------------------------------

    def quarantined(self) -> list[Quarantined]:
        """Pulled events kept out of the projections, with why, in hub order."""
        with self.read() as session:
            return quarantine.listing(session)

    def quarantine_count(self) -> int:
        """How many pulled events are in quarantine."""
        with self.read() as session:
            return quarantine.count(session)

    def retry_quarantined(self, *, only_stale: bool = False) -> RetryReport:
        """Check and fold the quarantined events again (only those another build last
        tried, when `only_stale`); those that fold now join the log and their cases are
        folded again. One transaction."""
        with self.transaction() as session:
            report, cases = quarantine.retry(session, iso(self.clock.now()), only_stale=only_stale)
            self.changes.note(session, cases, ())
        return report

    # --- integrity ----------------------------------------------------------------

    def rebuild_projections(self) -> None:
        """Drop and refold every projection from the log."""
        with self.transaction() as session:
            rebuild_all(session)

    def verify_chains(self) -> list[ChainBreak]:
        """Walk every device's hash chain; the first break of each broken chain.

        Chains written here must be whole from their first event. Other workstations'
        chains arrive with gaps (events this store may not see), so for them every event
        must match its hash and link to its predecessor wherever that is present.
        """
        with self.read() as session:
            own = set(session.scalars(select(Device.device_id)))
        by_device: dict[str, list[EventRecord]] = {}
        for rec in self._events_by_device():
            by_device.setdefault(rec.device_id, []).append(rec)
        breaks = [
            verify_chain(chain) if device in own else verify_partial_chain(chain)
            for device, chain in by_device.items()
        ]
        return [b for b in breaks if b is not None]

    def _events_by_device(self) -> list[EventRecord]:
        """Every event held here, quarantined ones included, by device and device_seq."""
        query = select(Event).order_by(Event.device_id, Event.device_seq)
        with self.read() as session:
            held = [record_of(row) for row in session.scalars(query)]
            held += quarantine.records(session)
        return sorted(held, key=lambda r: (r.device_id, r.device_seq))

    def _ensure_device(self) -> str:
        """The workstation's own row (no actor); before per-person chains, the only one."""
        with self.transaction() as session:
            device = session.scalars(select(Device).where(Device.actor.is_(None))).first()
            if device is None:
                device = _new_device(None)
                session.add(device)
            return device.device_id

    def _device_of(self, session: Session, actor: str) -> Device:
        device = session.scalars(select(Device).where(Device.actor == actor)).first()
        if device is None:
            device = _new_device(actor)
            session.add(device)
            session.flush()
        return device


def _new_device(actor: str | None) -> Device:
    return Device(device_id=uuid7(), actor=actor, last_seq=0, last_hash=GENESIS_HASH, sync_cursor=0)


def _row_of(rec: EventRecord) -> Event:
    return Event(**row_values(rec))


def open_store(data_dir: Path, clock: Clock | None = None) -> LocalStore:
    """Open (create, migrate) the local store; a locked, damaged or unwritable file is a
    StoreError naming the problem, not a raw database exception."""
    try:
        return LocalStore(data_dir, clock)
    except Exception as exc:
        error = store_error(exc)
        if error is None:
            raise
        raise error from exc
