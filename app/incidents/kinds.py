"""The incident feature's event kinds and their typed payloads (one spelling per field).

Every payload names its incident and repeats the incident's clearance, so the hub can
give a child-safety incident's events only to the cleared (app/incidents/access.py)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from app.log.fields import Count, EventId, Name, Sha256, Text, Time
from app.log.registry import Payload

DECLARED = "incident.declared"
SEVERITY_CHANGED = "incident.severity_changed"
ROLE_ASSIGNED = "incident.role_assigned"
ROLE_REMOVED = "incident.role_removed"
CASE_LINKED = "incident.case_linked"
SEED_ADDED = "incident.seed_added"
TERMS_SET = "incident.terms_set"
STATUS_UPDATE = "incident.status_update"
NOTE = "incident.note"
CONTACT = "incident.external_contact"
PINNED = "incident.entry_pinned"
CORRECTED = "incident.entry_corrected"
RESOLVED = "incident.resolved"
POSTMORTEM = "incident.postmortem"
ACTION_ITEM = "incident.action_item"
SURGE_DEPTH = "incident.surge_depth"
CASE_RETURNED = "incident.case_returned"

IncidentId = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f-]{8,64}\Z")]
Sev = Annotated[int, msgspec.Meta(ge=1, le=4, description="an incident severity, SEV 1 to 4")]
Person = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Term = Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
Hex64 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{16}\Z")]
Role = Literal["commander", "scribe", "analyst", "liaison"]
Liaison = Literal["legal", "policy", "comms"]
Via = Literal["seed", "terms", "manual", "cluster", "declared"]
MAX_TERMS = 50
MAX_REGIONS = 50


class IncidentPayload(Payload, frozen=True, kw_only=True):
    """What every incident event carries: its incident and that incident's clearance."""

    incident_id: IncidentId
    clearance: str | None = None


class IncidentDeclared(IncidentPayload, frozen=True, kw_only=True):
    """`incident.declared`: an incident with its title, SEV, category, regions, commander."""

    title: Name
    severity: Sev
    category: Name
    commander: Person
    regions: Annotated[list[Name], msgspec.Meta(max_length=MAX_REGIONS)] = []
    summary: Text = ""
    from_case: str | None = None  # declared from a case (its cluster joins too)


class SeverityChanged(IncidentPayload, frozen=True, kw_only=True):
    """`incident.severity_changed`: a new SEV (concurrent changes: see folds.py)."""

    severity: Sev
    previous: Sev
    reason: Text = ""


class Headline(Payload, frozen=True, kw_only=True):
    """The incident as it stood when a role was given: a moderator named in a role
    receives the incident's headline events only from then on (app/incidents/access.py),
    so the assignment carries what they need to list it."""

    title: Name
    severity: Sev
    category: Name
    commander: Person
    declared_at: Time


class RoleAssigned(IncidentPayload, frozen=True, kw_only=True):
    """`incident.role_assigned` and `incident.role_removed`: a person's role on it."""

    person: Person
    role: Role
    area: Liaison | None = None  # the liaison's area
    headline: Headline | None = None  # on an assignment


class CaseLinked(IncidentPayload, frozen=True, kw_only=True):
    """`incident.case_linked` (on the case): the case joins the incident; an open one
    moves to the incident's own queue (`queue`) with the incident's SLA."""

    via: Via
    queue: Name
    from_queue: Name | None = None  # where it was: it goes back there on resolution
    sla_deadline: Time
    distance: Annotated[int, msgspec.Meta(ge=0, le=64)] | None = None
    seed: Sha256 | None = None
    term: str | None = None


class SeedHash(Payload, frozen=True, kw_only=True):
    """One perceptual hash of a seed item (a video has one per keyframe)."""

    frame: Count
    hash: Hex64


class SeedAdded(IncidentPayload, frozen=True, kw_only=True):
    """`incident.seed_added`: a media item whose near-duplicates belong to the incident."""

    sha256: Sha256
    hashes: Annotated[list[SeedHash], msgspec.Meta(min_length=1, max_length=16)]
    source_case: str | None = None


class TermsSet(IncidentPayload, frozen=True, kw_only=True):
    """`incident.terms_set`: the words whose presence in a report's text matches it."""

    terms: Annotated[list[Term], msgspec.Meta(max_length=MAX_TERMS)]


class StatusUpdate(IncidentPayload, frozen=True, kw_only=True):
    """`incident.status_update`: Conditions / Actions / Needs, for stakeholders."""

    conditions: Text
    actions: Text
    needs: Text = ""


class IncidentNote(IncidentPayload, frozen=True, kw_only=True):
    """`incident.note`: a timeline note."""

    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]


class ExternalContact(IncidentPayload, frozen=True, kw_only=True):
    """`incident.external_contact`: who outside the team was contacted, how, and what."""

    party: Name
    channel: Name
    summary: Text = ""


class EntryPinned(IncidentPayload, frozen=True, kw_only=True):
    """`incident.entry_pinned`: a timeline entry pinned (or unpinned)."""

    entry: EventId
    pinned: bool = True


class EntryCorrected(IncidentPayload, frozen=True, kw_only=True):
    """`incident.entry_corrected`: a correction of a typed entry; the entry stays."""

    entry: EventId
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]


class IncidentResolved(IncidentPayload, frozen=True, kw_only=True):
    """`incident.resolved`: the incident is over."""

    summary: Text = ""


class PostMortem(IncidentPayload, frozen=True, kw_only=True):
    """`incident.postmortem`: the post-mortem's written parts (the figures are computed)."""

    went_well: Text = ""
    went_badly: Text = ""
    summary: Text = ""


class ActionItem(IncidentPayload, frozen=True, kw_only=True):
    """`incident.action_item`: a follow-up with its owner (the same item_id updates it)."""

    item_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    title: Name
    owner: Person
    due: Time | None = None
    done: bool = False


class SurgeDepth(IncidentPayload, frozen=True, kw_only=True):
    """`incident.surge_depth`: the incident's open cases crossed a threshold upwards."""

    open: Count
    threshold: Count


class CaseReturned(IncidentPayload, frozen=True, kw_only=True):
    """`incident.case_returned` (on the case): the incident was resolved with the case
    still open in its queue; the case goes back to `queue`, keeping its deadline."""

    queue: Name


ENTRY_KINDS = frozenset({STATUS_UPDATE, NOTE, CONTACT})
ALL_KINDS = (
    DECLARED,
    SEVERITY_CHANGED,
    ROLE_ASSIGNED,
    ROLE_REMOVED,
    CASE_LINKED,
    SEED_ADDED,
    TERMS_SET,
    STATUS_UPDATE,
    NOTE,
    CONTACT,
    PINNED,
    CORRECTED,
    RESOLVED,
    POSTMORTEM,
    ACTION_ITEM,
    SURGE_DEPTH,
    CASE_RETURNED,
)
