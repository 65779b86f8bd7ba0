"""Work ahead: check out cases (hub leases with a long expiry) and their media, then go offline.

The hub grants the leases, so nobody else is handed those cases meanwhile. The cases come
down with a sync, their media goes into the local cache, and a local `case.leased` event
per case puts them in the reviewer's queue as theirs, with no network needed to work
them. The engine gives each hub lease back once its case is done here (engine.py).

A checkout stays within the team's lease caps (app/domain/leasing.py): the lease length
is lowered to `lease.max_hours` and the count to what `lease.max_cases` still allows
beside the cases already leased here, so the request is one the hub grants whole; the
hub cuts anything beyond its own count of the person's leases, and the report says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.domain.kinds import EventKind
from app.domain.leasing import (
    MAX_CASES,
    MAX_HOURS,
    PREFIX,
    LeaseLimits,
    cases_within,
    hours_within,
    limits_from,
)
from app.log.clock import iso
from app.sync.client import HubRejected
from app.sync.engine import SyncEngine, SyncReport, fetch_media
from app.sync.prefetch import media_of, media_to_fetch
from db.models import Case, TeamSetting

DEFAULT_HOURS = 8.0
OPEN_FOR_LEASE = ("new", "escalated", "leased")


@dataclass
class WorkAheadReport:
    """What a checkout got: cases leased on the hub and here, their media files now in the
    cache, and the cases the hub refused."""

    leased: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    media: int = 0
    expires_at: str | None = None
    # The team's lease caps that made the checkout smaller than asked, in words.
    limited_by: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the CLI and the dialog."""
        until = f" until {self.expires_at}" if self.expires_at else ""
        line = (
            f"{len(self.leased)} case(s) checked out{until}, {self.media} media file(s) "
            f"cached, {len(self.refused)} refused"
        )
        return line + "".join(f" ({why})" for why in self.limited_by)


def check_out(
    engine: SyncEngine,
    user: str,
    count: int,
    *,
    hours: float = DEFAULT_HOURS,
    queue: str | None = None,
) -> WorkAheadReport:
    """Lease count cases for user on the hub for hours (within the team's lease caps),
    bring them and their media here."""
    client = engine.authorized(user)
    limits = team_limits(engine, user)
    report = WorkAheadReport()
    if hours > limits.max_hours:
        report.limited_by.append(f"{MAX_HOURS}: leases last at most {limits.max_hours} h")
        hours = hours_within(limits, hours)
    wanted = cases_within(limits, _leased_here(engine, user), count)
    if wanted < count:
        report.limited_by.append(f"{MAX_CASES}: at most {limits.max_cases} case(s) held")
    if wanted == 0:
        return report
    granted, refused = client.lease(count=wanted, ttl=int(hours * 3600), queue=queue)
    report.refused = list(refused)
    if not granted:
        return report
    engine.sync(user)  # the cases (and anything newer) are here now
    expires = {g.case_id: g.expires_at for g in granted}
    report.leased = _lease_here(engine, user, expires)
    report.expires_at = max(expires.values())
    # Remembered only now: the engine gives back hub leases whose case is not leased here.
    engine.link.add_work_ahead(list(expires), user)
    engine.return_finished_leases()
    shas = media_to_fetch(engine.store, engine.who(user), report.leased, next_cases=0)
    fetch_media(engine.authorized(user), engine.store, shas, by=user)
    report.media = sum(engine.store.blobs.has(sha) for sha in media_of(engine.store, report.leased))
    engine.push_all(SyncReport())  # the local leases go out now, while online
    return report


def _lease_here(engine: SyncEngine, user: str, expires: dict[str, str]) -> list[str]:
    """A local lease event per checked-out case that is still open here."""
    store, leased = engine.store, []
    with store.transaction() as session:
        for case_id, until in expires.items():
            case = session.get(Case, case_id)
            if case is None or case.status not in OPEN_FOR_LEASE:
                continue  # decided here meanwhile, or not visible after all
            payload = {"holder": user, "expires_at": until, "work_ahead": True}
            store.append(
                session,
                actor=user,
                kind=EventKind.CASE_LEASED,
                case_id=case_id,
                payload=payload,
                seen_head=case.head_event_id,
            )
            leased.append(case_id)
    return leased


def team_limits(engine: SyncEngine, user: str) -> LeaseLimits:
    """The team's lease caps: as the hub says, or as last pulled here (team settings)."""
    try:
        info = engine.authorized(user).lease_limits(engine.who(user).team)
    except HubRejected:
        return local_limits(engine)
    return limits_from({MAX_CASES: info.get("max_cases"), MAX_HOURS: info.get("max_hours")})


def local_limits(engine: SyncEngine) -> LeaseLimits:
    """The team's lease caps as last pulled here (team.setting events)."""
    with engine.store.read() as session:
        rows = session.scalars(select(TeamSetting).where(TeamSetting.key.startswith(PREFIX)))
        return limits_from({row.key: row.value for row in rows})


def _leased_here(engine: SyncEngine, user: str) -> int:
    """How many cases are leased to user in this store (their share of the allowance)."""
    now = iso(datetime.now(UTC))
    with engine.store.read() as session:
        query = select(func.count()).where(
            Case.status == "leased", Case.leased_by == user, Case.lease_expires_at > now
        )
        return int(session.scalar(query) or 0)
