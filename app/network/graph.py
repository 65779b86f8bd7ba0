"""The co-action graph: accounts joined by what they did together, weighted and damped.

An edge joins two accounts with at least one co-action (app/network/coaction.py). Its
`weight` is the number of co-actions (all kinds together), `by_kind` splits it.

Damping hyperactive accounts (after CooRTweet's edge symmetry score): for an edge (a, b),
n_a and n_b are how many distinct posts of a and of b take part in its co-actions, and

    score = weight * min(n_a, n_b) / max(n_a, n_b)

An account that posts the same link fifty times beside another's one share gets a score
near 1, not 50; two accounts acting in step (each post of one answered by one of the
other) keep their whole weight. Two more dampers, both parameters:

- popularity: a co-action on a link, reply target or text that more than `popular`
  accounts acted on counts `popular / accounts` (a viral news link shared by 3,000
  accounts within the hour joins many strangers once each; it should not add up);
- activity: an account with more than `hyperactive` posts in the investigation scales
  each of its edges by `hyperactive / posts` (aggregators post every popular link fast).

So score = sum(strength) * min(n_a, n_b) / max(n_a, n_b) * calm_a * calm_b, where a
co-action's strength is min(1, popular / accounts on its object) and
calm_x = min(1, hyperactive / posts of x). An edge is kept when its score reaches `min_weight`
(its raw weight with damping off). Communities are found on the kept edges, weighted by
score (app/network/communities.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from app.dupes.phash import NEAR_DUPLICATE_DISTANCE
from app.network import coaction, minhash
from app.network.coaction import KINDS, Cancelled, CancelledError, PostPairs, sorted_unique
from app.network.dataset import PostTable

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Parameters:
    """What a build was asked for; saved with an investigation and every export."""

    window: float = 60.0  # seconds between two posts of a co-action, at most
    min_weight: float = 3.0  # an edge's score (or weight, undamped) to be kept
    text_threshold: float = 0.6  # Jaccard of word shingles for near-identical text
    shingle: int = 2  # words per shingle
    media_distance: int = NEAR_DUPLICATE_DISTANCE  # pHash bits for near-duplicate media
    popular: int = 50  # accounts on one link/target/text beyond which co-actions weaken
    hyperactive: int = 100  # posts of an account beyond which its edges weaken (0: never)
    kinds: tuple[str, ...] = KINDS
    damping: bool = True
    min_cluster: int = 3  # accounts in a cluster worth showing
    resolution: float = 1.0  # Louvain resolution (higher: smaller communities)
    seed: int = 0

    def __post_init__(self) -> None:
        problems = {
            "window": self.window > 0,
            "min_weight": self.min_weight > 0,
            "text_threshold": 0 < self.text_threshold <= 1,
            "shingle": 1 <= self.shingle <= 5,
            "media_distance": 0 <= self.media_distance <= 32,
            "min_cluster": self.min_cluster >= 2,
            "popular": self.popular >= 0,
            "hyperactive": self.hyperactive >= 0,
            "resolution": self.resolution > 0,
            "kinds": bool(self.kinds) and set(self.kinds) <= set(KINDS),
        }
        for name, ok in problems.items():
            if not ok:
                raise ValueError(f"parameter {name}: {_RULES[name]}")

    def to_json(self) -> str:
        """The parameters as canonical JSON."""
        values = asdict(self)
        values["kinds"] = list(self.kinds)
        return json.dumps(values, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Parameters:
        """Parameters saved by to_json (ValueError naming a bad one)."""
        values = json.loads(text)
        values["kinds"] = tuple(values.get("kinds", KINDS))
        return cls(**values)


_RULES = {
    "window": "seconds, more than 0",
    "min_weight": "more than 0",
    "text_threshold": "a Jaccard similarity in (0, 1]",
    "shingle": "1 to 5 words",
    "media_distance": "0 to 32 bits",
    "min_cluster": "at least 2 accounts",
    "popular": "a number of accounts, 0 for no popularity damping",
    "hyperactive": "a number of posts, 0 for no activity damping",
    "resolution": "more than 0",
    "kinds": f"one or more of {', '.join(KINDS)}",
}


@dataclass
class Graph:
    """The kept edges (account numbers a < b into `accounts`) and their co-actions."""

    accounts: list[str]
    a: np.ndarray
    b: np.ndarray
    weight: np.ndarray  # co-actions
    score: np.ndarray  # damped weight
    by_kind: dict[str, np.ndarray]
    pairs: list[PostPairs] = field(default_factory=list)  # every co-action found

    def __len__(self) -> int:
        return len(self.a)


def find_coactions(
    posts: PostTable,
    params: Parameters,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[PostPairs]:
    """Every co-action of the chosen kinds."""
    steps: dict[str, Callable[[], PostPairs]] = {
        "media": lambda: coaction.media_pairs(
            posts, params.window, params.media_distance, cancelled
        ),
        "copost": lambda: coaction.copost_pairs(posts, params.window, params.popular, cancelled),
        "text": lambda: minhash.text_pairs(
            posts, params.window, params.text_threshold, params.shingle, cancelled
        ),
        "link": lambda: coaction.link_pairs(posts, params.window, params.popular, cancelled),
        "reply": lambda: coaction.reply_pairs(posts, params.window, params.popular, cancelled),
    }
    found = []
    for n, kind in enumerate(params.kinds):
        if progress is not None:
            progress(f"co-actions: {kind}", 0.7 * n / len(params.kinds))
        if cancelled is not None and cancelled():
            raise CancelledError
        found.append(steps[kind]())
    return found


def build_graph(
    posts: PostTable,
    params: Parameters,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Graph:
    """The co-action graph of these posts, edges filtered by score."""
    pairs = find_coactions(posts, params, progress, cancelled)
    if progress is not None:
        progress("weighing edges", 0.7)
    return weigh(posts, pairs, params)


def weigh(posts: PostTable, pairs: list[PostPairs], params: Parameters) -> Graph:
    """Edges of these co-actions: weight, damped score and per-kind counts, filtered."""
    n_acc, n_posts = len(posts.accounts), len(posts)
    pi = np.concatenate([p.i for p in pairs]) if pairs else np.zeros(0, np.int64)
    pj = np.concatenate([p.j for p in pairs]) if pairs else np.zeros(0, np.int64)
    none = [np.zeros(0)]
    kind_of = np.concatenate([np.full(len(p.i), KINDS.index(p.kind)) for p in pairs] or none)
    strength = np.concatenate([p.strengths() for p in pairs] or none)
    ai, aj = posts.account[pi].astype(np.int64), posts.account[pj].astype(np.int64)
    swap = ai > aj
    lo_post, hi_post = np.where(swap, pj, pi), np.where(swap, pi, pj)
    code = np.minimum(ai, aj) * n_acc + np.maximum(ai, aj)
    edges, edge_of, weight = sorted_unique(code)
    n_lo = _distinct_posts(edge_of, lo_post, n_posts, len(edges))
    n_hi = _distinct_posts(edge_of, hi_post, n_posts, len(edges))
    strong = np.bincount(edge_of, weights=strength, minlength=len(edges))
    score = strong * (np.minimum(n_lo, n_hi) / np.maximum(n_lo, n_hi))
    if params.hyperactive > 0:
        calm = np.minimum(1.0, params.hyperactive / np.maximum(1, np.bincount(posts.account)))
        score = score * calm[edges // n_acc] * calm[edges % n_acc]
    by_kind = {
        kind: np.bincount(edge_of[kind_of == k], minlength=len(edges))
        for k, kind in enumerate(KINDS)
    }
    keep = (score if params.damping else weight) >= params.min_weight
    return Graph(
        accounts=posts.accounts,
        a=(edges // n_acc)[keep],
        b=(edges % n_acc)[keep],
        weight=weight[keep],
        score=(score if params.damping else weight.astype(np.float64))[keep],
        by_kind={kind: counts[keep] for kind, counts in by_kind.items()},
        pairs=pairs,
    )


def _distinct_posts(
    edge_of: np.ndarray, post: np.ndarray, n_posts: int, n_edges: int
) -> np.ndarray:
    unique = sorted_unique(edge_of.astype(np.int64) * n_posts + post)[0]
    return np.bincount(unique // n_posts, minlength=n_edges)


def edge_weights(posts: PostTable, pairs: PostPairs) -> dict[tuple[str, str], int]:
    """Co-action counts per account pair (by account id, sorted), for one kind's pairs."""
    counts: dict[tuple[str, str], int] = {}
    for i, j in zip(pairs.i.tolist(), pairs.j.tolist(), strict=True):
        x, y = posts.accounts[posts.account[i]], posts.accounts[posts.account[j]]
        key = (x, y) if x < y else (y, x)
        counts[key] = counts.get(key, 0) + 1
    return counts


def without_edges(graph: Graph, rejected: set[tuple[str, str]]) -> Graph:
    """The graph less the edges between these pairs of account ids (sorted)."""
    names = graph.accounts
    keep = np.fromiter(
        (
            tuple(sorted((names[a], names[b]))) not in rejected
            for a, b in zip(graph.a.tolist(), graph.b.tolist(), strict=True)
        ),
        bool,
        len(graph.a),
    )
    return Graph(
        accounts=names,
        a=graph.a[keep],
        b=graph.b[keep],
        weight=graph.weight[keep],
        score=graph.score[keep],
        by_kind={k: v[keep] for k, v in graph.by_kind.items()},
        pairs=graph.pairs,
    )
