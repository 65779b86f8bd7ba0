"""Wellbeing filters: pure functions from an RGB uint8 HxWx3 array to a new one.

Every filter returns a new C-contiguous array of the input's shape and leaves its input
untouched. Strengths here: `radius` and `block` are in pixels of the array given; every
other strength runs from 0 (no effect) to 1 (full effect). Presets state sizes as
fractions of the shown picture's short side; pipeline.py turns them into pixels.

Blur and pixelate work on a small copy of the picture and scale it back up; colour steps
that follow them (`then`, or `gray`) run on that small copy, where they cost almost
nothing, and give the same picture: pixelate's upscale only repeats pixels, and after a
blur neighbouring pixels hold nearly the same colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

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
# Outline's line scale: its edges and strokes are as wide, relative to the short side, as
# they were in pixels on a 768 px short side (a 1,024 x 768 picture).
_OUTLINE_SIDE = 768

Pointwise = Callable[[np.ndarray], np.ndarray]
"""A colour step on an RGB uint8 picture that looks at each pixel alone (mute_red)."""


def grayscale(img: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """Desaturate: 1 is full gray (all three channels equal), 0 leaves colour."""
    _check(img)
    gray = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    if strength >= 1:
        return gray
    return cv2.addWeighted(gray, strength, img, 1 - strength, 0)


def fast_blur(
    img: np.ndarray,
    radius: float,
    *,
    gray: bool = False,
    bgr: bool = False,
    then: Sequence[Pointwise] = (),
    faces: Sequence[Box] = (),
    face_strength: float = 1.0,
    pixelate_first: float | None = None,
) -> np.ndarray:
    """Gaussian blur with sigma = radius (as Pillow's GaussianBlur), cost independent of it.

    pixelate_first (a block in img's pixels) pixelates before the blur, on the blur's
    own small copy: the cells' means are the same there, and the full-size mosaic is
    never drawn.

    gray=True ends in full grayscale; `then` colour steps run on the small blurred copy
    (not with gray: there is no colour left for them). bgr=True reads img in OpenCV's
    BGR order (video frames); the result is RGB either way. `faces` (boxes in img's
    pixels) are then blurred further, as blur_faces does, also on the small copy: the
    full-size result is a smooth upscale of it, so blurring there is blurring the face.
    """
    _check(img)
    if gray and then:
        raise ValueError("colour steps after a blur to full grayscale have nothing to do")
    covers = face_cover(img.shape, faces)
    finish = None if gray else _finisher(bgr, then)

    def finish_small(small: np.ndarray) -> np.ndarray:
        if finish is not None:
            small = finish(small)
        if covers:
            scale_x, scale_y = small.shape[1] / img.shape[1], small.shape[0] / img.shape[0]
            scaled = [
                (
                    math.floor(x0 * scale_x),
                    math.floor(y0 * scale_y),
                    max(math.floor(x0 * scale_x) + 1, math.ceil(x1 * scale_x)),
                    max(math.floor(y0 * scale_y) + 1, math.ceil(y1 * scale_y)),
                )
                for x0, y0, x1, y1 in covers
            ]
            _blur_covers(small, scaled, face_strength)
        return small

    needs_finish = bool(covers) or (not gray and (bgr or bool(then)))
    code = (cv2.COLOR_BGR2GRAY if bgr else cv2.COLOR_RGB2GRAY) if gray else None
    before = None
    if pixelate_first is not None:
        block = pixelate_first

        def before(small: np.ndarray) -> np.ndarray:
            return _mosaic(small, block * small.shape[1] / img.shape[1])

    out = _pyramid_blur(
        img, radius, gray=code, finish=finish_small if needs_finish else None, before=before
    )
    return cv2.cvtColor(out, cv2.COLOR_GRAY2RGB) if gray else out


def blurred_grayscale(img: np.ndarray, radius: float, *, bgr: bool = False) -> np.ndarray:
    """fast_blur then full grayscale, fused: the two commute, so gray is taken small.

    bgr=True reads img in OpenCV's BGR order (video frames), sparing a full-frame
    conversion; the result is the same gray RGB picture either way.
    """
    return fast_blur(img, radius, gray=True, bgr=bgr)


def pixelate(
    img: np.ndarray,
    block: float,
    *,
    gray: bool = False,
    bgr: bool = False,
    then: Sequence[Pointwise] = (),
) -> np.ndarray:
    """Mosaic of flat cells about block px square, each the mean of what it covers.

    The frame is split into round(w / block) x round(h / block) equal cells (at least
    one), so the mosaic scales with the picture. gray, bgr and then as for fast_blur:
    they run on the one-pixel-per-cell mosaic.
    """
    _check(img)
    if gray and then:
        raise ValueError("colour steps after pixelate to full grayscale have nothing to do")
    if gray:
        # Gray first, as in the blur: one-channel halvings repay the conversion.
        plane = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY if bgr else cv2.COLOR_RGB2GRAY)
        return cv2.cvtColor(_mosaic(plane, block), cv2.COLOR_GRAY2RGB)
    return _mosaic(img, block, _finisher(bgr, then))


def _mosaic(img: np.ndarray, block: float, finish: Pointwise | None = None) -> np.ndarray:
    """pixelate's mosaic of a 1- or 3-channel picture; finish runs on the cell means."""
    h, w = img.shape[:2]
    block = max(1.0, float(block))
    cols, rows = max(1, round(w / block)), max(1, round(h / block))
    small = _cell_means(img, block, (cols, rows))
    if finish is not None:
        small = finish(small)
    # Nearest-neighbour widening, then each row repeated as a block (a memory copy).
    wide = cv2.resize(small, (w, rows), interpolation=cv2.INTER_NEAREST)
    heights = np.bincount(np.arange(h) * rows // h, minlength=rows)
    return np.repeat(wide, heights, axis=0)


def _cell_means(img: np.ndarray, block: float, cells: tuple[int, int]) -> np.ndarray:
    """The mean of each cell: exact 2 x 2 halvings (an odd last row or column dropped)
    while a cell spans 4 or more halved pixels, then an area resize of that small copy;
    cell edges fall within a quarter cell of where an exact mean would put them."""
    small, factor = img, 1
    while (
        factor * 8 <= block and small.shape[1] // 2 >= cells[0] and small.shape[0] // 2 >= cells[1]
    ):
        h, w = small.shape[:2]
        small = _halve(small[: h // 2 * 2, : w // 2 * 2])
        factor *= 2
    return cv2.resize(small, cells, interpolation=cv2.INTER_AREA)


def mute_red(img: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """Pull reds (blood) toward their own luminance gray; other hues are kept.

    Integer work throughout: the hue picks a 0..255 weight from a table and each channel
    becomes (value * (255 - weight) + gray * weight) / 255, rounded.
    """
    _check(img)
    level = min(max(strength, 0.0), 1.0)
    table = np.zeros(256, np.uint8)
    table[:180] = np.rint(_RED_WEIGHT * (255 * level)).astype(np.uint8)
    hue = cv2.extractChannel(cv2.cvtColor(img, cv2.COLOR_RGB2HSV), 0)
    weight = cv2.LUT(hue, table)
    if not cv2.countNonZero(weight):
        return img.copy()
    weights = cv2.merge((weight, weight, weight))
    gray = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    kept = cv2.multiply(img, cv2.bitwise_not(weights), dtype=cv2.CV_16U)
    pulled = cv2.multiply(gray, weights, dtype=cv2.CV_16U)
    return cv2.convertScaleAbs(cv2.add(kept, pulled), alpha=1 / 255)


def _red_weight() -> np.ndarray:
    # OpenCV hue runs 0..179 (2 degrees a step); full weight within 20 degrees of red,
    # fading out by 45 degrees, so skin (about 25 degrees) is only partly grayed.
    degrees = np.minimum(np.arange(180), 180 - np.arange(180)) * 2.0
    return np.clip((45 - degrees) / 25, 0, 1).astype(np.float32)


_RED_WEIGHT = _red_weight()


def outline(img: np.ndarray, strength: float = 0.5) -> np.ndarray:
    """Dark edge lines on flat paper: shapes stay readable, texture and colour do not.

    Strength 0 keeps fine edges, 1 keeps only the coarse shapes. Line width and
    smoothing scale with the short side, so the drawing looks alike at any size.
    """
    _check(img)
    h, w = img.shape[:2]
    scale = min(h, w) / _OUTLINE_SIDE
    sigma = (1.0 + 5.0 * min(max(strength, 0.0), 1.0)) * scale
    smooth = _pyramid_blur(img, max(sigma, 1.0), gray=cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(smooth, 20, 50, L2gradient=True)
    # Strokes narrower than 2 px break up into dots.
    stroke = max(2, round(2 * scale))
    edges = cv2.dilate(edges, np.ones((stroke, stroke), np.uint8))
    paper = np.full((h, w), _PAPER, np.uint8)
    paper[edges > 0] = _INK
    return cv2.cvtColor(paper, cv2.COLOR_GRAY2RGB)


def blur_faces(
    img: np.ndarray,
    strength: float = 1.0,
    boxes: Sequence[Box] | None = None,
    *,
    in_place: bool = False,
) -> np.ndarray:
    """Blur every detected face (or the given boxes) beyond recognition; rest untouched.

    Video playback passes `boxes` found on an earlier frame to skip detection. in_place
    writes into img (a pipeline's own intermediate frame) instead of a copy.
    """
    _check(img)
    out = img if in_place else img.copy()
    covers = face_cover(img.shape, detect_faces(img) if boxes is None else boxes)
    _blur_covers(out, covers, strength)
    return out


def _blur_covers(out: np.ndarray, covers: Sequence[Box], strength: float) -> None:
    """Blur each (x0, y0, x1, y1) region of out in place, sigma a quarter of its size."""
    for x0, y0, x1, y1 in covers:
        region = out[y0:y1, x0:x1]
        sigma = max(2.0, min(max(strength, 0.0), 1.0) * max(x1 - x0, y1 - y0) / 4)
        out[y0:y1, x0:x1] = _pyramid_blur(np.ascontiguousarray(region), sigma)


def _pyramid_blur(
    img: np.ndarray,
    sigma: float,
    *,
    gray: int | None = None,
    finish: Pointwise | None = None,
    before: Pointwise | None = None,
) -> np.ndarray:
    """Box-average down by a power of two, blur small, scale up bilinearly.

    Variances add: the 2^k box contributes f^2/12 and the bilinear upscale f^2/6, so the
    small Gaussian supplies the rest; the total matches sigma to within a few percent.
    With gray (a cv2.COLOR_*2GRAY code) the result is a single HxW plane. finish runs on
    the blurred picture before it is scaled back up; before runs on the small copy
    before it is blurred.
    """
    h, w = img.shape[:2]
    factor = _factor(sigma, min(h, w))
    if factor == 1:
        small = img if gray is None else cv2.cvtColor(img, gray)
        if before is not None:
            small = before(small)
        small = cv2.GaussianBlur(small, (0, 0), max(sigma, 0.1), borderType=cv2.BORDER_REFLECT)
        return small if finish is None else finish(small)
    small, (cw, ch) = _shrink(img, factor, gray=gray, crop_levels=2 if sigma >= 8 else 1)
    if before is not None:
        small = before(small)
    inner = math.sqrt(max((sigma / factor) ** 2 - 0.25, 0.09))
    small = cv2.GaussianBlur(small, (0, 0), inner, borderType=cv2.BORDER_REFLECT)
    if finish is not None:
        small = finish(small)
    out = np.empty((h, w) + small.shape[2:], np.uint8)
    scaled = cv2.resize(small, (cw, ch), dst=out[:ch, :cw], interpolation=cv2.INTER_LINEAR)
    if not np.may_share_memory(scaled, out):
        out[:ch, :cw] = scaled
    # Rows or columns an odd size dropped (at most 1, or 3 when sigma >= 8) repeat.
    out[:, cw:] = out[:, cw - 1 : cw]
    out[ch:] = out[ch - 1 : ch]
    return out


def _finisher(bgr: bool, then: Sequence[Pointwise]) -> Pointwise:
    """BGR to RGB (when bgr), then each colour step, on a small picture."""

    def finish(small: np.ndarray) -> np.ndarray:
        if bgr:
            small = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
        for step in then:
            small = step(small)
        return small

    return finish


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
        if gray is not None and level == 1:
            # Gray first: a one-channel halving costs a sixth of a three-channel one, which
            # repays the full-size conversion (0.28 against 0.44 ms on 1080p).
            small = cv2.cvtColor(small, gray)
        h, w = small.shape[:2]
        if level <= crop_levels:
            covered_w, covered_h = covered_w - (w % 2) * level, covered_h - (h % 2) * level
            h, w = h // 2 * 2, w // 2 * 2
            small = small[:h, :w]
        small = _halve(small)
        level *= 2
    if gray is not None and small.ndim == 3:
        small = cv2.cvtColor(small, gray)
    return small, (covered_w, covered_h)


def _halve(img: np.ndarray) -> np.ndarray:
    """img at half size, each pixel the mean of a 2 x 2 square (the last one cut short)."""
    h, w = img.shape[:2]
    if h % 2 == 0 and w % 2 == 0:
        # At exactly half, bilinear samples fall between four pixels: the same 2 x 2 mean
        # as INTER_AREA, bit for bit, on a faster path.
        return cv2.resize(img, (w // 2, h // 2), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(img, ((w + 1) // 2, (h + 1) // 2), interpolation=cv2.INTER_AREA)


def _check(img: np.ndarray) -> None:
    if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"expected an RGB uint8 HxWx3 array, got {img.dtype} {img.shape}")
