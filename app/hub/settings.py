"""Team settings on the hub: the latest `team.setting` value per team and key, and the
lease caps read from them.

A `team.setting` event reaches the hub either pushed by a lead's workstation or written
by the hub for a lead who set lease caps through the API. Either way its lease keys are
checked (a bad value refuses the whole push, naming the key and the rule) and the
team_settings table moves with it in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from app.domain.kinds import EventKind
from app.domain.leasing import (
    LeaseLimits,
    LeaseRuleError,
    lease_settings,
    limits_from,
    validate_limits,
)
from app.hub.access import Principal
from app.hub.authored import write_event
from app.hub.errors import HubError
from app.log.events import EventRecord
from app.log.registry import decoded
from app.review.kinds import TeamSetting as TeamSettingPayload
from db.hub.engine import read_transaction, write_transaction
from db.hub.models import TeamSetting

_KEY_LIMIT = 64


def record_settings(
    conn: Connection, team: str, records: Sequence[EventRecord], acked: dict[str, int]
) -> None:
    """Check and keep the settings of newly stored team.setting events of team (422 on a
    bad lease setting: the transaction, and so the push, stores nothing)."""
    for record in records:
        if record.kind != EventKind.TEAM_SETTING:
            continue
        typed = decoded(record.kind, record.payload, TeamSettingPayload)
        if typed is None:
            continue  # ingest checked every payload already
        values = dict(typed.settings)
        try:
            validate_limits(lease_settings(values))
        except LeaseRuleError as exc:
            raise HubError(422, f"event {record.event_id}: settings.{exc}") from None
        _upsert(conn, team, values, record.actor, acked[record.event_id])


def _upsert(conn: Connection, team: str, values: dict[str, Any], actor: str, seq: int) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    for key, value in values.items():
        if len(key) > _KEY_LIMIT:
            continue  # kept in the event; the table holds keys the hub reads
        row = {"value": json.dumps(value), "set_by": actor, "server_seq": seq}
        statement = dialect.insert(TeamSetting).values(team=team, key=key, **row)
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=["team", "key"],
                set_=row,
                where=TeamSetting.server_seq < seq,
            )
        )


def team_settings(conn: Connection, team: str, prefix: str = "") -> dict[str, str]:
    """The team's settings in force (values as JSON text), optionally under a prefix."""
    query = select(TeamSetting.key, TeamSetting.value).where(TeamSetting.team == team)
    if prefix:
        query = query.where(TeamSetting.key.startswith(prefix))
    return {key: value for key, value in conn.execute(query)}


def lease_limits(conn: Connection, team: str) -> LeaseLimits:
    """The team's lease caps (defaults where a lead set none)."""
    return limits_from(team_settings(conn, team, "lease."))


def read_lease_limits(engine: Engine, user: Principal, team: str) -> LeaseLimits:
    """GET: the caps of the caller's own team."""
    if team != user.team:
        raise HubError(403, "you may read the lease limits of your own team only")
    with read_transaction(engine) as conn:
        return lease_limits(conn, team)


def set_lease_limits(
    engine: Engine, user: Principal, team: str, changes: dict[str, Any], now_ms: int
) -> LeaseLimits:
    """PUT: a lead sets their team's caps; the hub writes the team.setting event."""
    if not user.is_lead:
        raise HubError(403, "only a lead may set lease limits")
    if team != user.team:
        raise HubError(403, "a lead sets the lease limits of their own team only")
    if not changes:
        raise HubError(422, "give max_cases, max_hours or both")
    try:
        values = validate_limits(changes)
    except LeaseRuleError as exc:
        raise HubError(422, str(exc)) from None
    with write_transaction(engine) as conn:
        payload = {"settings": dict(values)}
        record, seq = write_event(
            conn,
            actor=user.username,
            kind=EventKind.TEAM_SETTING.value,
            payload=payload,
            team=team,
            now_ms=now_ms,
        )
        _upsert(conn, team, dict(values), record.actor, seq)
        return lease_limits(conn, team)
