"""The hub's retention purge, configured apart from the workstations': `hub_days` per
category in the retention file (null: the hub keeps the media), run on the hub machine
(`veil evidence hub-purge --hub-db URL`, e.g. from cron).

A blob is deleted from the hub database when every case using it is closed, its
`hub_days` have passed since it closed (its last closing event) and no active hold (from
the hub's own log: placed and not lifted; scope "linked" reaches linked cases) covers
it. Each purge is an `evidence.purged` event (where "hub") the hub writes on the case,
so every workstation that may see the case learns it; cases and the log stay.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, func, select

from app.evidence import kinds
from app.evidence.retention import RetentionPolicy
from app.hub.authored import HUB_ACTOR, write_event
from app.hub.log import Scope, lock_head
from app.log.clock import iso
from app.log.registry import PayloadError, registry
from db.hub.engine import write_transaction
from db.hub.models import Blob, Case, CaseMedia, Event

CLOSING = ("case.closed", "decision.recorded", "case.adjudicated")


def hub_purge(
    engine: Engine, policy: RetentionPolicy, now_ms: int, team: str | None = None
) -> dict[str, list[str]]:
    """One purge round on the hub (or on one team's cases); the blobs removed per case."""
    now = datetime.fromtimestamp(now_ms / 1000, UTC)
    purged: dict[str, list[str]] = {}
    with write_transaction(engine) as conn:
        head = lock_head(conn)
        due = _due_cases(conn, policy, now, team)
        users: dict[str, set[str]] = defaultdict(set)
        for case_id, sha in conn.execute(select(CaseMedia.case_id, CaseMedia.sha256)):
            users[sha].add(case_id)
        stored = set(conn.scalars(select(Blob.sha256)))
        for sha, cases in users.items():
            if sha in stored and cases <= due.keys():
                for case_id in cases:
                    purged.setdefault(case_id, []).append(sha)
        for case_id, shas in sorted(purged.items()):
            team, category, clearance, days, closed_at = due[case_id]
            payload = {
                "sha256s": sorted(shas),
                "where": "hub",
                "device_id": head.hub_device_id,
                "rule": category if category in policy.by_category else "default",
                "days": days,
                "closed_at": closed_at,
            }
            write_event(
                conn,
                actor=HUB_ACTOR,
                kind=kinds.MEDIA_PURGED,
                payload=payload,
                team=team,
                now_ms=now_ms,
                case=(case_id, Scope(team, category, clearance)),
            )
        gone = sorted({sha for shas in purged.values() for sha in shas})
        if gone:
            conn.execute(delete(Blob).where(Blob.sha256.in_(gone)))
    return {case: sorted(shas) for case, shas in purged.items()}


def _due_cases(
    conn: Connection, policy: RetentionPolicy, now: datetime, team: str | None
) -> dict[str, tuple[str, str, str | None, int, str]]:
    query = select(Case.case_id, Case.team, Case.category, Case.clearance).where(
        Case.status == "closed"
    )
    closed = conn.execute(query if team is None else query.where(Case.team == team)).all()
    if not closed:
        return {}
    ids = [row.case_id for row in closed]
    closed_at = dict(
        conn.execute(
            select(Event.case_id, func.max(Event.created_at))
            .where(Event.case_id.in_(ids), Event.kind.in_(CLOSING))
            .group_by(Event.case_id)
        ).all()
    )
    held = _held(conn)
    due = {}
    for row in closed:
        days, at = policy.rule_for(row.category).hub_days, closed_at.get(row.case_id)
        if days is None or at is None or row.case_id in held:
            continue
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        if iso(moment + timedelta(days=days)) <= iso(now):
            due[row.case_id] = (row.team, row.category, row.clearance, days, at)
    return due


def _held(conn: Connection) -> set[str]:
    """Cases under an active hold in the hub's log, linked cases of "linked" holds too."""
    wanted = (kinds.HOLD_PLACED, kinds.HOLD_LIFTED, "cases.linked")
    rows = conn.execute(
        select(Event.kind, Event.case_id, Event.payload)
        .where(Event.kind.in_(wanted))
        .order_by(Event.server_seq)
    ).all()
    holds: dict[str, tuple[str, str]] = {}
    lifted: set[str] = set()
    links: dict[str, set[str]] = defaultdict(set)
    for kind, case_id, text in rows:
        if case_id is None:
            continue
        try:
            typed = registry().decode(kind, json.loads(text))
        except (PayloadError, ValueError):
            continue
        if isinstance(typed, kinds.HoldPlaced):
            holds[typed.hold_id] = (case_id, typed.scope)
        elif isinstance(typed, kinds.HoldLifted):
            lifted.add(typed.hold_id)
        elif getattr(typed, "other_case_id", None):
            links[case_id].add(typed.other_case_id)
            links[typed.other_case_id].add(case_id)
    active = [hold for hold_id, hold in holds.items() if hold_id not in lifted]
    held = {case_id for case_id, _scope in active}
    frontier = [case_id for case_id, scope in active if scope == "linked"]
    while frontier:
        for other in links[frontier.pop()] - held:
            held.add(other)
            frontier.append(other)
    return held
