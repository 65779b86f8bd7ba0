"""The incident feature's folds: incidents, roles, seeds, linked cases, timeline entries.

Concurrent changes made offline resolve the same way on every node, whatever order the
events arrive in: a severity, the terms, a role, a pin, a correction, the post-mortem
text and an action item each keep the event with the greatest `(created_at, event_id)`
(the author's clock, then the event id as the tie-break), so two leads who change the
severity offline see the same severity once both have synced, and a rebuild agrees.

An event whose clearance is not its incident's, or that names an incident this store
does not hold, folds nothing (it is kept in the log): a mislabelled event cannot attach
itself to a child-safety incident.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert, select, update

from app.incidents import kinds as k
from app.incidents import queues as q
from app.incidents.models import (
    Incident,
    IncidentAction,
    IncidentCase,
    IncidentEntry,
    IncidentLog,
    IncidentRole,
    IncidentSeed,
)
from app.log.events import EventRecord
from app.log.folding import FoldContext
from app.review.folds import set_sla
from db.models import Case

MOVABLE = q.MOVABLE  # open case statuses a link applies to


def order_key(rec: EventRecord) -> str:
    """The key concurrent changes are settled by: the greatest wins."""
    return f"{rec.created_at}|{rec.event_id}"


def _incident(ctx: FoldContext, p: k.IncidentPayload) -> Any:
    row = ctx.execute(
        select(Incident.incident_id, Incident.clearance, Incident.severity_key).where(
            Incident.incident_id == p.incident_id
        )
    ).first()
    if row is None or row.clearance != p.clearance:
        return None
    return row


def _known(ctx: FoldContext, incident_id: str) -> bool:
    found = ctx.scalar(select(Incident.incident_id).where(Incident.incident_id == incident_id))
    return found is not None


def _log(ctx: FoldContext, rec: EventRecord, incident_id: str) -> None:
    # A log row per event: an event folded again (a case refolded) keeps its one row.
    ctx.execute(
        insert(IncidentLog)
        .prefix_with("OR IGNORE")
        .values(
            event_id=rec.event_id,
            incident_id=incident_id,
            kind=rec.kind,
            actor=rec.actor,
            at=rec.created_at,
            case_id=rec.case_id,
        )
    )


def declared(ctx: FoldContext, _case: Any, rec: EventRecord) -> None:
    """A new incident, with its commander's role."""
    p = ctx.typed(k.IncidentDeclared)
    known = ctx.scalar(select(Incident.declared_event).where(Incident.incident_id == p.incident_id))
    if known == "" and _incident(ctx, p) is not None:
        _fill_headline(ctx, p, rec)  # known so far from a role's headline only
        return
    if known is not None:
        return  # the same incident declared twice: the first stands
    key = order_key(rec)
    ctx.execute(
        insert(Incident).values(
            incident_id=p.incident_id,
            title=p.title,
            category=p.category,
            regions=json.dumps(list(p.regions)),
            summary=p.summary,
            clearance=p.clearance,
            status="open",
            severity=p.severity,
            severity_key=key,
            commander=p.commander,
            declared_by=rec.actor,
            declared_at=rec.created_at,
            declared_event=rec.event_id,
            from_case=p.from_case,
            terms="[]",
            terms_key="",
            resolution="",
            went_well="",
            went_badly="",
            pm_summary="",
            pm_key="",
            surge_mark=0,
        )
    )
    _set_role(ctx, p.incident_id, p.commander, "commander", None, True, key)
    _log(ctx, rec, p.incident_id)


def _fill_headline(ctx: FoldContext, p: k.IncidentDeclared, rec: EventRecord) -> None:
    """The declaration reaches a store that knew the incident from a role's headline:
    its own fields fill in (the headline's severity and commander are newer, and stay)."""
    ctx.execute(
        update(Incident)
        .where(Incident.incident_id == p.incident_id)
        .values(
            title=p.title,
            category=p.category,
            regions=json.dumps(list(p.regions)),
            summary=p.summary,
            declared_by=rec.actor,
            declared_at=rec.created_at,
            declared_event=rec.event_id,
            from_case=p.from_case,
        )
    )
    _log(ctx, rec, p.incident_id)


