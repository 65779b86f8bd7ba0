"""The wellbeing viewer: momentary reveals (and their events), safe screen, video, text."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.imaging.pipeline import resolve_pipeline
from app.log.store import LocalStore
from app.review.reviewdesk import ReviewDesk
from app.wellbeing.exposure import ExposureLedger
from app.wellbeing.masking import TermMask
from db.models import Case, MediaItem
from widgets.media.media_view import LENS_RADIUS, CanvasState
from widgets.review.case_view import CaseView
from widgets.shell.tasks import TaskRunner


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, bpl = image.height(), image.width(), image.bytesPerLine()
    return (
        np.frombuffer(image.constBits(), np.uint8, bpl * h)
        .reshape(h, bpl)[:, : w * 3]
        .reshape(h, w, 3)
        .copy()
    )


def _case_with(store: LocalStore, kind: str | None, category: str | None = None) -> str:
    with store.transaction() as session:
        query = select(Case.case_id).where(Case.clearance.is_(None))
        if kind is None:
            query = query.where(Case.media_count == 0, Case.body_text != "")
        else:
            query = query.join(MediaItem, MediaItem.case_id == Case.case_id).where(
                MediaItem.kind == kind
            )
        if category:
            query = query.where(Case.category == category)
        case_id = session.scalars(query.limit(1)).first()
    assert case_id is not None
    return case_id


@pytest.fixture
def desk(demo_store: LocalStore, policies: PolicySet) -> ReviewDesk:
    return ReviewDesk(demo_store, policies, Reviewer("mod", "Maya", Role.MODERATOR, frozenset()))


@pytest.fixture
def view(qtbot: QtBot, demo_store: LocalStore) -> Iterator[CaseView]:
    widget = CaseView(demo_store.blobs, TaskRunner(), mask=TermMask(["[slur]", "[group]"]))
    widget.resize(900, 700)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.video.unload()


def _open(qtbot: QtBot, view: CaseView, desk: ReviewDesk, case_id: str) -> None:
    detail = desk.detail(case_id)
    policy = desk.policies[detail.row.category]
    view.show_case(detail, policy, resolve_pipeline(policy.filters, detail.row.severity))
    qtbot.waitUntil(lambda: view.media.state is not CanvasState.LOADING, timeout=15000)


def test_lens_reveals_only_around_the_cursor_then_refilters(
    qtbot: QtBot, view: CaseView, desk: ReviewDesk
) -> None:
    _open(qtbot, view, desk, _case_with(desk.store, "image", "spam_scams"))
    media = view.media
    rect = media.image_rect()
    centre = QPointF(rect.center())
    assert media.begin_reveal("lens", centre)
    revealed = _pixels(media.grab().toImage()).astype(np.float32)
    with qtbot.waitSignal(media.reveal_ended, timeout=2000) as ended:
        media.end_reveal()
    after = _pixels(media.grab().toImage()).astype(np.float32)
    cx, cy, r = int(centre.x()), int(centre.y()), LENS_RADIUS // 2
    inside = np.abs(
        revealed[cy - r : cy + r, cx - r : cx + r] - after[cy - r : cy + r, cx - r : cx + r]
    ).mean()
    corner = np.abs(
        revealed[rect.top() + 2 : rect.top() + 20, rect.left() + 2 : rect.left() + 20]
        - after[rect.top() + 2 : rect.top() + 20, rect.left() + 2 : rect.left() + 20]
    ).mean()
    assert inside > 3.0  # the lens showed something the filter hides
    assert corner < 0.5  # far from the lens nothing changed
    mode, seconds, share = ended.args
    assert mode == "lens" and seconds >= 0 and 0.0 < share < 0.5


def test_hold_reveal_times_out_by_itself(qtbot: QtBot, view: CaseView, desk: ReviewDesk) -> None:
    _open(qtbot, view, desk, _case_with(desk.store, "image"))
    view.media.reveal_seconds = 0.2
    with qtbot.waitSignal(view.media.reveal_ended, timeout=3000) as ended:
        assert view.media.begin_reveal("hold")
    assert view.media.reveal_mode is None
    assert ended.args[0] == "hold" and ended.args[2] == pytest.approx(1.0)


def test_reveal_keeps_grayscale_by_default(qtbot: QtBot, view: CaseView, desk: ReviewDesk) -> None:
    _open(qtbot, view, desk, _case_with(desk.store, "image"))
    view.media.begin_reveal("hold")
    shown = _pixels(view.media.grab(view.media.image_rect()).toImage()).astype(np.int16)
    view.media.end_reveal()
    assert np.abs(shown[..., 0] - shown[..., 1]).mean() < 1.5


def test_safe_screen_hides_everything_and_blocks_reveals(
    qtbot: QtBot, view: CaseView, desk: ReviewDesk
) -> None:
    _open(qtbot, view, desk, _case_with(desk.store, "image"))
    view.set_safe_screen(True)
    assert not view.media.begin_reveal("hold")
    pixels = _pixels(view.media.grab().toImage())
    assert pixels.std() < 25  # background and one line of text
    _open(qtbot, view, desk, _case_with(desk.store, "image", "misinformation"))
    assert view.media.hidden  # stays hidden on the next case until brought back
    view.set_safe_screen(False)
    assert view.media.can_reveal()


def test_zoom_keeps_the_filter(qtbot: QtBot, view: CaseView, desk: ReviewDesk) -> None:
    _open(qtbot, view, desk, _case_with(desk.store, "image", "spam_scams"))
    media = view.media
    prepared = media.prepared
    assert prepared is not None
    media.set_zoom(2.0)
    shown = _pixels(media.grab().toImage()).astype(np.float32)
    rect = media.image_rect()
    crop = shown[
        max(rect.top(), 0) : min(rect.bottom(), media.height()),
        max(rect.left(), 0) : min(rect.right(), media.width()),
    ]
    assert crop.std(axis=(0, 1)).max() < prepared.raw.std(axis=(0, 1)).max()
    assert np.abs(crop[..., 0] - crop[..., 2]).mean() < 1.5  # still grayscale


def test_video_opens_paused_with_a_filtered_storyboard_and_plays(
    qtbot: QtBot, view: CaseView, desk: ReviewDesk
) -> None:
    _open(qtbot, view, desk, _case_with(desk.store, "video"))
    video = view.video
    assert video.isVisible() and not video.playing and video.position == 0
    qtbot.waitUntil(lambda: video.storyboard_size() > 0, timeout=10000)
    assert "audio" in video.audio.text().lower()
    video.play()
    qtbot.waitUntil(lambda: video.position >= 3, timeout=10000)
    video.stop()
    assert not video.playing
    frame = _pixels(view.media.filtered_image())
    assert np.abs(frame[..., 0].astype(int) - frame[..., 1]).mean() < 1.5  # filtered (grayscale)
    video.seek(0)
    qtbot.waitUntil(lambda: video.position == 0, timeout=5000)


def test_text_is_masked_until_revealed(qtbot: QtBot, view: CaseView, desk: ReviewDesk) -> None:
    case_id = _case_with(desk.store, None, "hate_speech")
    _open(qtbot, view, desk, case_id)
    assert "[slur]" not in view.text.toPlainText() and "█" in view.text.toPlainText()
    with qtbot.waitSignal(view.text_revealed, timeout=3000) as revealed:
        view.reveal_text(0.1)
        assert "[slur]" in view.text.toPlainText()
    assert revealed.args[0] == case_id
    assert "[slur]" not in view.text.toPlainText()


def test_broken_media_shows_the_reason(qtbot: QtBot, view: CaseView, desk: ReviewDesk) -> None:
    case_id = _case_with(desk.store, "image")
    sha = desk.detail(case_id).media[0].sha256
    path = desk.store.blobs.path_of(sha)
    path.write_bytes(path.read_bytes()[:200])
    _open(qtbot, view, desk, case_id)
    assert view.media.state is CanvasState.ERROR
    assert "cannot be shown" in view.media.message and "damaged" in view.media.message


def test_view_time_and_reveals_become_events(
    qtbot: QtBot, view: CaseView, desk: ReviewDesk
) -> None:
    ledger = ExposureLedger(desk.store, desk.policies, desk.reviewer)
    view.item_left.connect(ledger.record_view)
    case_id = _case_with(desk.store, "image")
    _open(qtbot, view, desk, case_id)
    view.media.reveal_ended.connect(
        lambda mode, secs, share: ledger.record_reveal(
            case_id, "x" * 64, seconds=secs, area_share=share, mode=mode
        )
    )
    view.media.begin_reveal("hold")
    view.media.end_reveal()
    view.leave_item()
    kinds = [e.kind for e in desk.store.events(case_id)]
    assert "media.revealed" in kinds and "media.viewed" in kinds


def test_bad_media_corpus_through_media_check(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from app.cli.main import build_parser, run

    good = tmp_path / "ok.png"
    cv2.imwrite(str(good), np.full((40, 60, 3), 128, np.uint8))
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "fake.png").write_text("not a picture")
    status = run(
        build_parser().parse_args(
            ["media", "check", str(good), str(tmp_path / "empty.jpg"), str(tmp_path / "fake.png")]
        )
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 0 and len(lines) == 3
    assert (
        lines[0].startswith("ok") and lines[1].startswith("error") and lines[2].startswith("error")
    )


def test_keyboard_lens_and_esc_in_the_main_window(qtbot: QtBot, window) -> None:  # type: ignore[no-untyped-def]
    media = window.case_view.media
    qtbot.waitUntil(lambda: media.state is not CanvasState.LOADING, timeout=15000)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_F6)  # from the form: to the queue
    assert window.focusWidget() is window.queue and not media.hidden
    qtbot.keyClick(window.queue, Qt.Key.Key_Escape)
    assert media.hidden
    qtbot.keyClick(window.queue, Qt.Key.Key_Escape)
    assert not media.hidden
    if media.can_reveal():
        qtbot.keyPress(window.queue, Qt.Key.Key_O)
        assert media.reveal_mode == "lens"
        with qtbot.waitSignal(media.reveal_ended, timeout=2000):
            qtbot.keyRelease(window.queue, Qt.Key.Key_O)
