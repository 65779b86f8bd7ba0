"""Face detection for the face-blur filter: OpenCV's bundled Haar cascade, run small.

A cascade over a full 1080p frame costs several hundred milliseconds; over a copy whose
long side is 640 px it costs about 40-60 ms. The price: faces narrower than 24 px in
that copy (about 1/27 of the frame's long side, 72 px in 1080p) are not found. Only
frontal faces are looked for; profiles and covered faces can be missed, so face blur is
an addition to a whole-frame filter, never a replacement (see pipeline.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import cv2
import cv2.data
import numpy as np

from app.imaging.scale import shrink_to

Box = tuple[int, int, int, int]
"""A face as (x, y, w, h) in the pixels of the frame it was found in."""

_CASCADE_FILE = "haarcascade_frontalface_default.xml"
_DETECT_SIDE = 640
# Hair, ears and chin lie outside the cascade's box; a quarter more on each side covers them.
_MARGIN = 0.25
_local = threading.local()


def detect_faces(img: np.ndarray) -> list[Box]:
    """Faces in an RGB frame, found on a downscaled gray copy, in full-size pixels."""
    h, w = img.shape[:2]
    scale = min(1.0, _DETECT_SIDE / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = shrink_to(img, size)
    gray = cv2.equalizeHist(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY))
    found = _cascade().detectMultiScale(gray, scaleFactor=1.15, minNeighbors=5, minSize=(24, 24))
    rows = np.asarray(found, dtype=np.float64).reshape(-1, 4) / scale
    return [(round(x), round(y), round(bw), round(bh)) for x, y, bw, bh in rows.tolist()]


def face_cover(shape: tuple[int, ...], boxes: Sequence[Box]) -> list[Box]:
    """Boxes grown by the margin and clipped to the frame, as (x0, y0, x1, y1)."""
    h, w = shape[:2]
    covers = []
    for x, y, bw, bh in boxes:
        dx, dy = round(bw * _MARGIN), round(bh * _MARGIN)
        x0, y0 = max(0, x - dx), max(0, y - dy)
        x1, y1 = min(w, x + bw + dx), min(h, y + bh + dy)
        if x1 > x0 and y1 > y0:
            covers.append((x0, y0, x1, y1))
    return covers


def _cascade() -> cv2.CascadeClassifier:
    # A CascadeClassifier is not safe to share between threads; loading one costs about
    # 20 ms, so each decode thread keeps its own.
    cascade = getattr(_local, "cascade", None)
    if cascade is None:
        path = Path(cv2.data.haarcascades) / _CASCADE_FILE
        cascade = cv2.CascadeClassifier(str(path))
        if cascade.empty():
            raise RuntimeError(f"cannot load the face detector from {path}")
        _local.cascade = cascade
    return cascade
