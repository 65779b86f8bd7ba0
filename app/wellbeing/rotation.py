"""Exposure-aware rotation and break reminders, derived from the reviewer's own events.

Rotation: after `rotation_after` consecutive *intense* cases (a graphic policy at severity
`high_severity` or above) claim-next prefers a calm case, but only when no SLA would be
missed by it: no intense case in the reviewer's queues is due within the time one case
takes (`sla_allowance_minutes`). Cases already overdue do not block rotation; their SLA is
missed whichever case comes next.

Breaks: a reminder once `break_after_minutes` of work or `break_after_graphic_items`
graphic media items have passed since the last break (or since signing in). A lead can
make the break mandatory. Every rule is a team setting (`team.setting` events), with the
defaults below.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.kinds import EventKind
from app.domain.policies import PolicySet
from app.log.clock import iso, parse_iso
from db.models import Case, Event, TeamSetting

PREFIX = "wellbeing."
_HANDLED = (str(EventKind.DECISION_RECORDED), str(EventKind.CASE_ESCALATED))
_LIMITS = {
    "rotation_after": (1, 100),
    "high_severity": (1, 10),
    "sla_allowance_minutes": (0, 240),
    "break_after_minutes": (5, 600),
    "break_after_graphic_items": (1, 1000),
    "break_minutes": (1, 120),
}


@dataclass(frozen=True)
class WellbeingRules:
    """The team's rotation and break rules."""

    rotation_after: int = 5
    high_severity: int = 3
    sla_allowance_minutes: int = 10
    break_after_minutes: int = 90
    break_after_graphic_items: int = 40
    break_minutes: int = 10
    break_mandatory: bool = False

    def intense(self, policies: PolicySet, category: str, severity: int) -> bool:
        """Whether a case counts towards the rotation streak."""
        return (
            category in policies and policies[category].graphic and (severity >= self.high_severity)
        )


def validate_rules(changes: dict[str, Any]) -> dict[str, Any]:
    """Checked settings for a team.setting event; ValueError names the bad one."""
    known = {f.name for f in fields(WellbeingRules)}
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in known:
            raise ValueError(f"{name}: not a wellbeing setting (known: {', '.join(sorted(known))})")
        if name == "break_mandatory":
            if not isinstance(value, bool):
                raise ValueError("break_mandatory: expected true or false")
        else:
            low, high = _LIMITS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{name}: expected a whole number from {low} to {high}")
        out[PREFIX + name] = value
    return out


def load_rules(session: Session) -> WellbeingRules:
    """The rules in force: team settings over the defaults."""
    rows = session.scalars(select(TeamSetting).where(TeamSetting.key.startswith(PREFIX)))
    values = {row.key[len(PREFIX) :]: json.loads(row.value) for row in rows}
    known = asdict(WellbeingRules())
    return replace(WellbeingRules(), **{k: v for k, v in values.items() if k in known})


def last_break(session: Session, actor: str) -> datetime | None:
    """When this reviewer's last break ended."""
    query = select(func.max(Event.created_at)).where(
        Event.actor == actor, Event.kind == str(EventKind.BREAK_TAKEN)
    )
    found = session.scalar(query)
    return None if found is None else parse_iso(found)


def intense_streak(session: Session, actor: str, policies: PolicySet, rules: WellbeingRules) -> int:
    """How many intense cases in a row this reviewer handled since their last break."""
    query = (
        select(Event.kind, Case.category, Case.severity)
        .join(Case, Case.case_id == Event.case_id, isouter=True)
        .where(Event.actor == actor, Event.kind.in_([*_HANDLED, str(EventKind.BREAK_TAKEN)]))
        .order_by(Event.id.desc())
        .limit(rules.rotation_after + 1)
    )
    streak = 0
    for kind, category, severity in session.execute(query):
        if kind == EventKind.BREAK_TAKEN or category is None:
            break
        if not rules.intense(policies, category, severity):
            break
        streak += 1
    return streak


@dataclass(frozen=True)
class BreakAdvice:
    """Whether a break is due, and why."""

    due: bool
    mandatory: bool
    worked: timedelta
    graphic_items: int
    reason: str


def break_advice(
    session: Session,
    actor: str,
    policies: PolicySet,
    rules: WellbeingRules,
    now: datetime,
    signed_in: datetime,
) -> BreakAdvice:
    """The break reminder for this reviewer at `now`."""
    since = max(filter(None, (last_break(session, actor), signed_in)))
    worked = max(now - since, timedelta(0))
    items = graphic_items_since(session, actor, policies, since)
    reasons = []
    if worked >= timedelta(minutes=rules.break_after_minutes):
        reasons.append(f"{int(worked.total_seconds() // 60)} minutes without a break")
    if items >= rules.break_after_graphic_items:
        reasons.append(f"{items} graphic items since your last break")
    due = bool(reasons)
    return BreakAdvice(due, due and rules.break_mandatory, worked, items, "; ".join(reasons))


def graphic_items_since(session: Session, actor: str, policies: PolicySet, since: datetime) -> int:
    """Media items of graphic cases this reviewer claimed since `since`."""
    graphic = [p.id for p in policies if p.graphic]
    claimed = (
        select(Event.case_id)
        .where(
            Event.actor == actor,
            Event.kind == str(EventKind.CASE_LEASED),
            Event.created_at >= iso(since),
        )
        .distinct()
        .subquery()
    )
    query = select(func.coalesce(func.sum(Case.media_count), 0)).where(
        Case.case_id.in_(select(claimed.c.case_id)), Case.category.in_(graphic)
    )
    return int(session.scalar(query) or 0)
