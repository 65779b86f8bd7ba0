"""An incident's timeline, built from the log: its own events (declared, severity
changes, roles, seeds, links, typed entries, resolution, post-mortem), the events of its
linked cases (decisions, retractions, escalations, closures) and the SLA breaches of
those cases (a deadline that passed with the case still open, or before its first
decision; these name no event).

Pages come from one SQL query ordered by time, so the first page of an incident with
50,000 events costs about what an empty one does. A filter picks categories, or pinned
entries only. Typed entries show their pin and their latest correction (a correction is a
new event; the entry's own text stays as written).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.incidents import kinds as k
from app.incidents.folds import entry_text
from app.log.registry import PayloadError, registry
from app.review.kinds import DecisionRecorded

CATEGORY_OF: dict[str, str] = {
    k.DECLARED: "declared",
    k.SEVERITY_CHANGED: "severity",
    k.ROLE_ASSIGNED: "roles",
    k.ROLE_REMOVED: "roles",
    k.CASE_LINKED: "cases",
    k.SEED_ADDED: "seeds",
    k.TERMS_SET: "seeds",
    k.STATUS_UPDATE: "entries",
    k.NOTE: "entries",
    k.CONTACT: "entries",
    k.PINNED: "edits",
    k.CORRECTED: "edits",
    k.RESOLVED: "closing",
    k.POSTMORTEM: "closing",
    k.ACTION_ITEM: "closing",
    k.SURGE_DEPTH: "surge",
    k.CASE_RETURNED: "cases",
    "decision.recorded": "decisions",
    "decision.retracted": "decisions",
    "case.escalated": "decisions",
    "case.closed": "decisions",
    "case.adjudicated": "decisions",
    "sla.breached": "sla",
}
CATEGORIES = (
    "declared",
    "severity",
    "roles",
    "cases",
    "seeds",
    "entries",
    "edits",
    "decisions",
    "sla",
    "surge",
    "closing",
)
CASE_KINDS = tuple(name for name, cat in CATEGORY_OF.items() if cat == "decisions")
LABELS = {
    k.DECLARED: "Declared",
    k.SEVERITY_CHANGED: "Severity changed",
    k.ROLE_ASSIGNED: "Role assigned",
    k.ROLE_REMOVED: "Role removed",
    k.CASE_LINKED: "Case linked",
    k.SEED_ADDED: "Seed added",
    k.TERMS_SET: "Terms set",
    k.STATUS_UPDATE: "Status update",
    k.NOTE: "Note",
    k.CONTACT: "External contact",
    k.PINNED: "Pinned",
    k.CORRECTED: "Correction",
    k.RESOLVED: "Resolved",
    k.POSTMORTEM: "Post-mortem",
    k.ACTION_ITEM: "Action item",
    k.SURGE_DEPTH: "Surge queue depth",
    k.CASE_RETURNED: "Case returned",
    "decision.recorded": "Decision",
    "decision.retracted": "Decision retracted",
    "case.escalated": "Escalated",
    "case.closed": "Case closed",
    "case.adjudicated": "Adjudicated",
    "sla.breached": "SLA missed",
}


@dataclass(frozen=True)
class TimelineItem:
    """One line of an incident's timeline."""

    at: str
    kind: str
    category: str
    label: str
    text: str
    actor: str
    event_id: str | None  # None: an SLA breach (derived, not an event)
    case_id: str | None
    case_no: int | None
    typed: bool = False  # a status update, note or external contact
    pinned: bool = False
    corrected_text: str | None = None
    corrected_by: str | None = None


_PAGE = """
SELECT t.event_id, t.kind, t.actor, t.at, t.case_id FROM (
  SELECT * FROM (
    SELECT l.event_id AS event_id, l.kind AS kind, l.actor AS actor, l.at AS at,
           l.case_id AS case_id
    FROM incident_log l
    WHERE l.incident_id = :incident AND l.kind IN ({own}) {pinned}
    ORDER BY l.at {direction}, l.event_id {direction} LIMIT :upto)
  UNION ALL
  SELECT * FROM (
    SELECT e.event_id, e.kind, e.actor, e.created_at, e.case_id
    FROM incident_cases c JOIN events e ON e.case_id = c.case_id
    WHERE c.incident_id = :incident AND e.kind IN ({theirs})
    ORDER BY e.created_at {direction}, e.event_id {direction} LIMIT :upto)
  UNION ALL
  SELECT * FROM (
    SELECT NULL, 'sla.breached', '', cs.sla_deadline, cs.case_id
    FROM incident_cases c JOIN cases cs ON cs.case_id = c.case_id
    WHERE c.incident_id = :incident AND {sla} AND cs.sla_deadline != ''
      AND cs.sla_deadline < COALESCE(
        (SELECT MIN(d.decided_at) FROM decisions d WHERE d.case_id = cs.case_id), :now)
    ORDER BY cs.sla_deadline {direction} LIMIT :upto)
) t
ORDER BY t.at {direction}, t.event_id {direction}
LIMIT :limit OFFSET :offset
"""


