"""Child-safety report packets: a CyberTipline-shaped report built from an escalated
child-safety case, validated against resources/reports, exported as JSON or XML.

Building reads the store only (case, media hashes and names, the exposure log): no media
is opened. Whether staff viewed each file is never assumed: `fileViewedByEsp` is true
when the exposure log holds a view (filtered) or a reveal of it, `viewedUnfilteredByEsp`
when it holds a reveal, and each such access is listed. Only a lead's workstation
receives everyone's exposure events, so on an analyst's workstation a file with no known
view is refused ("a lead must build it") rather than reported as not viewed.
"""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.domain.people import Reviewer, Role
from app.evidence import kinds
from app.evidence.custody import ACCESS_KINDS, accessed_item
from app.evidence.models import Packet
from app.evidence.schema import ReportSchema
from app.log.clock import iso
from app.log.events import EventRecord
from app.log.folding import record_of
from app.log.paths import resources_dir
from app.log.store import LocalStore
from db.models import Case, Event, MediaItem

CHILD_SAFETY = "child_safety"
SCHEMA_FILE = "cybertipline_packet.schema.json"


class PacketError(Exception):
    """A packet that cannot be built or filed, with why."""


@dataclass(frozen=True)
class FileFacts:
    """What the analyst states about one file: its industry classification (A1, A2, B1,
    B2), annotations, and whether it was publicly available."""

    classification: str
    annotations: tuple[str, ...] = ()
    public: bool = False


@dataclass(frozen=True)
class PacketForm:
    """What the analyst fills in; the rest comes from the case and the exposure log."""

    incident_type: str
    incident_at: str
    reported_person: dict[str, str]
    files: dict[str, FileFacts] = field(default_factory=dict)  # by sha256
    victims: tuple[dict[str, str], ...] = ()
    incident_description: str = ""
    additional_info: str = ""


def report_schema() -> ReportSchema:
    """The bundled packet schema."""
    return ReportSchema.load(resources_dir() / "reports" / SCHEMA_FILE)


def build_packet(
    store: LocalStore, who: Reviewer, case_id: str, form: PacketForm, esp_name: str
) -> EventRecord:
    """Build, validate and record a packet for the case; the `evidence.packet_built` event."""
    with store.read() as session:
        case = session.get(Case, case_id)
        _check_access(store, session, who, case, case_id)
        media = session.execute(
            select(MediaItem.sha256, MediaItem.filename)
            .where(MediaItem.case_id == case_id)
            .order_by(MediaItem.position)
        ).all()
        exposure = _exposure(session, {sha for sha, _ in media})
    packet = {
        "packetId": str(uuid.uuid4()),
        "caseId": case_id,
        "incidentSummary": _summary(form),
        "reporter": {"espName": esp_name, "reportingPerson": who.username, "role": str(who.role)},
        "personOrUserReported": dict(form.reported_person),
        "victims": [dict(v) for v in form.victims],
        "files": [_file(sha, name, form, exposure.get(sha, []), who) for sha, name in media],
        "textOnly": not media,
        "additionalInfo": form.additional_info,
        "submission": {"status": "draft"},
    }
    if problems := report_schema().problems(packet):
        raise PacketError("the packet does not follow the report schema: " + "; ".join(problems))
    with store.transaction() as session:
        payload = {"packet_id": packet["packetId"], "packet": packet}
        return store.append(
            session, actor=who.username, kind=kinds.PACKET_BUILT, case_id=case_id, payload=payload
        )


def record_receipt(store: LocalStore, who: Reviewer, packet_id: str, receipt: str) -> EventRecord:
    """The submission system's receipt for a packet, as an event."""
    with store.transaction() as session:
        packet = session.get(Packet, packet_id)
        if packet is None:
            raise PacketError(f"no packet {packet_id} on this workstation")
        _check_access(store, session, who, session.get(Case, packet.case_id), packet.case_id)
        if packet.receipt is not None:
            raise PacketError(f"packet {packet_id} has receipt {packet.receipt} already")
        payload = {
            "packet_id": packet_id,
            "receipt": receipt,
            "submitted_at": iso(store.clock.now()),
        }
        return store.append(
            session,
            actor=who.username,
            kind=kinds.PACKET_SUBMITTED,
            case_id=packet.case_id,
            payload=payload,
        )


