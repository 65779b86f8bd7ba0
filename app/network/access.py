"""Who may do what in coordinated networks, on the workstation (the hub enforces the
role and audience of every kind: app/network/feature.py).

- Investigations are for analysts and leads: moderators neither write nor receive the
  network events, and the workspace and `veil network` refuse them.
- An investigation saved with a clearance (e.g. child_safety) opens only for people
  holding it; its verdicts, pins and notes are refused to anyone else here.
- Applying a cluster verdict to cases touches only the open cases the person may see
  and work (their team, their clearances, queues they work), as deciding by hand does.
"""

from __future__ import annotations

from app.domain.people import Reviewer, Role
from app.review.types import AccessDenied

AUTHOR_ROLE = "analyst"


def check_investigator(person: Reviewer) -> None:
    """AccessDenied unless this person may work investigations."""
    if not person.at_least(Role.ANALYST):
        raise AccessDenied(
            f"{person.username} is a {person.role.value}: investigations are for analysts and leads"
        )


def check_clearance(person: Reviewer, investigation: str, clearance: str | None) -> None:
    """AccessDenied unless this person holds the investigation's clearance."""
    if not person.cleared_for(clearance):
        raise AccessDenied(f"investigation {investigation} needs the {clearance} clearance")
