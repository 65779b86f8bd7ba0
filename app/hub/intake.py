"""POST /v1/intake: new cases become case.ingested events on the hub's own device chain.

The hub device (created by the first migration) authors intake events with its own
gapless device_seq and hash chain; the actor is the analyst or lead who ran the intake.
Cases whose external_id the team already has are skipped, so re-running an intake file
is harmless. Every referenced media item must have been uploaded as a blob first, by
the caller (proof of possession) unless the caller may already read it.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from app.domain.kinds import EventKind
from app.hub.access import Principal
from app.hub.cases import attachable_blobs, known_external_ids, record_cases, spec_scope
from app.hub.context import iso_ms
from app.hub.errors import HubError
from app.hub.log import DeviceHead, append, load_device, lock_head, save_device
from app.hub.schemas import CaseSpec, IntakeCreated, IntakeResponse
from app.log.events import EventRecord, seal, uuid7
from app.log.registry import PayloadError, PayloadTooLarge, registry
from db.hub.engine import write_transaction


def intake(engine: Engine, user: Principal, specs: list[CaseSpec], now_ms: int) -> IntakeResponse:
    """Create a case.ingested event per new case; skip external_ids already present."""
    if not user.may_intake:
        raise HubError(403, f"a {user.role} may not run an intake")
    specs = [_owned(user, spec) for spec in specs]
    for n, spec in enumerate(specs):
        _check_spec(n, spec)
    with write_transaction(engine) as conn:
        # Lock first: a concurrent intake of the same file must see these cases.
        head = lock_head(conn)
        _check_media(conn, user, specs)
        fresh, skipped = _split_known(conn, specs)
        device = load_device(conn, head.hub_device_id, "@hub")
        records = [_ingest_event(user, device, spec, now_ms) for spec in fresh]
        acked = append(conn, head, records, [spec_scope(s) for s in fresh], now_ms)
        record_cases(conn, records, acked, user)
        save_device(conn, device)
    created = [
        IntakeCreated(
            external_id=s.external_id,
            case_id=str(r.case_id),
            event_id=r.event_id,
            server_seq=acked[r.event_id],
        )
        for s, r in zip(fresh, records, strict=True)
    ]
    return IntakeResponse(created=created, skipped=skipped)


def _check_spec(n: int, spec: CaseSpec) -> None:
    """The case.ingested payload a spec becomes must fit the kind's size limit and match
    its typed payload, as every workstation checks it."""
    kind, payload = EventKind.CASE_INGESTED.value, spec.model_dump(mode="json")
    try:
        registry().check_size(kind, payload)
        registry().check(kind, "new", payload)
    except PayloadTooLarge as exc:
        raise HubError(
            413, f"cases[{n}] ({spec.external_id}): {exc}", field="payload", rule=exc.rule
        ) from None
    except PayloadError as exc:
        raise HubError(
            422, f"cases[{n}] ({spec.external_id}): {exc}", field=exc.where, rule=exc.rule
        ) from None


def _owned(user: Principal, spec: CaseSpec) -> CaseSpec:
    team = spec.team or user.team
    if not user.may_see_case(team, spec.clearance):
        raise HubError(403, f"case {spec.external_id}: outside your team or clearances")
    return spec.model_copy(update={"team": team})


def _check_media(conn: Connection, user: Principal, specs: list[CaseSpec]) -> None:
    """Every named blob was uploaded by user or is one user may already read. A blob the
    hub does not hold and one user may not attach get the same answer, so intake tells
    nobody which media the hub holds."""
    wanted = sorted({m.sha256 for spec in specs for m in spec.media})
    allowed = attachable_blobs(conn, user, wanted)
    missing = [sha for sha in wanted if sha not in allowed]
    if missing:
        raise HubError(
            422,
            f"media not uploaded: {missing[0]} (upload each blob before naming it in a case)",
            missing=missing,
        )


def _split_known(conn: Connection, specs: list[CaseSpec]) -> tuple[list[CaseSpec], list[str]]:
    known = known_external_ids(conn, [(str(s.team), s.external_id) for s in specs])
    fresh, skipped, seen = [], [], set(known)
    for spec in specs:
        key = (str(spec.team), spec.external_id)
        if key in seen:
            skipped.append(spec.external_id)
        else:
            seen.add(key)
            fresh.append(spec)
    return fresh, skipped


def _ingest_event(user: Principal, device: DeviceHead, spec: CaseSpec, now_ms: int) -> EventRecord:
    """The hub device's next event (the device head moves on): one new case."""
    record = seal(
        EventRecord(
            event_id=uuid7(),
            device_id=device.device_id,
            device_seq=device.last_seq + 1,
            actor=user.username,
            kind=EventKind.CASE_INGESTED.value,
            case_id=uuid7(),
            payload=spec.model_dump(mode="json"),
            seen_head=None,
            created_at=iso_ms(now_ms),
            prev_hash=device.last_hash,
        )
    )
    device.last_seq, device.last_hash = record.device_seq, record.hash
    return record
