"""The whole review loop by keyboard alone, as a moderator and then an analyst would run it.

Claim (N), decide with the policy form (number key, Tab, typing, Ctrl+Enter), the next
case arrives by itself, escalate (E, typed reason), an analyst picks the escalations
queue (Q, End), claims it (N) and closes it with a final decision. Also: validation
errors shown with nothing saved, undo (Ctrl+Z), skip (S), the break screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.demo.cases import DemoLogin
from app.domain.people import Accounts
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from tests.widgets.conftest import wait_media
from widgets.shell.application import build_window, make_app
from widgets.shell.main_window import MainWindow

Ctrl = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def open_window(
    qtbot: QtBot,
    demo_store: LocalStore,
    demo_dir: Path,
    policies: PolicySet,
    demo_logins: dict[str, DemoLogin],
) -> Iterator[Callable[[str], MainWindow]]:
    """Opens the main window for a demo role (moderator, analyst, lead)."""
    make_app()
    windows: list[MainWindow] = []

    def open_for(role: str) -> MainWindow:
        login = demo_logins[role]
        reviewer = Accounts(demo_store).authenticate(login.username, login.password)
        win = build_window(demo_store, policies, reviewer, demo_dir)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        wait_media(qtbot, win)
        windows.append(win)
        return win

    yield open_for
    for win in windows:
        win.close()


def key(
    qtbot: QtBot,
    win: MainWindow,
    k: Qt.Key,
    mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """Press a key where the window's keyboard focus is (as a person would)."""
    if not win.isActiveWindow():  # shortcuts only fire in the active window
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow, timeout=3000)
    qtbot.keyClick(win.focusWidget() or win, k, mods)


def type_text(qtbot: QtBot, win: QWidget, text: str) -> None:
    """Type into the window's focused widget."""
    qtbot.keyClicks(win.focusWidget() or win, text)


def in_dialog(qtbot: QtBot, steps: Callable[[QWidget], None]) -> None:
    """Run keyboard steps in the next modal dialog once it is open."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible() or dialog.focusWidget() is None:
            if dialog is not None:
                dialog.activateWindow()
            QTimer.singleShot(20, act)  # wait until it is open and has the keyboard focus
            return
        try:
            steps(dialog)
        finally:
            if dialog.isVisible():  # the keys did not close it: fail, but do not hang
                dialog.reject()

    QTimer.singleShot(0, act)


def _events(store: LocalStore, case_id: str) -> list[str]:
    """The case's workflow events (views and reveals left out)."""
    return [e.kind for e in store.events(case_id) if not e.kind.startswith("media.")]


def _remove_key(win: MainWindow) -> str:
    assert win.current is not None
    policy = win.desk.policies[win.current.row.category]
    return next(a.key for a in policy.actions if a.id == "remove")