def _from_headline(ctx: FoldContext, p: k.RoleAssigned, rec: EventRecord) -> None:
    """An incident this store knows only from the role that names its person (a
    moderator's): listed from the assignment's headline until its declaration comes."""
    h = p.headline
    assert h is not None
    ctx.execute(
        insert(Incident).values(
            incident_id=p.incident_id,
            title=h.title,
            category=h.category,
            regions="[]",
            summary="",
            clearance=p.clearance,
            status="open",
            severity=h.severity,
            severity_key=order_key(rec),
            commander=h.commander,
            declared_by="",
            declared_at=h.declared_at,
            declared_event="",  # marks a headline-only row
            from_case=None,
            terms="[]",
            terms_key="",
            resolution="",
            went_well="",
            went_badly="",
            pm_summary="",
            pm_key="",
            surge_mark=0,
        )
    )


def severity_changed(ctx: FoldContext, _case: Any, rec: EventRecord) -> None:
    """A new severity; the latest change (created_at, then event id) stands."""
    p = ctx.typed(k.SeverityChanged)
    row = _incident(ctx, p)
    if row is None:
        return
    key = order_key(rec)
    if key > row.severity_key:
        ctx.execute(
            update(Incident)
            .where(Incident.incident_id == p.incident_id)
            .values(severity=p.severity, severity_key=key)
        )
    _log(ctx, rec, p.incident_id)


def role_changed(ctx: FoldContext, _case: Any, rec: EventRecord) -> None:
    """A role assigned or removed; the latest for the same person and role stands."""
    p = ctx.typed(k.RoleAssigned)
    if _incident(ctx, p) is None:
        if rec.kind != k.ROLE_ASSIGNED or p.headline is None or _known(ctx, p.incident_id):
            return
        _from_headline(ctx, p, rec)
    active = rec.kind == k.ROLE_ASSIGNED
    _set_role(ctx, p.incident_id, p.person, p.role, p.area, active, order_key(rec))
    if active and p.role == "commander":
        ctx.execute(
            update(Incident).where(Incident.incident_id == p.incident_id).values(commander=p.person)
        )
    _log(ctx, rec, p.incident_id)


def _set_role(
    ctx: FoldContext,
    incident_id: str,
    person: str,
    role: str,
    area: str | None,
    active: bool,
    key: str,
) -> None:
    where = (
        (IncidentRole.incident_id == incident_id)
        & (IncidentRole.person == person)
        & (IncidentRole.role == role)
    )
    current = ctx.scalar(select(IncidentRole.key).where(where))
    if current is None:
        ctx.execute(
            insert(IncidentRole).values(
                incident_id=incident_id,
                person=person,
                role=role,
                area=area,
                active=active,
                key=key,
            )
        )
    elif key > current:
        ctx.execute(update(IncidentRole).where(where).values(area=area, active=active, key=key))


def case_linked(ctx: FoldContext, case: Case | None, rec: EventRecord) -> None:
    """The case joins the incident; an open case moves to the incident's own queue with
    the incident's SLA (a case already in another incident's queue stays there: the
    first incident to pull it in works it).

    The move happens on every workstation that sees the case (a moderator's too, whose
    store may not hold the incident), so everyone's queues agree; the link itself is
    recorded where the incident is known."""
    p = ctx.typed(k.CaseLinked)
    if case is None:
        return
    where = (IncidentCase.incident_id == p.incident_id) & (IncidentCase.case_id == case.case_id)
    if ctx.scalar(select(IncidentCase.event_id).where(where)) is not None:
        return  # linked twice (two workstations matched it): the first stands
    target = q.queue_id(p.incident_id) if p.queue == q.LEGACY_QUEUE else p.queue
    if case.status in q.QUEUED and not q.is_incident_queue(case.queue):
        case.queue = target
        deadline = min(case.sla_deadline, p.sla_deadline) if case.sla_deadline else p.sla_deadline
        set_sla(case, rec.created_at, deadline)
    if _incident(ctx, p) is None:
        return
    ctx.execute(
        insert(IncidentCase).values(
            incident_id=p.incident_id,
            case_id=case.case_id,
            via=p.via,
            distance=p.distance,
            seed=p.seed,
            term=p.term,
            linked_at=rec.created_at,
            event_id=rec.event_id,
        )
    )
    _log(ctx, rec, p.incident_id)


