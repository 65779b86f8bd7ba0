"""Near-identical texts: word shingles, MinHash signatures, LSH bands, exact check.

A text's shingles are its word n-grams (`shingle` words, default 2: one edited word in a
20-word text changes 2 of its 19 bigrams). Each shingle is a 64-bit code; PERMUTATIONS
multiply-shift hashes of the codes give a post's signature (the minimum of each). Bands of
BAND_ROWS signature values are bucketed, and two posts of different accounts in the same
bucket within the window are candidates; a candidate is kept only when the exact Jaccard
similarity of its two shingle sets reaches the threshold and the texts are not the same
(the same text is a `copost`, app/network/coaction.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.network.coaction import (
    MIN_WORDS,
    Cancelled,
    CancelledError,
    PostPairs,
    normalize_text,
    unique_pairs,
    window_pairs,
    words_of,
)
from app.network.dataset import PostTable

PERMUTATIONS = 48
BAND_ROWS = 3
_SEED = 20261205
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


def shingle_codes(text: str, size: int, vocab: dict[str, int]) -> set[int]:
    """The set of a text's word n-gram codes (words numbered in `vocab` as met)."""
    ids = [vocab.setdefault(w, len(vocab)) for w in words_of(text)]
    if len(ids) < size:
        return {_code(ids)} if ids else set()
    return {_code(ids[n : n + size]) for n in range(len(ids) - size + 1)}


def _code(ids: list[int]) -> int:
    code = 1469598103934665603
    for w in ids:
        code = ((code ^ (w + 1)) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return code


def jaccard(a: set[int], b: set[int]) -> float:
    """|a & b| / |a | b| (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass
class Shingles:
    """Every eligible post's shingle codes in one array: post k's are codes[start[k]:end[k]]."""

    rows: list[int]  # post row of each eligible post
    codes: np.ndarray  # uint64
    start: np.ndarray
    end: np.ndarray

    def of(self, k: int) -> set[int]:
        """The shingle set of eligible post k."""
        return set(self.codes[self.start[k] : self.end[k]].tolist())


def shingles(texts: list[str], size: int) -> Shingles:
    """Word n-gram codes of every text of at least MIN_WORDS words, in numpy (the same
    codes as `shingle_codes`)."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    lengths: list[int] = []
    ids: list[int] = []
    for n, text in enumerate(texts):
        words = words_of(text)
        if len(words) >= MIN_WORDS:
            rows.append(n)
            lengths.append(len(words))
            ids.extend([vocab.setdefault(w, len(vocab)) for w in words])
    if not rows:
        empty = np.zeros(0, np.int64)
        return Shingles(rows, np.zeros(0, np.uint64), empty, empty)
    words_at = np.array(ids, np.uint64) + np.uint64(1)
    length = np.array(lengths, np.int64)
    first = np.concatenate(([0], np.cumsum(length)[:-1])).astype(np.int64)
    count = np.maximum(1, length - size + 1)  # a text shorter than a shingle is one
    starts = np.repeat(first, count) + (
        np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    )
    width = np.minimum(size, np.repeat(length, count))
    codes = np.full(len(starts), _OFFSET, np.uint64)
    for j in range(size):
        inside = j < width
        take = words_at[np.minimum(starts + j, len(words_at) - 1)]
        codes = np.where(inside, (codes ^ take) * _PRIME, codes)
    end = np.cumsum(count)
    return Shingles(rows, codes, end - count, end)


_OFFSET = np.uint64(1469598103934665603)
_PRIME = np.uint64(1099511628211)


def text_pairs(
    posts: PostTable,
    window: float,
    threshold: float,
    size: int = 2,
    cancelled: Cancelled | None = None,
) -> PostPairs:
    """Near-identical text pairs of different accounts within the window."""
    found = shingles(posts.texts, size)
    if len(found.rows) < 2:
        return PostPairs("text", np.zeros(0, np.int64), np.zeros(0, np.int64))
    post = np.array(found.rows, np.int64)
    signature = _signatures(found, cancelled)
    pi, pj = _candidates(post, signature, posts, window, cancelled)
    where = {p: n for n, p in enumerate(found.rows)}
    keep = np.fromiter(
        (
            _similar(
                found.of(where[a]), found.of(where[b]), posts.texts[a], posts.texts[b], threshold
            )
            for a, b in zip(pi.tolist(), pj.tolist(), strict=True)
        ),
        bool,
        len(pi),
    )
    return PostPairs("text", pi[keep], pj[keep])


def _similar(a: set[int], b: set[int], text_a: str, text_b: str, threshold: float) -> bool:
    if jaccard(a, b) < threshold:
        return False
    return normalize_text(text_a) != normalize_text(text_b)


def _signatures(found: Shingles, cancelled: Cancelled | None) -> np.ndarray:
    codes, starts = found.codes, found.start
    rng = np.random.default_rng(_SEED)
    mult = rng.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
    add = rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
    signature = np.empty((len(found.rows), PERMUTATIONS), np.uint64)
    for k in range(PERMUTATIONS):
        hashed = (codes * mult[k] + add[k]) >> np.uint64(32)
        signature[:, k] = np.minimum.reduceat(hashed, starts)
        if cancelled is not None and cancelled():
            raise CancelledError
    return signature


def _candidates(
    post: np.ndarray,
    signature: np.ndarray,
    posts: PostTable,
    window: float,
    cancelled: Cancelled | None,
) -> tuple[np.ndarray, np.ndarray]:
    bands = PERMUTATIONS // BAND_ROWS
    keys = []
    for band in range(bands):
        cols = signature[:, band * BAND_ROWS : (band + 1) * BAND_ROWS]
        key = np.full(len(cols), band + 1, np.uint64) * _MIX[0]
        for r in range(BAND_ROWS):
            key = (key ^ cols[:, r]) * _MIX[r % len(_MIX)]
        keys.append(key.view(np.int64))
    key = np.concatenate(keys)
    owner = np.tile(post, bands)
    a, b = window_pairs(key, posts.ts[owner], window, cancelled)
    pi, pj = owner[a], owner[b]
    other = (posts.account[pi] != posts.account[pj]) & (pi != pj)
    return unique_pairs(pi[other], pj[other], len(posts))
