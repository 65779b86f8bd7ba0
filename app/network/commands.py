"""What an analyst or lead does in an investigation; every write is one event.

`Workbench` ties one person to one investigation: it builds the network from the
imported posts (with the saved parameters, overridden by what is given), and records
saves, pins, notes, cluster verdicts and rejected edges. `apply_verdict` turns a
"coordinated" verdict into one decision on each open case of the cluster's accounts,
each naming the investigation and the verdict (`applied_from`), like deciding a
near-duplicate cluster once (app/dupes/cluster.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.kinds import EventKind
from app.domain.lifecycle import Command, next_status
from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.log.clock import iso
from app.log.events import EventRecord
from app.log.store import LocalStore
from app.network import access, kinds
from app.network.coaction import Cancelled
from app.network.communities import Cluster, Progress
from app.network.dataset import check_investigation, load_posts
from app.network.engine import Network, build
from app.network.graph import Parameters
from app.network.models import (
    ClusterVerdict,
    Investigation,
    NetworkCaseAccount,
    NetworkPost,
    RejectedEdge,
)
from app.qa.people import person
from app.review.deciding import DecisionForm
from app.review.desk import LEASE_SECONDS, DeskCore
from app.review.types import OPEN_STATUSES, AccessDenied, FormError
from db.models import Case


def actor_of(store: LocalStore, username: str) -> Reviewer:
    """The local account acting (KeyError when unknown, ValueError when not given)."""
    if not username:
        raise ValueError("--actor: required (the analyst or lead the command runs as)")
    return person(store, username)


def summary(network: Network) -> str:
    """A build's figures in one line."""
    shown = sum(c.size for c in network.clusters)
    return (
        f"{len(network.posts)} posts, {len(network.posts.accounts)} accounts, "
        f"{len(network.graph)} edges kept, {len(network.clusters)} clusters "
        f"({shown} accounts) in {sum(network.timings.values()):.1f} s"
    )


def investigations(store: LocalStore) -> list[str]:
    """Investigations with posts imported on this workstation, by name."""
    with store.read() as session:
        query = select(NetworkPost.investigation).distinct().order_by(NetworkPost.investigation)
        return list(session.scalars(query))


@dataclass
class ApplyReport:
    """What applying a verdict to cases did."""

    decided: list[EventRecord] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (case number, why)


