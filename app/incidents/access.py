"""Who may push and pull each incident kind (the hub reads these through the registry).

- Authoring: every incident kind needs an analyst or a lead (the incident manager's
  roles); moderators neither declare nor brief.
- Receiving: the incident's own events go to analysts and leads (`Audience.ANALYSTS`).
  A case's link to an incident and its return on resolution go to everyone who may see
  the case, because they move the case into and out of the incident's own queue and
  every workstation's queues must agree. A role's assignment or removal also reaches
  the person it names (the kind's `addressee`), whatever their role; the assignment
  carries the incident's headline (title, SEV, category, commander). The headline
  events (declaration, severity, resolution: `Audience.MEMBERS`) reach analysts, leads,
  and a moderator only once the incident names them in a role: the hub keys them by
  the incident (`subject_of`) and gives them to whoever an event of that incident was
  addressed to. A moderator sees, and works the queue of, exactly those incidents
  (`sees`); a removed role hides it again on their workstation.
- Clearance: every incident event carries its incident's clearance (a child-safety
  incident: "child_safety"). The hub stores it with the event (the kind's `clearance`),
  so only people holding it receive the incident, and refuses the event from a pusher
  who lacks it (403), as it does for a case's events. Workstations check the same rule
  before writing (`may_see`), and the folds drop an event whose clearance is not its
  incident's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.people import Reviewer, Role, cleared
from app.incidents import kinds as k
from app.incidents.models import IncidentRole
from app.log.registry import Audience

AUTHOR_ROLE = "analyst"
# The incident's own events: analysts and leads. A case's link and return: whoever sees
# the case. The headline (declared, severity, resolved): analysts, leads and the people
# the incident names in a role.
AUDIENCE: dict[str, Audience] = {name: Audience.ANALYSTS for name in k.ALL_KINDS}
for _name in (k.CASE_LINKED, k.CASE_RETURNED):
    AUDIENCE[_name] = Audience.EVERYONE
for _name in (k.DECLARED, k.SEVERITY_CHANGED, k.RESOLVED):
    AUDIENCE[_name] = Audience.MEMBERS


def addressee_of(payload: Any) -> str | None:
    """The person a role event names: they receive it whatever their role."""
    value = getattr(payload, "person", None)
    return value if isinstance(value, str) and value else None


def subject_of(payload: Any) -> str | None:
    """The incident an event belongs to (the hub's membership key for MEMBERS kinds)."""
    value = getattr(payload, "incident_id", None)
    return value if isinstance(value, str) and value else None


def clearance_of(payload: Any) -> str | None:
    """The clearance an incident event needs (its incident's)."""
    value = getattr(payload, "clearance", None)
    return value if isinstance(value, str) and value else None


def may_author(reviewer: Reviewer) -> bool:
    """Whether this person may write incident events at all."""
    return reviewer.at_least(Role.ANALYST)


def may_see(reviewer: Reviewer, clearance: str | None) -> bool:
    """Whether this person's role and clearances allow an incident with this clearance
    (analysts and leads see every such incident; see `sees` for moderators)."""
    return cleared(clearance, reviewer.clearances)


def sees(reviewer: Reviewer, clearance: str | None, named: bool) -> bool:
    """Whether this person sees an incident (its headline, its queue): they hold its
    clearance, and they are an analyst or a lead, or the incident names them in a role
    (`named`), which is also what puts its queue in a moderator's list."""
    if not may_see(reviewer, clearance):
        return False
    return named or reviewer.at_least(Role.ANALYST)


def member_of(session: Session, reviewer: Reviewer) -> set[str]:
    """The incidents naming this person in an active role."""
    query = select(IncidentRole.incident_id).where(
        IncidentRole.person == reviewer.username, IncidentRole.active
    )
    return set(session.scalars(query))
