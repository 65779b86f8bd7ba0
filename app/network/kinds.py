"""The network feature's event kinds: saving an investigation, pins, notes, cluster
verdicts and edges rejected as coincidence. None is about a case; analysts and leads
write and receive them."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from app.log.registry import Payload

INVESTIGATION_SAVED = "network.investigation_saved"
PINNED = "network.pinned"
NOTED = "network.noted"
CLUSTER_JUDGED = "network.cluster_judged"
EDGE_REJECTED = "network.edge_rejected"
EVIDENCE_VIEWED = "network.evidence_viewed"

InvestigationId = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")]
AccountId = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
ClusterId = Annotated[str, msgspec.Meta(pattern=r"^c-[0-9a-f]{16}\Z")]
Rationale = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
Verdict = Literal["coordinated", "not_coordinated", "unsure"]
MAX_ACCOUNTS = 5000


class InvestigationSaved(Payload, frozen=True):
    """`network.investigation_saved`: an investigation and the parameters of its build;
    `clearance` (e.g. child_safety) limits who may open it."""

    investigation: InvestigationId
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    # Parameters.to_json(); named so that the trail's line shows the rationale first.
    settings: Annotated[str, msgspec.Meta(max_length=4000)]
    clearance: str | None = None
    posts: Annotated[int, msgspec.Meta(ge=0)] = 0


class Pinned(Payload, frozen=True):
    """`network.pinned`: an account or cluster pinned into (or, pinned=False, out of) an
    investigation."""

    investigation: InvestigationId
    target: Literal["account", "cluster"]
    target_id: AccountId
    pinned: bool = True
    clearance: str | None = None  # the investigation's


class Noted(Payload, frozen=True):
    """`network.noted`: a note on an investigation, or on one of its accounts, clusters or
    edges (an edge's id is its two account ids joined by a space)."""

    investigation: InvestigationId
    target: Literal["investigation", "account", "cluster", "edge"]
    target_id: Annotated[str, msgspec.Meta(max_length=401)]
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=8000)]
    clearance: str | None = None  # the investigation's


class ClusterJudged(Payload, frozen=True):
    """`network.cluster_judged`: a verdict on a cluster with its rationale; the accounts
    it covered and the parameters of the build it was made on travel with it."""

    investigation: InvestigationId
    cluster: ClusterId
    verdict: Verdict
    rationale: Rationale
    accounts: Annotated[list[AccountId], msgspec.Meta(min_length=1, max_length=MAX_ACCOUNTS)]
    settings: Annotated[str, msgspec.Meta(max_length=4000)] = "{}"
    clearance: str | None = None  # the investigation's


class EdgeRejected(Payload, frozen=True):
    """`network.edge_rejected`: two accounts' co-actions judged a coincidence (news
    outlets and activists share links fast too); account_a sorts before account_b."""

    investigation: InvestigationId
    account_a: AccountId
    account_b: AccountId
    rationale: Rationale
    clearance: str | None = None  # the investigation's

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.account_a >= self.account_b:
            raise ValueError("account_b: must sort after account_a (a different account)")


class EvidenceViewed(Payload, frozen=True):
    """`network.evidence_viewed`: an edge's evidence was looked at; exposure, like
    `media.viewed`: how long, how many media items were shown (always filtered) and
    through which pipeline."""

    investigation: InvestigationId
    account_a: AccountId
    account_b: AccountId
    seconds: Annotated[float, msgspec.Meta(ge=0)]
    media_items: Annotated[int, msgspec.Meta(ge=0)]
    pipeline: Annotated[str, msgspec.Meta(max_length=400)] = ""
    clearance: str | None = None  # the investigation's
