"""Demo data: about 200 synthetic cases across every policy, severity and media kind.

Nothing harmful is ever drawn. Safe photos come from resources/demo/ (see LICENSES.md
there); "graphic" items are procedural stand-ins (shapes, noise, red tones); hateful or
abusive text is represented by bracketed placeholders (app/demo/texts.py). The data goes
in through the real intake path (JSONL + media folder), as a real import does.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import cv2
import numpy as np

from app.demo.progress import Progress, quiet
from app.demo.review import (
    CLUSTERS,
    cluster_of,
    distinct_crop,
    near_duplicate,
    reported_at_for,
    write_picture,
)
from app.demo.texts import report_words
from app.domain.people import Accounts
from app.domain.policies import PolicySet
from app.domain.queues import bundled_queues
from app.log.clock import iso
from app.log.store import LocalStore
from app.review.intake import Intake, IntakeReport

SAFE_PHOTOS = ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg")
CASE_COUNT = 200
DEMO_USERS = (
    ("mod", "moderator", "Maya", ()),
    ("analyst", "analyst", "Ari", ("child_safety",)),
    ("lead", "lead", "Lee", ("child_safety",)),
)
GRAPHIC = {"violent_graphic", "self_harm", "adult_nudity", "child_safety"}


@dataclass(frozen=True)
class DemoLogin:
    """A demo account and its password, printed on first start and kept owner-only in
    demo-logins.txt in the data dir (app/demo/logins.py)."""

    username: str
    role: str
    password: str


def seed_demo(
    store: LocalStore,
    policies: PolicySet,
    seed: int = 7,
    progress: Progress = quiet,
    count: int = CASE_COUNT,
) -> tuple[IntakeReport, list[DemoLogin]]:
    """Create the demo users and `count` cases; returns the intake report and the logins.

    progress hears one line per step (users, reports and media written, intake)."""
    logins = _users(store)
    progress(f"demo people: {len(logins)} logins")
    with tempfile.TemporaryDirectory(prefix="veil-demo-") as tmp:
        folder = Path(tmp)
        feed = write_demo_feed(folder, policies, store.clock.now(), seed, count)
        media = sum(1 for p in folder.iterdir() if p != feed)
        progress(f"demo reports: {count} written, with {media} media files")
        report = Intake(store, policies, actor="intake").import_file(feed, folder)
        progress(f"intake: {report.summary()}")
    return report, logins


def write_demo_feed(
    folder: Path, policies: PolicySet, now: datetime, seed: int = 7, count: int = CASE_COUNT
) -> Path:
    """The demo reports as a JSONL file in folder, their media beside it (for any intake)."""
    lines = _cases(folder, policies, now, np.random.default_rng(seed), count)
    feed = folder / "demo-reports.jsonl"
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return feed


def _users(store: LocalStore) -> list[DemoLogin]:
    accounts = Accounts(store)
    logins = []
    for username, role, display, clearances in DEMO_USERS:
        password = f"{username}-{secrets.token_hex(3)}"
        accounts.add(username, password, role, display, clearances)
        logins.append(DemoLogin(username, role, password))
    return logins


def _cases(
    folder: Path, policies: PolicySet, now: datetime, rng: np.random.Generator, count: int
) -> list[dict]:
    categories = policies.ids()
    queues = bundled_queues(policies)
    lines = []
    jobs: list[Callable[[], None]] = []
    for n in range(count):
        category = categories[n % len(categories)]
        policy = policies[category]
        severity = 1 + (n // len(categories)) % len(policy.severity_labels)
        subcategory = list(policy.subcategories)[n % len(policy.subcategories)]
        # On time, near the deadline or past it, against this case's own SLA.
        sla = queues.route(category, severity).sla_minutes[severity]
        reported = reported_at_for(now, sla, rng)
        media, job = _media_for(folder, n, category, severity, rng)
        if job is not None:
            jobs.append(job)
        # A text-only report always has its text; others quote it now and then.
        words = report_words(category, rng, with_text=not media or n % 3 == 0)
        lines.append(
            {
                "external_id": f"demo-{n + 1:04d}",
                "category": category,
                "subcategory": subcategory,
                "severity": severity,
                "title": words.title,
                "report_reason": words.report_reason,
                "text": words.text,
                "reported_at": iso(reported),
                "report_count": words.report_count,
                "media": media,
            }
        )
    _run_all(jobs)
    return lines


def _run_all(jobs: list[Callable[[], None]]) -> None:
    """Draw and encode the media on every core: OpenCV and numpy let go of the GIL, and each
    job has its own seed, so the files do not depend on the order they are written in."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for done in [pool.submit(job) for job in jobs]:
            done.result()


