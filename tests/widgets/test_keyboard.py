"""The keyboard never traps: walkthroughs per role with key events only, and the key rules.

Single-key commands act only where nothing that types has the focus; while a case is
being decided the cursor is in the form (after a claim, a number key, H, undo), Tab walks
the form in a ring and never the queue, Esc goes back to the queue. Every key here is a
QTest key event sent where the keyboard focus is; no mouse event is ever sent, and a
watcher on the application says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.demo.cases import DemoLogin
from app.domain.people import Accounts
from app.domain.policies import PolicySet
from app.dupes.cluster import ClusterMember
from app.log.store import LocalStore
from app.review.reviewdesk import ReviewDesk
from tests.widgets.conftest import wait_media
from widgets.review.contact_sheet import ContactSheet
from widgets.review.review_dialogs import parse_case_no
from widgets.shell.application import build_window, make_app
from widgets.shell.keyboard import FocusInView
from widgets.shell.main_window import MainWindow
from widgets.shell.tasks import TaskRunner

NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
KEYPAD = Qt.KeyboardModifier.KeypadModifier
MOUSE = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class MouseWatch(QObject):
    """Counts every mouse event the application sees (a keyboard walkthrough sends none)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in MOUSE:
            self.seen.append(f"{event.type().name} on {watched.objectName()}")
        return False


class DialogGuard:
    """Closes any modal dialog that opens while armed, and remembers which one it was."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._check)

    def _check(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.isVisible():
            self.opened.append(dialog.objectName() or type(dialog).__name__)
            dialog.close()

    def __enter__(self) -> DialogGuard:
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.stop()


@pytest.fixture
def mouse() -> Iterator[MouseWatch]:
    """Watches for mouse events during the test."""
    app = make_app()
    watch = MouseWatch()
    app.installEventFilter(watch)
    yield watch
    app.removeEventFilter(watch)


@pytest.fixture
def open_window(
    qtbot: QtBot,
    demo_store: LocalStore,
    demo_dir: Path,
    policies: PolicySet,
    demo_logins: dict[str, DemoLogin],
) -> Iterator[Callable[[str], MainWindow]]:
    """Opens the main window for a demo role, shown and active, its media settled."""
    make_app()
    windows: list[MainWindow] = []

    def open_for(role: str) -> MainWindow:
        login = demo_logins[role]
        reviewer = Accounts(demo_store).authenticate(login.username, login.password)
        win = build_window(demo_store, policies, reviewer, demo_dir)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow, timeout=3000)
        wait_media(qtbot, win)
        windows.append(win)
        return win

    yield open_for
    for win in windows:
        win.close()


def key(qtbot: QtBot, win: QWidget, k: Qt.Key, mods: Qt.KeyboardModifier = NONE) -> None:
    """Press a key where the window's keyboard focus is, as a person would."""
    if not win.isActiveWindow():  # offscreen, a closed dialog does not give activation back
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
            QTimer.singleShot(20, act)
            return
        try:
            steps(dialog)
        finally:
            if dialog.isVisible():  # the keys did not close it: fail, but do not hang
                dialog.reject()

    QTimer.singleShot(0, act)


def deciding(win: MainWindow) -> QWidget:
    """The focused widget, asserted to be in the side panel and never in the queue."""
    focus = win.focusWidget()
    assert focus is not None and focus is not win.queue, f"focus in {focus!r}"
    assert win.tabs.isAncestorOf(focus), f"focus left the form: {focus!r}"
    return focus


def kinds(store: LocalStore, case_id: str) -> list[str]:
    """A case's workflow events (views and reveals left out)."""
    return [e.kind for e in store.events(case_id) if not e.kind.startswith("media.")]


def qt_key(char: str) -> Qt.Key:
    return getattr(Qt.Key, f"Key_{char.upper()}")


# --- walkthroughs -------------------------------------------------------------------


