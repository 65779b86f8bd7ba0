"""Queue view over 1,000,000 cases: first paint and memory added, against an empty model.

Each store is measured in a fresh process (bench/_queue_probe.py) after Qt's one-time
start-up, so the figures are what the lazy model and the view cost: the row count from
the queue-depth projection, the paint, and one page of rows read by SQL. The model never
reads inside a paint: the first frame (table, header, scroll bar sized for every row)
comes first and the rows follow in the next; "rows on screen" is that second paint.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench._bigstore import build
from bench._util import print_table, verdict

N = 1_000_000
ROOT = Path(__file__).resolve().parents[1]


def _probe(path: Path) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench._queue_probe", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run() -> None:
    """Build an empty and a million-case store; measure the queue view over each."""
    with tempfile.TemporaryDirectory(prefix="veil-bench-view-") as tmp:
        empty_dir, big_dir = Path(tmp) / "empty", Path(tmp) / "big"
        build(empty_dir, 0).close()
        build(big_dir, N).close()
        empty = _probe(empty_dir)
        big = _probe(big_dir)
    rows = [
        [name, int(r["rows"]), r["paint_s"] * 1e3, r["content_s"] * 1e3, r["added_bytes"] / 1e6]
        for name, r in (("empty model", empty), (f"{N:,} cases", big))
    ]
    header = ["queue view", "rows", "first paint ms", "rows on screen ms", "memory added MB"]
    print_table(header, rows)
    paint = big["paint_s"] / empty["paint_s"]
    memory = big["added_bytes"] / max(1, empty["added_bytes"])
    print(verdict("first paint / empty model's", paint, 3.0, at_most=True))
    print(verdict("memory added / empty model's", memory, 1.5, at_most=True))
