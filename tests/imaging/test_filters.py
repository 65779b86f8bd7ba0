"""The filters change pixels the way a moderator is promised, and nothing else."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.imaging import filters
from app.imaging.faces import detect_faces
from app.imaging.pipeline import FILTERS

from .corpus import photo


def high_frequency_energy(img: np.ndarray) -> float:
    """Variance of the Laplacian of the gray picture: fine detail and texture."""
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB between two uint8 arrays."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255**2 / mse) if mse else float("inf")


def exact_gray_gaussian(img: np.ndarray, sigma: float) -> np.ndarray:
    """The reference: float Gaussian (kernel to 4 sigma), then the same gray weights."""
    blurred = cv2.GaussianBlur(img.astype(np.float32), (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    return np.clip(np.rint(cv2.cvtColor(blurred, cv2.COLOR_RGB2GRAY)), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_every_filter_keeps_shape_and_leaves_its_input_alone(
    name: str, chelsea: np.ndarray
) -> None:
    before = chelsea.copy()
    out = FILTERS[name].apply(chelsea, FILTERS[name].default)
    assert out.shape == chelsea.shape and out.dtype == np.uint8
    assert out.flags.c_contiguous
    assert out is not chelsea
    np.testing.assert_array_equal(chelsea, before)


@settings(max_examples=40, deadline=None)
@given(
    h=st.integers(1, 40),
    w=st.integers(1, 40),
    name=st.sampled_from(sorted(FILTERS)),
    level=st.floats(0, 1),
)
def test_filters_survive_tiny_and_odd_sizes(h: int, w: int, name: str, level: float) -> None:
    spec = FILTERS[name]
    img = np.random.default_rng(h * 100 + w).integers(0, 256, (h, w, 3), dtype=np.uint8)
    out = spec.apply(img, spec.low + level * (spec.high - spec.low))
    assert out.shape == img.shape and out.dtype == np.uint8


def test_filters_refuse_anything_but_rgb_uint8() -> None:
    with pytest.raises(ValueError, match="RGB uint8"):
        filters.grayscale(np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError, match="RGB uint8"):
        filters.fast_blur(np.zeros((4, 4, 3), np.float32), 8)


def test_grayscale_makes_channels_equal_and_strength_blends(chelsea: np.ndarray) -> None:
    gray = filters.grayscale(chelsea)
    assert np.array_equal(gray[..., 0], gray[..., 1]) and np.array_equal(gray[..., 1], gray[..., 2])
    np.testing.assert_array_equal(filters.grayscale(chelsea, 0.0), chelsea)
    half = filters.grayscale(chelsea, 0.5).astype(int)
    spread = lambda a: np.ptp(a, axis=2).mean()  # noqa: E731
    assert 0 < spread(half) < spread(chelsea.astype(int))


@pytest.mark.parametrize("radius", [3, 8, 24, 48])
def test_blur_removes_high_frequencies(radius: float, chelsea: np.ndarray) -> None:
    out = filters.fast_blur(chelsea, radius)
    assert high_frequency_energy(out) < high_frequency_energy(chelsea) / 20


@pytest.mark.parametrize("radius", [4, 8, 24, 48])
@pytest.mark.parametrize("size", [(1280, 720), (641, 479)])
def test_fast_blur_matches_an_exact_gaussian(radius: float, size: tuple[int, int]) -> None:
    img = photo(*size)
    img = cv2.add(img, np.random.default_rng(1).integers(0, 40, img.shape, dtype=np.uint8))
    fused = filters.blurred_grayscale(img, radius)
    assert psnr(fused[..., 0], exact_gray_gaussian(img, radius)) >= 45
    colour = filters.fast_blur(img, radius)
    reference = cv2.GaussianBlur(
        img.astype(np.float32), (0, 0), radius, borderType=cv2.BORDER_REFLECT
    )
    assert psnr(colour, np.clip(np.rint(reference), 0, 255)) >= 45


def test_bigger_radius_blurs_more(chelsea: np.ndarray) -> None:
    energies = [high_frequency_energy(filters.fast_blur(chelsea, r)) for r in (4, 8, 16, 32)]
    assert energies == sorted(energies, reverse=True)


def test_pixelate_makes_flat_blocks(chelsea: np.ndarray) -> None:
    out = filters.pixelate(chelsea[:300, :448], 16)
    block = out[16:32, 32:48]
    assert (block == block[0, 0]).all()
    assert not (out[:16, :16] == out[16:32, :16]).all()


def test_mute_red_grays_reds_and_keeps_blues() -> None:
    img = np.zeros((40, 80, 3), np.uint8)
    img[:, :40] = (200, 25, 30)  # blood-like red
    img[:, 40:] = (30, 60, 200)
    out = filters.mute_red(img, 1.0)
    saturation = lambda a: cv2.cvtColor(a, cv2.COLOR_RGB2HSV)[..., 1].astype(int)  # noqa: E731
    assert saturation(out)[:, :40].mean() < 0.1 * saturation(img)[:, :40].mean()
    np.testing.assert_allclose(out[:, 40:], img[:, 40:], atol=1)
    partly = filters.mute_red(img, 0.5)
    assert saturation(out)[:, :40].mean() < saturation(partly)[:, :40].mean() < 200


def test_outline_keeps_shapes_but_no_texture() -> None:
    rng = np.random.default_rng(7)
    img = np.full((240, 320, 3), 120, np.uint8)
    cv2.circle(img, (160, 120), 60, (230, 230, 230), -1)
    textured = cv2.add(img, rng.integers(0, 12, img.shape, dtype=np.uint8))
    out = filters.outline(textured)
    assert set(np.unique(out).tolist()) <= {filters._INK, filters._PAPER}  # two tones only
    ink = out[..., 0] == filters._INK
    angles = np.linspace(0, 2 * np.pi, 72, endpoint=False)
    radii = np.arange(55, 66)
    xs = np.rint(160 + np.outer(np.cos(angles), radii)).astype(int)
    ys = np.rint(120 + np.outer(np.sin(angles), radii)).astype(int)
    assert ink[ys, xs].any(axis=1).mean() > 0.95  # the disc's edge is drawn all round
    ring = np.zeros(ink.shape, np.uint8)
    cv2.circle(ring, (160, 120), 60, 1, 12)
    assert ink[ring == 0].mean() < 0.005  # the grainy flat areas are not


def test_face_blur_changes_the_face_and_not_the_corners(astronaut: np.ndarray) -> None:
    [(x, y, w, h)] = detect_faces(astronaut)
    assert 140 < x + w / 2 < 260 and 60 < y + h / 2 < 160  # the astronaut's face
    out = filters.blur_faces(astronaut)
    face = (slice(y, y + h), slice(x, x + w))
    assert high_frequency_energy(out[face]) < high_frequency_energy(astronaut[face]) / 10
    for corner in ((slice(0, 40), slice(0, 40)), (slice(-40, None), slice(-40, None))):
        np.testing.assert_array_equal(out[corner], astronaut[corner])


def test_face_blur_strength_and_given_boxes(astronaut: np.ndarray) -> None:
    box = (200, 300, 80, 80)  # not a face: given boxes are trusted, no detection
    out = filters.blur_faces(astronaut, 1.0, [box])
    assert not np.array_equal(out[300:380, 200:280], astronaut[300:380, 200:280])
    np.testing.assert_array_equal(out[:250], astronaut[:250])
    np.testing.assert_array_equal(filters.blur_faces(astronaut, 1.0, []), astronaut)
