"""The coordinated-networks feature: investigation events (saved, pins, notes, cluster
verdicts, rejected edges), their folds and projection tables, and the posting account of
cases brought in with one. Analysts and leads write and receive the events."""

from __future__ import annotations

from app.log.registry import Audience, Feature, Fold, Kind, Phase
from app.network import folds, kinds
from app.network import timeline as words
from app.network.access import AUTHOR_ROLE
from app.network.models import EVENT_TABLES


def _kind(name: str, payload: type, label: str, describe: object, size: int = 64) -> Kind:
    return Kind(
        name,
        payload,
        label,
        on_case=False,
        author_role=AUTHOR_ROLE,
        audience=Audience.ANALYSTS,
        describe=describe,  # type: ignore[arg-type]
        max_bytes=size * 1024,
        clearance=_clearance,
    )


def _clearance(payload: object) -> str | None:
    # Every network event carries its investigation's clearance: the hub files it there.
    value = getattr(payload, "clearance", None)
    return value if isinstance(value, str) else None


FEATURE = Feature(
    name="network",
    kinds=(
        _kind(
            kinds.INVESTIGATION_SAVED,
            kinds.InvestigationSaved,
            "Investigation",
            words.describe_saved,
        ),
        _kind(kinds.PINNED, kinds.Pinned, "Pinned", words.describe_pinned),
        _kind(kinds.NOTED, kinds.Noted, "Network note", words.describe_noted),
        # A verdict carries its cluster's accounts (up to 5,000 ids and 256 KB in all).
        _kind(
            kinds.CLUSTER_JUDGED,
            kinds.ClusterJudged,
            "Cluster verdict",
            words.describe_judged,
            256,
        ),
        _kind(kinds.EDGE_REJECTED, kinds.EdgeRejected, "Edge rejected", words.describe_rejected),
        # Exposure is personal: besides its author only leads receive it.
        Kind(
            kinds.EVIDENCE_VIEWED,
            kinds.EvidenceViewed,
            "Evidence viewed",
            on_case=False,
            author_role=AUTHOR_ROLE,
            audience=Audience.LEADS,
            clearance=_clearance,
        ),
    ),
    folds=(
        Fold(Phase.DETAIL, folds.saved, frozenset({kinds.INVESTIGATION_SAVED})),
        Fold(Phase.DETAIL, folds.pinned, frozenset({kinds.PINNED})),
        Fold(Phase.DETAIL, folds.noted, frozenset({kinds.NOTED})),
        Fold(Phase.DETAIL, folds.judged, frozenset({kinds.CLUSTER_JUDGED})),
        Fold(Phase.DETAIL, folds.rejected, frozenset({kinds.EDGE_REJECTED})),
        Fold(Phase.DETAIL, folds.case_account, frozenset({"case.ingested"})),
    ),
    tables=EVENT_TABLES,
)
