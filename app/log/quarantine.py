"""Quarantine: a pulled event that cannot be validated or folded never wedges sync.

A workstation must apply whatever the hub sends, but the hub may be older than the
workstation, have a bug, or have accepted an event a hostile teammate crafted. Such an
event (a kind no installed feature declares, a payload that does not match its kind's
typed payload, or one whose fold raises) is kept in `quarantined_events` with the field
and the rule that refused it, instead of in `events`: it is folded into no projection,
the page it came in is applied without it and the cursor moves on.

Later events of the same case still apply: the case is folded from the events it holds,
without the quarantined one (when the quarantined event is the one that creates the
case, the case's later events are kept and fold nothing until it is let in). A retry
(`retry`, run when a store is opened by another build and by `veil sync quarantine
--retry`) checks each quarantined event again; one that now folds moves into `events`
and its case is folded again from its whole log, in canonical order.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.log.events import EventRecord, canonical_json
from app.log.fold_scope import select_in
from app.log.folding import FoldError, apply_event, folding, refold_cases
from app.log.registry import PayloadError, registry
from db.engine import store_error
from db.migrate import head_revision
from db.models import Event, QuarantinedEvent

TABLE = QuarantinedEvent.__table__
RECORD_COLUMNS = (
    "event_id",
    "device_id",
    "device_seq",
    "actor",
    "kind",
    "case_id",
    "payload",
    "seen_head",
    "created_at",
    "server_seq",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class Reason:
    """Why an event is quarantined: the field (or the fold) and the rule it broke."""

    field: str
    rule: str

    def __str__(self) -> str:
        return f"{self.field}: {self.rule}"


@dataclass(frozen=True)
class Quarantined:
    """One quarantined event as a lead sees it."""

    event_id: str
    kind: str
    case_id: str | None
    actor: str
    server_seq: int | None
    created_at: str
    field: str
    rule: str
    quarantined_at: str
    attempts: int


@dataclass(frozen=True)
class RetryReport:
    """What a retry did: events let in (folded) and events still quarantined."""

    folded: int
    still: int


@functools.cache
def build() -> str:
    """This build's identity: the version, the installed features' kinds and the schema.
    A quarantined event last tried by another build is tried again when a store opens."""
    try:
        version = metadata.version("veil")
    except metadata.PackageNotFoundError:
        version = "dev"
    reg = registry()
    shape = {
        "features": [f.name for f in reg.features],
        "kinds": sorted(reg.kinds),
        "schema": head_revision(),
    }
    digest = hashlib.sha256(canonical_json(shape).encode("utf-8")).hexdigest()[:16]
    return f"{version[:40]}+{digest}"


def screen(rec: EventRecord) -> tuple[Reason | None, Any]:
    """Check a pulled event as the store checks one it writes: (why not, None) or (None,
    its typed payload)."""
    reg = registry()
    if rec.kind not in reg.kinds:
        return Reason("kind", f"no installed feature declares the kind {rec.kind!r}"), None
    try:
        return None, reg.check(rec.kind, rec.case_id, rec.payload)
    except PayloadError as exc:
        return Reason(exc.where or "payload", exc.rule), None


def reason_of(exc: BaseException) -> Reason:
    """The reason an event whose fold failed is quarantined."""
    if isinstance(exc, PayloadError):
        return Reason(exc.where or "payload", exc.rule)
    if isinstance(exc, FoldError):
        return Reason(f"fold {exc.fold}", f"{type(exc.cause).__name__}: {exc.cause}")
    cause = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(cause, sqlite3.Error):
        return Reason("projections", f"{type(cause).__name__}: {cause}")
    return Reason("fold", f"{type(exc).__name__}: {exc}")


def quarantinable(exc: BaseException) -> bool:
    """Whether a failure is the event's (quarantine it) rather than the store's (a full
    disk, a lock held too long, a damaged file: raise, nothing is applied)."""
    return isinstance(exc, Exception) and store_error(exc) is None


def known_ids(session: Session, event_ids: Iterable[str]) -> dict[str, int | None]:
    """Quarantined events among these ids, with their server_seqs."""
    name = QuarantinedEvent.__tablename__
    found = select_in(session, name, ["event_id", "server_seq"], "event_id", event_ids)
    return {str(event_id): seq for event_id, seq in found}


def put(
    session: Session, rec: EventRecord, payload_json: str | None, reason: Reason, now: str
) -> None:
    """Keep a pulled event in quarantine (once: a resend of a quarantined one is known)."""
    values = _record_row(rec, payload_json)
    values.update(
        field=reason.field[:200],
        rule=reason.rule,
        quarantined_at=now,
        tried_at=now,
        attempts=1,
        tried_with=build(),
    )
    session.execute(insert(QuarantinedEvent), [values])


def count(session: Session) -> int:
    """How many events are in quarantine."""
    return int(session.scalar(select(func.count()).select_from(QuarantinedEvent)) or 0)


def stale(session: Session) -> bool:
    """Whether some quarantined event was last tried by another build."""
    query = select(QuarantinedEvent.event_id).where(QuarantinedEvent.tried_with != build())
    return session.scalars(query.limit(1)).first() is not None


def listing(session: Session) -> list[Quarantined]:
    """Every quarantined event, in hub order."""
    q = QuarantinedEvent
    query = select(
        q.event_id,
        q.kind,
        q.case_id,
        q.actor,
        q.server_seq,
        q.created_at,
        q.field,
        q.rule,
        q.quarantined_at,
        q.attempts,
    ).order_by(q.server_seq.is_(None), q.server_seq, q.event_id)
    return [Quarantined(**row._asdict()) for row in session.execute(query)]


def retry(session: Session, now: str, *, only_stale: bool = False) -> tuple[RetryReport, set[str]]:
    """Check and fold every quarantined event again (or only those another build tried),
    in hub order, each in its own savepoint; the report and the cases folded again."""
    columns = [TABLE.c[name] for name in RECORD_COLUMNS]
    query = select(*columns).order_by(TABLE.c.server_seq.is_(None), TABLE.c.server_seq)
    if only_stale:
        query = query.where(TABLE.c.tried_with != build())
    rows = session.execute(query).all()
    folded, cases = 0, set()
    for row in rows:
        rec = _record_of(row._asdict())
        reason, typed = screen(rec)
        if reason is None:
            try:
                with session.begin_nested():
                    gone = TABLE.c.event_id == rec.event_id
                    session.execute(delete(QuarantinedEvent).where(gone))
                    session.execute(insert(Event), [_record_row(rec, row.payload)])
                    fold_into(session, rec, typed)
                folded += 1
                if rec.case_id is not None:
                    cases.add(rec.case_id)
                continue
            except Exception as exc:
                if not quarantinable(exc):
                    raise
                reason = reason_of(exc)
        session.execute(
            update(QuarantinedEvent)
            .where(TABLE.c.event_id == rec.event_id)
            .values(
                field=reason.field[:200],
                rule=reason.rule,
                tried_at=now,
                attempts=TABLE.c.attempts + 1,
                tried_with=build(),
            )
        )
    session.expire_all()
    return RetryReport(folded, len(rows) - folded), cases


def fold_into(session: Session, rec: EventRecord, typed: Any = None) -> None:
    """Fold one event that is in `events` now: its case again from its whole log (in
    canonical order), or the event alone when it names no case."""
    if rec.case_id is not None:
        refold_cases(session, [rec.case_id])
        return
    with folding(session, [], []) as ctx:
        if typed is not None:
            ctx.decoded[rec.event_id] = typed
        apply_event(ctx, rec)


def _record_row(rec: EventRecord, payload_json: str | None) -> dict[str, Any]:
    return {
        "event_id": rec.event_id,
        "device_id": rec.device_id,
        "device_seq": rec.device_seq,
        "actor": rec.actor,
        "kind": rec.kind,
        "case_id": rec.case_id,
        "payload": payload_json or canonical_json(rec.payload),
        "seen_head": rec.seen_head,
        "created_at": rec.created_at,
        "server_seq": rec.server_seq,
        "prev_hash": rec.prev_hash,
        "hash": rec.hash,
    }


def _record_of(row: Mapping[str, Any]) -> EventRecord:
    return EventRecord(
        event_id=row["event_id"],
        device_id=row["device_id"],
        device_seq=row["device_seq"],
        actor=row["actor"],
        kind=row["kind"],
        case_id=row["case_id"],
        payload=json.loads(row["payload"]),
        seen_head=row["seen_head"],
        created_at=row["created_at"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
        server_seq=row["server_seq"],
    )


def records(session: Session) -> list[EventRecord]:
    """Every quarantined event as a record (for the chain check)."""
    columns = [TABLE.c[name] for name in RECORD_COLUMNS]
    return [_record_of(row._asdict()) for row in session.execute(select(*columns))]