def _media_for(
    folder: Path, n: int, category: str, severity: int, rng: np.random.Generator
) -> tuple[list[str], Callable[[], None] | None]:
    """The media file names of case n, and the job that writes them (run later, in parallel)."""
    if n % 10 == 3:
        return [], None  # text-only case
    if n % 13 == 5:
        name = f"clip-{n:04d}.mp4"
        return [name], partial(write_video, folder / name, category in GRAPHIC, n)
    cluster = cluster_of(n)
    if cluster is not None:
        # A near-duplicate: the cluster's picture, slightly cropped, noisy, re-encoded.
        name, member = cluster
        index = list(CLUSTERS).index(name)
        file = f"{name}-{member}.{'jpg' if member % 2 else 'png'}"
        return [file], partial(_write_cluster_member, folder / file, n, index, member)
    if category in GRAPHIC:
        name = f"standin-{n:04d}.png"
        seed = int(rng.integers(2**32))
        return [name], partial(_write_standin, folder / name, seed, severity)
    # A crop of a safe photo that no other case gets: unrelated cases must not cluster.
    name = f"photo-{n:04d}.png"
    return [name], partial(_write_photo, folder / name, n)


def _write_cluster_member(path: Path, n: int, index: int, member: int) -> None:
    base = standin_image(np.random.default_rng(99 + index), 3) if n % 8 == 7 else None
    base = distinct_crop(200 + 4 * index) if base is None else base
    write_picture(path, near_duplicate(base, member, index))


def _write_photo(path: Path, n: int) -> None:
    write_picture(path, distinct_crop(n))


def _write_standin(path: Path, seed: int, severity: int) -> None:
    cv2.imwrite(str(path), standin_image(np.random.default_rng(seed), severity)[:, :, ::-1])


def standin_image(
    rng: np.random.Generator, severity: int, size: tuple[int, int] = (480, 640)
) -> np.ndarray:
    """A procedural "graphic" stand-in (RGB): dark noise, shapes and red splashes, no content."""
    h, w = size
    noise = rng.standard_normal((h, w, 3), dtype=np.float32) * 25 + 60
    img = noise.clip(0, 255).astype(np.uint8)
    for _ in range(6 + 4 * severity):
        center = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        color = (int(rng.integers(120, 255)), int(rng.integers(0, 60)), int(rng.integers(0, 60)))
        cv2.circle(img, center, int(rng.integers(8, 30 + 20 * severity)), color, -1)
    for _ in range(5):
        pts = rng.integers(0, min(h, w), (4, 2)).astype(np.int32)
        gray = int(rng.integers(80, 200))
        cv2.fillPoly(img, [pts], (gray, gray, gray))
    return cv2.GaussianBlur(img, (5, 5), 0)


def write_video(
    path: Path, red: bool, seed: int, frames: int = 36, size: tuple[int, int] = (320, 240)
) -> None:
    """A short synthetic MP4 (moving shapes; red-toned when it stands in for graphic media)."""
    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 12.0, (w, h))
    rng = np.random.default_rng(seed)
    base = rng.integers(30, 90, (h, w, 3)).astype(np.uint8)
    # A few large blocks of their own per seed, so two demo clips never look alike.
    for _ in range(4):
        x, y = int(rng.integers(0, w - 80)), int(rng.integers(0, h - 60))
        shade = tuple(int(v) for v in rng.integers(60, 200, 3))
        cv2.rectangle(base, (x, y), (x + int(rng.integers(60, 160)), y + 60), shade, -1)
    for i in range(frames):
        frame = base.copy()
        color = (40, 40, 220) if red else (200, 160, 60)  # BGR
        cv2.circle(frame, (20 + i * 8 % (w - 40), h // 2), 24, color, -1)
        cv2.rectangle(frame, (w - 60 - i, 30), (w - 20 - i, 70), (220, 220, 220), -1)
        writer.write(frame)
    writer.release()
