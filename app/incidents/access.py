"""Who may push and pull each incident kind (the hub reads these through the registry).

- Authoring: every incident kind needs an analyst or a lead (the incident manager's
  roles); moderators neither declare nor brief.
- Receiving: the incident's own events go to analysts and leads (`Audience.ANALYSTS`);
  a case's link to an incident goes to everyone who may see the case, because it moves
  the case to the surge queue and every workstation's queues must agree. The incident's
  declaration, severity and resolution go to everyone too (a moderator works its surge
  queue and may hold a role on it), and a role's assignment or removal also reaches the
  person it names (the kind's `addressee`), whatever their role, so a moderator made
  scribe sees it in their workstation.
- Clearance: every incident event carries its incident's clearance (a child-safety
  incident: "child_safety"). The hub stores it with the event (the kind's `clearance`),
  so only people holding it receive the incident, and refuses the event from a pusher
  who lacks it (403), as it does for a case's events. Workstations check the same rule
  before writing (`may_see`), and the folds drop an event whose clearance is not its
  incident's.
"""

from __future__ import annotations

from typing import Any

from app.domain.people import Reviewer, Role, cleared
from app.incidents import kinds as k
from app.log.registry import Audience

AUTHOR_ROLE = "analyst"
# The incident's own events: analysts and leads. A case link: whoever sees the case.
AUDIENCE: dict[str, Audience] = {name: Audience.ANALYSTS for name in k.ALL_KINDS}
for _name in (k.CASE_LINKED, k.DECLARED, k.SEVERITY_CHANGED, k.RESOLVED):
    AUDIENCE[_name] = Audience.EVERYONE


def addressee_of(payload: Any) -> str | None:
    """The person a role event names: they receive it whatever their role."""
    value = getattr(payload, "person", None)
    return value if isinstance(value, str) and value else None


def clearance_of(payload: Any) -> str | None:
    """The clearance an incident event needs (its incident's)."""
    value = getattr(payload, "clearance", None)
    return value if isinstance(value, str) and value else None


def may_author(reviewer: Reviewer) -> bool:
    """Whether this person may write incident events at all."""
    return reviewer.at_least(Role.ANALYST)


def may_see(reviewer: Reviewer, clearance: str | None) -> bool:
    """Whether this person may see an incident with this clearance."""
    return cleared(clearance, reviewer.clearances)
