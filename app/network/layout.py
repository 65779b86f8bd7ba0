"""Positions for the graph view, computed off the UI thread: each cluster laid out by a
force-directed pass of its own (Fruchterman-Reingold in numpy), clusters placed on a
grid, largest first, accounts outside the shown clusters on an outer ring.

Per-cluster layouts keep the cost near the sum of the squares of cluster sizes, so 5,000
accounts in clusters of a few hundred lay out in well under a second.
"""

from __future__ import annotations

import math

import numpy as np

from app.network.coaction import Cancelled, CancelledError

ITERATIONS = 60


def layout(
    groups: list[list[int]],
    edges: list[tuple[int, int]],
    loose: list[int],
    cancelled: Cancelled | None = None,
) -> dict[int, tuple[float, float]]:
    """Node -> (x, y): `groups` are clusters of node ids, `loose` nodes go on a ring."""
    positions: dict[int, tuple[float, float]] = {}
    neighbours = _by_node(edges)
    ordered = sorted(groups, key=len, reverse=True)
    columns = max(1, math.ceil(math.sqrt(len(ordered))))
    cell = 2.4 * _radius(len(ordered[0])) if ordered else 0.0
    for rank, group in enumerate(ordered):
        if cancelled is not None and cancelled():
            raise CancelledError
        local = _force(group, neighbours)
        size = _radius(len(group))
        row, col = divmod(rank, columns)
        cx, cy = col * cell, row * cell
        for node, (x, y) in zip(group, local, strict=True):
            positions[node] = (cx + x * size, cy + y * size)
    ring = max(400.0, cell * columns)
    for n, node in enumerate(loose):
        theta = 2 * math.pi * n / max(1, len(loose))
        positions[node] = (ring * math.cos(theta), ring * math.sin(theta))
    return positions


def _radius(count: int) -> float:
    return 30.0 * math.sqrt(count)


def _by_node(edges: list[tuple[int, int]]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for a, b in edges:
        found.setdefault(a, set()).add(b)
        found.setdefault(b, set()).add(a)
    return found


def _force(group: list[int], neighbours: dict[int, set[int]]) -> np.ndarray:
    n = len(group)
    rng = np.random.default_rng(n)
    pos = rng.uniform(-1, 1, (n, 2))
    if n < 3:
        return pos
    where = {node: k for k, node in enumerate(group)}
    adjacency = np.zeros((n, n))
    for node in group:
        for other in neighbours.get(node, ()):
            if other in where:
                adjacency[where[node], where[other]] = 1.0
    k = 1.0 / math.sqrt(n)
    temperature = 0.2
    for _ in range(ITERATIONS):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=2), 1e-3)
        force = (k * k / dist**2 - adjacency * dist / k)[:, :, None] * delta
        move = force.sum(axis=1)
        length = np.maximum(np.linalg.norm(move, axis=1), 1e-9)[:, None]
        pos += move / length * np.minimum(length, temperature)
        temperature *= 0.95
    pos -= pos.mean(axis=0)
    return pos / max(1e-9, float(np.abs(pos).max()))
