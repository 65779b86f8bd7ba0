"""Cold start: a fresh `veil` process to the login painted and to the first case painted.

What a person waits for when they open the workstation, timed from a fresh process each
time (the interpreter, every import, the store, the window, the first case's filtered
12-megapixel photo), against the same wait for an empty `QMainWindow` shown from a fresh
process in the same run.

The workstation's hidden options (app/cli/options.py) print when the login and the first
case's media are painted, on the monotonic clock this process shares, and sign in with a
credentials file (owner-only) through the login dialog's own check. The store is
bench/_bigstore.py's (10,000 cases; 1,000,000 with --million) plus a few camera-like photo
cases, imported through the real intake, that are the most urgent in the queue.

    python -m bench startup              # 10,000 cases
    python -m bench startup --million    # and 1,000,000 cases
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from app.log.store import DB_FILENAME
from app.review.intake import Intake
from bench._bigstore import PASSWORD, build, policies
from bench._util import print_table, verdict

SIZES = (10_000,)
MILLION = 1_000_000
RUNS = 5
PHOTOS = 3
PHOTO_SIZE = (4000, 3000)  # 12 megapixels, as a phone camera takes them
TIMEOUT_S = 120
MARK = "veil-bench"

EMPTY_WINDOW = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            window.removeEventFilter(self)
            QTimer.singleShot(0, done)
        return False


def done():
    print(f"veil-bench window-painted {time.monotonic():.6f}", flush=True)
    window.close()


watch = FirstPaint()
window.installEventFilter(watch)
window.show()
app.exec()
"""


def photo(seed: int) -> bytes:
    """A camera-like 12 MP JPEG, drawn: smooth light, textured ground, shapes, sensor noise."""
    rng = np.random.default_rng(seed)
    width, height = PHOTO_SIZE
    small = rng.integers(0, 256, (height // 50, width // 50, 3), dtype=np.uint8)
    image = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    for _ in range(40):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        cv2.circle(image, centre, int(rng.integers(40, 600)), colour, -1, cv2.LINE_AA)
    noise = rng.normal(0, 6, image.shape)
    image = np.clip(image.astype(np.int16) + noise.astype(np.int16), 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return bytes(data)


def make_store(folder: Path, count: int) -> None:
    """The big store, its case numbers moved up out of the way of new ingest events, and
    PHOTOS photo cases that are overdue and severe (the first a moderator is given)."""
    store = build(folder, count)
    store.close()
    conn = sqlite3.connect(folder / DB_FILENAME, isolation_level=None)
    # A case's number is its ingest event's row id; the bulk rows have no events.
    conn.execute("UPDATE cases SET case_no = case_no + ?", (10 * count,))
    conn.close()
    media = folder.parent / f"media-{count}"
    media.mkdir()
    lines = []
    for n in range(PHOTOS):
        (media / f"photo-{n}.jpg").write_bytes(photo(n))
        lines.append(
            {
                "external_id": f"startup-photo-{n}",
                "category": "hate_speech",
                "severity": 4,
                "reported_at": f"2026-01-0{n + 1}T09:00:00Z",
                "report_count": 20,
                "title": f"Camera photo {n}",
                "media": [f"photo-{n}.jpg"],
            }
        )
    reports = media / "reports.jsonl"
    reports.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    from app.log.store import LocalStore

    store = LocalStore(folder)
    report = Intake(store, policies(), "intake").import_file(reports, media)
    store.close()
    if len(report.created) != PHOTOS:
        raise RuntimeError(f"photo cases not imported: {report.summary()}")


def _marks(command: Sequence[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from just before the process starts to each mark it prints."""
    started = time.monotonic()
    out = subprocess.run(
        list(command), capture_output=True, text=True, env=env, timeout=TIMEOUT_S, check=False
    )
    marks = {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == MARK:
            marks[parts[1]] = float(parts[2]) - started
            if parts[1] == "case-painted" and parts[3:4] != ["ready"]:
                raise RuntimeError(f"the first case painted is not a ready photo: {line}")
    if out.returncode != 0 or not marks:
        raise RuntimeError(f"{command[2:]} exited {out.returncode}:\n{out.stdout}\n{out.stderr}")
    return marks


def empty_window(env: dict[str, str]) -> float:
    """Fresh process to an empty QMainWindow painted."""
    return _marks([sys.executable, "-c", EMPTY_WINDOW], env)["window-painted"]


def workstation(folder: Path, login: Path | None, env: dict[str, str]) -> dict[str, float]:
    """Fresh `veil` process to the login painted (and, signed in, the first case painted)."""
    command = [sys.executable, "-m", "widgets.shell.main", "--data-dir", str(folder)]
    command.append("--bench-exit-after-first-paint")
    if login is not None:
        command += ["--bench-login", str(login)]
    return _marks(command, env)


def run(argv: Sequence[str] = ()) -> None:
    """Build the stores, then time each start RUNS times, alternating with the baseline."""
    parser = argparse.ArgumentParser(prog="python -m bench startup")
    parser.add_argument("--million", action="store_true", help="also at 1,000,000 cases")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"starts per figure ({RUNS})")
    args = parser.parse_args(list(argv))
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sizes = (*SIZES, MILLION) if args.million else SIZES
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory(prefix="veil-bench-startup-") as tmp:
        root = Path(tmp)
        login = root / "login.json"
        login.write_text(json.dumps({"username": "mod", "password": PASSWORD}))
        login.chmod(0o600)
        for size in sizes:
            make_store(root / f"store-{size}", size)
        baseline: list[float] = []
        figures: dict[int, Figures] = {s: ([], [], []) for s in sizes}
        for _ in range(args.runs):
            baseline.append(empty_window(env))
            for size in sizes:
                folder = root / f"store-{size}"
                figures[size][0].append(workstation(folder, None, env)["login-painted"])
                marks = workstation(folder, login, env)
                figures[size][1].append(marks["case-painted"])
                # The sign-in is checked as soon as the store is open: from then on is what
                # a person who typed their password waits after pressing Return.
                figures[size][2].append(marks["case-painted"] - marks["store-open"])
        _report(statistics.median(baseline), figures)


# Seconds per run: to the login painted, to the first case painted, sign-in to that case.
Figures = tuple[list[float], list[float], list[float]]


def _report(window: float, figures: dict[int, Figures]) -> None:
    rows: list[tuple[object, ...]] = [("empty QMainWindow", "-", window * 1e3, 1.0)]
    medians: dict[int, tuple[float, float]] = {}
    for size, (logins, cases, after) in figures.items():
        login, case = statistics.median(logins), statistics.median(cases)
        medians[size] = (login, case)
        signed = statistics.median(after)
        rows.append(("login painted", f"{size:,}", login * 1e3, login / window))
        rows.append(("first case painted", f"{size:,}", case * 1e3, case / window))
        rows.append(("(sign-in to first case)", f"{size:,}", signed * 1e3, signed / window))
    print_table(("fresh process to", "cases", "median ms", "x empty window"), rows)
    login10k, case10k = medians[SIZES[0]]
    print(verdict("login painted / empty window (10,000)", login10k / window, 3, at_most=True))
    print(verdict("first case painted / empty window (10,000)", case10k / window, 6, at_most=True))
    if MILLION in medians:
        login1m, case1m = medians[MILLION]
        print(verdict("login painted / empty window (1M)", login1m / window, 3, at_most=True))
        print(verdict("first case painted / empty window (1M)", case1m / window, 6, at_most=True))
        print(verdict("first case painted, 1M / 10,000", case1m / case10k, 1.2, at_most=True))


if __name__ == "__main__":
    run(sys.argv[1:])