def test_the_whole_loop_by_keyboard(
    qtbot: QtBot, open_window: Callable[[str], MainWindow], demo_store: LocalStore
) -> None:
    mod = open_window("moderator")
    key(qtbot, mod, Qt.Key.Key_R)  # give back what start-up claimed, then claim by keyboard
    assert mod.loop.working is None
    key(qtbot, mod, Qt.Key.Key_N)
    wait_media(qtbot, mod)
    first = mod.loop.working
    assert first is not None and first.leased_by == "mod" and mod.panel.isEnabled()

    # Decide with the form: Remove needs a subcategory and a rationale.
    key(qtbot, mod, getattr(Qt.Key, f"Key_{_remove_key(mod)}"))
    assert mod.panel.chosen_action() == "remove"
    key(qtbot, mod, Qt.Key.Key_Down)  # the subcategory has the focus: pick the first
    key(qtbot, mod, Qt.Key.Key_Tab)  # severity (prefilled)
    key(qtbot, mod, Qt.Key.Key_Tab)  # rationale
    type_text(qtbot, mod, "Clause 4.2: the post names a private person and their address")
    with qtbot.waitSignal(mod.decision_saved, timeout=5000) as saved:
        key(qtbot, mod, Qt.Key.Key_Return, Ctrl)
    assert saved.args == [first.row.case_id]
    assert _events(demo_store, first.row.case_id)[-1] == "decision.recorded"

    # The next case was claimed by itself; escalate it by keyboard.
    second = mod.loop.working
    assert second is not None and second.row.case_id != first.row.case_id
    wait_media(qtbot, mod)

    def escalate(dialog: QWidget) -> None:
        type_text(qtbot, dialog, "Same text from 14 new accounts today")
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Tab)
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)

    in_dialog(qtbot, escalate)
    key(qtbot, mod, Qt.Key.Key_E)
    assert _events(demo_store, second.row.case_id)[-1] == "case.escalated"
    assert mod.loop.working is not None  # and the next one is already in front of them

    # The analyst picks the escalations queue, claims it and closes it.
    analyst = open_window("analyst")
    key(qtbot, analyst, Qt.Key.Key_R)
    key(qtbot, analyst, Qt.Key.Key_Q)
    key(qtbot, analyst, Qt.Key.Key_End)
    assert analyst.queue_filter.currentData() == ["escalations"]
    analyst.queue.setFocus()
    key(qtbot, analyst, Qt.Key.Key_N)
    wait_media(qtbot, analyst)
    held = analyst.loop.working
    assert held is not None and held.row.case_id == second.row.case_id
    assert analyst.panel.final and "Same text from 14" in (
        held.escalation.reason if held.escalation else ""
    )
    key(qtbot, analyst, Qt.Key.Key_1)  # no violation; a final decision needs a rationale
    type_text(qtbot, analyst, "Coordinated, but within the satire exception")
    key(qtbot, analyst, Qt.Key.Key_Return, Ctrl)
    assert analyst.desk.detail(second.row.case_id).row.status == "closed"
    outcome = mod.desk.my_escalations()[0].info
    assert outcome.resolved_by == "analyst" and outcome.resolution_action == "no_violation"


def test_validation_errors_are_shown_and_nothing_is_saved(
    qtbot: QtBot, open_window: Callable[[str], MainWindow], demo_store: LocalStore
) -> None:
    win = open_window("moderator")
    case = win.loop.working
    assert case is not None
    before = _events(demo_store, case.row.case_id)
    key(qtbot, win, getattr(Qt.Key, f"Key_{_remove_key(win)}"))
    key(qtbot, win, Qt.Key.Key_Return, Ctrl)
    assert {"rationale", "subcategory"} <= set(win.panel.errors())
    assert "required" in win.panel.errors()["rationale"]
    assert _events(demo_store, case.row.case_id) == before
    assert win.loop.working is not None and win.loop.working.row.case_id == case.row.case_id


def test_undo_takes_the_decision_back_and_the_next_case_too(
    qtbot: QtBot, open_window: Callable[[str], MainWindow], demo_store: LocalStore
) -> None:
    win = open_window("moderator")
    first = win.loop.working
    assert first is not None
    key(qtbot, win, Qt.Key.Key_1)
    key(qtbot, win, Qt.Key.Key_Return, Ctrl)
    following = win.loop.working
    assert following is not None and win.loop.toast.isVisible()
    key(qtbot, win, Qt.Key.Key_Z, Ctrl)
    assert win.loop.working is not None and win.loop.working.row.case_id == first.row.case_id
    assert _events(demo_store, first.row.case_id)[-2:] == [
        "decision.recorded",
        "decision.retracted",
    ]
    assert win.desk.detail(following.row.case_id).row.status == "new"
    assert not win.loop.toast.isVisible()


def test_skip_by_keyboard_and_j_k_browse_without_leasing(
    qtbot: QtBot, open_window: Callable[[str], MainWindow], demo_store: LocalStore
) -> None:
    win = open_window("moderator")
    first = win.loop.working
    assert first is not None

    def pick_reason(dialog: QWidget) -> None:
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_3)
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)

    in_dialog(qtbot, pick_reason)
    key(qtbot, win, Qt.Key.Key_S)
    skipped = [e for e in demo_store.events(first.row.case_id) if e.kind == "case.skipped"]
    assert skipped and skipped[-1].payload["reason"] == "Conflict of interest"
    working = win.loop.working
    assert working is not None and working.row.case_id != first.row.case_id
    win.queue.setFocus()
    key(qtbot, win, Qt.Key.Key_J)
    browsed = win.current
    assert browsed is not None and browsed.row.case_id != working.row.case_id
    assert not win.panel.isEnabled()
    assert win.desk.detail(browsed.row.case_id).leased_by != "mod"
    key(qtbot, win, Qt.Key.Key_N)  # back to the case we hold
    assert win.current is not None and win.current.row.case_id == working.row.case_id


