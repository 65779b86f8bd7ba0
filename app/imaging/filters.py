"""Wellbeing filters: pure functions from an RGB uint8 HxWx3 array to a new one.

Every filter returns a new C-contiguous array of the input's shape and leaves its input
untouched. Strengths: `radius` and `block` are in pixels; every other strength runs from
0 (no effect) to 1 (full effect).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from app.imaging.faces import Box, detect_faces, face_cover

# The pyramid blur shrinks by the largest power of two that keeps sigma / factor >= 1 and
# the small picture's short side >= 64 px (>= 16 px under a blur 4x wider than a small
# pixel, so thumbnails stay cheap at any radius). Measured against an exact Gaussian (see
# bench/filters.py): >= 46 dB PSNR on photos and white noise from 300 px to 4K, sigma
# 4..128; >= 43 dB on 160 x 90 thumbnails. A larger factor is cheaper.
_MIN_SIGMA_PER_STEP = 1.0
_MIN_SMALL_SIDE = 64
_MIN_TINY_SIDE, _TINY_SIGMA_PER_STEP = 16, 4.0
# Below this sigma a direct Gaussian is cheap, and a 2x box would alias fine texture.
_MIN_PYRAMID_SIGMA = 4.0
_INK, _PAPER = 48, 208


def grayscale(img: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """Desaturate: 1 is full gray (all three channels equal), 0 leaves colour."""
    _check(img)
    gray = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    if strength >= 1:
        return gray
    return cv2.addWeighted(gray, strength, img, 1 - strength, 0)


def fast_blur(img: np.ndarray, radius: float) -> np.ndarray:
    """Gaussian blur with sigma = radius (as Pillow's GaussianBlur), cost independent of it."""
    _check(img)
    return _pyramid_blur(img, radius)


def blurred_grayscale(img: np.ndarray, radius: float, *, bgr: bool = False) -> np.ndarray:
    """fast_blur then full grayscale, fused: the two commute, so gray is taken small.

    bgr=True reads img in OpenCV's BGR order (video frames), sparing a full-frame
    conversion; the result is the same gray RGB picture either way.
    """
    _check(img)
    to_gray = cv2.COLOR_BGR2GRAY if bgr else cv2.COLOR_RGB2GRAY
    return cv2.cvtColor(_pyramid_blur(img, radius, gray=to_gray), cv2.COLOR_GRAY2RGB)


def pixelate(img: np.ndarray, block: float) -> np.ndarray:
    """Mosaic of block x block squares from the top-left, each the mean of what it covers."""
    _check(img)
    h, w = img.shape[:2]
    block = max(1, round(block))
    rows, cols = -(-h // block), -(-w // block)
    # Padding to whole blocks keeps every square exactly block wide, edges included.
    padded = cv2.copyMakeBorder(img, 0, rows * block - h, 0, cols * block - w, cv2.BORDER_REPLICATE)
    small = cv2.resize(padded, (cols, rows), interpolation=cv2.INTER_AREA)
    big = cv2.resize(small, (cols * block, rows * block), interpolation=cv2.INTER_NEAREST)
    return np.ascontiguousarray(big[:h, :w])


def mute_red(img: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """Pull reds (blood) toward their own luminance gray; other hues are kept."""
    _check(img)
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    weight = _RED_WEIGHT[hsv[..., 0]] * np.float32(min(max(strength, 0.0), 1.0))
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32)[..., None]
    mixed = img + weight[..., None] * (gray - img)
    return np.rint(mixed).astype(np.uint8)


def _red_weight() -> np.ndarray:
    # OpenCV hue runs 0..179 (2 degrees a step); full weight within 20 degrees of red,
    # fading out by 45 degrees, so skin (about 25 degrees) is only partly grayed.
    degrees = np.minimum(np.arange(180), 180 - np.arange(180)) * 2.0
    return np.clip((45 - degrees) / 25, 0, 1).astype(np.float32)


_RED_WEIGHT = _red_weight()


def outline(img: np.ndarray, strength: float = 0.5) -> np.ndarray:
    """Dark edge lines on flat paper: shapes stay readable, texture and colour do not.

    Strength 0 keeps fine edges, 1 keeps only the coarse shapes.
    """
    _check(img)
    h, w = img.shape[:2]
    sigma = (1.0 + 5.0 * min(max(strength, 0.0), 1.0)) * max(1.0, max(h, w) / 1024)
    smooth = _pyramid_blur(img, sigma, gray=cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(smooth, 20, 50, L2gradient=True)
    edges = cv2.dilate(edges, np.ones((2, 2), np.uint8))
    paper = np.full((h, w), _PAPER, np.uint8)
    paper[edges > 0] = _INK
    return cv2.cvtColor(paper, cv2.COLOR_GRAY2RGB)


def blur_faces(
    img: np.ndarray, strength: float = 1.0, boxes: Sequence[Box] | None = None
) -> np.ndarray:
    """Blur every detected face (or the given boxes) beyond recognition; rest untouched.

    Video playback passes `boxes` found on an earlier frame to skip detection.
    """
    _check(img)
    out = img.copy()
    for x0, y0, x1, y1 in face_cover(img.shape, detect_faces(img) if boxes is None else boxes):
        region = out[y0:y1, x0:x1]
        sigma = max(2.0, min(max(strength, 0.0), 1.0) * max(x1 - x0, y1 - y0) / 4)
        out[y0:y1, x0:x1] = _pyramid_blur(np.ascontiguousarray(region), sigma)
    return out


def _pyramid_blur(img: np.ndarray, sigma: float, *, gray: int | None = None) -> np.ndarray:
    """Box-average down by a power of two, blur small, scale up bilinearly.

    Variances add: the 2^k box contributes f^2/12 and the bilinear upscale f^2/6, so the
    small Gaussian supplies the rest; the total matches sigma to within a few percent.
    With gray (a cv2.COLOR_*2GRAY code) the result is a single HxW plane.
    """
    h, w = img.shape[:2]
    factor = _factor(sigma, min(h, w))
    if factor == 1:
        small = img if gray is None else cv2.cvtColor(img, gray)
        return cv2.GaussianBlur(small, (0, 0), max(sigma, 0.1), borderType=cv2.BORDER_REFLECT)
    small, (cw, ch) = _shrink(img, factor, gray=gray, crop_levels=2 if sigma >= 8 else 1)
    inner = math.sqrt(max((sigma / factor) ** 2 - 0.25, 0.09))
    small = cv2.GaussianBlur(small, (0, 0), inner, borderType=cv2.BORDER_REFLECT)
    out = np.empty((h, w) + small.shape[2:], np.uint8)
    scaled = cv2.resize(small, (cw, ch), dst=out[:ch, :cw], interpolation=cv2.INTER_LINEAR)
    if not np.may_share_memory(scaled, out):
        out[:ch, :cw] = scaled
    # Rows or columns an odd size dropped (at most 1, or 3 when sigma >= 8) repeat.
    out[:, cw:] = out[:, cw - 1 : cw]
    out[ch:] = out[ch - 1 : ch]
    return out


def _factor(sigma: float, shortest: int) -> int:
    factor = 1
    if sigma < _MIN_PYRAMID_SIGMA:
        return factor
    while _can_halve(sigma / (factor * 2), shortest // (factor * 2)):
        factor *= 2
    return factor


def _can_halve(sigma_small: float, side_small: int) -> bool:
    if sigma_small < _MIN_SIGMA_PER_STEP:
        return False
    if side_small >= _MIN_SMALL_SIDE:
        return True
    return sigma_small >= _TINY_SIGMA_PER_STEP and side_small >= _MIN_TINY_SIDE


def _shrink(
    img: np.ndarray, factor: int, *, gray: int | None, crop_levels: int
) -> tuple[np.ndarray, tuple[int, int]]:
    """img box-averaged down by factor, and the (w, h) of img it still covers.

    OpenCV halves exactly-even sizes 5-10x faster than odd ones, so on the first
    crop_levels (big, costly) levels an odd last row or column is dropped; the caller
    repeats its neighbour instead. Deeper levels are cheap and keep every pixel.
    """
    small, level = img, 1
    covered_w, covered_h = img.shape[1], img.shape[0]
    while level < factor:
        if gray is not None and level == 4:
            # Gray waits until the frame is small: it costs more than a halving.
            small = cv2.cvtColor(small, gray)
        h, w = small.shape[:2]
        if level <= crop_levels:
            covered_w, covered_h = covered_w - (w % 2) * level, covered_h - (h % 2) * level
            h, w = h // 2 * 2, w // 2 * 2
            small = small[:h, :w]
        small = cv2.resize(small, ((w + 1) // 2, (h + 1) // 2), interpolation=cv2.INTER_AREA)
        level *= 2
    if gray is not None and small.ndim == 3:
        small = cv2.cvtColor(small, gray)
    return small, (covered_w, covered_h)


def _check(img: np.ndarray) -> None:
    if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"expected an RGB uint8 HxWx3 array, got {img.dtype} {img.shape}")
