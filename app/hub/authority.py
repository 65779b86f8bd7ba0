"""Authority on the hub: a pushed event must be one its author was allowed to make.

A workstation refuses a command its rules forbid, but a client can push any event it
seals. The hub therefore judges every event of a push that touches a case's decisions or
moves the case along its lifecycle, against the case's events it already stores and the
batch's earlier events, and answers 403 naming the rule:

- `decision.on_case`: an event naming a decision (a retraction, a QA assignment, review
  or verdict, a decision's prior decision, an adjudication's resolved decisions) names one
  recorded on that same case.
- `retract.author`, `retract.once`, `retract.window`: only a decision's author retracts
  it, only once, within the undo window (UNDO_SECONDS plus CLOCK_MARGIN_SECONDS, judged by
  the retraction's created_at against the decision's).
- `lifecycle.<command>`: closing, reopening (retracting), adjudicating and reassigning
  follow app/domain/lifecycle.py's table; `close.own_decision`: a moderator closes only a
  case whose standing decision is their own.

Lifecycle rules judge the case as the author saw it: the stored events up to the event's
`seen_head` (and the same batch's events up to it), so work done offline that syncs after
a colleague's is judged by what its author could know. An event without a seen head the
hub knows is judged against everything the hub holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from app.domain.kinds import EventKind
from app.domain.lifecycle import UNDO_SECONDS, CaseStatus, Command, IllegalTransition, next_status
from app.hub.access import Principal
from app.hub.errors import HubError
from app.log.clock import parse_iso
from app.log.events import EventRecord
from app.log.registry import PayloadError, registry
from db.hub.models import Event

K = EventKind
# Two devices' clocks may disagree a little about when a decision and its undo happened.
CLOCK_MARGIN_SECONDS = 5
# The kinds that move a case's status or its decision graph (the hub's own small fold).
CASE_KINDS = frozenset(
    {
        K.CASE_INGESTED,
        K.CASE_LEASED,
        K.CASE_REASSIGNED,
        K.CASE_RELEASED,
        K.CASE_SKIPPED,
        K.DECISION_RECORDED,
        K.DECISION_RETRACTED,
        K.CASE_ESCALATED,
        K.CASE_CLOSED,
        K.CASE_ADJUDICATED,
    }
)
# Commands whose lifecycle rule the hub holds pushes to.
LIFECYCLE = {
    K.CASE_CLOSED: Command.CLOSE,
    K.DECISION_RETRACTED: Command.RETRACT,
    K.CASE_ADJUDICATED: Command.ADJUDICATE,
    K.CASE_REASSIGNED: Command.REASSIGN,
}
# Kinds whose `decision` field must be a recorded decision (not an adjudication).
DECISION_FIELD_KINDS = frozenset({K.DECISION_RETRACTED, K.QA_ASSIGNED, K.QA_REVIEW, K.QA_VERDICT})


@dataclass(frozen=True)
class CaseEvent:
    """One event of a case as the hub's small fold reads it."""

    event_id: str
    kind: str
    actor: str
    created_at: str
    payload: Any  # the typed payload, or None when it does not decode


