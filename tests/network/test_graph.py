"""The co-action graph against straightforward references, and on a synthetic platform
with planted networks: recall and precision of the planted accounts in the clusters."""

from __future__ import annotations

import itertools
import time
from collections import Counter

import numpy as np
import pytest

from app.network import coaction, minhash
from app.network.coaction import CancelledError, normalize_text, window_pairs
from app.network.dataset import PostTable
from app.network.engine import build
from app.network.graph import Parameters, edge_weights, weigh
from app.network.synthetic import Platform, generate

WINDOW = 600.0


@pytest.fixture(scope="module")
def small() -> Platform:
    return generate(20_000, 10_000, seed=3)


def _sample(
    platform: Platform, size: int = 2_000, kinds: tuple[str, str] = ("links", "copypasta")
) -> PostTable:
    """2,000 posts: the 1,000 around a planted link burst and the 1,000 around a planted
    copy-pasta burst (consecutive in time, so organic posts sit between them)."""
    posts = platform.posts
    order = np.argsort(posts.ts, kind="stable")
    at = posts.ts[order]
    picked: list[np.ndarray] = []
    for kind in kinds:
        burst = platform.bursts[kind][0]
        start = max(0, int(np.searchsorted(at, burst)) - size // 4)
        picked.append(order[start : start + size // 2])
    return posts.subset(np.unique(np.concatenate(picked)))


def _brute(
    posts: PostTable, keys: dict[str, list[set[str]]]
) -> dict[str, Counter[tuple[str, str]]]:
    """Every pair of posts, counted per shared key: the reference, by brute force."""
    counts: dict[str, Counter[tuple[str, str]]] = {kind: Counter() for kind in keys}
    for i, j in itertools.combinations(range(len(posts)), 2):
        a, b = posts.accounts[posts.account[i]], posts.accounts[posts.account[j]]
        if a == b or abs(posts.ts[i] - posts.ts[j]) > WINDOW:
            continue
        for kind, of in keys.items():
            shared = of[i] & of[j]
            if shared:
                counts[kind][(min(a, b), max(a, b))] += len(shared)
    return counts


def _copost_keys(posts: PostTable) -> list[set[str]]:
    keys = []
    for text in posts.texts:
        norm = normalize_text(text)
        keys.append({norm} if len(norm.split()) >= coaction.MIN_WORDS else set())
    return keys


def test_window_pairs_match_every_pair_within_the_window() -> None:
    rng = np.random.default_rng(1)
    key = rng.integers(0, 5, 400)
    ts = rng.uniform(0, 1000, 400).round()  # ties included
    i, j = window_pairs(key, ts, 30.0)
    found = {(min(a, b), max(a, b)) for a, b in zip(i.tolist(), j.tolist(), strict=True)}
    expected = {
        (a, b)
        for a, b in itertools.combinations(range(400), 2)
        if key[a] == key[b] and abs(ts[a] - ts[b]) <= 30.0
    }
    assert found == expected and len(i) == len(expected)


def test_co_link_and_co_post_edges_equal_a_brute_force_reference(small: Platform) -> None:
    sample = _sample(small)
    reference = _brute(
        sample,
        {
            "link": [set(urls) for urls in sample.links],
            "copost": _copost_keys(sample),
            "reply": [{t} if t else set() for t in sample.reply_to],
        },
    )
    co_link = edge_weights(sample, coaction.link_pairs(sample, WINDOW))
    co_post = edge_weights(sample, coaction.copost_pairs(sample, WINDOW))
    co_reply = edge_weights(sample, coaction.reply_pairs(sample, WINDOW))
    assert co_link == reference["link"]
    assert co_post == reference["copost"]
    assert co_reply == reference["reply"]
    print(
        f"\n{len(sample):,}-post sample: {len(co_link)} co-link edges "
        f"({sum(co_link.values())} co-actions), {len(co_post)} co-post edges "
        f"({sum(co_post.values())}), {len(co_reply)} co-reply edges: equal to brute force"
    )
    assert len(co_link) > 50 and len(co_post) > 5 and len(co_reply) > 5


def test_near_duplicate_media_misses_no_pair_and_near_text_holds_no_false_pair(
    small: Platform,
) -> None:
    sample = _sample(small, 1_600, ("media", "copypasta"))
    media = coaction.media_pairs(sample, WINDOW, 10)
    found = {
        (min(a, b), max(a, b)) for a, b in zip(media.i.tolist(), media.j.tolist(), strict=True)
    }
    rows = np.nonzero(sample.has_media)[0].tolist()
    expected = {
        (a, b)
        for a, b in itertools.combinations(rows, 2)
        if sample.account[a] != sample.account[b]
        and abs(sample.ts[a] - sample.ts[b]) <= WINDOW
        and (int(sample.phash[a]) ^ int(sample.phash[b])).bit_count() <= 10
    }
    assert found == expected and expected
    text = minhash.text_pairs(sample, WINDOW, 0.6)
    vocab: dict[str, int] = {}
    sets = [minhash.shingle_codes(t, 2, vocab) for t in sample.texts]
    for a, b in zip(text.i.tolist(), text.j.tolist(), strict=True):
        assert minhash.jaccard(sets[a], sets[b]) >= 0.6
        assert normalize_text(sample.texts[a]) != normalize_text(sample.texts[b])
    truth = {
        (a, b)
        for a, b in itertools.combinations(range(len(sample)), 2)
        if sample.account[a] != sample.account[b]
        and abs(sample.ts[a] - sample.ts[b]) <= WINDOW
        and len(sample.texts[a].split()) >= coaction.MIN_WORDS
        and len(sample.texts[b].split()) >= coaction.MIN_WORDS
        and minhash.jaccard(sets[a], sets[b]) >= 0.6
        and normalize_text(sample.texts[a]) != normalize_text(sample.texts[b])
    }
    got = {(min(a, b), max(a, b)) for a, b in zip(text.i.tolist(), text.j.tolist(), strict=True)}
    assert truth and len(got & truth) >= 0.95 * len(truth)


def _posts(rows: list[tuple[str, float, str]]) -> PostTable:
    """Posts of (account, time, link)."""
    accounts = sorted({r[0] for r in rows})
    n = len(rows)
    return PostTable(
        accounts=accounts,
        account=np.array([accounts.index(r[0]) for r in rows], np.int32),
        ts=np.array([r[1] for r in rows]),
        texts=[""] * n,
        links=[(r[2],) for r in rows],
        phash=np.zeros(n, np.uint64),
        has_media=np.zeros(n, bool),
        reply_to=[None] * n,
    )


def test_a_hyperactive_account_is_damped_and_accounts_in_step_are_not() -> None:
    rows = [("spammer", 100.0 + s, "https://x.example/a") for s in range(50)]
    rows += [("bystander", 120.0, "https://x.example/a")]
    rows += [
        (acc, 1000.0 * k + d, f"https://y.example/{k}")
        for k in range(6)
        for acc, d in (("p", 0), ("q", 5))
    ]
    posts = _posts(rows)
    params = Parameters(min_weight=0.1, kinds=("link",))
    graph = weigh(posts, [coaction.link_pairs(posts, 60.0)], params)
    edges = {
        (posts.accounts[a], posts.accounts[b]): (int(w), float(s))
        for a, b, w, s in zip(graph.a, graph.b, graph.weight, graph.score, strict=True)
    }
    # 50 co-actions, but 50 posts of one account against 1 of the other: scored 1.
    assert edges[("bystander", "spammer")] == (50, pytest.approx(1.0))
    assert edges[("p", "q")] == (6, 6.0)


def test_parameters_are_checked_by_name() -> None:
    with pytest.raises(ValueError, match="parameter window: seconds, more than 0"):
        Parameters(window=0)
    with pytest.raises(ValueError, match="parameter kinds"):
        Parameters(kinds=("smoke",))
    assert Parameters.from_json(Parameters(window=30).to_json()) == Parameters(window=30)


def test_progress_rises_and_cancel_stops_the_build(small: Platform) -> None:
    seen: list[float] = []
    build(small.posts, Parameters(), lambda _s, f: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == 1.0
    steps = []
    with pytest.raises(CancelledError):
        build(small.posts, Parameters(), lambda s, _f: steps.append(s), lambda: len(steps) >= 2)
    assert len(steps) == 2


def test_planted_networks_are_found_among_organic_look_alikes() -> None:
    started = time.perf_counter()
    platform = generate(100_000, 20_000, seed=7)
    made = time.perf_counter()
    network = build(platform.posts, Parameters())
    built = time.perf_counter()
    planted = platform.planted_accounts
    shown = set().union(*(set(c.accounts) for c in network.clusters))
    recall = len(shown & planted) / len(planted)
    precision = len(shown & planted) / len(shown)
    print(
        f"\n100,000 posts, 20,000 accounts, 5 planted networks ({len(planted)} accounts): "
        f"{len(network.clusters)} clusters, recall {recall:.1%}, precision {precision:.1%}; "
        f"generated in {made - started:.1f} s, built in {built - made:.1f} s"
    )
    for cluster in network.clusters[:8]:
        inside = len(set(cluster.accounts) & planted)
        print(f"  #{cluster.rank} {cluster.size} accounts, {inside} planted, {cluster.by_kind}")
    assert recall >= 0.95 and precision >= 0.90
    for kind, members in platform.planted.items():
        best = max(len(members & set(c.accounts)) for c in network.clusters)
        assert best >= 0.9 * len(members), kind  # each network mostly in one cluster


def test_posts_without_text_or_links_build_an_empty_network() -> None:
    posts = _posts([("a", 0.0, "https://x.example/1"), ("b", 5.0, "https://y.example/2")])
    network = build(posts, Parameters())
    assert len(network.graph) == 0 and network.clusters == []
