"""Face blur on a 1080p frame (astronaut.png scaled into it): target <= 100 ms.

The frame is 1920 x 1080 mid-gray with astronaut.png scaled to 1080 x 1080 in the
middle, so the one frontal face is about 220 px wide. blur_faces runs the Haar cascade
on a 640 px copy and blurs the found boxes at full size; detection and the blur alone
are shown for information. Medians of 15 runs after a warm-up (the warm-up also loads the
cascade, which a long-running viewer does once per thread).
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from app.imaging.faces import detect_faces
from app.imaging.filters import blur_faces
from app.log.paths import resources_dir
from bench._util import print_table, verdict
from bench.filters import interleaved

SOURCE = str(resources_dir() / "demo" / "astronaut.png")


def frame_1080p() -> np.ndarray:
    """The benchmark frame, RGB uint8."""
    with Image.open(SOURCE) as im:
        face = cv2.resize(
            np.asarray(im.convert("RGB")), (1080, 1080), interpolation=cv2.INTER_CUBIC
        )
    frame = np.full((1080, 1920, 3), 96, np.uint8)
    frame[:, 420:1500] = face
    return frame


def run() -> None:
    """Time face blur; print a table and the verdict line."""
    frame = frame_1080p()
    boxes = detect_faces(frame)
    t = interleaved(
        {
            "blur_faces": lambda: blur_faces(frame),
            "detect only": lambda: detect_faces(frame),
            "blur given boxes": lambda: blur_faces(frame, 1.0, boxes),
        },
        rounds=15,
    )
    print_table(
        ["step", "ms", "faces found"],
        [[name, seconds * 1e3, len(boxes)] for name, seconds in t.items()],
    )
    if not boxes:
        print("no face found: the timing below measures a detector that missed")
    print(verdict("face blur 1080p ms", t["blur_faces"] * 1e3, 100, at_most=True))
