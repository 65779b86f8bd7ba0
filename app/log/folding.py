"""Fold events into the projections through the registry's folds, by phase.

Projections are derived state: `apply_event` folds one event on top of the current state
and `refold_cases` / `rebuild_all` recompute them from the log in canonical order
(acknowledged events by server_seq, then this device's pending ones). The kernel knows no
feature: it finds an event's kind, typed payload and folds in the registry
(app/log/registry.py) and hands each fold a `FoldContext`, the only way a fold reads or
writes rows (the batch writer of app/log/fold_scope.py).

The fold never refuses a valid event: commands are validated before an event is written,
and events from other workstations must apply whatever they say. A pulled event that does
not match its kind, or whose fold raises (a `FoldError` naming the fold), is quarantined
by the sync apply (app/log/quarantine.py) and never reaches the log's projections. An
event already in the log whose payload does not match its kind (written before the
quarantine existed) folds nothing, the same way in an incremental fold and a rebuild.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Executable, delete, select, text
from sqlalchemy.engine import Result
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.log import fold_scope as scope_rows
from app.log.events import EventRecord
from app.log.fold_scope import DepthKey, FoldScope
from app.log.registry import Fold, PayloadError, registry
from db.models import Case, Event

log = logging.getLogger(__name__)

Row = TypeVar("Row")
T = TypeVar("T")

# Canonical fold order: acknowledged events by server_seq, then local pending ones.
CANONICAL_ORDER = (Event.server_seq.is_(None), Event.server_seq, Event.id)


class FoldError(Exception):
    """A fold raised on an event: which event and fold, and what it raised."""

    def __init__(self, rec: EventRecord, fold: Fold, cause: Exception) -> None:
        self.event_id = rec.event_id
        self.fold = f"{fold.fn.__module__}.{fold.fn.__qualname__}"
        self.cause = cause
        super().__init__(f"{rec.kind} {rec.event_id}: {self.fold}: {type(cause).__name__}: {cause}")


class FoldContext:
    """What a fold may do: read and write projection rows through the batch writer.

    Every statement a fold runs goes through `execute` (or `scalars`/`scalar`), which
    first writes what the folds have pending, so a query sees what earlier folds did.
    """

    def __init__(self, session: Session, scope: FoldScope) -> None:
        self._session = session
        self._scope = scope
        self.payload: Any = None  # the typed payload of the event being folded
        self.scratch: dict[str, Any] = {}  # what one fold leaves for a later phase
        # Typed payloads already decoded (when a pulled page was checked), by event id.
        self.decoded: dict[str, Any] = {}

    def typed(self, kind: type[T]) -> T:
        """The event's typed payload as the kind's payload class."""
        if not isinstance(self.payload, kind):
            raise TypeError(f"payload is {type(self.payload).__name__}, not {kind.__name__}")
        return self.payload

    def case(self, case_id: str) -> Case | None:
        """A case's projection row."""
        return scope_rows.case_row(self._session, case_id)

    def case_no(self, event_id: str) -> int | None:
        """The local number of an ingest event (the case's stable number)."""
        return scope_rows.case_no_of(self._session, event_id)

    def new_row(self, model: type[Row], **values: Any) -> Row:
        """A new projection row, written with its table's others at the batch's end."""
        return scope_rows.new_row(self._session, model, **values)

    def row(self, model: type[Row], pk: Any, case_id: str) -> Row | None:
        """A case-keyed projection row by primary key."""
        return scope_rows.get_row(self._session, model, pk, case_id)

    def add_depth(self, key: DepthKey, delta: int) -> None:
        """Move a queue-depth count."""
        scope_rows.add_depth(self._session, key, delta)

    def execute(self, statement: Executable) -> Result[Any]:
        """Run a statement after writing what is pending."""
        self._scope.write_pending(self._session)
        return self._session.execute(statement)

    def scalars(self, statement: Executable) -> list[Any]:
        """The first column of a query's rows, after writing what is pending."""
        return list(self.execute(statement).scalars())

    def scalar(self, statement: Executable) -> Any:
        """The first column of the first row, after writing what is pending."""
        return self.execute(statement).scalar()

    def upsert(self, model: type[Any], key: Sequence[str], values: dict[str, Any]) -> None:
        """Insert a row, or set these values on the one with the same key."""
        columns = list(values)
        changed = [c for c in columns if c not in key] or columns[:1]
        sets = ", ".join(f"{c} = excluded.{c}" for c in changed)
        sql = (
            f"INSERT INTO {model.__tablename__} ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}"
        )
        self.execute(text(sql).bindparams(**values))


