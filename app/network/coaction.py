"""Co-actions: pairs of posts by two accounts doing the same thing within a time window.

Five kinds, each a pair of posts (i, j) by different accounts, |t_i - t_j| <= window:

- `link`: both carry the same normalized URL (one co-action per shared URL);
- `reply`: both reply to the same target;
- `copost`: the same text, after lower-casing and collapsing whitespace;
- `text`: near-identical but not the same text: the Jaccard similarity of their sets of
  word n-grams (shingles) is at least the threshold. Candidates come from MinHash
  signatures split into bands (LSH); every candidate is then checked exactly, so the kind
  never holds a pair under the threshold (it may miss a pair whose bands all differ:
  with 16 bands of 3 rows, a pair at Jaccard 0.6 is found with probability 0.98);
- `media`: near-duplicate media, perceptual hashes (app/dupes/phash.py) within the
  Hamming distance. 64 bits cut into distance+1 chunks: two hashes that close agree on
  at least one whole chunk (pigeonhole), so bucketing by chunk misses no pair.

All of it is numpy on arrays sorted by (key, time): `window_pairs` walks lags 1, 2, ...
over the rows still in reach, so its cost is the number of pairs it returns, never the
square of a bucket.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.network.dataset import PostTable

KINDS = ("media", "copost", "text", "link", "reply")
MIN_WORDS = 5  # shorter texts ("lol", "same") are said by everyone: no co-post, no text
_WORD = re.compile(r"\w+", re.UNICODE)
_MASK32 = np.uint64(0xFFFFFFFF)

Cancelled = Callable[[], bool]


class CancelledError(Exception):
    """The build was cancelled between two steps."""


@dataclass(frozen=True)
class PostPairs:
    """Co-actions of one kind: post rows i and j, one pair per co-action, and how much
    each says (`strength`, 1 but for objects many accounts acted on; see `popularity`)."""

    kind: str
    i: np.ndarray
    j: np.ndarray
    strength: np.ndarray | None = None

    def strengths(self) -> np.ndarray:
        """Each co-action's strength (1 where none was set)."""
        return np.ones(len(self.i)) if self.strength is None else self.strength


