"""Online claims on cases ("work ahead"): a lease held by someone else is never granted.

A lease is granted by one conditional UPDATE (free, expired, or already the caller's), so
two hub processes on one PostgreSQL can never grant the same case twice. `count` picks
open cases first (for analysts and leads, escalated ones too), by severity then age.

The team's lease caps (app/domain/leasing.py) bound every request: a lease longer than
`lease.max_hours` is refused (422 naming the rule); new cases beyond the person's
allowance (`lease.max_cases` minus the open cases they hold) are cut from the request and
reported as refused, with `limited_by` saying which rule cut them. The caller's users row
is locked first, so two concurrent requests of one person cannot both spend the allowance.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, Engine, or_, select, update

from app.domain.leasing import MAX_CASES, LeaseRuleError, check_hours, cut_to_allowance
from app.hub.access import Principal
from app.hub.cases import visible_cases
from app.hub.context import iso_ms
from app.hub.errors import HubError
from app.hub.schemas import LeaseGrant, LeaseRequest, LeaseResponse
from app.hub.settings import lease_limits
from db.hub.engine import write_transaction
from db.hub.models import Case, User


def lease(engine: Engine, user: Principal, request: LeaseRequest, now_ms: int) -> LeaseResponse:
    """Grant what can be granted of the request."""
    if (request.count is None) == (request.case_ids is None):
        raise HubError(422, "give either count or case_ids")
    expires = now_ms + request.ttl_seconds * 1000
    with write_transaction(engine) as conn:
        _lock_person(conn, user)
        limits = lease_limits(conn, user.team)
        try:
            check_hours(limits, request.ttl_seconds)
        except LeaseRuleError as exc:
            raise HubError(422, str(exc)) from None
        held = _held(conn, user, now_ms)
        if request.case_ids is not None:
            wanted = list(dict.fromkeys(request.case_ids))
            _check_visible(conn, user, wanted)
        else:
            wanted = _candidates(conn, user, request, now_ms)
        # Cases someone else holds are refused anyway: they take nothing from the allowance.
        free = _free_among(conn, user, wanted, now_ms)
        fits, cut = cut_to_allowance(limits, held, [c for c in wanted if c in free])
        granted = [c for c in fits if _claim(conn, user, c, now_ms, expires)]
    grants = [
        LeaseGrant(case_id=c, holder=user.username, expires_at=iso_ms(expires)) for c in granted
    ]
    limited_by = None
    if cut or (
        request.count is not None
        and len(granted) < request.count
        and not _room(limits.max_cases, held, granted)
    ):
        limited_by = (
            f"{MAX_CASES}: a person holds at most {limits.max_cases} open case(s);"
            f" you hold {len(set(held) | set(granted))}"
        )
    return LeaseResponse(
        granted=grants,
        refused=[c for c in wanted if c not in set(granted)],
        limited_by=limited_by,
    )


def release(engine: Engine, user: Principal, case_id: str) -> bool:
    """Give a lease back (a lead may release anyone's); False when nobody held it."""
    with write_transaction(engine) as conn:
        _check_visible(conn, user, [case_id])
        holder = conn.scalar(select(Case.lease_holder).where(Case.case_id == case_id))
        if holder is None:
            return False
        if holder != user.username and not user.is_lead:
            raise HubError(409, f"case {case_id} is leased by someone else")
        values = {"lease_holder": None, "lease_expires_at": None}
        conn.execute(update(Case).where(Case.case_id == case_id).values(values))
    return True


def _lock_person(conn: Connection, user: Principal) -> None:
    # PostgreSQL: one person's lease requests queue here; SQLite: BEGIN IMMEDIATE did it.
    conn.execute(select(User.username).where(User.username == user.username).with_for_update())


def _held(conn: Connection, user: Principal, now_ms: int) -> list[str]:
    """The open (or escalated) cases the caller holds an unexpired lease on."""
    query = select(Case.case_id).where(
        Case.lease_holder == user.username,
        Case.lease_expires_at > now_ms,
        Case.status.in_(["open", "escalated"]),
    )
    return list(conn.scalars(query))


def _free_among(conn: Connection, user: Principal, case_ids: list[str], now_ms: int) -> set[str]:
    query = select(Case.case_id).where(Case.case_id.in_(case_ids), _free(user, now_ms))
    return set(conn.scalars(query))


def _room(max_cases: int, held: list[str], granted: list[str]) -> bool:
    return len(set(held) | set(granted)) < max_cases


def _check_visible(conn: Connection, user: Principal, case_ids: list[str]) -> None:
    query = select(Case.case_id).where(Case.case_id.in_(case_ids), visible_cases(user))
    seen = set(conn.scalars(query))
    missing = [c for c in case_ids if c not in seen]
    if missing:
        raise HubError(404, f"no such case: {missing[0]}")


def _free(user: Principal, now_ms: int) -> ColumnElement[bool]:
    return or_(
        Case.lease_holder.is_(None),
        Case.lease_holder == user.username,
        Case.lease_expires_at <= now_ms,
    )


def _candidates(conn: Connection, user: Principal, request: LeaseRequest, now_ms: int) -> list[str]:
    statuses = ["open"] if user.role == "moderator" else ["open", "escalated"]
    query = select(Case.case_id).where(
        visible_cases(user), Case.status.in_(statuses), _free(user, now_ms)
    )
    if request.queue is not None:
        query = query.where(Case.queue == request.queue)
    order = (Case.status == "escalated").desc(), Case.severity.desc(), Case.ingested_seq
    return list(conn.scalars(query.order_by(*order).limit(request.count)))


def _claim(conn: Connection, user: Principal, case_id: str, now_ms: int, expires: int) -> bool:
    statement = (
        update(Case)
        .where(Case.case_id == case_id, _free(user, now_ms))
        .values(lease_holder=user.username, lease_expires_at=expires)
    )
    return conn.execute(statement).rowcount == 1