@dataclass
class CaseView:
    """A case's status and decision graph after some of its events, in order."""

    status: str | None = None
    decisions: dict[str, CaseEvent] = field(default_factory=dict)  # decision.recorded
    nodes: dict[str, list[str]] = field(default_factory=dict)  # graph node -> parents
    retracted: set[str] = field(default_factory=set)

    def heads(self) -> list[str]:
        """The standing decisions and adjudications (app/review/decision_graph.py)."""
        live = [n for n in self.nodes if n not in self.retracted]
        named = {p for n in live for p in self.nodes[n]}
        return [n for n in live if n not in named]

    def fold(self, event: CaseEvent) -> None:
        """Move the view past event (a lenient copy of the review feature's folds)."""
        kind, p = event.kind, event.payload
        if kind == K.CASE_INGESTED:
            self.status = CaseStatus.NEW
        elif kind in (K.CASE_LEASED, K.CASE_REASSIGNED):
            if self.status in (CaseStatus.NEW, CaseStatus.LEASED, CaseStatus.ESCALATED):
                self.status = CaseStatus.LEASED
        elif kind in (K.CASE_RELEASED, K.CASE_SKIPPED):
            if self.status == CaseStatus.LEASED:
                self.status = CaseStatus.NEW
        elif kind == K.CASE_ESCALATED:
            if self.status != CaseStatus.CONFLICT:
                self.status = CaseStatus.ESCALATED
        elif kind == K.CASE_CLOSED:
            self.status = CaseStatus.CLOSED
        elif p is not None:
            self._fold_graph(event, p)

    def _fold_graph(self, event: CaseEvent, p: Any) -> None:
        if event.kind == K.DECISION_RECORDED:
            self.decisions[event.event_id] = event
            self.nodes[event.event_id] = [p.prior_decision] if p.prior_decision else []
            final = CaseStatus.CLOSED if p.final else CaseStatus.DECIDED
            self.status = CaseStatus.CONFLICT if len(self.heads()) > 1 else final
        elif event.kind == K.CASE_ADJUDICATED:
            self.nodes[event.event_id] = list(p.resolves)
            many = len(self.heads()) > 1
            self.status = CaseStatus.CONFLICT if many else CaseStatus.DECIDED
        elif event.kind == K.DECISION_RETRACTED:
            target = p.decision
            if target not in self.decisions or target in self.retracted:
                return
            heads = self.heads()
            current = heads[-1] if heads else None
            self.retracted.add(target)
            if self.status == CaseStatus.CONFLICT:
                many = len(self.heads()) > 1
                self.status = CaseStatus.CONFLICT if many else CaseStatus.DECIDED
            elif current == target and self.status in (CaseStatus.DECIDED, CaseStatus.CLOSED):
                self.status = CaseStatus.LEASED

    def current_author(self) -> str | None:
        """Who made the standing decision shown as the case's decision."""
        heads = self.heads()
        event = self.decisions.get(heads[-1]) if heads else None
        return event.actor if event is not None else None


@dataclass
class _Seen:
    """What an event's author had seen of its case: stored events up to server_seq
    `upto` (None: all of them) and the batch's events on the case before index `batch`."""

    upto: int | None
    batch: int


def check_authority(conn: Connection, user: Principal, records: Sequence[EventRecord]) -> None:
    """403 naming the rule when an event of the batch oversteps its author's authority."""
    typed = [_typed(r) for r in records]
    wanted = {
        str(r.case_id)
        for r, p in zip(records, typed, strict=True)
        if r.case_id and (r.kind in LIFECYCLE or _named(r.kind, p))
    }
    unplaced = [
        r for r, p in zip(records, typed, strict=True) if not r.case_id and _named(r.kind, p)
    ]
    if unplaced:
        raise _refused(unplaced[0], "decision.on_case", "it names a decision but no case")
    if not wanted:
        return
    stored = _stored(conn, wanted)
    batch: dict[str, list[tuple[int, CaseEvent]]] = {}
    seen: dict[str, _Seen] = {}
    for n, (record, payload) in enumerate(zip(records, typed, strict=True)):
        case_id = str(record.case_id) if record.case_id else None
        event = CaseEvent(record.event_id, record.kind, record.actor, record.created_at, payload)
        if case_id in wanted:
            assert case_id is not None
            earlier = batch.setdefault(case_id, [])
            seen[record.event_id] = _seen_by(record, stored[case_id], earlier, seen, n)
            if record.kind in LIFECYCLE or _named(record.kind, payload):
                _judge(user, record, event, stored[case_id], earlier, seen[record.event_id])
            if record.kind in CASE_KINDS:
                earlier.append((n, event))


def _judge(
    user: Principal,
    record: EventRecord,
    event: CaseEvent,
    stored: list[tuple[int, CaseEvent]],
    earlier: list[tuple[int, CaseEvent]],
    seen: _Seen,
) -> None:
    now = _view(e for _, e in [*stored, *earlier])
    _check_named(record, event.payload, now)
    if record.kind == K.DECISION_RETRACTED and event.payload is not None:
        _check_retraction(record, event.payload.decision, now)
    command = LIFECYCLE.get(EventKind(record.kind)) if record.kind in LIFECYCLE else None
    if command is None:
        return
    as_seen = _view(
        [e for s, e in stored if seen.upto is None or s <= seen.upto]
        + [e for n, e in earlier if n < seen.batch]
    )
    try:
        next_status(as_seen.status or CaseStatus.NEW, command)
    except IllegalTransition as exc:
        raise _refused(record, f"lifecycle.{command.value}", str(exc)) from None
    own = as_seen.current_author() == record.actor
    if command == Command.CLOSE and user.role == "moderator" and not own:
        rule = "a moderator may close only a case whose standing decision is their own"
        raise _refused(record, "close.own_decision", rule)


