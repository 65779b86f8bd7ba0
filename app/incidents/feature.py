"""The incidents feature: declare, contain, brief and learn, folded from the log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.incidents import access, folds, queues
from app.incidents import kinds as k
from app.incidents.models import TABLES
from app.log.registry import Feature, Fold, Kind, Phase


def _link_line(payload: Any, _policies: object, _items: dict[str, int]) -> str:
    """The link in the case's own timeline."""
    how = {"seed": "its media matches the incident's seed", "terms": "its text matches"}
    return f"Linked to incident {payload.incident_id[:8]}: {how.get(payload.via, payload.via)}"


def _return_line(payload: Any, _policies: object, _items: dict[str, int]) -> str:
    """The return in the case's own timeline."""
    return f"Incident {payload.incident_id[:8]} resolved: back to the {payload.queue} queue"


def _kind(name: str, payload: type[k.IncidentPayload], label: str, **more: Any) -> Kind:
    return Kind(
        name,
        payload,
        label,
        on_case=name in (k.CASE_LINKED, k.CASE_RETURNED),
        author_role=access.AUTHOR_ROLE,
        audience=access.AUDIENCE[name],
        clearance=access.clearance_of,
        subject=access.subject_of,
        **more,
    )


def _on(name: str, fn: Callable[..., None], phase: Phase = Phase.DETAIL) -> Fold:
    return Fold(phase, fn, frozenset({name}))


FEATURE = Feature(
    name="incidents",
    kinds=(
        _kind(k.DECLARED, k.IncidentDeclared, "Incident declared"),
        _kind(k.SEVERITY_CHANGED, k.SeverityChanged, "Severity changed"),
        _kind(k.ROLE_ASSIGNED, k.RoleAssigned, "Role assigned", addressee=access.addressee_of),
        _kind(k.ROLE_REMOVED, k.RoleAssigned, "Role removed", addressee=access.addressee_of),
        _kind(k.CASE_LINKED, k.CaseLinked, "Linked to incident", describe=_link_line),
        _kind(k.SEED_ADDED, k.SeedAdded, "Seed added"),
        _kind(k.TERMS_SET, k.TermsSet, "Terms set"),
        _kind(k.STATUS_UPDATE, k.StatusUpdate, "Status update"),
        _kind(k.NOTE, k.IncidentNote, "Note"),
        _kind(k.CONTACT, k.ExternalContact, "External contact"),
        _kind(k.PINNED, k.EntryPinned, "Entry pinned"),
        _kind(k.CORRECTED, k.EntryCorrected, "Entry corrected"),
        _kind(k.RESOLVED, k.IncidentResolved, "Resolved"),
        _kind(k.POSTMORTEM, k.PostMortem, "Post-mortem"),
        _kind(k.ACTION_ITEM, k.ActionItem, "Action item"),
        _kind(k.SURGE_DEPTH, k.SurgeDepth, "Surge queue depth"),
        _kind(k.CASE_RETURNED, k.CaseReturned, "Back from incident", describe=_return_line),
    ),
    folds=(
        _on(k.DECLARED, folds.declared),
        _on(k.SEVERITY_CHANGED, folds.severity_changed),
        Fold(Phase.DETAIL, folds.role_changed, frozenset({k.ROLE_ASSIGNED, k.ROLE_REMOVED})),
        # The link moves the case (queue, SLA): with the case folds, before queue depth.
        _on(k.CASE_LINKED, folds.case_linked, Phase.CASE),
        _on(k.CASE_RETURNED, folds.case_returned, Phase.CASE),
        _on(k.SEED_ADDED, folds.seed_added),
        _on(k.TERMS_SET, folds.terms_set),
        Fold(Phase.DETAIL, folds.entry_added, k.ENTRY_KINDS),
        _on(k.PINNED, folds.entry_pinned),
        _on(k.CORRECTED, folds.entry_corrected),
        _on(k.RESOLVED, folds.resolved),
        _on(k.POSTMORTEM, folds.postmortem),
        _on(k.ACTION_ITEM, folds.action_item),
        _on(k.SURGE_DEPTH, folds.surge_depth),
    ),
    tables=TABLES,
    scoped=(),
    queues=queues.opened_queues,
    queue_kinds=frozenset(
        {k.DECLARED, k.SEVERITY_CHANGED, k.ROLE_ASSIGNED, k.ROLE_REMOVED, k.RESOLVED}
    ),
)
