"""Coordinated networks: the graph view with 5,000 accounts, UI stall while it lays out and draws.

50 clusters of 100 accounts, each account joined to about 5 others of its cluster
(12,500 edges). The layout (app/network/layout.py) runs on a TaskRunner worker; the view
then adds its items CHUNK per turn of the event loop. Measured: the UI thread's gaps
between 10 ms timer ticks (longest and 99th percentile, beyond the tick) from the start
of the layout until the last item is drawn, against the same timer with nothing running.
Limit: p99 <= 50 ms, as for the dashboard.
"""

from __future__ import annotations

import os
import time

import numpy as np

from app.network.layout import layout
from bench._util import percentile, print_table, verdict

CLUSTERS, SIZE, DEGREE = 50, 100, 5
TICK_MS = 10
P99_LIMIT_MS = 50.0


def graph() -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Clusters of node ids and random edges inside each."""
    rng = np.random.default_rng(3)
    groups = [list(range(c * SIZE, (c + 1) * SIZE)) for c in range(CLUSTERS)]
    edges = set()
    for group in groups:
        for node in group:
            for other in rng.choice(group, DEGREE // 2 + 1, replace=False).tolist():
                if other != node:
                    edges.add((min(node, other), max(node, other)))
    return groups, sorted(edges)


def measure(draw: bool) -> tuple[float, float, float]:
    """(longest gap ms, p99 gap ms, seconds until drawn); draw=False: the idle timer."""
    from PySide6.QtCore import QEventLoop, QTimer

    from widgets.network.graph_view import GraphView
    from widgets.shell.tasks import TaskRunner

    groups, edges = graph()
    view = GraphView()
    view.resize(900, 700)
    view.show()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    finish = lambda *_: QTimer.singleShot(TICK_MS * 3, loop.quit)  # noqa: E731
    view.drawn.connect(finish)
    started = time.perf_counter()
    done: list[float] = []
    view.drawn.connect(lambda: done.append(time.perf_counter() - started))

    def laid_out(spots: dict[int, tuple[float, float]]) -> None:
        positions = {f"a{n}": xy for n, xy in spots.items()}
        colours = {f"a{n}": n // SIZE for n in spots}
        view.show_graph(positions, colours, [(f"a{a}", f"a{b}", 3.0) for a, b in edges])

    timer.start()
    if draw:
        TaskRunner().submit(lambda: layout(groups, edges, []), laid_out, finish)
    else:
        QTimer.singleShot(2000, loop.quit)
    loop.exec()
    timer.stop()
    gaps = sorted((b - a) * 1000.0 - TICK_MS for a, b in zip(ticks, ticks[1:], strict=False))
    view.close()
    return gaps[-1], percentile(gaps, 99), (done[0] if done else 0.0)


def run() -> None:
    """Idle timer, then layout and drawing of 5,000 accounts; median of 3 runs each."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from widgets.shell.application import make_app

    make_app()
    idle = sorted(measure(False) for _ in range(3))[1]
    busy = sorted(measure(True) for _ in range(3))[1]
    print_table(
        [
            "UI thread, 10 ms timer (median of 3)",
            "longest stall (ms)",
            "p99 stall (ms)",
            "drawn (s)",
        ],
        [
            ["nothing running", idle[0], idle[1], "-"],
            ["5,000 accounts: layout off-thread + drawing", busy[0], busy[1], busy[2]],
        ],
    )
    print(
        verdict(
            "p99 UI stall while laying out and drawing (ms)", busy[1], P99_LIMIT_MS, at_most=True
        )
    )
