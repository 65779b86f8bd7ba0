"""Decide a near-duplicate cluster once: the same decision on every member a reviewer saw.

A case's cluster, as a reviewer meets it, is every other case holding an item within
NEAR_DUPLICATE_DISTANCE of one of the case's items. After deciding the case they looked
at, the reviewer sees the members as a filtered contact sheet and applies the decision
to those they tick: each member gets its own `decision.recorded` event with
`applied_from` naming the decision that was looked at, and exposure zero with
`counted_in` pointing there, so exposure is counted once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from app.domain.kinds import EventKind
from app.domain.lifecycle import Command, next_status
from app.domain.queues import QueueSet
from app.dupes.index import NearDuplicateIndex
from app.log.clock import iso
from app.log.events import EventRecord
from app.review.deciding import DecisionForm
from app.review.desk import LEASE_SECONDS, DeskCore
from app.review.types import AccessDenied, FormError
from db.models import Case, Decision, MediaItem


@dataclass(frozen=True)
class ClusterMember:
    """Another case in the cluster and whether the decision can be applied to it."""

    case_id: str
    case_no: int
    title: str
    category: str
    status: str
    distance: int
    item: str
    item_kind: str
    applicable: bool
    why_not: str


class ClusterCommands:
    """Near-duplicate lookups and applying one decision to a cluster."""

    def __init__(self, core: DeskCore) -> None:
        self.core = core
        self.store = core.store
        self.reviewer = core.reviewer
        self.policies = core.policies
        self._dupe_index: NearDuplicateIndex | None = None

    @property
    def queues(self) -> QueueSet:
        """The desk's queues now (those features opened included)."""
        return self.core.queues

    def near_duplicates(self, case_id: str, action: str | None = None) -> list[ClusterMember]:
        """The other cases in this case's cluster, nearest first, with what blocks each."""
        with self.store.transaction() as session:
            self.core.visible_case(session, case_id)
            return [
                self._member(session, nb.case_id, nb.distance, nb.their_item, action)
                for nb in self._index().neighbours(session, case_id)
                if self._sees(session, nb.case_id)
            ]

    def apply_to_cluster(self, source_event_id: str, case_ids: Sequence[str]) -> list[EventRecord]:
        """Apply our decision `source_event_id` to these members, one decision each."""
        with self.core.write() as session:
            source = session.get(Decision, source_event_id)
            if source is None or source.actor != self.reviewer.username or source.retracted:
                raise AccessDenied("only your own standing decision can be applied to a cluster")
            members = {nb.case_id for nb in self._index().neighbours(session, source.case_id)}
            records = []
            for case_id in dict.fromkeys(case_ids):
                if case_id not in members:
                    raise FormError({"cluster": f"case {case_id} is not a near-duplicate"})
                records.append(self._apply(session, source, case_id))
            return records

    def _apply(self, session: Session, source: Decision, case_id: str) -> EventRecord:
        member = self._member(session, case_id, 0, "", source.action)
        if not member.applicable:
            raise FormError({"cluster": f"case #{member.case_no}: {member.why_not}"})
        case = session.get_one(Case, case_id)
        if case.status != "leased":
            next_status(case.status, Command.LEASE)
            expires = self.store.clock.now() + timedelta(seconds=LEASE_SECONDS)
            lease = {"holder": self.reviewer.username, "via": "cluster", "expires_at": iso(expires)}
            self.core.append(session, case, EventKind.CASE_LEASED, lease)
        fields = json.loads(source.fields)
        fields["evidence"] = fields.get("evidence") or "Near-duplicate of a decided case"
        form = DecisionForm(self.policies[case.category], case, final=False)
        payload = form.payload(
            source.action, fields, source.subcategory, source.severity, (), session
        )
        payload["applied_from"] = source.event_id
        payload["exposure"] = {
            "unfiltered_seconds": 0.0,
            "reveals": 0,
            "counted_in": source.event_id,
        }
        return self.core.append(session, case, EventKind.DECISION_RECORDED, payload)

    def _member(
        self, session: Session, case_id: str, distance: int, item: str, action: str | None
    ) -> ClusterMember:
        case = session.get_one(Case, case_id)
        kind = session.query(MediaItem.kind).filter(MediaItem.sha256 == item).limit(1).scalar()
        why = self._blocker(case, action)
        return ClusterMember(
            case.case_id,
            case.case_no,
            case.title,
            case.category,
            case.status,
            distance,
            item,
            kind or "image",
            why == "",
            why,
        )

    def _blocker(self, case: Case, action: str | None) -> str:
        if case.status == "leased" and case.leased_by != self.reviewer.username:
            return f"leased to {case.leased_by}"
        if case.status not in ("new", "leased"):
            return f"already {case.status}"
        if not self.core.may_work(case):
            return "in a queue you do not work"
        if action is not None:
            try:
                self.policies[case.category].action(action)
            except KeyError:
                return f"{self.policies[case.category].name} has no such action: decide it alone"
        return ""

    def _sees(self, session: Session, case_id: str) -> bool:
        try:
            self.core.visible_case(session, case_id)
        except AccessDenied:
            return False
        return True

    def _index(self) -> NearDuplicateIndex:
        if self._dupe_index is None:
            self._dupe_index = NearDuplicateIndex()
        return self._dupe_index