class Workbench:
    """One person's commands on one investigation."""

    def __init__(
        self,
        store: LocalStore,
        who: Reviewer,
        investigation: str,
        overrides: Mapping[str, Any] | None = None,
    ) -> None:
        access.check_investigator(who)
        self.store, self.who = store, who
        self.investigation = check_investigation(investigation)
        saved = self.saved()
        if saved is not None:
            access.check_clearance(who, investigation, saved.clearance)
        base = Parameters.from_json(saved.parameters) if saved is not None else Parameters()
        self.params = replace(base, **dict(overrides or {}))

    def saved(self) -> Investigation | None:
        """The investigation's projection row, if it was saved."""
        with self.store.read() as session:
            row = session.get(Investigation, self.investigation)
            if row is not None:
                session.expunge(row)
            return row

    def build(
        self, progress: Progress | None = None, cancelled: Cancelled | None = None
    ) -> Network:
        """The network of the imported posts, edges rejected as coincidence left out."""
        with self.store.read() as session:
            posts = load_posts(session, self.investigation)
            rejected = self._rejected(session)
        if not len(posts):
            raise ValueError(f"investigation {self.investigation}: no posts imported")
        return build(posts, self.params, progress, cancelled, rejected)

    def _rejected(self, session: Session) -> set[tuple[str, str]]:
        rows = session.execute(
            select(RejectedEdge.account_a, RejectedEdge.account_b).where(
                RejectedEdge.investigation == self.investigation
            )
        )
        return {(a, b) for a, b in rows}

    def verdicts(self) -> dict[str, str]:
        """Cluster id -> its standing verdict."""
        with self.store.read() as session:
            rows = session.execute(
                select(ClusterVerdict.cluster, ClusterVerdict.verdict).where(
                    ClusterVerdict.investigation == self.investigation
                )
            )
            return {c: v for c, v in rows}

    # --- writes -------------------------------------------------------------------

    def save(self, params: Parameters, title: str, clearance: str | None = None) -> EventRecord:
        """Save the investigation with these parameters."""
        if clearance is not None:
            access.check_clearance(self.who, self.investigation, clearance)
        with self.store.read() as session:
            posts = len(load_posts(session, self.investigation))
        payload = {
            "investigation": self.investigation,
            "title": title,
            "settings": params.to_json(),
            "clearance": clearance,
            "posts": posts,
        }
        self.params = params
        return self._append(kinds.INVESTIGATION_SAVED, payload)

    def pin(self, target: str, target_id: str, pinned: bool = True) -> EventRecord:
        """Pin (or unpin) an account or a cluster."""
        payload = {
            "investigation": self.investigation,
            "target": target,
            "target_id": target_id,
            "pinned": pinned,
        }
        return self._append(kinds.PINNED, payload)

    def note(self, target: str, target_id: str, text: str) -> EventRecord:
        """A note on the investigation or one of its accounts, clusters or edges."""
        payload = {
            "investigation": self.investigation,
            "target": target,
            "target_id": target_id,
            "text": text.strip(),
        }
        return self._append(kinds.NOTED, payload)

    def judge(self, cluster: Cluster, verdict: str, rationale: str) -> EventRecord:
        """A verdict on a cluster, with its rationale and accounts."""
        payload = {
            "investigation": self.investigation,
            "cluster": cluster.cluster_id,
            "verdict": verdict,
            "rationale": rationale.strip(),
            "accounts": list(cluster.accounts),
            "settings": self.params.to_json(),
        }
        return self._append(kinds.CLUSTER_JUDGED, payload)

    def reject_edge(self, account_a: str, account_b: str, rationale: str) -> EventRecord:
        """Reject the edge between two accounts as coincidence."""
        a, b = sorted((account_a, account_b))
        payload = {
            "investigation": self.investigation,
            "account_a": a,
            "account_b": b,
            "rationale": rationale.strip(),
        }
        return self._append(kinds.EDGE_REJECTED, payload)

    def evidence_viewed(
        self, account_a: str, account_b: str, seconds: float, media_items: int, pipeline: str
    ) -> EventRecord:
        """Exposure to an edge's evidence (media shown filtered)."""
        a, b = sorted((account_a, account_b))
        payload = {
            "investigation": self.investigation,
            "account_a": a,
            "account_b": b,
            "seconds": round(seconds, 1),
            "media_items": media_items,
            "pipeline": pipeline[:400],
        }
        return self._append(kinds.EVIDENCE_VIEWED, payload)

    def investigations(self) -> list[str]:
        """Investigations with posts imported here."""
        return investigations(self.store)

    def _append(self, kind: str, payload: Mapping[str, Any]) -> EventRecord:
        values = dict(payload)
        if "clearance" not in values:
            saved = self.saved()
            values["clearance"] = saved.clearance if saved is not None else None
        with self.store.transaction() as session:
            return self.store.append(
                session, actor=self.who.username, kind=kind, case_id=None, payload=values
            )

    # --- verdicts on cases ----------------------------------------------------------

    def apply_verdict(self, policies: PolicySet, cluster_id: str, action: str) -> ApplyReport:
        """One decision (`action`) on each open case of a coordinated cluster's accounts."""
        core = DeskCore(self.store, policies, self.who)
        report = ApplyReport()
        with core.write() as session:
            verdict = session.get(ClusterVerdict, (self.investigation, cluster_id))
            if verdict is None or verdict.verdict != "coordinated":
                raise AccessDenied(f"cluster {cluster_id} has no 'coordinated' verdict to apply")
            for case in self._open_cases(session, core, json.loads(verdict.accounts)):
                why = self._blocker(core, case, action)
                if why:
                    report.skipped.append((case.case_no, why))
                    continue
                try:
                    report.decided.append(self._decide(session, core, case, verdict, action))
                except FormError as exc:
                    report.skipped.append((case.case_no, "; ".join(exc.problems.values())))
        return report

    def _open_cases(self, session: Session, core: DeskCore, accounts: list[str]) -> list[Case]:
        query = (
            select(Case)
            .join(NetworkCaseAccount, NetworkCaseAccount.case_id == Case.case_id)
            .where(
                NetworkCaseAccount.account_id.in_(accounts),
                Case.status.in_(OPEN_STATUSES),
                core.visible(),
            )
            .order_by(Case.case_no)
        )
        return list(session.scalars(query))

    def _blocker(self, core: DeskCore, case: Case, action: str) -> str:
        if case.status == "leased" and case.leased_by != self.who.username:
            return f"leased to {case.leased_by}"
        if case.status not in ("new", "leased"):
            return f"already {case.status}"
        if not core.may_work(case):
            return "in a queue you do not work"
        try:
            core.policies[case.category].action(action)
        except KeyError:
            return f"{core.policies[case.category].name} has no action {action!r}"
        return ""

    def _decide(
        self, session: Session, core: DeskCore, case: Case, verdict: ClusterVerdict, action: str
    ) -> EventRecord:
        if case.status != "leased":
            next_status(case.status, Command.LEASE)
            expires = self.store.clock.now() + timedelta(seconds=LEASE_SECONDS)
            lease = {"holder": self.who.username, "via": "cluster", "expires_at": iso(expires)}
            core.append(session, case, EventKind.CASE_LEASED, lease)
        why = (
            f"Coordinated network: investigation {self.investigation}, cluster "
            f"{verdict.cluster}: {verdict.rationale}"
        )
        fields = {"rationale": why, "evidence": why}
        form = DecisionForm(core.policies[case.category], case, final=False)
        payload = form.payload(action, fields, case.subcategory, case.severity, (), session)
        payload["applied_from"] = verdict.event_id
        return core.append(session, case, EventKind.DECISION_RECORDED, payload)
