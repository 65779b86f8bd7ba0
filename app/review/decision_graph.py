"""Which decisions on a case still stand: the heads of its decision graph.

A decision names the decision it saw as current (`prior_decision`); an adjudication names
every decision it settles (`resolves`). A decision or adjudication that no later one names
is a head. One head: the case is decided. Two or more: the decisions did not see each
other (made offline on two workstations, say), the case is in CONFLICT and waits for a
lead. Retracted decisions drop out.

The heads are a function of the set of events, not of the order they arrived in, so
every workstation that holds the same events agrees on conflicts; among several heads the
"current" one is the last in canonical order (server_seq, then pending by local id).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Executable, select

from app.domain.kinds import EventKind
from app.log.events import EventRecord
from app.log.folding import CANONICAL_ORDER
from app.log.registry import PayloadError, registry
from app.review.kinds import CaseAdjudicated, DecisionRecorded, DecisionRetracted
from db.models import Case, Event

K = EventKind
GRAPH_KINDS = (K.DECISION_RECORDED, K.CASE_ADJUDICATED, K.DECISION_RETRACTED)


class Reader(Protocol):
    """A session, or a fold's context (which writes what is pending before it reads)."""

    def execute(self, statement: Executable, /) -> Any: ...


@dataclass(frozen=True)
class Standing:
    """The heads of a case's decision graph, in canonical order, and the current one."""

    heads: tuple[str, ...]
    actions: tuple[str, ...]

    @property
    def conflict(self) -> bool:
        """Two or more decisions stand that did not see each other."""
        return len(self.heads) > 1

    @property
    def current(self) -> str | None:
        """The event id of the standing decision shown as the case's decision."""
        return self.heads[-1] if self.heads else None

    @property
    def action(self) -> str | None:
        """The action of the current decision."""
        return self.actions[-1] if self.actions else None


def standing(session: Reader, case_id: str, upto: EventRecord | None = None) -> Standing:
    """The decision graph of a case as its events in this store say (see module doc).

    While folding, `upto` is the event being folded: only events up to it in canonical
    order count, so a refold passes through the same states the incremental fold did.
    """
    query = (
        select(Event.event_id, Event.kind, Event.payload)
        .where(Event.case_id == case_id, Event.kind.in_([str(k) for k in GRAPH_KINDS]))
        .order_by(*CANONICAL_ORDER)
    )
    if upto is not None:
        query = query.where(_not_after(upto))
    parents: dict[str, list[str]] = {}
    actions: dict[str, str] = {}
    retracted: set[str] = set()
    for event_id, kind, raw in session.execute(query):
        try:
            p = registry().decode(kind, json.loads(raw))
        except PayloadError:
            continue  # kept in the log and folded nowhere, so no part of the graph
        if isinstance(p, DecisionRetracted):
            retracted.add(p.decision)
            continue
        parents[event_id] = parents_of(p)
        actions[event_id] = action_of(p)
    live = [e for e in parents if e not in retracted]
    named = {p for e in live for p in parents[e]}
    heads = tuple(e for e in live if e not in named)
    return Standing(heads, tuple(actions[e] for e in heads))


def after_decision(
    session: Reader, case: Case, rec: EventRecord, decision: DecisionRecorded
) -> Standing:
    """The standing once decision rec (its typed payload `decision`) is folded into case.

    The usual decision follows the one standing head (or there is none yet), and then it
    alone stands; only the rest (a conflict, a decision arriving out of order) needs the
    graph read back from the log.
    """
    if case.status != "conflict" and case.decision_event_id in (None, decision.prior_decision):
        return Standing((rec.event_id,), (decision.action,))
    return standing(session, case.case_id, rec)


def _not_after(rec: EventRecord) -> ColumnElement[bool]:
    """SQL: the events row comes no later than rec in canonical order."""
    if rec.server_seq is not None:
        return Event.server_seq <= rec.server_seq
    here = select(Event.id).where(Event.event_id == rec.event_id).scalar_subquery()
    return Event.server_seq.is_not(None) | (Event.id <= here)


def parents_of(payload: DecisionRecorded | CaseAdjudicated) -> list[str]:
    """The decisions a decision saw as current, or an adjudication settles."""
    if isinstance(payload, CaseAdjudicated):
        return list(payload.resolves)
    return [] if payload.prior_decision is None else [payload.prior_decision]


def action_of(payload: object) -> str:
    """The action a decision or an adjudication chose ("" when it names none)."""
    if isinstance(payload, DecisionRecorded | CaseAdjudicated):
        return payload.action or ""
    return ""