def stored_packet(store: LocalStore, who: Reviewer, packet_id: str) -> dict[str, Any]:
    """A packet as filed, with its submission state (cleared analysts and leads only)."""
    with store.read() as session:
        row = session.get(Packet, packet_id)
        if row is None:
            raise PacketError(f"no packet {packet_id} on this workstation")
        _check_access(store, session, who, session.get(Case, row.case_id), row.case_id)
        packet: dict[str, Any] = json.loads(row.packet)
    if row.receipt is not None:
        packet["submission"] = {
            "status": "submitted",
            "receipt": row.receipt,
            "submittedAt": row.submitted_at,
        }
    return packet


def _check_access(
    store: LocalStore, session: Any, who: Reviewer, case: Case | None, case_id: str
) -> None:
    if not who.at_least(Role.ANALYST) or CHILD_SAFETY not in who.clearances:
        raise PacketError(
            f"{who.username}: report packets need an analyst or lead cleared for {CHILD_SAFETY}"
        )
    if case is None or not who.cleared_for(case.clearance):
        raise PacketError(f"no case {case_id} that {who.username} may see")
    if case.category != CHILD_SAFETY:
        raise PacketError(f"case {case_id} is {case.category}, not a child-safety case")
    escalated = session.scalar(
        select(Event.event_id)
        .where(Event.case_id == case_id, Event.kind == "case.escalated")
        .limit(1)
    )
    if escalated is None:
        raise PacketError(f"case {case_id} was never escalated: packets come from escalations")


def _summary(form: PacketForm) -> dict[str, Any]:
    summary = {"incidentType": form.incident_type, "incidentDateTime": form.incident_at}
    if form.incident_description:
        summary["incidentDateTimeDescription"] = form.incident_description
    return summary


def _exposure(session: Any, shas: set[str]) -> dict[str, list[dict[str, str]]]:
    rows = session.scalars(
        select(Event).where(Event.kind.in_(sorted(ACCESS_KINDS))).order_by(Event.created_at)
    ).all()
    found: dict[str, list[dict[str, str]]] = {}
    for rec in map(record_of, rows):
        item = accessed_item(rec)
        if item in shas:
            access = {"eventId": rec.event_id, "person": rec.actor, "at": rec.created_at}
            found.setdefault(item, []).append({**access, "mode": ACCESS_KINDS[rec.kind]})
    return found


def _file(
    sha: str, name: str, form: PacketForm, seen: list[dict[str, str]], who: Reviewer
) -> dict[str, Any]:
    facts = form.files.get(sha)
    if facts is None:
        raise PacketError(f"file {name} ({sha[:12]}…): give its industry classification")
    if not seen and not who.at_least(Role.LEAD):
        raise PacketError(
            f"file {name}: no view of it is known here, and only a lead's workstation holds "
            "everyone's exposure log: a lead must build this packet"
        )
    return {
        "fileName": name,
        "originalFileHash": sha,
        "hashAlgorithm": "SHA-256",
        "industryClassification": facts.classification,
        "fileAnnotations": list(facts.annotations),
        "publiclyAvailable": facts.public,
        "fileViewedByEsp": bool(seen),
        "viewedUnfilteredByEsp": any(a["mode"] == "revealed" for a in seen),
        "exposure": seen,
    }


def to_json(packet: dict[str, Any]) -> str:
    """The packet as JSON."""
    return json.dumps(packet, indent=1, sort_keys=True)


_ITEM_NAMES = {"victims": "victim", "files": "fileDetails", "exposure": "access",
               "fileAnnotations": "annotation"}  # fmt: skip


def to_xml(packet: dict[str, Any]) -> str:
    """The packet as XML: <report>, one element per field, lists as repeated items."""
    root = ET.Element("report")
    _xml(root, packet)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _xml(parent: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            if isinstance(item, list):
                holder = ET.SubElement(parent, name)
                for entry in item:
                    _xml(ET.SubElement(holder, _ITEM_NAMES.get(name, "item")), entry)
            else:
                _xml(ET.SubElement(parent, name), item)
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    elif value is not None:
        parent.text = str(value)
