"""Demo data for the review workflow: SLA states that look like a working day, and media
that forms a few near-duplicate clusters (and otherwise does not).

Reported times are drawn against each case's own SLA so the demo queues show cases well
within their SLA, some about to breach it and a handful just past it. Safe photos are cut into
distinct crops so unrelated cases do not look alike, while CLUSTERS reuse one picture
with slight crops, noise and re-encoding, the way re-uploads of the same picture arrive.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from app.log.paths import resources_dir

SAFE_PHOTOS = ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg")
# Case numbers (0-based demo index) that share one picture, by cluster.
CLUSTERS: dict[str, tuple[int, ...]] = {
    "phishing-flyer": (6, 14, 22, 30),
    "violent-clip-still": (7, 15, 39),
    "miracle-cure-meme": (4, 12, 46),
}
# A working morning: most SLA clocks running, about one case in eight near its deadline and a
# handful just past it. Overdue cases are only ever a few minutes late on a short SLA, and
# the near ones on a long SLA are nearly spent, so the top of the claim order (see
# app/domain/priority.py) is a case still on time: a new reviewer starts with decisions
# that count as on time.
OVERDUE_SHARE, NEAR_SHARE = 0.06, 0.08
SHORT_SLA_MINUTES = 240
OVERDUE_MINUTES = (2.0, 20.0)


def reported_at_for(now: datetime, sla_minutes: int, rng: np.random.Generator) -> datetime:
    """A report time that puts the case on time, near its deadline or (rarely) past it."""
    pick = rng.random()
    if pick < OVERDUE_SHARE and sla_minutes <= SHORT_SLA_MINUTES:
        late = float(rng.uniform(*OVERDUE_MINUTES))
        return now - timedelta(minutes=sla_minutes + late)
    if pick < OVERDUE_SHARE + NEAR_SHARE:
        low = 0.9 if sla_minutes > SHORT_SLA_MINUTES else 0.78
        return now - timedelta(minutes=sla_minutes * float(rng.uniform(low, 0.97)))
    return now - timedelta(minutes=sla_minutes * float(rng.uniform(0.03, 0.7)))


def cluster_of(n: int) -> tuple[str, int] | None:
    """(cluster name, member index) of a demo case, or None."""
    for name, members in CLUSTERS.items():
        if n in members:
            return name, members.index(n)
    return None


@functools.cache
def photo(name: str) -> np.ndarray:
    """A bundled safe photo as RGB (decoded once; callers only slice it)."""
    bgr = cv2.imread(str(resources_dir() / "demo" / name), cv2.IMREAD_COLOR)
    if bgr is None:
        raise FileNotFoundError(f"demo photo {name} is missing from resources/demo")
    rgb = np.ascontiguousarray(bgr[:, :, ::-1])
    rgb.setflags(write=False)  # shared by every caller: a write would change them all
    return rgb


def distinct_crop(n: int) -> np.ndarray:
    """A crop of a safe photo that no other demo case gets (scale, place, mirror)."""
    img = photo(SAFE_PHOTOS[n % len(SAFE_PHOTOS)])
    k = n // len(SAFE_PHOTOS)
    scale = (0.5, 0.65, 0.8)[k % 3]
    place = (k // 3) % 9
    h, w = img.shape[:2]
    ch, cw = int(h * scale), int(w * scale)
    y = (place // 3) * (h - ch) // 2
    x = (place % 3) * (w - cw) // 2
    out = img[y : y + ch, x : x + cw]
    if (k // 27) % 2:
        out = out[:, ::-1]
    return np.ascontiguousarray(out)


def near_duplicate(base: np.ndarray, member: int, seed: int) -> np.ndarray:
    """Member `member` of a cluster: the base with a slight crop, noise and a resize."""
    if member == 0:
        return base
    rng = np.random.default_rng(seed * 31 + member)
    h, w = base.shape[:2]
    dy, dx = int(h * 0.01 * member), int(w * 0.008 * member)
    out = base[dy : h - dy // 2, dx : w - dx // 2]
    noisy = out.astype(np.int16) + rng.normal(0, 6, out.shape).astype(np.int16)
    out = noisy.clip(0, 255).astype(np.uint8)
    size = (max(16, int(out.shape[1] * 0.9)), max(16, int(out.shape[0] * 0.9)))
    return np.ascontiguousarray(cv2.resize(out, size, interpolation=cv2.INTER_AREA))


def write_picture(path: Path, rgb: np.ndarray) -> None:
    """Save an RGB picture (PNG, or JPEG at quality 80 for .jpg)."""
    params = [cv2.IMWRITE_JPEG_QUALITY, 80] if path.suffix == ".jpg" else []
    cv2.imwrite(str(path), np.ascontiguousarray(rgb[:, :, ::-1]), params)