def test_moderator_walkthrough_by_keyboard_alone(
    qtbot: QtBot,
    open_window: Callable[[str], MainWindow],
    demo_store: LocalStore,
    mouse: MouseWatch,
) -> None:
    win = open_window("moderator")
    deciding(win)  # the start-up claim put the cursor in the form
    key(qtbot, win, Qt.Key.Key_R)  # give it back, then claim by keyboard
    assert win.loop.working is None and win.focusWidget() is win.queue
    key(qtbot, win, Qt.Key.Key_N)
    case = win.loop.working
    assert case is not None
    assert isinstance(deciding(win), QAbstractButton)  # on the actions: 1-9 or arrows

    policy = win.desk.policies[case.row.category]
    action = next(a for a in policy.actions if set(a.requires) == {"rationale", "subcategory"})
    key(qtbot, win, qt_key(action.key))
    assert win.panel.chosen_action() == action.id
    combo = deciding(win)
    assert isinstance(combo, QComboBox) and combo.accessibleName() == "Subcategory"
    sub_id, sub_name = list(policy.subcategories.items())[1]
    with DialogGuard() as guard:
        type_text(qtbot, win, sub_name[:3].lower())  # type-ahead, never a command
    assert guard.opened == [] and combo.currentData() == sub_id
    assert win.loop.working is not None and win.loop.working.row.case_id == case.row.case_id

    walked = []
    for _ in range(3):  # subcategory -> severity -> rationale (-> evidence)
        key(qtbot, win, Qt.Key.Key_Tab)
        walked.append(deciding(win).accessibleName())
    assert walked[:2] == ["Severity", "Rationale"]
    key(qtbot, win, Qt.Key.Key_Tab, SHIFT)
    assert deciding(win) is win.panel.editor("rationale")
    type_text(qtbot, win, "Phishing link in the caption, clause 3.1")
    key(qtbot, win, Qt.Key.Key_Tab)
    assert deciding(win) is win.panel.editor("evidence")
    type_text(qtbot, win, "caption text, top line")
    key(qtbot, win, Qt.Key.Key_Tab)
    assert deciding(win) is win.panel.editor("notes")
    key(qtbot, win, Qt.Key.Key_Tab)
    assert deciding(win).objectName() == "submitDecision"
    for _ in range(8):  # the ring stays in the form, whatever the number of presses
        key(qtbot, win, Qt.Key.Key_Tab)
        deciding(win)
    key(qtbot, win, Qt.Key.Key_Return, CTRL)  # submit from wherever the cursor is
    assert kinds(demo_store, case.row.case_id)[-1] == "decision.recorded"
    following = win.loop.working
    assert following is not None and following.row.case_id != case.row.case_id
    deciding(win)  # the next case's form has the cursor

    key(qtbot, win, Qt.Key.Key_Z, CTRL)  # undo: the decided case comes back, cursor in it
    assert kinds(demo_store, case.row.case_id)[-1] == "decision.retracted"
    assert win.loop.working is not None and win.loop.working.row.case_id == case.row.case_id
    deciding(win)

    def escalate(dialog: QWidget) -> None:
        assert dialog.objectName() == "escalateDialog"
        type_text(qtbot, dialog, "Coordinated posting, needs an analyst")
        key(qtbot, dialog, Qt.Key.Key_Tab)  # to the severity
        key(qtbot, dialog, Qt.Key.Key_Return)

    in_dialog(qtbot, escalate)
    key(qtbot, win, Qt.Key.Key_E)
    assert kinds(demo_store, case.row.case_id)[-1] == "case.escalated"
    escalated_next = win.loop.working
    assert escalated_next is not None
    deciding(win)

    def skip(dialog: QWidget) -> None:
        assert dialog.objectName() == "skipDialog"
        key(qtbot, dialog, Qt.Key.Key_1)
        key(qtbot, dialog, Qt.Key.Key_Return)

    in_dialog(qtbot, skip)
    key(qtbot, win, Qt.Key.Key_S)
    assert kinds(demo_store, escalated_next.row.case_id)[-1] == "case.skipped"
    assert win.loop.working is not None
    deciding(win)
    assert mouse.seen == []


