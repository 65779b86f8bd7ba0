"""The evidence of an edge: every co-action between two accounts, as the two posts side
by side (time, text, links, media reference), in time order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from app.network.engine import Network

MAX_ITEMS = 500  # a busy edge shows its first 500 co-actions (the count says how many)


@dataclass(frozen=True)
class PostView:
    """One post as the evidence shows it."""

    post_id: str
    account: str
    posted_at: str
    text: str
    links: tuple[str, ...]
    media_ref: str | None
    phash: str | None
    reply_to: str | None


@dataclass(frozen=True)
class CoActionView:
    """One co-action: its kind, the seconds between the posts, and both posts."""

    kind: str
    seconds: float
    left: PostView
    right: PostView


@dataclass(frozen=True)
class EdgeEvidence:
    """What joins two accounts: every co-action (the first MAX_ITEMS shown)."""

    account_a: str
    account_b: str
    total: int
    items: list[CoActionView]


def edge_evidence(network: Network, account_a: str, account_b: str) -> EdgeEvidence:
    """The co-actions between two accounts, in time order, a's post on the left."""
    posts = network.posts
    index = {name: n for n, name in enumerate(posts.accounts)}
    a, b = index[account_a], index[account_b]
    found: list[tuple[float, str, int, int]] = []
    for pairs in network.graph.pairs:
        left, right = posts.account[pairs.i], posts.account[pairs.j]
        forward = np.nonzero((left == a) & (right == b))[0]
        backward = np.nonzero((left == b) & (right == a))[0]
        for n in forward.tolist():
            found.append(
                (_first(posts.ts, pairs.i[n], pairs.j[n]), pairs.kind, pairs.i[n], pairs.j[n])
            )
        for n in backward.tolist():
            found.append(
                (_first(posts.ts, pairs.i[n], pairs.j[n]), pairs.kind, pairs.j[n], pairs.i[n])
            )
    found.sort(key=lambda item: (item[0], item[1]))
    items = [
        CoActionView(
            kind, abs(float(posts.ts[i] - posts.ts[j])), _view(network, i), _view(network, j)
        )
        for _, kind, i, j in found[:MAX_ITEMS]
    ]
    return EdgeEvidence(account_a, account_b, len(found), items)


def _first(ts: np.ndarray, i: int, j: int) -> float:
    return float(min(ts[i], ts[j]))


def _view(network: Network, row: int) -> PostView:
    posts = network.posts
    when = datetime.fromtimestamp(float(posts.ts[row]), UTC).strftime("%Y-%m-%d %H:%M:%S")
    return PostView(
        post_id=posts.post_ids[row] if posts.post_ids else str(row),
        account=posts.accounts[int(posts.account[row])],
        posted_at=when,
        text=posts.texts[row],
        links=posts.links[row],
        media_ref=posts.media_refs[row] if posts.media_refs else None,
        phash=f"{int(posts.phash[row]):016x}" if posts.has_media[row] else None,
        reply_to=posts.reply_to[row],
    )
