"""One measurement of the queue view, in its own process (run by bench/queue_view.py).

Prints one JSON line: the first paint of a fresh queue view (median of several, each a
new model and view) and the resident memory the first one added.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QPaintEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from app.domain.people import Accounts  # noqa: E402
from app.log.clock import ManualClock  # noqa: E402
from app.log.store import LocalStore  # noqa: E402
from app.review.reviewdesk import ReviewDesk  # noqa: E402
from bench._bigstore import NOW, PASSWORD, policies  # noqa: E402
from widgets.review.queue_model import DEFAULT_SIZE, QueueModel, configure_queue_view  # noqa: E402

REPEAT = 7


class TimedView(QTableView):
    """A queue table that notes when each paint of its rows has finished."""

    def __init__(self) -> None:
        super().__init__()
        self.painted_at: list[float] = []

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Paint, then note the time."""
        super().paintEvent(event)
        self.painted_at.append(time.perf_counter())


def rss() -> int:
    """Resident set size in bytes."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def first_paint(app: QApplication, desk: ReviewDesk) -> tuple[float, float, QTableView]:
    """Seconds from nothing to the first painted queue view, and to its rows on screen."""
    start = time.perf_counter()
    names = {p.id: p.name for p in desk.policies}
    model = QueueModel(desk.queue_source, names, desk.store.clock.now, desk.reviewer.username)
    model.reload()
    view = TimedView()
    view.setModel(model)
    configure_queue_view(view)
    view.resize(*DEFAULT_SIZE)
    view.show()
    while not view.painted_at:
        app.processEvents()
    first = view.painted_at[0] - start
    deadline = time.perf_counter() + 5
    # Rows are on screen once the first page is read and a paint followed it.
    while model.rowCount() and time.perf_counter() < deadline:
        app.processEvents()
        if model._pages and len(view.painted_at) > 1:  # noqa: SLF001 - a probe looks inside
            break
    content = view.painted_at[-1] - start
    view._keep = model  # type: ignore[attr-defined]
    return first, content, view


def main(path: str) -> None:
    """Measure one store."""
    app = QApplication([])
    store = LocalStore(Path(path), ManualClock(NOW))
    desk = ReviewDesk(store, policies(), Accounts(store).authenticate("mod", PASSWORD))
    desk.queue_source().count()  # the store is open and its read connection ready
    _f, _c, warm_view = first_paint(app, desk)  # Qt's one-time start-up (fonts, style)
    warm_view.close()
    warm_view.deleteLater()
    app.processEvents()
    before = rss()
    first, content, view = first_paint(app, desk)
    added = rss() - before
    firsts, contents = [first], [content]
    for _ in range(REPEAT - 1):
        view.close()
        view.deleteLater()
        app.processEvents()
        first, content, view = first_paint(app, desk)
        firsts.append(first)
        contents.append(content)
    result = {
        "rows": view.model().rowCount(),
        "paint_s": statistics.median(firsts),
        "content_s": statistics.median(contents),
        "added_bytes": added,
    }
    print(json.dumps(result))
    view.close()
    desk.close()
    store.close()


if __name__ == "__main__":
    main(sys.argv[1])