def _escalate_one(demo_store: LocalStore, policies: PolicySet, login: DemoLogin) -> str:
    """As the moderator, outside the window: one case escalated for the analyst."""
    reviewer = Accounts(demo_store).authenticate(login.username, login.password)
    desk = ReviewDesk(demo_store, policies, reviewer)
    claim = desk.claim_next()
    assert claim is not None
    case_id = claim.detail.row.case_id
    desk.escalate(case_id, "Same text from many accounts; coordinated?", claim.detail.row.severity)
    return case_id


def test_analyst_walkthrough_by_keyboard_alone(
    qtbot: QtBot,
    open_window: Callable[[str], MainWindow],
    demo_store: LocalStore,
    policies: PolicySet,
    demo_logins: dict[str, DemoLogin],
    mouse: MouseWatch,
) -> None:
    escalated = _escalate_one(demo_store, policies, demo_logins["moderator"])
    win = open_window("analyst")
    if win.loop.working is None or win.loop.working.row.case_id != escalated:
        key(qtbot, win, Qt.Key.Key_R)  # give back what start-up claimed
        key(qtbot, win, Qt.Key.Key_Q)  # the queue picker
        key(qtbot, win, Qt.Key.Key_End)  # the escalations queue
        assert win.queue_filter.currentData() == ["escalations"]
        key(qtbot, win, Qt.Key.Key_F6)  # back to the queue
        assert win.focusWidget() is win.queue
        key(qtbot, win, Qt.Key.Key_N)
        wait_media(qtbot, win)
    working = win.loop.working
    assert working is not None and working.row.case_id == escalated and win.panel.final
    deciding(win)

    key(qtbot, win, Qt.Key.Key_H)  # history: the cursor is in the note
    assert win.tabs.currentWidget() is win.history_page
    assert deciding(win) is win.history.note
    type_text(qtbot, win, "Same wording as three other reports this week")
    key(qtbot, win, Qt.Key.Key_Return, CTRL | SHIFT)
    assert [n.body for n in win.desk.notes(escalated)] == [
        "Same wording as three other reports this week"
    ]
    key(qtbot, win, Qt.Key.Key_Tab)  # note -> Add -> Link
    key(qtbot, win, Qt.Key.Key_Tab)
    assert deciding(win) is win.history.link
    other = next(
        r for r in (win.model.row_at(n) for n in range(win.model.rowCount())) if r is not None
    )
    other_no = other.case_no if other.case_id != escalated else other.case_no + 1

    def link(dialog: QWidget) -> None:
        assert dialog.objectName() == "linkDialog" and f"#{working.row.case_no}" in (
            dialog.windowTitle()
        )
        type_text(qtbot, dialog, f"#{other_no}")
        assert f"#{other_no}" in dialog.findChild(QLabel, "linkedCase").text()
        key(qtbot, dialog, Qt.Key.Key_Tab)
        type_text(qtbot, dialog, "same sender")
        key(qtbot, dialog, Qt.Key.Key_Return)

    in_dialog(qtbot, link)
    key(qtbot, win, Qt.Key.Key_Return)  # Enter presses the focused Link button
    assert [(lk.case_no, lk.reason) for lk in win.desk.links(escalated)] == [
        (other_no, "same sender")
    ]
    assert any(f"#{other_no}" in win.history.links.item(n).text() for n in range(1))

    key(qtbot, win, Qt.Key.Key_F6)  # out of the notes, back to the queue
    assert win.focusWidget() is win.queue
    key(qtbot, win, Qt.Key.Key_H)  # the form again, the cursor in it
    assert win.tabs.currentWidget() is win.panel_page
    deciding(win)
    key(qtbot, win, Qt.Key.Key_1)  # no violation: a final decision needs a rationale
    assert deciding(win) is win.panel.editor("rationale")
    type_text(qtbot, win, "Coordinated, but within the satire exception")
    key(qtbot, win, Qt.Key.Key_Return, CTRL)
    assert win.desk.detail(escalated).row.status == "closed"
    assert mouse.seen == []


