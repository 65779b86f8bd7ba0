"""A procedurally drawn, detailed scene with a face-like figure, at any size.

The same picture at every size: it is drawn once at the largest size asked for and
area-scaled down, as a photo re-uploaded smaller would be. No real media.
"""

from __future__ import annotations

import cv2
import numpy as np

ASPECT = 3 / 4  # height / width, like a phone photo
# Noise amplitude of the coarsest octave and how fast finer octaves fade.
AMP, FALL = 40, 0.7


def draw_scene(width: int = 3200) -> np.ndarray:
    """The scene, width x width*3/4, RGB uint8: textured ground, shapes, text, a face."""
    h, w = round(width * ASPECT), width
    rng = np.random.default_rng(12)
    u = w / 100  # drawing unit: 1 % of the width
    # Textured ground: noise octaves from coarse to fine, falling off like a photo's, in
    # muted colours (a photo's colour is mostly its brightness).
    light = np.zeros((h, w), np.float32)
    for octave in range(2, 11):
        cells = 2**octave
        noise = rng.normal(0, 1, (max(2, cells * 3 // 4), cells)).astype(np.float32)
        light += cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC) * (AMP / octave**FALL)
    tint = np.array([1.0, 1.04, 0.92], np.float32)
    img = np.clip((light[..., None] + 115) * tint, 0, 255).astype(np.uint8)
    # Bricks on the left: regular high-detail structure.
    for row in range(0, round(40 * u), round(3 * u)):
        for col in range(0, round(30 * u), round(6 * u)):
            shift = round(3 * u) if (row // round(3 * u)) % 2 else 0
            x0, y0 = col + shift, row + round(5 * u)
            cv2.rectangle(
                img, (x0, y0), (x0 + round(5.6 * u), y0 + round(2.6 * u)), (140, 118, 108), -1
            )
    # Text lines on the right: the finest detail.
    for n in range(8):
        cv2.putText(
            img,
            "CASE 1042 REPORTED",
            (round(62 * u), round((8 + 4 * n) * u)),
            cv2.FONT_HERSHEY_SIMPLEX,
            u * 0.045,
            (240, 240, 240),
            max(1, round(u * 0.15)),
            cv2.LINE_AA,
        )
    # A red splash (what mute_red is for).
    cv2.circle(img, (round(80 * u), round(60 * u)), round(7 * u), (150, 75, 72), -1)
    # The face-like figure in the middle.
    cx, cy = round(45 * u), round(42 * u)
    cv2.ellipse(
        img,
        (cx, cy + round(22 * u)),
        (round(16 * u), round(12 * u)),
        0,
        180,
        360,
        (80, 86, 104),
        -1,
    )
    cv2.ellipse(
        img, (cx, cy - round(3 * u)), (round(11 * u), round(13 * u)), 0, 180, 360, (60, 40, 25), -1
    )
    cv2.ellipse(img, (cx, cy), (round(9 * u), round(12 * u)), 0, 0, 360, (196, 168, 150), -1)
    for side in (-1, 1):
        ex = cx + side * round(3.8 * u)
        cv2.ellipse(
            img,
            (ex, cy - round(2 * u)),
            (round(2 * u), round(1 * u)),
            0,
            0,
            360,
            (245, 245, 240),
            -1,
        )
        cv2.circle(img, (ex, cy - round(2 * u)), round(0.7 * u), (50, 35, 25), -1)
        cv2.line(
            img,
            (ex - round(2 * u), cy - round(4.5 * u)),
            (ex + round(2 * u), cy - round(4.8 * u)),
            (70, 45, 30),
            max(1, round(0.6 * u)),
        )
    cv2.line(
        img,
        (cx, cy - round(1 * u)),
        (cx - round(1 * u), cy + round(3 * u)),
        (160, 110, 90),
        max(1, round(0.4 * u)),
    )
    cv2.ellipse(
        img,
        (cx, cy + round(6 * u)),
        (round(3 * u), round(1 * u)),
        0,
        0,
        180,
        (150, 50, 50),
        max(1, round(0.5 * u)),
    )
    return img


def at_width(scene: np.ndarray, width: int) -> np.ndarray:
    """The scene area-scaled to width (never larger than drawn)."""
    h, w = scene.shape[:2]
    if width >= w:
        return scene.copy()
    return cv2.resize(scene, (width, round(width * h / w)), interpolation=cv2.INTER_AREA)
