"""Cases as the hub knows them, kept from ingest events: access scope, status, media."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ColumnElement, Connection, and_, insert, select, tuple_, update

from app.domain.kinds import EventKind
from app.domain.people import cleared_sql
from app.hub.access import Principal
from app.hub.errors import HubError
from app.hub.log import Scope
from app.hub.schemas import CaseSpec
from app.log.events import EventRecord
from app.log.registry import PayloadError, team_clearance
from db.hub.models import Blob, BlobUpload, Case, CaseMedia

DEFAULT_TEAM = "default"
# The status a case takes after an event of each kind; leases pick "open" cases first.
STATUS_AFTER = {
    EventKind.DECISION_RECORDED: "decided",
    EventKind.DECISION_RETRACTED: "open",
    EventKind.CASE_ESCALATED: "escalated",
    EventKind.CASE_CLOSED: "closed",
    EventKind.CASE_ADJUDICATED: "closed",
}


def visible_cases(user: Principal) -> ColumnElement[bool]:
    """SQL condition: the cases row is one user may see (team, clearance)."""
    cleared = cleared_sql(Case.clearance, user.clearances)
    return and_(Case.team == user.team, cleared)


def case_spec(record: EventRecord) -> CaseSpec:
    """The validated payload of a case.ingested event; 422 when malformed."""
    if record.case_id is None:
        raise HubError(422, f"event {record.event_id}: case.ingested needs a case_id")
    try:
        return CaseSpec.model_validate(record.payload)
    except ValidationError as exc:
        raise HubError(
            422, f"event {record.event_id}: bad case payload: {exc.errors()[0]}"
        ) from exc


def spec_scope(spec: CaseSpec) -> Scope:
    """Where a case belongs."""
    return Scope(spec.team or DEFAULT_TEAM, spec.category, spec.clearance)


def scope_events(conn: Connection, user: Principal, records: Sequence[EventRecord]) -> list[Scope]:
    """Check user may act on each event's case; the scope of each event, in order."""
    scopes = _known_scopes(conn, {r.case_id for r in records if r.case_id})
    fresh: list[tuple[str, CaseSpec]] = []
    out = []
    for record in records:
        if record.kind == EventKind.CASE_INGESTED:
            spec = case_spec(record)
            if record.case_id in scopes:
                raise HubError(409, f"event {record.event_id}: case {record.case_id} exists")
            scopes[str(record.case_id)] = spec_scope(spec)
            fresh.append((spec_scope(spec).team, spec))
        scope = scopes.get(record.case_id) if record.case_id else _team_scope(user, record)
        if scope is None:
            raise HubError(422, f"event {record.event_id}: unknown case {record.case_id}")
        if not user.may_see_case(scope.team, scope.clearance):
            if record.case_id:
                raise HubError(403, f"event {record.event_id}: no access to case {record.case_id}")
            # A team event's clearance comes from its payload: the refusal names that field.
            raise HubError(
                403,
                f"event {record.event_id}: {record.kind}: clearance: "
                f"no access to {scope.clearance!r} items",
            )
        out.append(scope)
    refuse_known_external_ids(conn, fresh)
    return out


def _team_scope(user: Principal, record: EventRecord) -> Scope:
    """Where an event naming no case belongs: the caller's team, with the clearance its
    kind reads from the payload (a child-safety incident's events)."""
    try:
        return Scope(user.team, clearance=team_clearance(record.kind, record.payload))
    except PayloadError as exc:
        raise HubError(422, f"event {record.event_id}: {exc}") from exc


def _known_scopes(conn: Connection, case_ids: set[Any]) -> dict[str, Scope]:
    query = select(Case.case_id, Case.team, Case.category, Case.clearance)
    rows = conn.execute(query.where(Case.case_id.in_(sorted(case_ids)))).all()
    return {r.case_id: Scope(r.team, r.category, r.clearance) for r in rows}


def known_external_ids(conn: Connection, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (team, external_id) pairs among pairs that the hub already has."""
    wanted = sorted(set(pairs))
    if not wanted:
        return set()
    query = select(Case.team, Case.external_id).where(
        tuple_(Case.team, Case.external_id).in_(wanted)
    )
    return {(r.team, r.external_id) for r in conn.execute(query)}


def refuse_known_external_ids(conn: Connection, fresh: list[tuple[str, CaseSpec]]) -> None:
    """409 when a pushed ingest repeats an external_id its team already has."""
    pairs = [(team, spec.external_id) for team, spec in fresh]
    if len(set(pairs)) != len(pairs) or known_external_ids(conn, pairs):
        raise HubError(409, "a case.ingested event repeats an external_id of its team")


def record_cases(
    conn: Connection, records: Sequence[EventRecord], acked: dict[str, int], user: Principal
) -> None:
    """Keep the cases and case_media tables in step with newly stored events (user, the
    caller, is the actor of every one of them)."""
    status: dict[str, str] = {}
    for record in records:
        if record.kind == EventKind.CASE_INGESTED:
            _insert_case(conn, record, case_spec(record), acked[record.event_id], user)
        elif record.case_id and record.kind in STATUS_AFTER:
            status[record.case_id] = STATUS_AFTER[EventKind(record.kind)]
    for case_id, value in status.items():
        conn.execute(update(Case).where(Case.case_id == case_id).values(status=value))


def _insert_case(
    conn: Connection, record: EventRecord, spec: CaseSpec, seq: int, user: Principal
) -> None:
    scope = spec_scope(spec)
    conn.execute(
        insert(Case).values(
            case_id=record.case_id,
            team=scope.team,
            external_id=spec.external_id,
            category=spec.category,
            clearance=spec.clearance,
            queue=spec.queue,
            severity=spec.severity,
            status="open",
            ingested_seq=seq,
        )
    )
    shas = sorted({m.sha256 for m in spec.media})
    if shas:
        entitled = attachable_blobs(conn, user, shas)
        who = user.username
        rows = [
            {"case_id": record.case_id, "sha256": s, "attached_by": who, "entitled": s in entitled}
            for s in shas
        ]
        conn.execute(insert(CaseMedia), rows)


def readable_blobs(conn: Connection, user: Principal, shas: Iterable[str]) -> set[str]:
    """The blobs among shas that user may read: attached, by someone entitled to attach
    them, to a case user may see."""
    wanted = sorted(set(shas))
    if not wanted:
        return set()
    query = (
        select(CaseMedia.sha256)
        .join(Case, Case.case_id == CaseMedia.case_id)
        .where(CaseMedia.sha256.in_(wanted), CaseMedia.entitled.is_(True), visible_cases(user))
        .distinct()
    )
    return set(conn.scalars(query))


def attachable_blobs(conn: Connection, user: Principal, shas: Iterable[str]) -> set[str]:
    """The stored blobs among shas that user may attach to a new case: they uploaded the
    bytes themselves (proof of possession) or may already read the blob."""
    wanted = sorted(set(shas))
    if not wanted:
        return set()
    stored = set(conn.scalars(select(Blob.sha256).where(Blob.sha256.in_(wanted))))
    uploaded = set(
        conn.scalars(
            select(BlobUpload.sha256).where(
                BlobUpload.username == user.username, BlobUpload.sha256.in_(sorted(stored))
            )
        )
    )
    return uploaded | readable_blobs(conn, user, stored - uploaded)
