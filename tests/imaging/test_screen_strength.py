"""Every preset obscures the same picture equally at any upload size and window size.

The screen is modelled as the viewer makes it: the upload decoded to at most
DISPLAY_MAX_SIDE, fitted to the window's picture area (frame_for_display), filtered
there, and painted into the aspect-fitted rectangle with bilinear scaling; the original
is the decoded frame painted into the same rectangle. Similarity is PSNR between the two.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from app.domain.policies import PolicySet
from app.imaging.pipeline import FilterPipeline, FilterStep, resolve_pipeline
from app.imaging.prep import DISPLAY_MAX_SIDE, FaceMemory, frame_for_display
from app.imaging.scale import fit_size, shrink_to

from .scene import at_width, draw_scene

UPLOADS = (256, 512, 1024, 1600, 3200)
WINDOWS = (800, 1200, 1600, 2000, 2400)
TOLERANCE_DB = 1.5

Screen = tuple[np.ndarray, np.ndarray, list[tuple[int, int, int, int]], tuple[int, int]]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255**2 / mse) if mse else float("inf")


def picture_area(window_width: int) -> tuple[int, int]:
    """The viewer's picture area in a window this wide (16:9)."""
    return window_width, round(window_width * 9 / 16)


@pytest.fixture(scope="module")
def screens() -> dict[tuple[int, int], Screen]:
    """(upload, window) -> decoded frame, frame shown, its faces, painted size."""
    scene = draw_scene(max(UPLOADS))
    faces = FaceMemory()
    out = {}
    for upload in UPLOADS:
        source = at_width(scene, upload)
        h, w = source.shape[:2]
        decoded = shrink_to(source, fit_size(w, h, DISPLAY_MAX_SIDE))
        for window in WINDOWS:
            area = picture_area(window)
            shown = frame_for_display(decoded, area)
            scale = min(area[0] / w, area[1] / h)
            painted = (round(w * scale), round(h * scale))
            boxes = faces.boxes(str(upload), decoded, shown.shape)
            out[upload, window] = (decoded, shown, boxes, painted)
    return out


def on_screen(img: np.ndarray, painted: tuple[int, int]) -> np.ndarray:
    """img painted into the rectangle (bilinear, as the viewer's smooth transform)."""
    return cv2.resize(img, painted, interpolation=cv2.INTER_LINEAR)


def screen_psnr(
    screen: Screen, filtered: np.ndarray | None = None, pipeline: FilterPipeline | None = None
) -> float:
    decoded, shown, boxes, painted = screen
    if filtered is None:
        assert pipeline is not None
        filtered = pipeline.apply(shown, boxes)
    original = cv2.resize(decoded, painted, interpolation=cv2.INTER_AREA)
    return psnr(on_screen(filtered, painted), original)


def presets(policies: PolicySet) -> dict[str, FilterPipeline]:
    """Every distinct pipeline the shipped policies give, by where it comes from."""
    found: dict[FilterPipeline, str] = {}
    for policy in policies:
        for severity in policy.severity_labels:
            pipeline = resolve_pipeline(policy.filters, severity, graphic=policy.graphic)
            found.setdefault(pipeline, f"{policy.id} severity {severity}")
    return {name: pipeline for pipeline, name in found.items()}


def test_every_preset_obscures_equally_at_every_upload_and_window_size(
    policies: PolicySet, screens: dict[tuple[int, int], Screen]
) -> None:
    problems = []
    for name, pipeline in presets(policies).items():
        db = {key: screen_psnr(screen, pipeline=pipeline) for key, screen in screens.items()}
        for window in WINDOWS:
            reference = db[512, window]
            for upload in UPLOADS:
                if abs(db[upload, window] - reference) > TOLERANCE_DB:
                    problems.append(
                        f"{name} ({pipeline.describe()}), window {window}: upload {upload} "
                        f"{db[upload, window]:.1f} dB vs {reference:.1f} dB at 512"
                    )
        for upload in UPLOADS:
            across = [db[upload, window] for window in WINDOWS]
            if max(across) - min(across) > TOLERANCE_DB:
                problems.append(f"{name}, upload {upload}: windows give {across}")
    assert not problems, "\n".join(problems)


def test_pixel_sized_filters_would_not_pass(screens: dict[tuple[int, int], Screen]) -> None:
    # The old reading: blur 8 px on the decoded frame, whatever its size. The test above
    # has teeth only if this spreads beyond the tolerance on the same scene.
    db = []
    for upload in UPLOADS:
        decoded, _shown, _boxes, _painted = screen = screens[upload, 1600]
        old = FilterPipeline(
            (FilterStep("blur", 8 / min(decoded.shape[:2])), FilterStep("grayscale", 1))
        )
        db.append(screen_psnr(screen, old.apply(decoded)))
    assert max(db) - min(db) > TOLERANCE_DB, db


def test_the_scene_has_a_face_the_detector_finds(screens: dict[tuple[int, int], Screen]) -> None:
    assert all(len(screen[2]) == 1 for screen in screens.values())
