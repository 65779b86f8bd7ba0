"""What a person can do with holds: place one (analyst or lead), lift one (a lead, with a
reason). Each returns the event it wrote; the store's change feed tells the screens."""

from __future__ import annotations

import uuid
from typing import Literal

from app.domain.people import Reviewer, Role
from app.evidence import kinds
from app.evidence.models import Hold
from app.log.events import EventRecord
from app.log.store import LocalStore
from db.models import Case


class HoldRefused(Exception):
    """A hold command this person may not make, or one that makes no sense, with why."""


def place_hold(
    store: LocalStore,
    who: Reviewer,
    case_id: str,
    reason: str,
    scope: Literal["case", "linked"] = "case",
) -> EventRecord:
    """Put a legal hold on a case (and, with scope "linked", every case linked to it)."""
    if not who.at_least(Role.ANALYST):
        raise HoldRefused(f"{who.username} is a {who.role}: only analysts and leads place holds")
    if not reason.strip():
        raise HoldRefused("a hold needs a reason")
    with store.transaction() as session:
        _visible_case(session.get(Case, case_id), who, case_id)
        payload = {"hold_id": str(uuid.uuid4()), "scope": scope, "reason": reason.strip()}
        return store.append(
            session, actor=who.username, kind=kinds.HOLD_PLACED, case_id=case_id, payload=payload
        )


def lift_hold(store: LocalStore, who: Reviewer, hold_id: str, reason: str) -> EventRecord:
    """Lift a hold: leads only, and only with a reason."""
    if not who.at_least(Role.LEAD):
        raise HoldRefused(f"{who.username} is a {who.role}: only a lead lifts a hold")
    if not reason.strip():
        raise HoldRefused("lifting a hold needs a reason")
    with store.transaction() as session:
        hold = session.get(Hold, hold_id)
        if hold is None:
            raise HoldRefused(f"no hold {hold_id} on this workstation")
        if hold.lifted_at is not None:
            raise HoldRefused(f"hold {hold_id} was lifted by {hold.lifted_by} already")
        _visible_case(session.get(Case, hold.case_id), who, hold.case_id)
        payload = {"hold_id": hold_id, "reason": reason.strip()}
        return store.append(
            session,
            actor=who.username,
            kind=kinds.HOLD_LIFTED,
            case_id=hold.case_id,
            payload=payload,
        )


def _visible_case(case: Case | None, who: Reviewer, case_id: str) -> Case:
    if case is None or not who.cleared_for(case.clearance):
        raise HoldRefused(f"no case {case_id} that {who.username} may see")
    return case
