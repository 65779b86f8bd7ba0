"""End to end, as a reviewer: log in, open the first case, decide by keyboard, next."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.demo.cases import DemoLogin
from app.domain.people import Accounts
from app.log.store import LocalStore
from tests.widgets.conftest import wait_media
from widgets.media.media_view import CanvasState
from widgets.shell.dialogs import LoginDialog
from widgets.shell.main_window import MainWindow


def test_login_dialog_refuses_wrong_password_then_accepts(
    qtbot: QtBot, demo_store: LocalStore, demo_logins: dict[str, DemoLogin]
) -> None:
    login = demo_logins["moderator"]
    dialog = LoginDialog(Accounts(demo_store))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, login.username)
    qtbot.keyClicks(dialog.password, "not-the-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.reviewer is None and "wrong user name or password" in dialog.error.text()
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, login.password)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.reviewer is not None and dialog.reviewer.username == login.username


def test_decide_by_keyboard_then_next_case_opens(
    qtbot: QtBot, window: MainWindow, demo_dir: Path
) -> None:
    first = window.current
    assert first is not None and first.leased_by == "mod"
    qtbot.keyClick(window.queue, Qt.Key.Key_1)
    assert window.panel.chosen_action() == "no_violation"
    with qtbot.waitSignal(window.decision_saved, timeout=5000) as saved:
        qtbot.keyClick(window.queue, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert saved.args == [first.row.case_id]
    assert window.current is not None and window.current.row.case_id != first.row.case_id
    window.close()
    reopened = LocalStore(demo_dir)
    # What the reviewer did (media.viewed, written when the view moves on, left out).
    kinds = [e.kind for e in reopened.events(first.row.case_id) if not e.kind.startswith("media.")]
    reopened.close()
    assert kinds[-1] == "decision.recorded" and "case.leased" in kinds


def test_invalid_form_shows_errors_and_saves_nothing(qtbot: QtBot, window: MainWindow) -> None:
    case = window.current
    assert case is not None
    policy = window.desk.policies[case.row.category]
    remove = next(
        a for a in policy.actions if "rationale" in a.requires and "subcategory" in a.requires
    )
    qtbot.keyClick(window.queue, getattr(Qt.Key, f"Key_{remove.key}"))
    before = len(window.desk.store.events(case.row.case_id))
    window.panel.submit()
    assert {"rationale", "subcategory"} <= set(window.panel.errors())
    assert len(window.desk.store.events(case.row.case_id)) == before


def test_j_and_k_browse_read_only_and_keep_the_working_lease(
    qtbot: QtBot, window: MainWindow
) -> None:
    first = window.current
    assert first is not None
    qtbot.keyClick(window.queue, Qt.Key.Key_J)
    wait_media(qtbot, window)
    browsed = window.current
    assert browsed is not None and browsed.row.case_id != first.row.case_id
    assert window.desk.detail(first.row.case_id).row.status == "leased"  # still ours
    assert window.desk.detail(browsed.row.case_id).leased_by is None  # browsing leases nothing
    assert not window.panel.isEnabled()
    qtbot.keyClick(window.queue, Qt.Key.Key_K)
    assert window.current is not None and window.current.row.case_id == first.row.case_id
    assert window.panel.isEnabled()


def test_shortcut_overlay_toggles(qtbot: QtBot, window: MainWindow) -> None:
    window.overlay.toggle()
    assert window.overlay.isVisible()
    qtbot.keyClick(window.queue, Qt.Key.Key_Escape)
    assert not window.overlay.isVisible()


def test_escalation_leaves_the_moderators_queue(window: MainWindow) -> None:
    case = window.current
    assert case is not None
    depth = window.model.rowCount()
    window.escalate_with("Looks coordinated; needs an analyst", 3)
    assert window.model.rowCount() == depth - 1
    assert window.desk.detail(case.row.case_id).row.status == "escalated"


def _array(image: QImage) -> np.ndarray:
    """A copy of the pixels: a view would outlive the converted QImage's buffer."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, bpl = image.height(), image.width(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, bpl * h).reshape(h, bpl)
    return rows[:, : w * 3].reshape(h, w, 3).copy()


def _open_case_with_image(qtbot: QtBot, window: MainWindow) -> None:
    for _ in range(40):
        if window.case_view.media.state is CanvasState.READY:
            return
        qtbot.keyClick(window.queue, Qt.Key.Key_J)
        wait_media(qtbot, window)
    raise AssertionError("no image case in the first 40")


def test_first_paint_is_filtered_never_raw(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window.queue, Qt.Key.Key_J)
    media = window.case_view.media
    # Right after opening, before the worker answers: only the placeholder is painted.
    early = _array(media.grab().toImage())
    assert media.state in (
        CanvasState.LOADING,
        CanvasState.READY,
        CanvasState.EMPTY,
        CanvasState.ERROR,
    )
    if media.state is CanvasState.LOADING:
        assert early.std() < 40  # flat background and a line of text, no picture
    _open_case_with_image(qtbot, window)
    prepared = media.prepared
    assert prepared is not None
    rect = media.image_rect()
    shown = _array(media.grab(rect).toImage()).astype(np.float32)
    size = (shown.shape[1], shown.shape[0])
    import cv2

    filtered = cv2.resize(prepared.filtered, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    raw = cv2.resize(prepared.raw, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    to_filtered = float(np.abs(shown - filtered).mean())
    to_raw = float(np.abs(shown - raw).mean())
    assert to_filtered < 6.0
    assert to_raw > to_filtered + 4.0
