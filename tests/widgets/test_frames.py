"""Every frame of an animation reachable by keyboard in the main window, each painted
frame filtered; the case header gives the frame count."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.policies import PolicySet
from app.imaging.decode import decode_for_display
from app.imaging.pipeline import DEFAULT_PIPELINE, resolve_pipeline
from app.review.intake import Intake
from db.models import Case
from tests.imaging.corpus import index_of, write_no_length, write_video
from widgets.media.media_view import CanvasState, MediaView
from widgets.media.video_panel import VideoPanel
from widgets.shell.main_window import MainWindow
from widgets.shell.tasks import InlineTaskRunner

FRAMES = 10
SIZE = (160, 120)


def face_frame(n: int) -> np.ndarray:
    """Frame 0 black (the harmless cover); later frames a drawn face on blue, moving."""
    w, h = SIZE
    frame = np.zeros((h, w, 3), np.uint8)
    if n == 0:
        return frame
    frame[:] = (30, 60, 200)
    cx = 50 + 6 * n
    cv2.circle(frame, (cx, 60), 40, (250, 210, 40), -1)
    for dx in (-15, 15):
        cv2.circle(frame, (cx + dx, 48), 6, (20, 20, 20), -1)
    cv2.ellipse(frame, (cx, 72), (18, 9), 0, 0, 180, (200, 30, 30), 4)
    return frame


def write_gif(path: Path) -> Path:
    frames = [Image.fromarray(face_frame(n)) for n in range(FRAMES)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=80, loop=0)
    return path


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, bpl = image.height(), image.width(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, bpl * h).reshape(h, bpl)
    return rows[:, : w * 3].reshape(h, w, 3).astype(np.int16)


def test_every_animation_frame_is_reachable_by_keyboard_and_painted_filtered(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, policies: PolicySet
) -> None:
    gif = write_gif(tmp_path / "cover.gif")
    feed = tmp_path / "feed.jsonl"
    row = {
        "external_id": "anim-1",
        "category": "violent_graphic",
        "severity": 2,
        "reported_at": "2026-01-05T09:00:00Z",
    }
    feed.write_text(json.dumps(row | {"media": [gif.name]}) + "\n")
    desk = window.desk
    report = Intake(desk.store, policies, "intake").import_file(feed, tmp_path)
    assert report.created == ["anim-1"], report.problems
    with desk.store.transaction() as session:
        case_id = session.scalars(select(Case.case_id).where(Case.external_id == "anim-1")).one()
    detail = desk.detail(case_id)
    policy = policies[detail.row.category]
    view = window.case_view
    view.show_case(detail, policy, resolve_pipeline(policy.filters, detail.row.severity))
    qtbot.waitUntil(lambda: view.media.state is CanvasState.READY, timeout=10000)
    panel = view.video
    assert panel.isVisible() and panel.kind == "animation" and panel.frame_count == FRAMES
    assert f"animation, {FRAMES} frames" in view.filters.text()
    assert f"frame 1 / {FRAMES}" in panel.status.text()
    qtbot.waitUntil(lambda: panel.storyboard_size() > 0, timeout=10000)

    seen = []
    for n in range(FRAMES):
        if n:
            qtbot.keyClick(window.queue, Qt.Key.Key_Period)
            qtbot.waitUntil(lambda n=n: panel.position == n, timeout=5000)
        media = view.media
        rect = media.image_rect()
        painted = pixels(media.grab(rect).toImage())
        raw = cv2.resize(face_frame(n), (painted.shape[1], painted.shape[0])).astype(np.int16)
        shown = media.filtered_image()
        assert shown is not None
        filtered = cv2.resize(pixels(shown).astype(np.uint8), (painted.shape[1], painted.shape[0]))
        # What is painted is the filtered frame, never the raw one.
        assert np.abs(painted - filtered.astype(np.int16)).mean() < 4
        spread = np.abs(painted[..., 0] - painted[..., 2]).mean()
        assert spread < 2  # the policy's grayscale holds on every frame
        if n:
            assert np.abs(raw[..., 0] - raw[..., 2]).mean() > 60  # the raw face is colourful
            assert np.abs(painted - raw).mean() > 40
        seen.append(n)
        assert f"frame {n + 1} / {FRAMES}" in panel.status.text()
    assert seen == list(range(FRAMES))
    # Past the end stays on the last frame; back with the comma key.
    qtbot.keyClick(window.queue, Qt.Key.Key_Period)
    qtbot.keyClick(window.queue, Qt.Key.Key_Comma)
    qtbot.waitUntil(lambda: panel.position == FRAMES - 2, timeout=5000)

    # A video named .jpg: the header keeps the name's mismatch next to the frame count.
    write_video(tmp_path / "holiday.jpg.mp4", 5, (64, 48)).rename(tmp_path / "holiday.jpg")
    feed.write_text(json.dumps(row | {"external_id": "named-2", "media": ["holiday.jpg"]}))
    assert Intake(desk.store, policies, "intake").import_file(feed, tmp_path).created
    with desk.store.transaction() as session:
        case_id = session.scalars(select(Case.case_id).where(Case.external_id == "named-2")).one()
    view.show_case(desk.detail(case_id), policy, resolve_pipeline(policy.filters, 2))
    qtbot.waitUntil(lambda: view.media.state is CanvasState.READY, timeout=10000)
    assert "video, 5 frames · type mismatch: named .jpg but contains MP4" in view.filters.text()


def test_every_frame_of_a_video_without_length_is_reachable_in_the_panel(
    qtbot: QtBot, tmp_path: Path
) -> None:
    clip = write_no_length(tmp_path / "recorded.mkv", 150)
    decoded = decode_for_display(clip, first_only=True)
    assert decoded.frame_count == 150  # counted on this (worker) call, not the container's
    runner = InlineTaskRunner()
    media = MediaView(None, runner)  # type: ignore[arg-type]  # frames come from the panel
    panel = VideoPanel(media, runner)
    qtbot.addWidget(media)
    qtbot.addWidget(panel)
    panel.load(clip, DEFAULT_PIPELINE, decoded.fps, decoded.frame_count, None)
    assert panel.storyboard_size() == 8
    for n in range(1, 150):
        panel.step(1)
        assert panel.position == n
        assert media._raw is not None and index_of(media._raw) == n
    assert panel.status.text().startswith("frame 150 / 150")
    panel.step(-1)
    assert index_of(media._raw) == 148
    panel.unload()
