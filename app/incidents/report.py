"""The post-mortem document: the timeline, impact figures, what went well and badly,
action items with owners; exported as Markdown or PDF.

Every timeline line that is an event cites its hash-chain position: the device chain,
the event's place in it (device_seq), the hub's global position (server_seq, once
synced) and the event's hash. The Markdown export ends with the same citations in a
machine-readable block; `verify_citations` (`veil incident verify-export FILE.md`)
recomputes each cited event's hash from the store, so an event edited in the store
after the export no longer verifies (and `veil audit verify` names it too).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.domain.people import Reviewer
from app.incidents import access, timeline
from app.incidents.figures import Counters, Impact, counters, duration, impact
from app.incidents.models import Incident, IncidentAction, IncidentRole
from app.incidents.pdf import render
from app.incidents.severity import SeveritySet, bundled_severities
from app.log.clock import iso
from app.log.events import chain_hash
from app.log.folding import record_of
from app.log.store import LocalStore
from db.models import Event

CITATIONS_START = "<!-- veil-citations"
CITATIONS_END = "-->"


@dataclass(frozen=True)
class Citation:
    """Where a cited event sits in the hash chains."""

    event_id: str
    device_id: str
    device_seq: int
    server_seq: int | None
    hash: str

    def position(self) -> str:
        """Its position for people."""
        hub = f" hub #{self.server_seq}" if self.server_seq is not None else ""
        return f"chain {self.device_id[:8]}#{self.device_seq}{hub} {self.hash[:16]}"


@dataclass(frozen=True)
class PostMortemDoc:
    """Everything the post-mortem shows."""

    incident: dict[str, Any]
    severity_name: str
    roles: list[tuple[str, str, str | None]]
    counters: Counters
    impact: Impact
    items: list[timeline.TimelineItem]
    actions: list[dict[str, Any]]
    citations: dict[str, Citation]
    generated_at: str


class ExportError(ValueError):
    """The incident cannot be exported (missing, or not for this person)."""


def build(
    store: LocalStore, reviewer: Reviewer, incident_id: str, severities: SeveritySet | None = None
) -> PostMortemDoc:
    """The post-mortem of an incident this person may see."""
    levels = severities or bundled_severities()
    now = iso(store.clock.now())
    with store.read() as session:
        row = session.get(Incident, incident_id)
        named = incident_id in access.member_of(session, reviewer)
        if row is None or not access.sees(reviewer, row.clearance, named):
            raise ExportError(f"incident: no incident {incident_id} you may see")
        incident = {c.name: getattr(row, c.name) for c in Incident.__table__.columns}
        roles = [
            (r.person, r.role, r.area)
            for r in session.scalars(
                select(IncidentRole)
                .where(IncidentRole.incident_id == incident_id, IncidentRole.active)
                .order_by(IncidentRole.role, IncidentRole.person)
            )
        ]
        actions = [
            {"title": a.title, "owner": a.owner, "due": a.due, "done": a.done}
            for a in session.scalars(
                select(IncidentAction)
                .where(IncidentAction.incident_id == incident_id)
                .order_by(IncidentAction.item_id)
            )
        ]
        items = timeline.whole(session, incident_id, now)
        cited = [i.event_id for i in items if i.event_id is not None]
        citations: dict[str, Citation] = {}
        for start in range(0, len(cited), 500):
            query = select(
                Event.event_id, Event.device_id, Event.device_seq, Event.server_seq, Event.hash
            ).where(Event.event_id.in_(cited[start : start + 500]))
            for r in session.execute(query):
                citations[r.event_id] = Citation(
                    r.event_id, r.device_id, r.device_seq, r.server_seq, r.hash
                )
        return PostMortemDoc(
            incident=incident,
            severity_name=levels[row.severity].name,
            roles=roles,
            counters=counters(session, incident_id),
            impact=impact(session, incident_id),
            items=items,
            actions=actions,
            citations=citations,
            generated_at=now,
        )


def lines(doc: PostMortemDoc) -> list[str]:
    """The document as lines ('# ' starts a heading), shared by both formats."""
    inc, fig = doc.incident, doc.impact
    out = [
        f"# Post-mortem: {inc['title']}",
        f"Incident {inc['incident_id']} - {doc.severity_name} - {inc['category']} - "
        f"status {inc['status']}",
        f"Declared {inc['declared_at']} by {inc['declared_by']}; "
        f"resolved {inc['resolved_at'] or 'not yet'}",
        f"Regions: {', '.join(json.loads(inc['regions'])) or 'none named'}",
        f"Generated {doc.generated_at}",
        "",
        "# Impact",
        f"Items: {fig.items} cases ({fig.media} media items)",
        f"Reach proxy (report counts): {fig.reach}",
        f"Time to first action: {duration(fig.first_action_seconds)}",
        f"Time to containment: {duration(fig.containment_seconds)}",
        f"Matched: {doc.counters.matched}; decided: {doc.counters.decided}; "
        f"open: {doc.counters.open}",
        "How cases matched: "
        + (", ".join(f"{via} {n}" for via, n in sorted(fig.by_via.items())) or "none"),
        "",
        "# Roles",
    ]
    out += [f"{p}: {r}" + (f" ({area})" if area else "") for p, r, area in doc.roles] or ["none"]
    out += ["", "# Summary", inc["resolution"] or inc["pm_summary"] or "-", ""]
    out += ["# What went well", inc["went_well"] or "-", "", "# What went badly"]
    out += [inc["went_badly"] or "-", "", "# Action items"]
    out += [
        f"[{'x' if a['done'] else ' '}] {a['title']} - owner {a['owner']}"
        + (f", due {a['due']}" if a["due"] else "")
        for a in doc.actions
    ] or ["none"]
    out += ["", "# Timeline"]
    for item in doc.items:
        cite = doc.citations.get(item.event_id or "")
        where = f" [{cite.position()}]" if cite else " [derived: no event]"
        text = (
            item.text
            if item.corrected_text is None
            else (f"{item.text} (corrected by {item.corrected_by}: {item.corrected_text})")
        )
        pin = " (pinned)" if item.pinned else ""
        who = f" {item.actor}" if item.actor else ""
        out.append(f"{item.at}{who} - {item.label}{pin}: {text}{where}")
    return out


def to_markdown(doc: PostMortemDoc) -> str:
    """The post-mortem as Markdown, ending with its machine-readable citations."""
    body = []
    for line in lines(doc):
        if line.startswith("# Post-mortem"):
            body.append(line)
        elif line.startswith("# "):
            body.append("#" + line)
        else:
            body.append(line + "  " if line else "")
    body += ["", CITATIONS_START]
    body += [
        f"{c.event_id} {c.device_id} {c.device_seq} {c.server_seq or '-'} {c.hash}"
        for c in doc.citations.values()
    ]
    body.append(CITATIONS_END)
    return "\n".join(body) + "\n"


def to_pdf(doc: PostMortemDoc) -> bytes:
    """The post-mortem as PDF."""
    return render(lines(doc), f"Post-mortem: {doc.incident['title']}")


_CITE = re.compile(r"^(\S+) (\S+) ([0-9]+) (\S+) ([0-9a-f]{64})$")


def read_citations(markdown: str) -> list[Citation]:
    """The citations block of an exported Markdown post-mortem (ValueError if none)."""
    start = markdown.find(CITATIONS_START)
    if start < 0:
        raise ValueError("no veil-citations block: not a post-mortem export")
    block = markdown[start + len(CITATIONS_START) :].split(CITATIONS_END, 1)[0]
    out = []
    for n, line in enumerate(block.strip().splitlines(), start=1):
        found = _CITE.match(line.strip())
        if found is None:
            raise ValueError(f"citations line {n}: expected event device seq hub-seq hash")
        event_id, device, seq, server, digest = found.groups()
        out.append(
            Citation(event_id, device, int(seq), None if server == "-" else int(server), digest)
        )
    return out


def verify_citations(store: LocalStore, citations: list[Citation]) -> list[str]:
    """One line per cited event that no longer verifies (empty: all do)."""
    problems = []
    with store.read() as session:
        for cite in citations:
            row = session.scalars(
                select(Event).where(
                    Event.device_id == cite.device_id, Event.device_seq == cite.device_seq
                )
            ).first()
            if row is None:
                problems.append(f"{cite.event_id}: no event at {cite.position()}")
            elif row.event_id != cite.event_id or row.hash != cite.hash:
                problems.append(f"{cite.event_id}: another event sits at {cite.position()}")
            elif chain_hash(record_of(row)) != cite.hash:
                problems.append(
                    f"{cite.event_id}: its stored content no longer matches its hash "
                    f"({cite.position()})"
                )
    return problems
