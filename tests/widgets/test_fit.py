"""The workstation fits real screens: a 1,366 x 768 laptop and 1,280 x 720 logical pixels
(a 1,920 x 1,080 screen at 150 % scaling), for every role, whatever case is open.

The offscreen screen is replaced by the screen's available room the window sizes itself to
(widgets.shell.fit.screen_room), which is what a real screen at that size reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QDialog, QSplitter, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.demo.cases import DemoLogin
from app.domain.people import Accounts
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from db.models import Case, MediaItem
from tests.sync.writers import Log, spam_case
from tests.widgets.conftest import wait_media
from widgets.qa.feature import LeadTools
from widgets.shell import fit
from widgets.shell.application import build_window, make_app
from widgets.shell.main_window import MainWindow
from widgets.shell.settings import Settings
from widgets.sync.feature import HubFeature

SCREENS = {"laptop 1366x768": QSize(1366, 768), "150% scaling 1280x720": QSize(1280, 720)}
ROLES = ("moderator", "analyst", "lead")
MEDIA_SHARE = 0.40

OpenWindow = Callable[[str], MainWindow]


def _on_screen(monkeypatch: pytest.MonkeyPatch, size: QSize) -> QRect:
    room = QRect(0, 0, size.width(), size.height())
    monkeypatch.setattr(fit, "screen_room", lambda _widget=None: room)
    return room


@pytest.fixture
def open_window(
    qtbot: QtBot,
    demo_store: LocalStore,
    demo_dir: Path,
    policies: PolicySet,
    demo_logins: dict[str, DemoLogin],
) -> Iterator[OpenWindow]:
    """Opens a role's main window as a first start would (no saved geometry)."""
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


def _fits(size: QSize, room: QRect) -> bool:
    return size.width() <= room.width() and size.height() <= room.height()


def _video_case(store: LocalStore) -> str:
    with store.transaction() as session:
        case_id = session.scalars(
            select(Case.case_id)
            .join(MediaItem, MediaItem.case_id == Case.case_id)
            .where(MediaItem.kind == "video", Case.clearance.is_(None))
            .limit(1)
        ).first()
    assert case_id is not None, "the demo has a (procedurally drawn) video case"
    return case_id


