"""Coordinated networks: posts to clusters at 100,000 and 1,000,000 posts, vs a pandas self-join.

Each scale runs in a child process of its own (fork), so its peak memory (ru_maxrss) is its
own: the synthetic platform (app/network/synthetic.py: 5 planted networks among organic
look-alikes) is generated, then `app.network.engine.build` runs with the default
parameters (window 60 s, min score 3) and is timed from posts to clusters. Recall and
precision of the planted accounts in the clusters are printed.

Baseline: the co-link network (pairs of accounts sharing a URL within the window,
weighted by co-actions) computed the way analysts write it in pandas: explode links,
self-join on the URL, keep pairs of different accounts within the window, count per
pair. The join runs URL by URL in batches of at most 20 million joined rows (a join of
everything at once does not fit in memory at 1,000,000 posts). Its edges must equal the
engine's co-link edges; the ratio is pandas time over the engine's co-link time.
pandas is a bench extra (`pip install -e ".[bench]"`); without it the baseline is skipped.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from typing import Any

import numpy as np

from app.network import coaction
from app.network.dataset import PostTable
from app.network.engine import build
from app.network.graph import Parameters
from app.network.synthetic import generate

SCALES = ((100_000, 20_000), (1_000_000, 200_000))
JOIN_ROWS = 20_000_000
LIMIT_100K = 60.0


def pandas_co_links(posts: PostTable, window: float) -> dict[tuple[int, int], int]:
    """Co-link weights by a pandas self-join on the URL: (account a < b) -> co-actions."""
    import pandas as pd

    rows = [(n, url) for n, urls in enumerate(posts.links) for url in urls]
    frame = pd.DataFrame(
        {
            "url": pd.factorize(pd.Series([u for _, u in rows]))[0],
            "account": posts.account[[n for n, _ in rows]],
            "ts": posts.ts[[n for n, _ in rows]],
            "row": np.arange(len(rows)),
        }
    )
    sizes = frame.groupby("url").size()
    parts = []
    batch: list[int] = []
    joined = 0
    for url, size in sizes.sort_values().items():
        batch.append(int(url))  # type: ignore[call-overload]
        joined += int(size) ** 2
        if joined >= JOIN_ROWS:
            parts.append(_join(frame[frame.url.isin(batch)], window))
            batch, joined = [], 0
    if batch:
        parts.append(_join(frame[frame.url.isin(batch)], window))
    counts = pd.concat(parts).groupby(level=[0, 1]).sum()
    return {(int(a), int(b)): int(n) for (a, b), n in counts.items()}


def _join(part: Any, window: float) -> Any:
    pairs = part.merge(part, on="url", suffixes=("_x", "_y"))
    pairs = pairs[
        (pairs.row_x < pairs.row_y)
        & (pairs.account_x != pairs.account_y)
        & ((pairs.ts_x - pairs.ts_y).abs() <= window)
    ]
    lo = np.minimum(pairs.account_x, pairs.account_y)
    hi = np.maximum(pairs.account_x, pairs.account_y)
    return pairs.groupby([lo, hi]).size()


def _engine_co_links(posts: PostTable, window: float) -> tuple[dict[tuple[int, int], int], float]:
    started = time.perf_counter()
    found = coaction.link_pairs(posts, window)
    a = posts.account[found.i].astype(np.int64)
    b = posts.account[found.j].astype(np.int64)
    code = np.minimum(a, b) * len(posts.accounts) + np.maximum(a, b)
    edges, counts = np.unique(code, return_counts=True)
    took = time.perf_counter() - started
    n = len(posts.accounts)
    return {(int(e // n), int(e % n)): int(c) for e, c in zip(edges, counts, strict=True)}, took


def _measure(n_posts: int, n_accounts: int, out: Any) -> None:
    started = time.perf_counter()
    platform = generate(n_posts, n_accounts)
    generated = time.perf_counter() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    network = build(platform.posts, Parameters())
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    planted = platform.planted_accounts
    shown = set().union(*(set(c.accounts) for c in network.clusters))
    result: dict[str, Any] = {
        "posts": n_posts,
        "accounts": n_accounts,
        "generate_s": generated,
        "build_s": took,
        "graph_s": network.timings["graph"],
        "communities_s": network.timings["communities"],
        "edges": len(network.graph),
        "clusters": len(network.clusters),
        "recall": len(shown & planted) / len(planted),
        "precision": len(shown & planted) / max(1, len(shown)),
        "rss_before_mb": rss_before,
        "peak_mb": peak,
    }
    ours, ours_s = _engine_co_links(platform.posts, 60.0)
    result["colink_engine_s"] = ours_s
    result["colink_edges"] = len(ours)
    try:
        import pandas  # noqa: F401
    except ImportError:
        result["pandas_s"] = None
    else:
        started = time.perf_counter()
        theirs = pandas_co_links(platform.posts, 60.0)
        result["pandas_s"] = time.perf_counter() - started
        result["pandas_equal"] = theirs == ours
    out.put(result)


def run() -> None:
    """Both scales, each in its own process; a table row as each ends, then the verdict."""
    context = multiprocessing.get_context("fork")
    print(
        "| posts | accounts | build s (graph + communities) | edges | clusters | recall | "
        "precision | peak RSS MB (before build) | co-link: engine s / pandas s / ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|", flush=True)
    results = []
    for n_posts, n_accounts in SCALES:
        queue = context.Queue()
        child = context.Process(target=_measure, args=(n_posts, n_accounts, queue))
        child.start()
        results.append(queue.get())
        child.join()
        print(_row(results[-1]), flush=True)
    first = results[0]
    verdict = "PASS" if first["build_s"] <= LIMIT_100K else "FAIL"
    print(f"100,000 posts to clusters: {first['build_s']:.1f} s (<= {LIMIT_100K:.0f} s) {verdict}")


def _row(r: dict[str, Any]) -> str:
    pandas_s = r["pandas_s"]
    ratio = f"{pandas_s / r['colink_engine_s']:.1f}x" if pandas_s else "n/a"
    same = "" if pandas_s is None else (" equal" if r["pandas_equal"] else " DIFFER")
    pandas_text = f"{pandas_s:.1f}" if pandas_s else "not installed"
    return (
        f"| {r['posts']:,} | {r['accounts']:,} | {r['build_s']:.1f} "
        f"({r['graph_s']:.1f} + {r['communities_s']:.1f}) | {r['edges']:,} | "
        f"{r['clusters']} | {r['recall']:.1%} | {r['precision']:.1%} | "
        f"{r['peak_mb']:,.0f} ({r['rss_before_mb']:,.0f}) | "
        f"{r['colink_engine_s']:.1f} / {pandas_text} / {ratio}{same} |"
    )
