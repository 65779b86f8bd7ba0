"""Who may see and do what on the hub. The hub enforces every rule on every call.

Identity: every endpoint but login needs `Authorization: Bearer <token>`; an unknown,
forged or expired token, or one of a disabled user, gets 401.

Seeing (pull, blobs, leases, access checks):
- A user sees only their own team's events and cases.
- A case with a clearance (e.g. "child_safety") is visible only to users holding that
  clearance; its events and its media never leave the hub for anyone else.
- `qa.verdict` events go to leads and to the reviewer whose decision was audited (the
  event's `audience`: their feedback). `media.viewed` and `media.revealed` (personal
  exposure figures) go to leads and to the person who produced them, so team wellbeing is
  aggregated on lead workstations only. The QA machinery (`qa.rule_set`, `qa.assigned`,
  `qa.review`, `gold.*`) goes to leads only: a reviewer must not be able to tell which
  decisions are drawn for audit or which cases are gold copies, not even from the data on
  their own disk. `incident.opened` goes to analysts and leads, and so do the incidents
  feature's own events (`incident.declared`, ...; app/incidents/access.py).
- An event naming no case whose kind reads a clearance from its payload (an incident's
  events carry their incident's) is stored with that clearance: only people holding it
  receive it, and a pusher without it is refused (403), as for a case's events.
- An event naming no case whose kind reads a subject from its payload (`Kind.subject`:
  an incident's events, the incident) is stored with it. A `MEMBERS` kind (an
  incident's declaration, severity change, resolution) reaches analysts and leads, and
  a moderator only when an event of the same subject was addressed to them (a role on
  the incident); see app/incidents/access.py.
- A blob is served only to a user who may see a case whose ingest payload references it,
  and only when whoever brought that case in was entitled to attach the blob: they had
  uploaded its bytes or could already read it (app/hub/blobs.py). A blob the hub does not
  hold and one the caller may not read get the same 404.
- A signed receipt of a device's chain head (GET /v1/receipts/{device_id}) goes to the
  device's owner and to leads of the owner's team; anyone else gets 404.

Doing (push, intake, blobs, users):
- A pushed event's actor must be the caller, and a device pushes for one user only
  (its first pusher); workstations use one device_id per user per machine.
- Lead-only kinds: QA, gold and calibration set-up (`qa.*`, `gold.*`,
  `calibration.opened`/`closed`), `case.adjudicated`, `case.reassigned`, team settings
  (`team.filters_set`, `team.setting`).
  Analyst-or-lead kinds: `incident.opened`, `case.ingested`. Every other kind: any role.
- Events on a case need the case in the caller's team and the case's clearance. An event
  naming no case whose kind reads a clearance from its payload (`Kind.clearance`: the
  coordinated-network events carry their investigation's) needs that clearance to be
  pushed, and reaches only people holding it.
- Intake and blob upload: analysts and leads. User admin: leads, for their own team,
  granting only clearances they hold themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain.people import cleared
from app.log.registry import Audience, registry

ROLES = ("moderator", "analyst", "lead")


def known_kinds() -> frozenset[str]:
    """Every kind an installed feature declares (app/log/registry.py)."""
    return frozenset(registry().kinds)


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request."""

    username: str
    team: str
    role: str
    clearances: frozenset[str]

    @property
    def is_lead(self) -> bool:
        """Leads audit, adjudicate and administer their team."""
        return self.role == "lead"

    @property
    def may_intake(self) -> bool:
        """Analysts and leads bring new cases (and their media) into the hub."""
        return self.role in ("analyst", "lead")

    def may_push_kind(self, kind: str) -> bool:
        """Whether this caller's role may author events of kind (its feature's rule)."""
        spec = registry().kinds.get(kind)
        return spec is not None and spec.may_author(self.role)

    def may_see_case(self, team: str, clearance: str | None) -> bool:
        """Whether a case of team with clearance is visible to this caller."""
        return team == self.team and cleared(clearance, self.clearances)

    def others_hidden_kinds(self) -> frozenset[str]:
        """Kinds this caller receives only when they authored the event themselves (or
        were addressed: see `member_kinds`)."""
        if self.is_lead:
            return frozenset()
        reg = registry()
        hidden = reg.kinds_for(Audience.LEADS)
        if self.role == "moderator":
            hidden |= reg.kinds_for(Audience.ANALYSTS) | self.member_kinds()
        return hidden

    def member_kinds(self) -> frozenset[str]:
        """MEMBERS kinds this caller receives only in a subject an event addressed to
        them belongs to (a moderator: the incidents naming them in a role)."""
        if self.role != "moderator":
            return frozenset()
        return registry().kinds_for(Audience.MEMBERS)


def audience_of(kind: str, payload: dict[str, Any]) -> str | None:
    """Who besides leads and the actor receives an event of a hidden kind: the reviewer
    whose audited decision a verdict judges. None for every other event."""
    spec = registry().kinds.get(kind)
    if spec is None or spec.addressee is None:
        return None
    try:
        return spec.addressee(registry().decode(kind, payload))
    except ValueError:
        return None


def subject_of(kind: str, payload: dict[str, Any]) -> str | None:
    """What an event naming no case belongs to, when its kind reads one from the payload
    (an incident's events: the incident). None otherwise."""
    spec = registry().kinds.get(kind)
    if spec is None or spec.subject is None:
        return None
    try:
        return spec.subject(registry().decode(kind, payload))
    except ValueError:
        return None


def clearance_of(kind: str, payload: dict[str, Any]) -> str | None:
    """The clearance an event naming no case needs, when its kind reads one from the
    payload (an investigation's, for the coordinated-network events). None otherwise."""
    spec = registry().kinds.get(kind)
    if spec is None or spec.clearance is None:
        return None
    try:
        return spec.clearance(registry().decode(kind, payload))
    except ValueError:
        return None