def _parts(
    categories: Collection[str] | None, pinned_only: bool
) -> tuple[list[str], list[str], bool]:
    wanted = set(CATEGORIES if categories is None else categories)
    if pinned_only:
        wanted = {"entries"}
    own = [name for name in k.ALL_KINDS if CATEGORY_OF[name] in wanted]
    theirs = [name for name in CASE_KINDS if "decisions" in wanted]
    return own, theirs, "sla" in wanted and not pinned_only


def _sql(
    categories: Collection[str] | None, pinned_only: bool, newest_first: bool
) -> tuple[str, dict[str, Any]]:
    own, theirs, sla = _parts(categories, pinned_only)
    params: dict[str, Any] = {}
    for n, name in enumerate(own):
        params[f"o{n}"] = name
    for n, name in enumerate(theirs):
        params[f"t{n}"] = name
    sql = _PAGE.format(
        own=", ".join(f":o{n}" for n in range(len(own))) or "NULL",
        theirs=", ".join(f":t{n}" for n in range(len(theirs))) or "NULL",
        pinned=(
            "AND l.event_id IN (SELECT event_id FROM incident_entries WHERE pinned)"
            if pinned_only
            else ""
        ),
        sla="1 = 1" if sla else "1 = 0",
        direction="DESC" if newest_first else "ASC",
    )
    return sql, params


def page(
    session: Session,
    incident_id: str,
    now: str,
    *,
    categories: Collection[str] | None = None,
    pinned_only: bool = False,
    newest_first: bool = True,
    limit: int = 200,
    offset: int = 0,
) -> list[TimelineItem]:
    """One page of the timeline (newest first by default)."""
    sql, params = _sql(categories, pinned_only, newest_first)
    # Each part stops at offset + limit rows in time order (an index walk for the
    # incident's own events), so a first page costs the same however long the timeline.
    params.update(incident=incident_id, now=now, limit=limit, offset=offset, upto=offset + limit)
    conn = session.connection().connection.driver_connection
    assert conn is not None
    rows = [_Key(*row) for row in conn.execute(sql, params)]
    return _items(session, rows)


def whole(session: Session, incident_id: str, now: str) -> list[TimelineItem]:
    """The whole timeline, oldest first (for the post-mortem)."""
    out: list[TimelineItem] = []
    while True:
        got = page(session, incident_id, now, newest_first=False, limit=5000, offset=len(out))
        out += got
        if len(got) < 5000:
            return out


class _Key(NamedTuple):
    """A timeline line as the page query gives it."""

    event_id: str | None
    kind: str
    actor: str
    at: str
    case_id: str | None


def _items(session: Session, rows: Sequence[Any]) -> list[TimelineItem]:
    # Plain driver SQL: a page is read on every first paint, and SQLAlchemy's text()
    # binding cost more than the reads themselves.
    conn = session.connection().connection.driver_connection
    assert conn is not None
    ids = [r.event_id for r in rows if r.event_id is not None]
    found: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        sql = (
            "SELECT e.event_id, e.payload, n.pinned, n.corrected_text, n.corrected_by,"
            " n.event_id IS NOT NULL FROM events e"
            " LEFT JOIN incident_entries n ON n.event_id = e.event_id"
            f" WHERE e.event_id IN ({', '.join('?' * len(chunk))})"
        )
        for row in conn.execute(sql, chunk):
            found[row[0]] = row
    case_ids = sorted({r.case_id for r in rows if r.case_id is not None})
    numbers: dict[str, int] = {}
    for start in range(0, len(case_ids), 500):
        chunk = case_ids[start : start + 500]
        sql = f"SELECT case_id, case_no FROM cases WHERE case_id IN ({', '.join('?' * len(chunk))})"
        numbers.update(conn.execute(sql, chunk).fetchall())
    return [_item(r, found.get(r.event_id) if r.event_id else None, numbers) for r in rows]