# --- one test per rule ----------------------------------------------------------------


def test_letters_in_the_subcategory_list_jump_and_never_run_commands(
    qtbot: QtBot, open_window: Callable[[str], MainWindow], policies: PolicySet
) -> None:
    win = open_window("moderator")
    working = win.loop.working
    assert working is not None
    win.panel.set_policy(policies["bullying_harassment"], severity=2)  # its form, for the keys
    key(qtbot, win, Qt.Key.Key_3)  # remove: needs a subcategory, so the cursor goes there
    combo = win.focusWidget()
    assert isinstance(combo, QComboBox) and combo.accessibleName() == "Subcategory"
    with DialogGuard() as guard:
        key(qtbot, win, Qt.Key.Key_S)
        assert combo.currentText() == "Sharing private information"
        for letter in "REMDBNAVO":
            key(qtbot, win, qt_key(letter))
            assert win.focusWidget() is combo
    assert guard.opened == []  # no Skip, Escalate, Mark or near-duplicate dialog
    assert win.loop.working is not None and win.loop.working.row.case_id == working.row.case_id
    assert not win.loop.breaks.isVisible() and not win.safe_screen
    assert win.case_view.media.reveal_mode is None


def test_tab_in_the_queue_goes_into_the_form_and_f6_comes_back(
    qtbot: QtBot, open_window: Callable[[str], MainWindow]
) -> None:
    win = open_window("moderator")
    working = win.loop.working
    assert working is not None
    key(qtbot, win, Qt.Key.Key_F6)
    assert win.focusWidget() is win.queue and not win.safe_screen
    for _ in range(3):
        key(qtbot, win, Qt.Key.Key_Tab)  # never walks the queue's cells
        deciding(win)
        assert win.current is not None and win.current.row.case_id == working.row.case_id
        key(qtbot, win, Qt.Key.Key_F6)
        assert win.focusWidget() is win.queue
    key(qtbot, win, Qt.Key.Key_X)  # a letter nothing binds: no type-ahead browsing
    assert win.current is not None and win.current.row.case_id == working.row.case_id
    key(qtbot, win, Qt.Key.Key_Escape)  # in the queue, Esc is the safe screen
    assert win.safe_screen
    key(qtbot, win, Qt.Key.Key_Escape)
    assert not win.safe_screen
    key(qtbot, win, Qt.Key.Key_Tab)
    deciding(win)
    key(qtbot, win, Qt.Key.Key_Escape)  # from the form too: one key hides all media
    assert win.safe_screen
    key(qtbot, win, Qt.Key.Key_Escape)
    assert not win.safe_screen


def test_a_validation_message_goes_as_soon_as_the_field_is_right(
    qtbot: QtBot, open_window: Callable[[str], MainWindow]
) -> None:
    win = open_window("moderator")
    case = win.loop.working
    assert case is not None
    policy = win.desk.policies[case.row.category]
    action = next(a for a in policy.actions if set(a.requires) == {"rationale", "subcategory"})
    key(qtbot, win, qt_key(action.key))
    key(qtbot, win, Qt.Key.Key_Return, CTRL)
    assert {"rationale", "subcategory"} <= set(win.panel.errors())
    win.panel.editor("rationale").setFocus()
    type_text(qtbot, win, "too short")  # 9 characters: still wrong, the message stays
    assert "rationale" in win.panel.errors()
    type_text(qtbot, win, "!")
    assert "rationale" not in win.panel.errors() and "subcategory" in win.panel.errors()
    win.panel.set_subcategory(next(iter(policy.subcategories)))
    assert win.panel.errors() == {}


