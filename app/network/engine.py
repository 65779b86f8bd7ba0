"""One build of an investigation: co-actions, weighted graph, communities, with progress
and cancel. Pure Python and numpy; the workspace runs it in a worker thread, the CLI and
the bench in the foreground."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from app.network.coaction import Cancelled
from app.network.communities import Cluster, Progress, find_clusters
from app.network.dataset import PostTable
from app.network.graph import Graph, Parameters, build_graph, without_edges


@dataclass
class Network:
    """A finished build: its parameters, graph, clusters and how long each step took."""

    params: Parameters
    posts: PostTable
    graph: Graph
    clusters: list[Cluster]
    timings: dict[str, float] = field(default_factory=dict)

    def cluster_of(self) -> dict[str, str]:
        """Account id -> id of the cluster it is in (shown clusters only)."""
        return {acc: c.cluster_id for c in self.clusters for acc in c.accounts}


def build(
    posts: PostTable,
    params: Parameters,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    rejected: set[tuple[str, str]] | None = None,
) -> Network:
    """Build the network of these posts (CancelledError when cancelled); edges between
    `rejected` pairs of accounts (sorted ids) are left out before communities."""
    started = time.perf_counter()
    graph = build_graph(posts, params, progress, cancelled)
    if rejected:
        graph = without_edges(graph, rejected)
    edges_done = time.perf_counter()
    clusters = find_clusters(graph, params, progress, cancelled)
    done = time.perf_counter()
    if progress is not None:
        progress("done", 1.0)
    return Network(
        params,
        posts,
        graph,
        clusters,
        {"graph": edges_done - started, "communities": done - edges_done},
    )
