"""Filtered video playback frames/s against decode-only on the same 1080p file.

Target: playback through filtered_frames (decode on a worker thread, RGB display frames,
default blur 4.7% of the short side + grayscale) runs at >= 0.6x the frame rate of a
bare cv2.VideoCapture read loop (BGR frames, no conversion, no filter). The file is
written here with cv2.VideoWriter 'mp4v': 1920 x 1080, 120 frames of a sample photo
panning and zooming. Runs alternate between the two loops; medians of the per-run rates
are compared. The sequential loop (decode then filter, one thread) and face-blur
playback (detection every 6th frame) are shown for information.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from app.imaging.pipeline import DEFAULT_PIPELINE, parse_preset
from app.imaging.video import VideoReader, filtered_frames
from app.log.paths import resources_dir
from bench._util import print_table, verdict

SOURCE = str(resources_dir() / "demo" / "astronaut.png")
SIZE = (1920, 1080)
FRAMES = 120
FACES = parse_preset([{"filter": "blur", "strength": 0.047}, {"filter": "face_blur"}], "bench")


def write_clip(path: Path) -> Path:
    """A 1080p mp4v clip of astronaut.png slowly zooming and panning."""
    with Image.open(SOURCE) as im:
        still = cv2.cvtColor(np.asarray(im.convert("RGB")), cv2.COLOR_RGB2BGR)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30.0, SIZE)
    for n in range(FRAMES):
        zoom = 2.2 + 0.004 * n
        matrix = np.float32([[zoom, 0, 300 - 3 * n], [0, zoom, -20 - n]])
        writer.write(cv2.warpAffine(still, matrix, SIZE, borderMode=cv2.BORDER_REFLECT))
    writer.release()
    return path


def decode_only(path: Path) -> int:
    """Read every frame with a bare VideoCapture; returns the count."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    count = 0
    while cap.read()[0]:
        count += 1
    cap.release()
    return count


def playback(path: Path, frames: Callable[[VideoReader], Iterable[object]]) -> int:
    """Consume a playback iterator over a fresh reader; returns the frame count."""
    with VideoReader(path, max_side=1920) as reader:
        return sum(1 for _ in frames(reader))


def sequential(reader: VideoReader) -> Iterable[object]:
    """Decode then filter on one thread, for comparison."""
    return (DEFAULT_PIPELINE.apply(frame) for frame in reader.frames())


def rate(fn: Callable[[], int]) -> float:
    """Frames per second of one run of fn."""
    start = time.perf_counter()
    count = fn()
    return count / (time.perf_counter() - start)


def run() -> None:
    """Time the loops; print a table and the verdict line."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_clip(Path(tmp) / "clip.mp4")
        loops: dict[str, Callable[[], int]] = {
            "decode only": lambda: decode_only(path),
            "filtered playback": lambda: playback(
                path, lambda r: filtered_frames(r, DEFAULT_PIPELINE)
            ),
            "sequential filtered": lambda: playback(path, sequential),
            "face-blur playback": lambda: playback(path, lambda r: filtered_frames(r, FACES)),
        }
        rates: dict[str, list[float]] = {name: [] for name in loops}
        for _ in range(5):
            for name, fn in loops.items():
                rates[name].append(rate(fn))
    fps = {name: statistics.median(r) for name, r in rates.items()}
    base = fps["decode only"]
    print_table(
        ["loop", "frames/s", "x decode-only"],
        [[name, value, value / base] for name, value in fps.items()],
    )
    print(
        verdict(
            "filtered playback / decode-only", fps["filtered playback"] / base, 0.6, at_most=False
        )
    )
