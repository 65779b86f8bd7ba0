"""A synthetic platform for tests and the bench: organic posting with look-alikes, and
planted coordinated networks. Deterministic for a seed; no real account, text or media.

Five planted networks, each a different mix: re-encoded media (near-duplicate pHashes),
copy-pasta with small edits, link bursts (tracking parameters and `www.` varying), reply
swarms, and one that alternates links and copy-pasta. Members act in bursts shorter than
the default window; each joins about 3 bursts in 4.

Organic look-alikes: popular links shared by many unrelated accounts soon after they
appear (a news cycle), popular reply targets, hyperactive aggregator accounts that post
popular links again and again, and short stock phrases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from app.network.dataset import PostTable
from app.network.posts import normalize_url

START = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
SPAN = 7 * 86400.0
BURST = 40.0  # seconds a planted burst lasts
NETWORK_SIZES = (60, 50, 45, 40, 55)
NETWORK_KINDS = ("media", "copypasta", "links", "replies", "mixed")
EVENTS = 20
PARTICIPATION = 0.75
_SYLLABLES = [a + b for a in "bcdfgklmnprstvz" for b in ("a", "e", "i", "o", "u", "ai", "ou")]


@dataclass
class Platform:
    """The posts and, for each planted network, its accounts."""

    posts: PostTable
    planted: dict[str, set[str]]
    bursts: dict[str, list[float]]  # when each planted burst started, per network

    @property
    def planted_accounts(self) -> set[str]:
        """Every account of every planted network."""
        return set().union(*self.planted.values())


class _Builder:
    """Posts appended as columns."""

    def __init__(self, rng: np.random.Generator, vocab: list[str]) -> None:
        self.rng, self.vocab = rng, vocab
        self.account: list[int] = []
        self.ts: list[float] = []
        self.texts: list[str] = []
        self.links: list[tuple[str, ...]] = []
        self.phash: list[int] = []
        self.media: list[bool] = []
        self.reply: list[str | None] = []

    def add(
        self,
        account: int,
        ts: float,
        text: str,
        links: tuple[str, ...] = (),
        phash: int | None = None,
        reply: str | None = None,
    ) -> None:
        self.account.append(account)
        self.ts.append(ts)
        self.texts.append(text)
        self.links.append(links)
        self.phash.append(phash or 0)
        self.media.append(phash is not None)
        self.reply.append(reply)

    def words(self, count: int) -> list[str]:
        picks = self.rng.integers(0, len(self.vocab), count)
        return [self.vocab[int(p)] for p in picks]


def vocabulary(size: int = 6000) -> list[str]:
    """Made-up words of two or three syllables, distinct."""
    words: list[str] = []
    for a in _SYLLABLES:
        for b in _SYLLABLES:
            words.append(a + b)
            if len(words) >= size:
                return words
    return words


def generate(n_posts: int = 100_000, n_accounts: int = 20_000, seed: int = 7) -> Platform:
    """The platform: planted bursts first, organic posts up to n_posts."""
    rng = np.random.default_rng(seed)
    builder = _Builder(rng, vocabulary())
    ids = [f"acct-{n:06d}" for n in rng.permutation(n_accounts)]
    sizes = _scaled_sizes(n_accounts)
    members = rng.choice(n_accounts, sum(sizes), replace=False)
    planted: dict[str, set[str]] = {}
    bursts: dict[str, list[float]] = {}
    offset = 0
    for kind, size in zip(NETWORK_KINDS, sizes, strict=True):
        group = members[offset : offset + size]
        offset += size
        planted[kind] = {ids[int(m)] for m in group}
        bursts[kind] = _plant(builder, kind, group)
    _organic(builder, n_posts - len(builder.ts), n_accounts)
    table = PostTable(
        accounts=ids,
        account=np.array(builder.account, np.int32),
        ts=np.array(builder.ts, np.float64),
        texts=builder.texts,
        links=builder.links,
        phash=np.array(builder.phash, np.uint64),
        has_media=np.array(builder.media, bool),
        reply_to=builder.reply,
        post_ids=[f"post-{n:07d}" for n in range(len(builder.ts))],
        handles={acc: "@" + acc.replace("acct-", "u") for acc in ids},
    )
    return Platform(table, planted, bursts)


def _scaled_sizes(n_accounts: int) -> list[int]:
    scale = min(1.0, n_accounts / 20_000)
    return [max(5, int(s * scale)) for s in NETWORK_SIZES]


def _plant(b: _Builder, kind: str, group: np.ndarray) -> list[float]:
    starts = []
    for event in range(EVENTS):
        t0 = START + float(b.rng.uniform(0, SPAN - BURST))
        starts.append(t0)
        joined = group[b.rng.random(len(group)) < PARTICIPATION]
        style = kind if kind != "mixed" else ("links", "copypasta")[event % 2]
        base_text = b.words(int(b.rng.integers(16, 26)))
        base_hash = int(b.rng.integers(0, 2**63)) * 2 + 1
        for account in joined.tolist():
            when = t0 + float(b.rng.uniform(0, BURST))
            _planted_post(b, style, kind, event, account, when, base_text, base_hash)
    return starts


def _planted_post(
    b: _Builder,
    style: str,
    kind: str,
    event: int,
    account: int,
    when: float,
    base_text: list[str],
    base_hash: int,
) -> None:
    if style == "media":
        flips = b.rng.choice(64, int(b.rng.integers(0, 4)), replace=False)
        value = base_hash
        for bit in flips.tolist():
            value ^= 1 << bit
        b.add(account, when, " ".join(b.words(int(b.rng.integers(6, 14)))), phash=value)
    elif style == "copypasta":
        edited = list(base_text)
        if b.rng.random() < 0.5:  # half exact copies, half with one word changed
            edited[int(b.rng.integers(0, len(edited)))] = b.words(1)[0]
        b.add(account, when, " ".join(edited))
    elif style == "links":
        host = "www.promo-" if b.rng.random() < 0.5 else "promo-"
        url = f"https://{host}{kind}.example/story/{event}?utm_source=a{account}&id={event}"
        b.add(account, when, " ".join(b.words(8)), links=(normalize_url(url),))
    else:
        b.add(account, when, " ".join(b.words(10)), reply=f"t-swarm-{kind}-{event}")


def _organic(b: _Builder, count: int, n_accounts: int) -> None:
    rng = b.rng
    # A bigger platform has more news, not more shares of the same story.
    scale = max(1, round(count / 100_000))
    n_popular, n_targets = 400 * scale, 1000 * scale
    activity = rng.lognormal(0.0, 1.0, n_accounts)
    hyper = rng.choice(n_accounts, max(3, n_accounts // 700), replace=False)
    activity[hyper] *= 60  # aggregators: hundreds of posts each
    authors = rng.choice(n_accounts, count, p=activity / activity.sum())
    popular_at = START + rng.uniform(0, SPAN, n_popular)
    stock = [" ".join(b.words(int(rng.integers(5, 8)))) for _ in range(30 * scale)]
    target_at = START + rng.uniform(0, SPAN, n_targets)
    hyper_set = set(hyper.tolist())
    for n, account in enumerate(authors.tolist()):
        roll = rng.random()
        if account in hyper_set or roll < 0.18:
            url_no = _zipf(rng, 1.4, 400) - 1 + 400 * int(rng.integers(0, scale))
            when = popular_at[url_no] + float(rng.exponential(1800))
            url = f"https://news{url_no % 40}.example/a/{url_no}"
            b.add(account, when, " ".join(b.words(int(rng.integers(8, 20)))), links=(url,))
        elif roll < 0.28:
            url = f"https://blog.example/{account}/{n}"
            b.add(account, _uniform(rng), " ".join(b.words(int(rng.integers(8, 25)))), (url,))
        elif roll < 0.36:
            phash = int(rng.integers(0, 2**63)) * 2 + 1
            b.add(account, _uniform(rng), " ".join(b.words(10)), phash=phash)
        elif roll < 0.46:
            target = _zipf(rng, 1.5, 1000) - 1 + 1000 * int(rng.integers(0, scale))
            when = target_at[target] + float(rng.exponential(3600))
            b.add(account, when, " ".join(b.words(12)), reply=f"t-{target}")
        elif roll < 0.50:
            b.add(account, _uniform(rng), stock[int(rng.integers(0, len(stock)))])
        else:
            b.add(account, _uniform(rng), " ".join(b.words(int(rng.integers(8, 25)))))


def _zipf(rng: np.random.Generator, a: float, top: int) -> int:
    return int(min(rng.zipf(a), top))


def _uniform(rng: np.random.Generator) -> float:
    return START + float(rng.uniform(0, SPAN))


def write_jsonl(posts: PostTable, path: Path) -> None:
    """The posts as a `veil network import` JSONL file."""
    with path.open("w", encoding="utf-8") as f:
        for n in range(len(posts)):
            row: dict[str, object] = {
                "post_id": posts.post_ids[n],
                "account_id": posts.accounts[int(posts.account[n])],
                "handle": posts.handles.get(posts.accounts[int(posts.account[n])], ""),
                "posted_at": datetime.fromtimestamp(float(posts.ts[n]), UTC).isoformat(),
                "text": posts.texts[n],
                "links": list(posts.links[n]),
            }
            if posts.has_media[n]:
                row["media_phash"] = f"{int(posts.phash[n]):016x}"
            if posts.reply_to[n]:
                row["reply_to"] = posts.reply_to[n]
            f.write(json.dumps(row) + "\n")
