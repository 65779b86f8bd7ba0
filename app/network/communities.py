"""Communities of the co-action graph (Louvain, networkx) and the clusters shown.

Louvain runs level by level (`louvain_partitions`), so a cancel is honoured between
levels. A cluster's id is a hash of its sorted account ids: the same accounts give the
same id on every workstation and every rebuild, which is what a verdict names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.network.coaction import KINDS, Cancelled, CancelledError
from app.network.graph import Graph, Parameters

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Cluster:
    """A community: its accounts, size and what holds it together."""

    cluster_id: str
    rank: int
    accounts: tuple[str, ...]
    edges: int
    weight: int  # co-actions inside
    score: float  # damped weight inside
    by_kind: dict[str, int]

    @property
    def size(self) -> int:
        """How many accounts."""
        return len(self.accounts)

    @property
    def density(self) -> float:
        """Edges inside over possible edges."""
        possible = self.size * (self.size - 1) / 2
        return self.edges / possible if possible else 0.0


def cluster_id(accounts: list[str] | tuple[str, ...]) -> str:
    """The stable id of a set of accounts."""
    digest = hashlib.sha256("\n".join(sorted(accounts)).encode()).hexdigest()
    return f"c-{digest[:16]}"


def find_clusters(
    graph: Graph,
    params: Parameters,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[Cluster]:
    """Louvain communities of at least `min_cluster` accounts, heaviest first."""
    import networkx as nx  # 0.3 s of imports: loaded when a graph is first clustered

    net = nx.Graph()
    net.add_weighted_edges_from(
        zip(graph.a.tolist(), graph.b.tolist(), graph.score.tolist(), strict=True)
    )
    partition: list[set[int]] = [{n} for n in net.nodes]
    levels = nx.community.louvain_partitions(
        net, weight="weight", resolution=params.resolution, seed=params.seed
    )
    for level, found in enumerate(levels):
        partition = [set(c) for c in found]
        if progress is not None:
            progress(f"communities: level {level + 1}", min(0.95, 0.8 + 0.05 * level))
        if cancelled is not None and cancelled():
            raise CancelledError
    return _clusters(graph, partition, params.min_cluster)


def _clusters(graph: Graph, partition: list[set[int]], min_size: int) -> list[Cluster]:
    member = np.full(len(graph.accounts), -1, np.int64)
    for n, nodes in enumerate(partition):
        member[list(nodes)] = n
    inside = (member[graph.a] == member[graph.b]) & (member[graph.a] >= 0)
    group = member[graph.a][inside]
    count = len(partition)
    edges = np.bincount(group, minlength=count)
    weight = np.bincount(group, weights=graph.weight[inside], minlength=count)
    score = np.bincount(group, weights=graph.score[inside], minlength=count)
    kinds = {
        k: np.bincount(group, weights=graph.by_kind[k][inside], minlength=count) for k in KINDS
    }
    made = []
    for n, nodes in enumerate(partition):
        if len(nodes) < min_size:
            continue
        names = tuple(sorted(graph.accounts[i] for i in nodes))
        made.append(
            Cluster(
                cluster_id=cluster_id(names),
                rank=0,
                accounts=names,
                edges=int(edges[n]),
                weight=int(weight[n]),
                score=float(score[n]),
                by_kind={k: int(kinds[k][n]) for k in KINDS},
            )
        )
    made.sort(key=lambda c: (-c.score, c.cluster_id))
    return [_ranked(c, r) for r, c in enumerate(made, start=1)]


def _ranked(cluster: Cluster, rank: int) -> Cluster:
    return Cluster(
        cluster.cluster_id,
        rank,
        cluster.accounts,
        cluster.edges,
        cluster.weight,
        cluster.score,
        cluster.by_kind,
    )
