"""12 MP camera-like JPEG to a filtered display frame, against one full cv2.imdecode.

Target: decode_for_display(path, 1600) plus the default filter (blur 4.7% + grayscale)
at the display size (a 1,600 x 900 picture area) costs at most 0.6x one full-size
cv2.imdecode of the same bytes. The JPEG is drawn in code at 4000 x 3000 with detail at
every scale and per-pixel sensor noise, saved at quality 92 (bench/_camera.py): no
upscaling, so it holds a camera file's entropy (several MB). Both sides run
interleaved, medians compared.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import numpy as np

from app.imaging.decode import decode_for_display
from app.imaging.pipeline import DEFAULT_PIPELINE
from app.imaging.prep import frame_for_display
from bench._camera import camera_jpeg
from bench._util import print_table, verdict
from bench.filters import interleaved

SIZE = (4000, 3000)
DISPLAY_SIDE = 1600
AREA = (1600, 900)


def twelve_megapixel_jpeg() -> bytes:
    """The benchmark JPEG's bytes."""
    return camera_jpeg(SIZE)


def _filtered(path: Path) -> np.ndarray:
    raw = decode_for_display(path, DISPLAY_SIDE).frames[0]
    return DEFAULT_PIPELINE.apply(frame_for_display(raw, AREA))


def run() -> None:
    """Time both paths; print a table and the verdict line."""
    data = twelve_megapixel_jpeg()
    raw = np.frombuffer(data, np.uint8)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "photo.jpg"
        path.write_bytes(data)
        frame = decode_for_display(path, DISPLAY_SIDE).frames[0]
        t = interleaved(
            {
                "imdecode": lambda: cv2.imdecode(raw, cv2.IMREAD_COLOR),
                "display": lambda: decode_for_display(path, DISPLAY_SIDE),
                "filtered": lambda: _filtered(path),
            },
            rounds=15,
        )
    ratio = t["filtered"] / t["imdecode"]
    print_table(
        ["JPEG", "bytes", "imdecode ms", "display decode ms", "+ filter ms", "display", "ratio"],
        [
            [
                f"{SIZE[0]}x{SIZE[1]}",
                len(data),
                t["imdecode"] * 1e3,
                t["display"] * 1e3,
                t["filtered"] * 1e3,
                f"{frame.shape[1]}x{frame.shape[0]}",
                ratio,
            ]
        ],
    )
    print(verdict("filtered display frame / full imdecode", ratio, 0.6, at_most=True))