def _check_named(record: EventRecord, payload: Any, now: CaseView) -> None:
    for name, event_id, graph_ok in _names(record.kind, payload):
        on_case = event_id in now.nodes if graph_ok else event_id in now.decisions
        if not on_case:
            what = "decision or adjudication" if graph_ok else "decision"
            rule = f"{name} {event_id} is not a {what} on case {record.case_id}"
            raise _refused(record, "decision.on_case", rule)


def _check_retraction(record: EventRecord, decision_id: str, now: CaseView) -> None:
    decision = now.decisions[decision_id]  # _check_named made sure it is on the case
    if decision.actor != record.actor:
        raise _refused(record, "retract.author", "only a decision's author may retract it")
    if decision_id in now.retracted:
        raise _refused(record, "retract.once", f"decision {decision_id} is already retracted")
    window = UNDO_SECONDS + CLOCK_MARGIN_SECONDS
    late = _seconds_between(decision.created_at, record.created_at)
    if late is None or not -CLOCK_MARGIN_SECONDS <= late <= window:
        rule = (
            f"a decision may be retracted within {UNDO_SECONDS} s of recording it"
            f" (created_at {record.created_at} is not within {window} s"
            f" after the decision's {decision.created_at})"
        )
        raise _refused(record, "retract.window", rule)


def _seen_by(
    record: EventRecord,
    stored: list[tuple[int, CaseEvent]],
    earlier: list[tuple[int, CaseEvent]],
    seen: dict[str, _Seen],
    n: int,
) -> _Seen:
    head = record.seen_head
    if head is not None:
        for seq, event in stored:
            if event.event_id == head:
                return _Seen(seq, -1)
        for m, event in earlier:
            if event.event_id == head and head in seen:
                return _Seen(seen[head].upto, m + 1)
    return _Seen(None, n)


def _view(events: Iterable[CaseEvent]) -> CaseView:
    view = CaseView()
    for event in events:
        view.fold(event)
    return view


def _stored(conn: Connection, case_ids: set[str]) -> dict[str, list[tuple[int, CaseEvent]]]:
    """The stored case-moving events of these cases, in server_seq order."""
    query = (
        select(
            Event.server_seq,
            Event.case_id,
            Event.event_id,
            Event.kind,
            Event.actor,
            Event.created_at,
            Event.payload,
        )
        .where(Event.case_id.in_(sorted(case_ids)), Event.kind.in_(sorted(CASE_KINDS)))
        .order_by(Event.server_seq)
    )
    found: dict[str, list[tuple[int, CaseEvent]]] = {c: [] for c in case_ids}
    for row in conn.execute(query):
        payload = _decoded(row.kind, json.loads(row.payload))
        event = CaseEvent(row.event_id, row.kind, row.actor, row.created_at, payload)
        found[row.case_id].append((row.server_seq, event))
    return found


def _typed(record: EventRecord) -> Any:
    return _decoded(record.kind, record.payload)


def _decoded(kind: str, payload: Any) -> Any:
    try:
        return registry().decode(kind, payload)
    except PayloadError:
        return None  # kept in the log and folded nowhere (ingest refuses such pushes)


def _names(kind: str, payload: Any) -> list[tuple[str, str, bool]]:
    """(field, event id, whether an adjudication may be named) for each decision named."""
    if payload is None:
        return []
    names: list[tuple[str, str, bool]] = []
    decision = getattr(payload, "decision", None)
    if isinstance(decision, str):
        names.append(("decision", decision, kind not in DECISION_FIELD_KINDS))
    prior = getattr(payload, "prior_decision", None)
    if isinstance(prior, str):
        names.append(("prior_decision", prior, True))
    resolves = getattr(payload, "resolves", None)
    if isinstance(resolves, list):
        names.extend(("resolves", str(r), True) for r in resolves)
    return names


def _named(kind: str, payload: Any) -> bool:
    return bool(_names(kind, payload))


def _seconds_between(first: str, then: str) -> float | None:
    try:
        start: datetime = parse_iso(first)
        end: datetime = parse_iso(then)
    except ValueError:
        return None
    return (end - start).total_seconds()


def _refused(record: EventRecord, rule: str, reason: str) -> HubError:
    return HubError(
        403,
        f"event {record.event_id} ({record.kind}): {reason}",
        rule=rule,
        event_id=record.event_id,
    )