def case_returned(ctx: FoldContext, case: Case | None, rec: EventRecord) -> None:
    """The incident was resolved: a case still open in its queue goes back to the queue
    it came from, keeping its deadline (on every workstation that sees the case)."""
    p = ctx.typed(k.CaseReturned)
    if case is None:
        return
    if case.status in MOVABLE and case.queue in (q.queue_id(p.incident_id), q.LEGACY_QUEUE):
        case.queue = p.queue
    if _incident(ctx, p) is not None:
        _log(ctx, rec, p.incident_id)


def seed_added(ctx: FoldContext, _case: Any, rec: EventRecord) -> None:
    """Seed media: its hashes join the incident's matcher."""
    p = ctx.typed(k.SeedAdded)
    if _incident(ctx, p) is None:
        return
    for item in p.hashes:
        value = int(item.hash, 16)
        signed = value - (1 << 64) if value >= 1 << 63 else value
        where = (
            (IncidentSeed.incident_id == p.incident_id)
            & (IncidentSeed.sha256 == p.sha256)
            & (IncidentSeed.frame == item.frame)
        )
        if ctx.scalar(select(IncidentSeed.frame).where(where)) is None:
            ctx.execute(
                insert(IncidentSeed).values(
                    incident_id=p.incident_id,
                    sha256=p.sha256,
                    frame=item.frame,
                    phash=signed,
                    source_case=p.source_case,
                    added_at=rec.created_at,
                )
            )
    _log(ctx, rec, p.incident_id)


def terms_set(ctx: FoldContext, _case: Any, rec: EventRecord) -> None:
    """The incident's text terms; the latest setting stands."""
    p = ctx.typed(k.TermsSet)
    if _incident(ctx, p) is None:
        return
    key = order_key(rec)
    current = ctx.scalar(select(Incident.terms_key).where(Incident.incident_id == p.incident_id))
    if key > (current or ""):
        ctx.execute(
            update(Incident)
            .where(Incident.incident_id == p.incident_id)
            .values(terms=json.dumps(list(p.terms)), terms_key=key)
        )
    _log(ctx, rec, p.incident_id)


def entry_text(kind: str, payload: Any) -> str:
    """A typed entry's body as one text."""
    if isinstance(payload, k.StatusUpdate):
        text = f"Conditions: {payload.conditions}\nActions: {payload.actions}"
        return text + (f"\nNeeds: {payload.needs}" if payload.needs else "")
    if isinstance(payload, k.ExternalContact):
        return f"{payload.party} via {payload.channel}: {payload.summary}".rstrip(": ")
    if isinstance(payload, k.IncidentNote):
        return payload.text
    return kind


def entry_added(ctx: FoldContext, _case: Any, rec: EventRecord) -> None:
    """A status update, note or external contact: a typed timeline entry."""
    p = ctx.typed(k.IncidentPayload)
    if _incident(ctx, p) is None:
        return
    ctx.execute(
        insert(IncidentEntry).values(
            event_id=rec.event_id,
            incident_id=p.incident_id,
            kind=rec.kind,
            actor=rec.actor,
            at=rec.created_at,
            text=entry_text(rec.kind, p),
            pinned=False,
            pin_key="",
            correction_key="",
        )
    )
    _log(ctx, rec, p.incident_id)


def _entry(ctx: FoldContext, p: Any) -> Any:
    return ctx.execute(
        select(IncidentEntry.pin_key, IncidentEntry.correction_key).where(
            (IncidentEntry.event_id == p.entry) & (IncidentEntry.incident_id == p.incident_id)
        )
    ).first()