@contextmanager
def folding(
    session: Session, case_ids: Iterable[str], ingest_ids: Iterable[str] = ()
) -> Iterator[FoldContext]:
    """A fold context over a batch writer holding these cases' rows."""
    with scope_rows.fold_scope(session, case_ids, ingest_ids) as scope:
        yield FoldContext(session, scope)


def fold_one(session: Session, rec: EventRecord) -> None:
    """Fold one event just appended here (inside the caller's transaction)."""
    cases = [rec.case_id] if rec.case_id is not None else []
    ingests = [rec.event_id] if _creates_case(rec.kind) else []
    with folding(session, cases, ingests) as ctx:
        apply_event(ctx, rec)


def apply_event(ctx: FoldContext, rec: EventRecord) -> None:
    """Fold one event through its kind's folds, phase by phase."""
    reg = registry()
    spec = reg.kinds.get(rec.kind)
    if spec is None:
        log.warning("event %s of unknown kind %r is kept and not folded", rec.event_id, rec.kind)
        return
    typed = ctx.decoded.pop(rec.event_id, None) if ctx.decoded else None
    if typed is not None:
        ctx.payload = typed
    else:
        try:
            ctx.payload = reg.decode(rec.kind, rec.payload)
        except PayloadError as exc:
            log.warning("event %s is kept and not folded: %s", rec.event_id, exc)
            return
    case: Case | None = None
    if rec.case_id is not None:
        case = ctx.case(rec.case_id)
        if spec.creates_case:
            if case is not None:
                return  # the same case brought in twice: the first stands
        elif case is None:
            return  # an event for a case this store may not see (clearance, team)
    ctx.scratch.clear()
    for fold in reg.folds_for(rec.kind):
        try:
            fold.fn(ctx, case, rec)
        except (sqlite3.Error, DBAPIError):
            raise  # the database's own failures pass as they are (app/log/quarantine.py)
        except Exception as exc:
            raise FoldError(rec, fold, exc) from exc
    if case is not None:
        case.head_event_id = rec.event_id
        case.updated_at = rec.created_at


def _creates_case(kind: str) -> bool:
    spec = registry().kinds.get(kind)
    return spec is not None and spec.creates_case


def record_of(row: Event) -> EventRecord:
    """An EventRecord from its database row."""
    return EventRecord(
        event_id=row.event_id,
        device_id=row.device_id,
        device_seq=row.device_seq,
        actor=row.actor,
        kind=row.kind,
        case_id=row.case_id,
        payload=json.loads(row.payload),
        seen_head=row.seen_head,
        created_at=row.created_at,
        prev_hash=row.prev_hash,
        hash=row.hash,
        server_seq=row.server_seq,
    )


def refold_cases(session: Session, case_ids: Iterable[str]) -> None:
    """Recompute the projections of these cases from their events, in canonical order."""
    ids = sorted(set(case_ids))
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        # The queue-depth counts are let go of before the cases go; every feature's
        # case-keyed rows go with their case (explicitly: a feature's own table may have
        # no foreign key to it).
        for status_key in scope_rows.depth_keys_of(session, chunk):
            scope_rows.add_depth(session, status_key, -1)
        for model in registry().tables():
            if "case_id" in model.__table__.c:
                session.execute(delete(model).where(model.case_id.in_(chunk)))
        session.execute(delete(Case).where(Case.case_id.in_(chunk)))
        rows = session.scalars(
            select(Event).where(Event.case_id.in_(chunk)).order_by(*CANONICAL_ORDER)
        ).all()
        _fold_rows(session, chunk, rows)


def rebuild_all(session: Session) -> None:
    """Clear every projection table and fold the whole log again."""
    for name in projection_tables():
        session.execute(text(f"DELETE FROM {name}"))
    rows = session.scalars(select(Event).order_by(*CANONICAL_ORDER)).all()
    for start in range(0, len(rows), 5000):
        page = rows[start : start + 5000]
        _fold_rows(session, {r.case_id for r in page if r.case_id is not None}, page)


def projection_tables() -> list[str]:
    """Every projection table, children before the tables they reference."""
    names = {model.__tablename__ for model in registry().tables()}
    names |= {Case.__tablename__, "queue_depth"}
    ordered = [t.name for t in reversed(Case.metadata.sorted_tables) if t.name in names]
    return ordered + sorted(names - set(ordered))


def _fold_rows(session: Session, case_ids: Iterable[str], rows: Sequence[Event]) -> None:
    """Fold event rows (canonical order) with their cases' rows loaded up front."""
    ingests = [r.event_id for r in rows if _creates_case(r.kind)]
    with folding(session, case_ids, ingests) as ctx:
        for row in rows:
            apply_event(ctx, record_of(row))
