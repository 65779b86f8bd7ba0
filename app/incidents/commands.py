"""What an incident manager can do: each command validates, writes its events in one
transaction and returns them (the changes); the UI repaints from the store's signal.

Every command checks the person first: analysts and leads only, and a child-safety
incident only for those holding its clearance (app/incidents/access.py). A bad argument
is an IncidentError naming the field and the rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.people import Reviewer
from app.dupes.index import NearDuplicateIndex
from app.incidents import access
from app.incidents import kinds as k
from app.incidents import queues as q
from app.incidents.figures import counters
from app.incidents.models import Incident, IncidentCase, IncidentEntry
from app.incidents.severity import SeveritySet, bundled_severities
from app.log.clock import iso
from app.log.events import EventRecord, uuid7
from app.log.registry import PayloadError, decoded
from app.log.store import LocalStore
from db.models import Case, MediaHash

# Surge-queue depths (open linked cases) whose upward crossing goes on the timeline.
SURGE_THRESHOLDS = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)


class IncidentError(ValueError):
    """A command that cannot be done: names the field and the rule."""

    def __init__(self, field: str, rule: str) -> None:
        self.field, self.rule = field, rule
        super().__init__(f"{field}: {rule}")


@dataclass(frozen=True)
class LinkPlan:
    """A case to link to an incident, and how it matched."""

    incident_id: str
    case_id: str
    via: str
    distance: int | None = None
    seed: str | None = None
    term: str | None = None


class IncidentDesk:
    """The incident commands of one person on one store."""

    def __init__(
        self, store: LocalStore, reviewer: Reviewer, severities: SeveritySet | None = None
    ) -> None:
        self.store = store
        self.reviewer = reviewer
        self.severities = severities or bundled_severities()

    # --- declaring ----------------------------------------------------------------

    def declare(
        self,
        title: str,
        severity: int,
        category: str,
        commander: str | None = None,
        *,
        regions: Sequence[str] = (),
        summary: str = "",
        clearance: str | None = None,
        from_case: str | None = None,
    ) -> list[EventRecord]:
        """Declare an incident (from nothing, or from a case: its clearance, its media as
        seeds, and it and its near-duplicate cluster linked). The first record is the
        declaration; its payload's incident_id names the incident."""
        self._check_author()
        if severity not in (1, 2, 3, 4):
            raise IncidentError("severity", "expected SEV 1, 2, 3 or 4")
        if not title.strip():
            raise IncidentError("title", "required")
        with self.store.transaction() as session:
            case = None
            if from_case is not None:
                case = session.get(Case, from_case)
                if case is None or not self.reviewer.cleared_for(case.clearance):
                    raise IncidentError("from_case", f"no case {from_case} you may see")
                clearance = case.clearance or clearance
            if not access.may_see(self.reviewer, clearance):
                raise IncidentError("clearance", f"you do not hold the {clearance} clearance")
            incident_id = uuid7()
            payload = {
                "incident_id": incident_id,
                "clearance": clearance,
                "title": title.strip(),
                "severity": severity,
                "category": category,
                "commander": commander or self.reviewer.username,
                "regions": list(regions),
                "summary": summary,
                "from_case": from_case,
            }
            records = [self._append(session, k.DECLARED, payload)]
            if case is not None:
                records += self._seed_from_case(session, incident_id, clearance, case.case_id)
                plans = [LinkPlan(incident_id, case.case_id, "declared")]
                index = NearDuplicateIndex()
                plans += [
                    LinkPlan(incident_id, nb.case_id, "cluster", nb.distance, nb.their_item)
                    for nb in index.neighbours(session, case.case_id)
                    if self._sees_case(session, nb.case_id)
                ]
                records += self._link(session, plans)
            return records

    def change_severity(self, incident_id: str, severity: int, reason: str = "") -> EventRecord:
        """A new SEV for an open incident."""
        return self._one(
            incident_id,
            k.SEVERITY_CHANGED,
            {"severity": severity, "reason": reason},
            open_only=True,
        )

    def assign(
        self, incident_id: str, person: str, role: str, area: str | None = None
    ) -> EventRecord:
        """Give a person a role (commander, scribe, analyst, liaison for legal/policy/comms)."""
        if role == "liaison" and area is None:
            raise IncidentError("area", "a liaison is for legal, policy or comms")
        body: dict[str, Any] = {"person": person, "role": role, "area": area}
        return self._one(incident_id, k.ROLE_ASSIGNED, body, open_only=True)

    def unassign(self, incident_id: str, person: str, role: str) -> EventRecord:
        """Take a role away from a person."""
        return self._one(incident_id, k.ROLE_REMOVED, {"person": person, "role": role})

    # --- containing ---------------------------------------------------------------

    def add_seeds_from_case(self, incident_id: str, case_id: str) -> list[EventRecord]:
        """Every media item of a case becomes a seed of the incident."""
        return self.add_seeds_from_cases(incident_id, [case_id])

    def add_seeds_from_cases(self, incident_id: str, case_ids: Sequence[str]) -> list[EventRecord]:
        """Every media item of these cases becomes a seed (one transaction)."""
        self._check_author()
        with self.store.transaction() as session:
            row = self._incident(session, incident_id, open_only=True)
            records = []
            for case_id in case_ids:
                if not self._sees_case(session, case_id):
                    raise IncidentError("case", f"no case {case_id} you may see")
                records += self._seed_from_case(session, incident_id, row.clearance, case_id)
            return records

    def add_seed(
        self, incident_id: str, sha256: str, hashes: Sequence[tuple[int, int]]
    ) -> EventRecord:
        """A seed item by its content hash and its perceptual hashes (frame, value)."""
        body = {
            "sha256": sha256,
            "hashes": [{"frame": f, "hash": f"{v:016x}"} for f, v in hashes],
        }
        return self._one(incident_id, k.SEED_ADDED, body, open_only=True)

    def set_terms(self, incident_id: str, terms: Iterable[str]) -> EventRecord:
        """The words whose presence in a report's text links it (replaces the list)."""
        cleaned = list(dict.fromkeys(t.strip() for t in terms if t.strip()))
        return self._one(incident_id, k.TERMS_SET, {"terms": cleaned}, open_only=True)

    def link(self, plans: Sequence[LinkPlan]) -> list[EventRecord]:
        """Link cases to incidents (the matcher's plans, or one by hand), one transaction."""
        self._check_author()
        with self.store.transaction() as session:
            return self._link(session, plans)

    def link_case(self, incident_id: str, case_id: str) -> list[EventRecord]:
        """Link one case by hand."""
        return self.link([LinkPlan(incident_id, case_id, "manual")])

    def mark_surge(self, incident_id: str) -> EventRecord | None:
        """Record that the surge queue's depth crossed a threshold upwards (the highest
        newly crossed one), if it did since the last mark; None otherwise."""
        self._check_author()
        with self.store.transaction() as session:
            row = self._incident(session, incident_id, open_only=True)
            depth = counters(session, incident_id).open
            crossed = [t for t in SURGE_THRESHOLDS if row.surge_mark < t <= depth]
            if not crossed:
                return None
            payload = {
                "incident_id": incident_id,
                "clearance": row.clearance,
                "open": depth,
                "threshold": crossed[-1],
            }
            return self._append(session, k.SURGE_DEPTH, payload)

    # --- briefing and the timeline ------------------------------------------------

    def status_update(
        self, incident_id: str, conditions: str, actions: str, needs: str = ""
    ) -> EventRecord:
        """A status update in the Conditions / Actions / Needs template."""
        if not conditions.strip():
            raise IncidentError("conditions", "required")
        if not actions.strip():
            raise IncidentError("actions", "required")
        body = {"conditions": conditions.strip(), "actions": actions.strip(), "needs": needs}
        return self._one(incident_id, k.STATUS_UPDATE, body)

    def note(self, incident_id: str, text: str) -> EventRecord:
        """A note on the timeline."""
        if not text.strip():
            raise IncidentError("text", "required")
        return self._one(incident_id, k.NOTE, {"text": text.strip()})

    def contact(self, incident_id: str, party: str, channel: str, summary: str = "") -> EventRecord:
        """An external contact: who, how, and what was said."""
        body = {"party": party, "channel": channel, "summary": summary}
        return self._one(incident_id, k.CONTACT, body)

    def pin(self, incident_id: str, entry: str, pinned: bool = True) -> EventRecord:
        """Pin (or unpin) a typed entry."""
        self._entry(incident_id, entry)
        return self._one(incident_id, k.PINNED, {"entry": entry, "pinned": pinned})

    def correct(self, incident_id: str, entry: str, text: str) -> EventRecord:
        """Correct a typed entry by a new event; the entry itself is never edited."""
        self._entry(incident_id, entry)
        if not text.strip():
            raise IncidentError("text", "required")
        return self._one(incident_id, k.CORRECTED, {"entry": entry, "text": text.strip()})

    # --- closing and learning -----------------------------------------------------

    def resolve(self, incident_id: str, summary: str = "") -> EventRecord:
        """Resolve an open incident; the cases still open in its queue go back to the
        queues they came from (`incident.case_returned`, in the same transaction)."""
        resolved = self._one(incident_id, k.RESOLVED, {"summary": summary}, open_only=True)
        self.return_cases(incident_id)
        return resolved

    def return_cases(self, incident_id: str) -> list[EventRecord]:
        """Send the open cases left in a resolved incident's queue back where they came
        from (a link made offline elsewhere can arrive after the resolution)."""
        self._check_author()
        with self.store.transaction() as session:
            row = self._incident(session, incident_id)
            if row.status != "resolved":
                return []
            return [
                self._append(
                    session,
                    k.CASE_RETURNED,
                    {"incident_id": incident_id, "clearance": row.clearance, "queue": home},
                    case_id,
                )
                for case_id, home in q.homes(session, incident_id)
                if self._sees_case(session, case_id)
            ]

    def postmortem(
        self, incident_id: str, went_well: str, went_badly: str, summary: str = ""
    ) -> EventRecord:
        """The post-mortem's written parts (after resolving)."""
        body = {"went_well": went_well, "went_badly": went_badly, "summary": summary}
        return self._one(incident_id, k.POSTMORTEM, body, resolved_only=True)

    def action_item(
        self,
        incident_id: str,
        title: str,
        owner: str,
        *,
        due: str | None = None,
        done: bool = False,
        item_id: str | None = None,
    ) -> EventRecord:
        """Add an action item (or update one by item_id) with its owner."""
        body = {
            "item_id": item_id or uuid7()[:18],
            "title": title,
            "owner": owner,
            "due": due,
            "done": done,
        }
        return self._one(incident_id, k.ACTION_ITEM, body)

    # --- helpers --------------------------------------------------------------------

    def surge_deadline(self, severity: int) -> str:
        """When a case pulled in now is due, at this severity's SLA."""
        minutes = self.severities[severity].sla_minutes
        return iso(self.store.clock.now() + timedelta(minutes=minutes))

    def _check_author(self) -> None:
        if not access.may_author(self.reviewer):
            raise IncidentError("role", "incidents are run by analysts and leads")

    def _incident(
        self,
        session: Session,
        incident_id: str,
        *,
        open_only: bool = False,
        resolved_only: bool = False,
    ) -> Incident:
        row = session.get(Incident, incident_id)
        if row is None or not access.may_see(self.reviewer, row.clearance):
            raise IncidentError("incident", f"no incident {incident_id} you may see")
        if open_only and row.status != "open":
            raise IncidentError("incident", "the incident is resolved")
        if resolved_only and row.status != "resolved":
            raise IncidentError("incident", "resolve the incident before its post-mortem")
        return row

    def _entry(self, incident_id: str, entry: str) -> None:
        with self.store.read() as session:
            row = session.get(IncidentEntry, entry)
            if row is None or row.incident_id != incident_id:
                raise IncidentError("entry", f"no entry {entry} on this incident")

    def _one(
        self,
        incident_id: str,
        kind: str,
        body: dict[str, Any],
        *,
        open_only: bool = False,
        resolved_only: bool = False,
    ) -> EventRecord:
        self._check_author()
        with self.store.transaction() as session:
            row = self._incident(
                session, incident_id, open_only=open_only, resolved_only=resolved_only
            )
            if kind == k.SEVERITY_CHANGED:
                if body["severity"] == row.severity:
                    raise IncidentError("severity", f"the incident is already SEV {row.severity}")
                body["previous"] = row.severity
            if kind == k.ROLE_ASSIGNED:
                body["headline"] = {
                    "title": row.title,
                    "severity": row.severity,
                    "category": row.category,
                    "commander": row.commander,
                    "declared_at": row.declared_at,
                }
            payload = {"incident_id": incident_id, "clearance": row.clearance, **body}
            return self._append(session, kind, payload)

    def _append(
        self, session: Session, kind: str, payload: dict[str, Any], case_id: str | None = None
    ) -> EventRecord:
        try:
            return self.store.append(
                session, actor=self.reviewer.username, kind=kind, case_id=case_id, payload=payload
            )
        except PayloadError as exc:
            raise IncidentError(exc.where, exc.rule) from exc

    def _sees_case(self, session: Session, case_id: str) -> bool:
        case = session.get(Case, case_id)
        return case is not None and self.reviewer.cleared_for(case.clearance)

    def _seed_from_case(
        self, session: Session, incident_id: str, clearance: str | None, case_id: str
    ) -> list[EventRecord]:
        rows = session.execute(
            select(MediaHash.sha256, MediaHash.frame, MediaHash.phash)
            .where(MediaHash.case_id == case_id)
            .order_by(MediaHash.sha256, MediaHash.frame)
        ).all()
        by_item: dict[str, list[dict[str, Any]]] = {}
        for sha, frame, value in rows:
            unsigned = value + (1 << 64) if value < 0 else value
            by_item.setdefault(sha, []).append({"frame": frame, "hash": f"{unsigned:016x}"})
        return [
            self._append(
                session,
                k.SEED_ADDED,
                {
                    "incident_id": incident_id,
                    "clearance": clearance,
                    "sha256": sha,
                    "hashes": hashes[:16],
                    "source_case": case_id,
                },
            )
            for sha, hashes in by_item.items()
        ]

    def _link(self, session: Session, plans: Sequence[LinkPlan]) -> list[EventRecord]:
        records = []
        incidents: dict[str, Incident] = {}
        for plan in plans:
            row = incidents.get(plan.incident_id)
            if row is None:
                row = incidents[plan.incident_id] = self._incident(
                    session, plan.incident_id, open_only=True
                )
            if not self._sees_case(session, plan.case_id):
                raise IncidentError("case", f"no case {plan.case_id} you may see")
            known = session.get(IncidentCase, (plan.incident_id, plan.case_id))
            if known is not None:
                continue
            case = session.get_one(Case, plan.case_id)
            payload = {
                "incident_id": plan.incident_id,
                "clearance": row.clearance,
                "via": plan.via,
                "queue": q.queue_id(plan.incident_id),
                "from_queue": None if q.is_incident_queue(case.queue) else case.queue,
                "sla_deadline": self.surge_deadline(row.severity),
                "distance": plan.distance,
                "seed": plan.seed,
                "term": plan.term,
            }
            records.append(self._append(session, k.CASE_LINKED, payload, plan.case_id))
        return records


def incident_of(record: EventRecord) -> str:
    """The incident an incident event names (read through its typed payload)."""
    typed = decoded(record.kind, record.payload, k.IncidentPayload)
    if typed is None:
        raise ValueError(f"event {record.event_id} is not an incident event")
    return typed.incident_id


def regions_of(row: Incident) -> list[str]:
    """An incident's regions."""
    return list(json.loads(row.regions))