def entry_pinned(ctx: FoldContext, _case: Any, rec: EventRecord) -> None:
    """Pin or unpin an entry; the latest stands."""
    p = ctx.typed(k.EntryPinned)
    if _incident(ctx, p) is None:
        return
    row = _entry(ctx, p)
    key = order_key(rec)
    if row is not None and key > row.pin_key:
        ctx.execute(
            update(IncidentEntry)
            .where(IncidentEntry.event_id == p.entry)
            .values(pinned=p.pinned, pin_key=key)
        )
    _log(ctx, rec, p.incident_id)


def entry_corrected(ctx: FoldContext, _case: Any, rec: EventRecord) -> None:
    """A correction shown with the entry (the entry's own text stays); the latest stands."""
    p = ctx.typed(k.EntryCorrected)
    if _incident(ctx, p) is None:
        return
    row = _entry(ctx, p)
    key = order_key(rec)
    if row is not None and key > row.correction_key:
        ctx.execute(
            update(IncidentEntry)
            .where(IncidentEntry.event_id == p.entry)
            .values(corrected_text=p.text, corrected_by=rec.actor, correction_key=key)
        )
    _log(ctx, rec, p.incident_id)


def resolved(ctx: FoldContext, _case: Any, rec: EventRecord) -> None:
    """The incident is resolved (the first resolution stands)."""
    p = ctx.typed(k.IncidentResolved)
    if _incident(ctx, p) is None:
        return
    ctx.execute(
        update(Incident)
        .where((Incident.incident_id == p.incident_id) & (Incident.status == "open"))
        .values(
            status="resolved",
            resolved_at=rec.created_at,
            resolved_by=rec.actor,
            resolution=p.summary,
        )
    )
    _log(ctx, rec, p.incident_id)


def postmortem(ctx: FoldContext, _case: Any, rec: EventRecord) -> None:
    """The post-mortem's written parts; the latest stands."""
    p = ctx.typed(k.PostMortem)
    if _incident(ctx, p) is None:
        return
    key = order_key(rec)
    current = ctx.scalar(select(Incident.pm_key).where(Incident.incident_id == p.incident_id))
    if key > (current or ""):
        ctx.execute(
            update(Incident)
            .where(Incident.incident_id == p.incident_id)
            .values(
                went_well=p.went_well, went_badly=p.went_badly, pm_summary=p.summary, pm_key=key
            )
        )
    _log(ctx, rec, p.incident_id)


def surge_depth(ctx: FoldContext, _case: Any, rec: EventRecord) -> None:
    """The surge queue's depth crossed a threshold: a timeline line, and the mark kept
    (the highest wins, so the order events arrive in does not matter)."""
    p = ctx.typed(k.SurgeDepth)
    if _incident(ctx, p) is None:
        return
    ctx.execute(
        update(Incident)
        .where((Incident.incident_id == p.incident_id) & (Incident.surge_mark < p.threshold))
        .values(surge_mark=p.threshold)
    )
    _log(ctx, rec, p.incident_id)


def action_item(ctx: FoldContext, _case: Any, rec: EventRecord) -> None:
    """An action item, added or updated (the latest version of an item_id stands)."""
    p = ctx.typed(k.ActionItem)
    if _incident(ctx, p) is None:
        return
    key = order_key(rec)
    where = (IncidentAction.incident_id == p.incident_id) & (IncidentAction.item_id == p.item_id)
    current = ctx.scalar(select(IncidentAction.key).where(where))
    values = {"title": p.title, "owner": p.owner, "due": p.due, "done": p.done, "key": key}
    if current is None:
        ctx.execute(
            insert(IncidentAction).values(incident_id=p.incident_id, item_id=p.item_id, **values)
        )
    elif key > current:
        ctx.execute(update(IncidentAction).where(where).values(**values))
    _log(ctx, rec, p.incident_id)