def window_pairs(
    key: np.ndarray, ts: np.ndarray, window: float, cancelled: Cancelled | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs with the same key and times at most `window` apart, each pair once."""
    if len(key) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((ts, key))
    k, t = key[order], ts[order]
    reach = np.arange(len(k) - 1)
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    lag = 1
    while reach.size:
        reach = reach[reach + lag < len(k)]
        # Sorted by time within a key: a row out of reach at this lag is out at every later one.
        reach = reach[(k[reach + lag] == k[reach]) & (t[reach + lag] - t[reach] <= window)]
        found_i.append(order[reach])
        found_j.append(order[reach + lag])
        lag += 1
        if cancelled is not None and lag % 64 == 0 and cancelled():
            raise CancelledError
    return np.concatenate(found_i).astype(np.int64), np.concatenate(found_j).astype(np.int64)


def sorted_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unique values, each value's index into them, counts), by one sort: faster than
    np.unique's hash path on tens of millions of int64."""
    if values.size == 0:
        empty = np.zeros(0, np.int64)
        return values, empty, empty
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    group = np.cumsum(starts) - 1
    inverse = np.empty(len(values), np.int64)
    inverse[order] = group
    counts = np.diff(np.concatenate((np.nonzero(starts)[0], [len(values)])))
    return ordered[starts], inverse, counts


def factorize(values: list[object]) -> np.ndarray:
    """Each value's number, in order of first appearance."""
    index: dict[object, int] = {}
    return np.fromiter((index.setdefault(v, len(index)) for v in values), np.int64, len(values))


def normalize_text(text: str) -> str:
    """The text as compared for co-posts: lower case, words only, single spaces."""
    return " ".join(_WORD.findall(text.lower()))


def words_of(text: str) -> list[str]:
    """The words of a text, lower-cased."""
    return _WORD.findall(text.lower())


def link_pairs(
    posts: PostTable, window: float, popular: int = 0, cancelled: Cancelled | None = None
) -> PostPairs:
    """Co-link pairs: one per URL two posts share."""
    rows = [(n, url) for n, urls in enumerate(posts.links) for url in urls]
    return _keyed("link", posts, rows, window, popular, cancelled)


def reply_pairs(
    posts: PostTable, window: float, popular: int = 0, cancelled: Cancelled | None = None
) -> PostPairs:
    """Co-reply pairs: two posts replying to the same target."""
    rows = [(n, target) for n, target in enumerate(posts.reply_to) if target]
    return _keyed("reply", posts, rows, window, popular, cancelled)


def copost_pairs(
    posts: PostTable, window: float, popular: int = 0, cancelled: Cancelled | None = None
) -> PostPairs:
    """Co-post pairs: the same normalized text of at least MIN_WORDS words."""
    rows = []
    for n, text in enumerate(posts.texts):
        norm = normalize_text(text)
        if norm.count(" ") + 1 >= MIN_WORDS:
            rows.append((n, norm))
    return _keyed("copost", posts, rows, window, popular, cancelled)


def popularity(key: np.ndarray, account: np.ndarray) -> np.ndarray:
    """For each row, how many distinct accounts acted on its key (link, target, text)."""
    _, codes, _n = sorted_unique(key)
    pairs = sorted_unique(codes * (int(account.max()) + 1) + account)[0]
    per_key = np.bincount(pairs // (int(account.max()) + 1), minlength=int(codes.max()) + 1)
    return per_key[codes]


def _keyed(
    kind: str,
    posts: PostTable,
    rows: list[tuple[int, str]],
    window: float,
    popular: int,
    cancelled: Cancelled | None,
) -> PostPairs:
    if not rows:
        return _empty(kind)
    post = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    key = factorize([r[1] for r in rows])
    a, b = window_pairs(key, posts.ts[post], window, cancelled)
    pi, pj = post[a], post[b]
    other = posts.account[pi] != posts.account[pj]
    strength = None
    if popular > 0:
        sharers = popularity(key, posts.account[post].astype(np.int64))
        strength = np.minimum(1.0, popular / sharers[a[other]])
    return PostPairs(kind, pi[other], pj[other], strength)


def _empty(kind: str) -> PostPairs:
    return PostPairs(kind, np.zeros(0, np.int64), np.zeros(0, np.int64))


def popcount(values: np.ndarray) -> np.ndarray:
    """Set bits of each uint64."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(values).astype(np.int64)
    as_bytes = values.view(np.uint8).reshape(-1, 8)
    return np.unpackbits(as_bytes, axis=1).sum(axis=1).astype(np.int64)


def media_pairs(
    posts: PostTable, window: float, distance: int, cancelled: Cancelled | None = None
) -> PostPairs:
    """Near-duplicate media pairs: pHashes within `distance` bits, found by chunk buckets."""
    rows = np.nonzero(posts.has_media)[0].astype(np.int64)
    if rows.size < 2:
        return _empty("media")
    hashes = posts.phash[rows]
    keys, owners = [], []
    for chunk, (shift, width) in enumerate(_chunks(distance + 1)):
        part = (hashes >> np.uint64(shift)) & np.uint64((1 << width) - 1)
        keys.append(part.astype(np.int64) + (chunk << 32))
        owners.append(rows)
    key, owner = np.concatenate(keys), np.concatenate(owners)
    a, b = window_pairs(key, posts.ts[owner], window, cancelled)
    pi, pj = unique_pairs(owner[a], owner[b], len(posts))
    close = popcount(posts.phash[pi] ^ posts.phash[pj]) <= distance
    other = posts.account[pi] != posts.account[pj]
    keep = close & other
    return PostPairs("media", pi[keep], pj[keep])


def _chunks(count: int) -> list[tuple[int, int]]:
    count = max(1, min(count, 64))
    base, extra = divmod(64, count)
    spans, shift = [], 0
    for n in range(count):
        width = base + (1 if n < extra else 0)
        spans.append((shift, width))
        shift += width
    return spans


def unique_pairs(i: np.ndarray, j: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    code = sorted_unique(lo * n + hi)[0]
    return code // n, code % n
