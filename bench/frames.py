"""Animation frame stepping (GIF, WebP) in the viewer's path against Pillow decode alone.

What a reviewer waits for when stepping through an animation with the . key: the viewer
reads each frame through one open frame source (app.imaging.frames.open_frames, as the
frame panel's stepper does), at display size, and filters it (default blur 24 +
grayscale). The baseline, measured in the same run on the same file, is decode alone:
Pillow's seek + convert("RGB") over every frame, no resize, no filter.
Target: stepping forward runs at >= 0.5x the decode-alone frame rate. Stepping back
(frames kept in memory) is shown for information. The files are written here: 640 x 480,
90 frames of a sample photo panning.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from app.imaging.frames import open_frames
from app.imaging.pipeline import DEFAULT_PIPELINE
from app.log.paths import resources_dir
from bench._util import print_table, verdict

SOURCE = resources_dir() / "demo" / "astronaut.png"
SIZE = (640, 480)
FRAMES = 90
PLAY_MAX_SIDE = 1280  # the frame panel's display size
RUNS = 3


def write_animation(path: Path, fmt: str) -> Path:
    """A 90-frame animation of astronaut.png panning."""
    with Image.open(SOURCE) as im:
        still = np.asarray(im.convert("RGB"))
    frames = []
    for n in range(FRAMES):
        matrix = np.float32([[1.4, 0, -40 - 2 * n], [0, 1.4, -30 - n]])
        frames.append(Image.fromarray(cv2.warpAffine(still, matrix, SIZE)))
    options = {"quality": 80} if fmt == "WEBP" else {}
    frames[0].save(
        path, fmt, save_all=True, append_images=frames[1:], duration=40, loop=0, **options
    )
    return path


def decode_alone(path: Path) -> int:
    """Every frame through Pillow's seek + convert; returns the count."""
    with Image.open(path) as im:
        for index in range(im.n_frames):
            im.seek(index)
            im.convert("RGB")
        return int(im.n_frames)


def step_forward(path: Path) -> int:
    """The viewer's path: one open source, each frame read at display size and filtered."""
    with open_frames(path, "animation", PLAY_MAX_SIDE) as reader:
        for index in range(reader.frame_count):
            DEFAULT_PIPELINE.apply(reader.read(index))
        return reader.frame_count


def step_back(path: Path) -> int:
    """Forward through every frame untimed, then back to the first, timed."""
    with open_frames(path, "animation", PLAY_MAX_SIDE) as reader:
        for index in range(reader.frame_count):
            reader.read(index)
        start = time.perf_counter()
        for index in reversed(range(reader.frame_count)):
            DEFAULT_PIPELINE.apply(reader.read(index))
        return -int((time.perf_counter() - start) * 1e9)  # negative: ns, see rate()


def rate(fn: Callable[[], int]) -> float:
    """Frames per second of one run of fn (fn may time itself, returning -ns)."""
    start = time.perf_counter()
    result = fn()
    if result < 0:
        return FRAMES / (-result / 1e9)
    return result / (time.perf_counter() - start)


def run() -> None:
    """Time decode alone and stepping for a GIF and a WebP; print tables and verdicts."""
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, name in (("GIF", "pan.gif"), ("WEBP", "pan.webp")):
            path = write_animation(Path(tmp) / name, fmt)
            loops: dict[str, Callable[[], int]] = {
                "decode alone (Pillow seek + convert)": lambda p=path: decode_alone(p),
                "viewer: step forward (read + filter)": lambda p=path: step_forward(p),
                "viewer: step back (kept frames + filter)": lambda p=path: step_back(p),
            }
            rates: dict[str, list[float]] = {label: [] for label in loops}
            for _ in range(RUNS):  # interleaved, so drift hits every loop alike
                for label, fn in loops.items():
                    rates[label].append(rate(fn))
            medians = {label: statistics.median(r) for label, r in rates.items()}
            base = medians["decode alone (Pillow seek + convert)"]
            print(f"-- {fmt} {SIZE[0]}x{SIZE[1]}, {FRAMES} frames, median of {RUNS} runs")
            print_table(
                ["loop", "frames/s", "x decode alone"],
                [[label, fps, fps / base] for label, fps in medians.items()],
            )
            forward = medians["viewer: step forward (read + filter)"] / base
            print(verdict(f"{fmt} stepping / decode alone", forward, 0.5, at_most=False))