def _item(r: Any, found: tuple[Any, ...] | None, numbers: dict[str, int]) -> TimelineItem:
    case_no = numbers.get(r.case_id) if r.case_id else None
    typed = None if found is None else _typed(r.kind, json.loads(found[1]))
    entry = found is not None and bool(found[5])
    return TimelineItem(
        at=r.at,
        kind=r.kind,
        category=CATEGORY_OF.get(r.kind, "other"),
        label=LABELS.get(r.kind, r.kind),
        text=describe(r.kind, typed, case_no),
        actor=r.actor,
        event_id=r.event_id,
        case_id=r.case_id,
        case_no=case_no,
        typed=entry,
        pinned=bool(found[2]) if entry and found is not None else False,
        corrected_text=found[3] if entry and found is not None else None,
        corrected_by=found[4] if entry and found is not None else None,
    )


def describe(kind: str, p: Any, case_no: int | None) -> str:
    """One timeline line in words, from the event's typed payload (None: it does not
    decode, or names no event)."""
    case = f"case #{case_no}" if case_no is not None else "a case"
    if isinstance(p, k.IncidentDeclared):
        return f"SEV {p.severity} declared: {p.title} (commander {p.commander})"
    if isinstance(p, k.SeverityChanged):
        why = f": {p.reason}" if p.reason else ""
        return f"SEV {p.previous} -> SEV {p.severity}{why}"
    if isinstance(p, k.RoleAssigned):
        area = f" ({p.area})" if p.area else ""
        verb = "is" if kind == k.ROLE_ASSIGNED else "is no longer"
        return f"{p.person} {verb} {p.role}{area}"
    if isinstance(p, k.CaseLinked):
        how = {
            "seed": f"media within {p.distance} bits of a seed",
            "terms": f"text holds {p.term!r}",
            "cluster": "near-duplicate of the declaring case",
            "declared": "the declaring case",
            "manual": "linked by hand",
        }[p.via]
        return f"{case} -> incident queue ({how})"
    if isinstance(p, k.CaseReturned):
        return f"{case} -> back to the {p.queue} queue"
    if isinstance(p, k.SeedAdded):
        return f"seed {p.sha256[:12]} ({len(p.hashes)} hash(es))"
    if isinstance(p, k.TermsSet):
        return "terms: " + ", ".join(p.terms) if p.terms else "terms cleared"
    if kind in k.ENTRY_KINDS and p is not None:
        return entry_text(kind, p)
    if isinstance(p, k.EntryPinned):
        return f"{'pinned' if p.pinned else 'unpinned'} entry {p.entry[:8]}"
    if isinstance(p, k.EntryCorrected):
        return f"entry {p.entry[:8]} corrected: {p.text}"
    if isinstance(p, k.IncidentResolved):
        return f"resolved: {p.summary}" if p.summary else "resolved"
    if isinstance(p, k.PostMortem):
        return "post-mortem written"
    if isinstance(p, k.ActionItem):
        return f"{p.title} (owner {p.owner}, {'done' if p.done else 'open'})"
    if isinstance(p, k.SurgeDepth):
        return f"{p.open} linked cases open (crossed {p.threshold})"
    if isinstance(p, DecisionRecorded):
        applied = " (applied from the cluster)" if p.applied_from else ""
        return f"{case}: {p.action}{applied}"
    if kind == "sla.breached":
        return f"{case} passed its SLA deadline while open"
    return f"{case}: {LABELS.get(kind, kind).lower()}"


def _typed(kind: str, payload: dict[str, Any]) -> Any:
    try:
        return registry().decode(kind, payload)
    except PayloadError:
        return None


def count(session: Session, incident_id: str, now: str) -> int:
    """How many lines the whole timeline has."""
    sql, params = _sql(None, False, True)
    wrapped = f"SELECT COUNT(*) FROM ({sql.replace('LIMIT :limit OFFSET :offset', '')}) n"
    params.update(incident=incident_id, now=now, upto=-1)
    return int(session.execute(text(wrapped), params).scalar() or 0)