def test_the_break_screen_covers_the_media(
    qtbot: QtBot, open_window: Callable[[str], MainWindow]
) -> None:
    win = open_window("moderator")
    key(qtbot, win, Qt.Key.Key_B)
    screen = win.loop.breaks
    assert screen.isVisible() and screen.geometry() == win.rect()
    media = win.case_view.media
    corner = media.mapTo(win, media.rect().center())
    assert win.childAt(corner) in (screen, *screen.findChildren(QWidget))
    qtbot.keyClick(screen, Qt.Key.Key_Return)  # not mandatory: back at once
    assert not screen.isVisible()


def _take(qtbot: QtBot, win: MainWindow, external_id: str) -> str:
    """Give back the working case and take the demo case with this external id."""
    with win.desk.store.transaction() as session:
        from sqlalchemy import select

        from db.models import Case

        case_id = session.scalar(select(Case.case_id).where(Case.external_id == external_id))
    assert case_id is not None
    key(qtbot, win, Qt.Key.Key_R)
    win.loop.browse(case_id)
    key(qtbot, win, Qt.Key.Key_Return)
    wait_media(qtbot, win)
    assert win.loop.working is not None and win.loop.working.row.case_id == case_id
    return case_id


def test_a_near_duplicate_cluster_is_decided_once_from_the_contact_sheet(
    qtbot: QtBot, open_window: Callable[[str], MainWindow], demo_store: LocalStore
) -> None:
    win = open_window("moderator")
    looked_at = _take(qtbot, win, "demo-0007")  # the "phishing flyer" cluster (4 cases)
    key(qtbot, win, Qt.Key.Key_1)
    key(qtbot, win, Qt.Key.Key_Return, Ctrl)
    source = [e for e in demo_store.events(looked_at) if e.kind == "decision.recorded"][-1]

    def apply_all(dialog: QWidget) -> None:
        assert dialog.objectName() == "contactSheet"
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_A)  # none starts ticked
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)

    in_dialog(qtbot, apply_all)
    key(qtbot, win, Qt.Key.Key_D)
    applied = [
        e
        for e in demo_store.events()
        if e.kind == "decision.recorded" and e.payload.get("applied_from") == source.event_id
    ]
    assert len(applied) == 3 and len({e.case_id for e in applied}) == 3
    assert all(e.payload["exposure"]["counted_in"] == source.event_id for e in applied)


def test_evidence_is_marked_by_keyboard_on_the_filtered_picture(
    qtbot: QtBot, open_window: Callable[[str], MainWindow], demo_store: LocalStore
) -> None:
    win = open_window("moderator")
    case_id = _take(qtbot, win, "demo-0008")  # a graphic stand-in picture
    working = win.loop.working
    assert working is not None

    def mark(dialog: QWidget) -> None:
        canvas = dialog.canvas
        qtbot.waitUntil(lambda: canvas.image is not None, timeout=10000)
        from app.imaging.prep import prepare_media

        filtered = prepare_media(
            demo_store.blobs, working.media[0].sha256, win.loop.pipeline(working), 900
        ).filtered
        assert (canvas.image.width(), canvas.image.height()) == (
            filtered.shape[1],
            filtered.shape[0],
        )
        assert dialog.items[0].frames[0].tobytes() == filtered.tobytes()
        for k in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Space):
            qtbot.keyClick(dialog.focusWidget() or dialog, k)
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)

    in_dialog(qtbot, mark)
    key(qtbot, win, Qt.Key.Key_M)
    assert len(win.panel.marks()) == 1
    key(qtbot, win, Qt.Key.Key_1)
    key(qtbot, win, Qt.Key.Key_Return, Ctrl)
    decision = [e for e in demo_store.events(case_id) if e.kind == "decision.recorded"][-1]
    (region,) = decision.payload["evidence_marks"]
    assert region["kind"] == "region" and region["x"] == pytest.approx(0.39)