def _box(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("screen", list(SCREENS), ids=list(SCREENS))
def test_the_window_fits_the_screen_gives_the_media_room_and_a_video_moves_nothing(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_window: OpenWindow,
    demo_store: LocalStore,
    role: str,
    screen: str,
) -> None:
    room = _on_screen(monkeypatch, SCREENS[screen])
    win = open_window(role)
    assert _fits(win.minimumSizeHint(), room), win.minimumSizeHint()
    assert _fits(win.minimumSize(), room), win.minimumSize()
    assert room.contains(win.frameGeometry()), win.frameGeometry()
    assert win.case_view.width() >= MEDIA_SHARE * win.width(), win.splitter.sizes()
    assert win.queue.horizontalScrollBar().maximum() == 0
    assert {"SLA", "Title"} <= set(win.queue_columns.shown())
    title = win.queue_columns.names().index("Title")
    assert win.queue.columnWidth(title) >= 150
    minimum, hint, size = win.minimumSize(), win.minimumSizeHint(), win.size()

    win.loop.browse(_video_case(demo_store))
    video = win.case_view.video
    qtbot.waitUntil(lambda: video.isVisible() and video.storyboard_size() > 0, timeout=15000)
    qtbot.wait(50)  # let the layout take the keyframe strip in
    assert (win.minimumSize(), win.minimumSizeHint(), win.size()) == (minimum, hint, size)
    assert win.case_view.width() >= MEDIA_SHARE * win.width()
    strip = video.storyboard_area
    assert strip.widget().width() > strip.viewport().width()  # it scrolls, it does not widen
    win.close()
    saved = win.settings.window_geometry
    reopened = QWidget()
    reopened.restoreGeometry(saved)
    assert _fits(reopened.size(), room)


def test_a_geometry_saved_on_a_bigger_screen_opens_within_this_one(
    monkeypatch: pytest.MonkeyPatch, open_window: OpenWindow, demo_dir: Path
) -> None:
    big = QWidget()
    big.setGeometry(0, 0, 2231, 1211)  # what a widened window saved before
    Settings(demo_dir).window_geometry = big.saveGeometry()
    room = _on_screen(monkeypatch, SCREENS["laptop 1366x768"])
    win = open_window("moderator")
    assert room.contains(win.frameGeometry()), win.frameGeometry()


def test_a_layout_that_squeezed_the_media_is_not_restored(
    monkeypatch: pytest.MonkeyPatch, open_window: OpenWindow, demo_dir: Path
) -> None:
    squeezed = QSplitter()
    for _ in range(3):
        squeezed.addWidget(QWidget())
    squeezed.setSizes([560, 338, 417])  # the media's share in a layout saved before
    Settings(demo_dir).splitter_state = squeezed.saveState()
    _on_screen(monkeypatch, SCREENS["laptop 1366x768"])
    win = open_window("analyst")
    assert win.case_view.width() >= MEDIA_SHARE * win.width(), win.splitter.sizes()


def test_conflicts_panel_is_hidden_when_empty_and_opens_when_a_conflict_arrives(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, open_window: OpenWindow, demo_store: LocalStore
) -> None:
    room = _on_screen(monkeypatch, SCREENS["laptop 1366x768"])
    win = open_window("lead")
    feature = win.findChild(HubFeature)
    assert feature is not None and feature.conflicts is not None
    dock = feature.conflicts_dock
    assert dock is not None and not dock.isVisible()
    toggle = dock.toggleViewAction()
    assert toggle in win.menus["View"].actions() and toggle.text() == "Conflicts"
    media_before = win.case_view.media.height()

    log = Log()
    case = spam_case(log)
    log.decide("mod-a", case, prior=None)
    log.decide("mod-b", case, prior=None)
    demo_store.apply_remote(log.served(), 10_000, win.desk.reviewer.username)
    qtbot.waitUntil(dock.isVisible, timeout=5000)
    assert feature.conflicts.cases.count() == 1
    assert toggle.isChecked()
    assert _fits(win.minimumSizeHint(), room) and room.contains(win.frameGeometry())
    assert win.case_view.media.height() >= 150  # shares the height, still a picture
    assert win.case_view.media.height() < media_before

    toggle.trigger()  # View > Conflicts closes it and opens it again
    assert not dock.isVisible()
    toggle.trigger()
    assert dock.isVisible()


def _decide(qtbot: QtBot, win: MainWindow) -> None:
    assert win.panel.choose_action("1")
    win.panel.submit()
    qtbot.waitUntil(lambda: win.loop.toast.isVisible(), timeout=5000)


@pytest.mark.parametrize("width", ["minimum", "full"])
def test_the_undo_toast_hides_no_button_and_always_shows_its_countdown(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, open_window: OpenWindow, width: str
) -> None:
    _on_screen(monkeypatch, SCREENS["laptop 1366x768"])
    win = open_window("moderator")
    if width == "minimum":
        win.resize(win.minimumSize())
        qtbot.waitUntil(lambda: win.size() == win.minimumSize(), timeout=2000)
    _decide(qtbot, win)
    toast = win.loop.toast
    # A long saved-text (a long action label, several near-duplicates) at the pane's width.
    toast.show_for("Saved: Restrict reach with an interstitial warning on #104217 " * 3)
    qtbot.wait(20)
    area = toast.geometry()
    assert win.rect().contains(area)
    panel = win.panel
    for button in (panel._submit, panel._escalate, panel._skip):
        assert not _box(button, win).intersects(area), button.text()
    countdown = toast.countdown
    assert countdown.text().endswith("s left") and str(toast._left) in countdown.text()
    assert countdown.width() >= countdown.sizeHint().width()
    assert area.contains(_box(countdown, win)) and area.contains(_box(toast.button, win))
    assert toast.label.text().endswith("…")  # the text gave way, not the countdown
    assert _box(win.case_view.media, win).contains(area)  # over the media, nowhere else


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_lead_dialogs_open_at_a_size_that_fits_a_150_percent_screen(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, open_window: OpenWindow
) -> None:
    room = _on_screen(monkeypatch, SCREENS["150% scaling 1280x720"])
    opened: list[QWidget] = []

    def keep(dialog: QDialog) -> int:  # modal dialogs: open, measured, never run
        opened.append(dialog)
        return 0

    monkeypatch.setattr(QDialog, "exec", keep)
    win = open_window("lead")
    tools = LeadTools(win)
    tools.run_draw = lambda then=None: None  # type: ignore[method-assign]  # no QA draw here
    for show in (
        tools.show_feedback,
        tools.show_calibration_calls,
        tools.show_rules,
        tools.show_gold,
        tools.show_calibration,
        tools.show_review,
        tools.show_audit_trail,
        tools.show_dashboard,
    ):
        show()
    opened.extend(tools.windows.values())
    assert len(opened) == 8
    for widget in opened:
        name = type(widget).__name__
        assert _fits(widget.size(), room), (name, widget.size())
        assert _fits(widget.minimumSizeHint(), room), (name, widget.minimumSizeHint())
        widget.close()
