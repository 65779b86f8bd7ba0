"""How the network events read in the audit trail."""

from __future__ import annotations

from app.network import kinds

VERDICT_WORDS = {
    "coordinated": "coordinated",
    "not_coordinated": "not coordinated",
    "unsure": "unsure",
}


def describe_saved(p: kinds.InvestigationSaved, _policies: object, _items: dict[str, int]) -> str:
    """An investigation saved."""
    return f"investigation {p.investigation} saved: {p.title}"


def describe_pinned(p: kinds.Pinned, _policies: object, _items: dict[str, int]) -> str:
    """A pin."""
    verb = "pinned" if p.pinned else "unpinned"
    return f"{p.target} {p.target_id} {verb} in {p.investigation}"


def describe_noted(p: kinds.Noted, _policies: object, _items: dict[str, int]) -> str:
    """A note."""
    return f"note on {p.target} {p.target_id or p.investigation}: {p.text}"


def describe_judged(p: kinds.ClusterJudged, _policies: object, _items: dict[str, int]) -> str:
    """A cluster verdict with its rationale."""
    return (
        f"cluster {p.cluster} of {p.investigation} ({len(p.accounts)} accounts) judged "
        f"{VERDICT_WORDS[p.verdict]}: {p.rationale}"
    )


def describe_rejected(p: kinds.EdgeRejected, _policies: object, _items: dict[str, int]) -> str:
    """An edge rejected."""
    return (
        f"edge {p.account_a} - {p.account_b} of {p.investigation} rejected as "
        f"coincidence: {p.rationale}"
    )
