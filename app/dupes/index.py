"""Find near-duplicate cases: every case with an item within the distance of one of ours.

The hashes of every case sit in the `media_hashes` projection. A lookup compares a case's
hashes with all of them at once in numpy (XOR and popcount over a uint64 array: about
2 ms per million items), so grouping never depends on the order cases arrived in and a
rebuild of the projections finds the same clusters. The arrays are cached and reloaded
only when the table changed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.dupes.phash import NEAR_DUPLICATE_DISTANCE, to_unsigned
from db.models import MediaHash

CELLS = 4_000_000  # hash comparisons per block of a many-case lookup (~32 MB of XOR)


@dataclass(frozen=True)
class Neighbour:
    """Another case that holds a near-duplicate of one of our items."""

    case_id: str
    distance: int
    our_item: str
    their_item: str


class NearDuplicateIndex:
    """All perceptual hashes of the store, as arrays, for fast neighbour lookups."""

    def __init__(self) -> None:
        self._version: tuple[int, int] | None = None
        self._hashes = np.zeros(0, np.uint64)
        self._case_ids: list[str] = []
        self._items: list[str] = []
        self._distances = np.zeros(0, np.uint8)

    def neighbours(
        self, session: Session, case_id: str, max_distance: int = NEAR_DUPLICATE_DISTANCE
    ) -> list[Neighbour]:
        """Other cases with an item within max_distance of one of this case's, nearest first."""
        self._refresh(session)
        ours = session.execute(
            select(MediaHash.sha256, MediaHash.phash).where(MediaHash.case_id == case_id)
        ).all()
        best: dict[str, Neighbour] = {}
        for sha256, value in ours:
            for n in self._within(to_unsigned(value), max_distance):
                other = self._case_ids[n]
                if other == case_id:
                    continue
                found = Neighbour(other, int(self._distances[n]), sha256, self._items[n])
                if other not in best or found.distance < best[other].distance:
                    best[other] = found
        return sorted(best.values(), key=lambda nb: (nb.distance, nb.case_id))

    def neighbours_of_many(
        self,
        session: Session,
        case_ids: Collection[str],
        max_distance: int = NEAR_DUPLICATE_DISTANCE,
    ) -> set[str]:
        """Every other case with an item within max_distance of an item of these cases:
        all their hashes against the index in one pass, in blocks of about CELLS
        comparisons (so memory stays bounded at any store size)."""
        self._refresh(session)
        wanted = set(case_ids)
        mask = np.fromiter((c in wanted for c in self._case_ids), bool, len(self._case_ids))
        ours = self._hashes[mask]
        rows = max(1, CELLS // max(1, len(self._hashes)))
        hits: list[np.ndarray] = []
        for start in range(0, len(ours), rows):
            block = ours[start : start + rows]
            near = np.bitwise_count(np.bitwise_xor(block[:, None], self._hashes[None, :]))
            hits.append(np.nonzero(near <= max_distance)[1])
        found = np.unique(np.concatenate(hits)) if hits else np.zeros(0, np.int64)
        return {self._case_ids[n] for n in found.tolist()} - wanted

    def _within(self, value: int, max_distance: int) -> np.ndarray:
        xor = np.bitwise_xor(self._hashes, np.uint64(value))
        self._distances = np.bitwise_count(xor)
        return np.flatnonzero(self._distances <= max_distance)

    def _refresh(self, session: Session) -> None:
        version = session.execute(select(func.count(MediaHash.id), func.max(MediaHash.id))).one()
        key = (int(version[0]), int(version[1] or 0))
        if key == self._version:
            return
        rows = session.execute(
            select(MediaHash.case_id, MediaHash.sha256, MediaHash.phash).order_by(MediaHash.id)
        ).all()
        self._case_ids = [r[0] for r in rows]
        self._items = [r[1] for r in rows]
        self._hashes = np.array([to_unsigned(r[2]) for r in rows], dtype=np.uint64)
        self._distances = np.zeros(len(rows), np.uint8)
        self._version = key
