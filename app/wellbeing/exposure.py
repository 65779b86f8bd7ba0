"""Every reveal and every filtered view is an event; exposure is folded from them.

`media.viewed` records the seconds an item was on screen filtered; `media.revealed` the
seconds it was (partly) unfiltered, the share of the picture area revealed, the filters
still on and whether audio played. Unfiltered exposure is area-weighted:
`seconds x share of area`, so a 3 s lens over a tenth of a picture counts 0.3 s.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.kinds import EventKind
from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.log.clock import iso
from app.log.events import EventRecord
from app.log.registry import P, decoded
from app.log.store import LocalStore
from app.review.kinds import DecisionRecorded
from app.wellbeing.kinds import MediaRevealed, MediaViewed, weighted_seconds
from db.models import Case, Event

REVEAL_MODES = ("lens", "hold", "full", "listen")


@dataclass(frozen=True)
class CaseExposure:
    """One reviewer's unfiltered exposure on one case."""

    unfiltered_seconds: float
    reveals: int

    def as_payload(self) -> dict[str, float | int]:
        """The form stored inside a decision event."""
        return {"unfiltered_seconds": round(self.unfiltered_seconds, 3), "reveals": self.reveals}


@dataclass(frozen=True)
class PersonalExposure:
    """The personal panel: what today looked like for this reviewer."""

    items_seen: int
    graphic_items: int
    filtered_seconds: float
    unfiltered_seconds: float
    decisions: int
    decisions_without_reveal: int


class ExposureLedger:
    """Writes view and reveal events for one reviewer and sums them up."""

    def __init__(self, store: LocalStore, policies: PolicySet, reviewer: Reviewer) -> None:
        self._store = store
        self._policies = policies
        self._reviewer = reviewer

    def record_view(self, case_id: str, sha256: str, seconds: float, pipeline: str) -> EventRecord:
        """An item was on screen, filtered by `pipeline`, for `seconds`."""
        payload = {"item": sha256, "seconds": round(max(seconds, 0.0), 3), "pipeline": pipeline}
        return self._append(case_id, EventKind.MEDIA_VIEWED, payload)

    def record_reveal(
        self,
        case_id: str,
        sha256: str,
        *,
        seconds: float,
        area_share: float,
        mode: str,
        filters_on: Sequence[str] = (),
        audio: bool = False,
    ) -> EventRecord:
        """A momentary reveal ended; ValueError for impossible figures."""
        if mode not in REVEAL_MODES:
            raise ValueError(f"reveal mode {mode!r}: expected one of {', '.join(REVEAL_MODES)}")
        if not 0.0 <= area_share <= 1.0 or seconds < 0:
            raise ValueError("area_share must be within 0..1 and seconds not negative")
        payload = {
            "item": sha256,
            "seconds": round(seconds, 3),
            "area_share": round(area_share, 4),
            "mode": mode,
            "filters_on": list(filters_on),
            "audio": audio,
        }
        return self._append(case_id, EventKind.MEDIA_REVEALED, payload)

    def case_exposure(self, case_id: str) -> CaseExposure:
        """This reviewer's reveals on a case since their last decision on it."""
        with self._store.transaction() as session:
            return case_exposure(session, case_id, self._reviewer.username)

    def today(self, now: datetime) -> PersonalExposure:
        """Totals since local midnight (UTC) for the personal panel."""
        start = iso(now.replace(hour=0, minute=0, second=0, microsecond=0))
        return self.since(start, iso(now + timedelta(seconds=1)))

    def since(self, start: str, end: str) -> PersonalExposure:
        """Totals for events created in [start, end)."""
        rows = self._own_events(start, end)
        graphic = self._graphic_case_ids()
        by_kind: dict[str, list[Event]] = {}
        for row in rows:
            by_kind.setdefault(row.kind, []).append(row)
        views = [
            (r.case_id, view)
            for r in by_kind.get(EventKind.MEDIA_VIEWED, [])
            if (view := _typed(r, MediaViewed)) is not None
        ]
        reveals = [
            reveal
            for r in by_kind.get(EventKind.MEDIA_REVEALED, [])
            if (reveal := _typed(r, MediaRevealed)) is not None
        ]
        decisions = by_kind.get(EventKind.DECISION_RECORDED, [])
        seen = {(case_id, view.item) for case_id, view in views}
        return PersonalExposure(
            items_seen=len(seen),
            graphic_items=sum(1 for case_id, _ in seen if case_id in graphic),
            filtered_seconds=sum(view.seconds for _, view in views),
            unfiltered_seconds=sum(weighted_seconds(reveal) for reveal in reveals),
            decisions=len(decisions),
            decisions_without_reveal=sum(1 for r in decisions if not _reveals_before(r)),
        )

    def _own_events(self, start: str, end: str) -> list[Event]:
        kinds = (EventKind.MEDIA_VIEWED, EventKind.MEDIA_REVEALED, EventKind.DECISION_RECORDED)
        query = select(Event).where(
            Event.actor == self._reviewer.username,
            Event.kind.in_([str(k) for k in kinds]),
            Event.created_at >= start,
            Event.created_at < end,
        )
        with self._store.transaction() as session:
            return list(session.scalars(query))

    def _graphic_case_ids(self) -> set[str]:
        graphic = [p.id for p in self._policies if p.graphic]
        with self._store.transaction() as session:
            return set(session.scalars(select(Case.case_id).where(Case.category.in_(graphic))))

    def _append(self, case_id: str, kind: EventKind, payload: dict[str, object]) -> EventRecord:
        with self._store.transaction() as session:
            case = session.get(Case, case_id)
            if case is None:
                raise KeyError(f"no case {case_id}")
            return self._store.append(
                session,
                actor=self._reviewer.username,
                kind=kind,
                case_id=case_id,
                payload=payload,
                seen_head=case.head_event_id,
            )


def case_exposure(session: Session, case_id: str, actor: str) -> CaseExposure:
    """`actor`'s reveals on a case since their last decision on it, in the caller's session."""
    kinds = [str(EventKind.MEDIA_REVEALED), str(EventKind.DECISION_RECORDED)]
    query = (
        select(Event.kind, Event.payload)
        .where(Event.case_id == case_id, Event.actor == actor, Event.kind.in_(kinds))
        .order_by(Event.id.desc())
    )
    reveals, seconds = 0, 0.0
    for kind, payload in session.execute(query):
        if kind == EventKind.DECISION_RECORDED:
            break
        reveal = decoded(kind, json.loads(payload), MediaRevealed)
        if reveal is None:
            continue  # kept in the log and read as nothing
        reveals += 1
        seconds += weighted_seconds(reveal)
    return CaseExposure(seconds, reveals)


def _typed(row: Event, as_type: type[P]) -> P | None:
    # The row's typed payload when it is of this kind and decodes.
    return decoded(row.kind, json.loads(row.payload), as_type)


def _reveals_before(row: Event) -> int:
    # How many reveals a decision says its decider made on the case (0 when unknown).
    decision = _typed(row, DecisionRecorded)
    return decision.exposure.reveals if decision and decision.exposure else 0
