"""Camera-like pictures drawn in code: detailed texture at every scale, sensor noise.

Nothing upscaled: every pixel gets its own detail and noise, as a phone photo does, so
JPEG decoders and filters meet the entropy they meet in real uploads. No real media.
"""

from __future__ import annotations

from io import BytesIO

import cv2
import numpy as np
from PIL import Image


def camera_picture(size: tuple[int, int] = (4000, 3000), seed: int = 7) -> np.ndarray:
    """An RGB uint8 picture of size (w, h): textured scene, edges, text, sensor noise."""
    w, h = size
    rng = np.random.default_rng(seed)
    light = np.zeros((h, w), np.float32)
    octave = 1
    while 2**octave <= w // 2:
        cells = 2**octave
        noise = rng.normal(0, 1, (max(2, cells * h // w), cells)).astype(np.float32)
        light += cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC) * (40 / octave**0.7)
        octave += 1
    chroma = cv2.resize(
        rng.normal(0, 18, (6, 8, 3)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC
    )
    img = light[..., None] + chroma + np.float32(118)
    u = w / 100
    for _ in range(40):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        colour = tuple(float(c) for c in rng.integers(30, 230, 3))
        cv2.rectangle(img, (x, y), (x + int(rng.integers(2, 12) * u), y + int(2 * u)), colour, -1)
    for _ in range(30):
        cv2.putText(
            img,
            "VEIL 1042 SAMPLE TEXT",
            (int(rng.integers(0, w // 2)), int(rng.integers(0, h))),
            cv2.FONT_HERSHEY_SIMPLEX,
            u * 0.05,
            (235, 235, 235),
            max(1, round(u * 0.12)),
            cv2.LINE_AA,
        )
    img += rng.normal(0, 4, img.shape).astype(np.float32)  # sensor noise, per pixel
    return np.clip(img, 0, 255).astype(np.uint8)


def camera_jpeg(size: tuple[int, int] = (4000, 3000), quality: int = 92) -> bytes:
    """camera_picture saved as a JPEG (4:2:0, as phones save)."""
    buf = BytesIO()
    Image.fromarray(camera_picture(size)).save(buf, "JPEG", quality=quality)
    return buf.getvalue()