def test_ctrl_shift_keypad_enter_adds_a_note(
    qtbot: QtBot, open_window: Callable[[str], MainWindow]
) -> None:
    win = open_window("analyst")
    case = win.loop.shown
    assert case is not None
    key(qtbot, win, Qt.Key.Key_H)
    assert win.focusWidget() is win.history.note
    key(qtbot, win, Qt.Key.Key_Return, CTRL | SHIFT)  # empty: refused, said why
    assert win.history.error.text()
    type_text(qtbot, win, "Seen this sender before")
    assert win.history.error.text() == ""  # the message goes once the note is right
    key(qtbot, win, Qt.Key.Key_Enter, CTRL | SHIFT | KEYPAD)
    assert [n.body for n in win.desk.notes(case.row.case_id)] == ["Seen this sender before"]
    assert win.history.note.toPlainText() == ""


def _member(n: int, applicable: bool = True) -> ClusterMember:
    return ClusterMember(
        case_id=f"case-{n}",
        case_no=1040 + n,
        title=f"Flyer {n}",
        category="spam_scams",
        status="new" if applicable else "closed",
        distance=n,
        item="",
        item_kind="image",
        applicable=applicable,
        why_not="" if applicable else "already decided",
    )


def test_the_near_duplicate_sheet_starts_unticked_a_ticks_all_space_ticks(
    qtbot: QtBot, policies: PolicySet
) -> None:
    make_app()
    members = [_member(1), _member(2), _member(3, applicable=False)]
    names = {p.id: p.name for p in policies}
    sheet = ContactSheet(None, TaskRunner(), members, lambda m: None, "Remove", names)  # type: ignore[arg-type]
    qtbot.addWidget(sheet)
    sheet.show()
    intro = sheet.findChild(QLabel).text()
    assert "A ticks all 2" in intro and "none is ticked" in intro
    assert sheet.chosen() == []
    assert all("spam_scams" not in sheet.grid.item(n).text() for n in range(3))
    assert policies["spam_scams"].name in sheet.grid.item(0).text()
    key(qtbot, sheet, Qt.Key.Key_Space)
    assert sheet.chosen() == ["case-1"]
    key(qtbot, sheet, Qt.Key.Key_Space)
    assert sheet.chosen() == []
    key(qtbot, sheet, Qt.Key.Key_A)
    assert sheet.chosen() == ["case-1", "case-2"]  # not the one that cannot take it
    assert sheet.apply.text() == "Apply to ticked (2)"


def test_a_case_number_is_read_with_or_without_its_hash() -> None:
    assert parse_case_no("#1042") == 1042
    assert parse_case_no(" 1042 ") == 1042
    assert parse_case_no("# 7") == 7
    for bad in ("", "#", "abc", "10 42", "-3", "0", "١٢", "#1042x"):
        assert parse_case_no(bad) is None, bad


def test_a_focused_field_in_a_scroll_area_scrolls_into_view(qtbot: QtBot) -> None:
    make_app()
    window = QWidget()
    qtbot.addWidget(window)
    area = QScrollArea(window)
    body = QWidget()
    column = QVBoxLayout(body)
    fields = [QComboBox() for _ in range(40)]
    for field in fields:
        column.addWidget(field)
    area.setWidget(body)
    QVBoxLayout(window).addWidget(area)
    window.resize(300, 200)
    FocusInView(window)
    window.show()
    qtbot.waitExposed(window)
    assert area.focusPolicy() == Qt.FocusPolicy.NoFocus
    fields[-1].setFocus()
    qtbot.waitUntil(lambda: area.verticalScrollBar().value() > 0, timeout=2000)
    top = fields[-1].mapTo(area.viewport(), fields[-1].rect().topLeft()).y()
    assert 0 <= top < area.viewport().height()
