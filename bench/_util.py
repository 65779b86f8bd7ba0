"""Timing helpers shared by the benchmarks: repeat, take medians, print aligned tables."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def timings(fn: Callable[[], object], repeat: int = 7, warmup: int = 1) -> list[float]:
    """Seconds per call of fn, `repeat` times after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def median(fn: Callable[[], object], repeat: int = 7, warmup: int = 1) -> float:
    """Median seconds per call of fn."""
    return statistics.median(timings(fn, repeat, warmup))


def percentile(values: Sequence[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print rows under header, columns aligned; floats with 3 significant decimals."""
    cells = [[_fmt(c) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def verdict(label: str, value: float, limit: float, *, at_most: bool) -> str:
    """A line 'label: value (limit) PASS/FAIL' for the ratios an issue asks for."""
    ok = value <= limit if at_most else value >= limit
    sign = "<=" if at_most else ">="
    return f"{label}: {value:.3f} ({sign} {limit}) {'PASS' if ok else 'FAIL'}"


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
