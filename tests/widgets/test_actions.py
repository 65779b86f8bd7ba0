"""The action table: one entry gives a command its keys, its menu entry and its overlay line."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from app.demo.cases import DemoLogin
from app.domain.people import Accounts, Role
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from widgets.shell.actions import ActionSpec, ActionTable, Binding, KeyConflict, portable
from widgets.shell.application import build_window, make_app
from widgets.shell.main_window import MainWindow
from widgets.wellbeing.feature import ViewerKeys


def _table(qtbot: QtBot, role: Role) -> tuple[QMainWindow, ActionTable]:
    make_app()
    window = QMainWindow()
    qtbot.addWidget(window)
    menus = {name: window.menuBar().addMenu(name) for name in ("Case", "Help")}
    return window, ActionTable(window, menus, role, lambda run: lambda *args: run(*args))


def test_an_entry_binds_its_keys_and_fills_its_menu(qtbot: QtBot) -> None:
    window, table = _table(qtbot, Role.MODERATOR)
    ran: list[str] = []
    entry = table.add(
        ActionSpec("case.go", "Go", lambda: ran.append("go"), ("G", "Shift+G"), menu="Case")
    )
    assert entry is not None and entry.text() == "Go  (G  /  Shift+G)"
    (bound,) = table.bound["case.go"]
    assert bound in window.actions()
    assert [k.toString() for k in bound.shortcuts()] == ["G", "Shift+G"]
    assert bound.shortcutContext() is Qt.ShortcutContext.WindowShortcut
    entry.trigger()
    bound.trigger()
    assert ran == ["go", "go"]


def test_a_choice_binds_one_action_per_key(qtbot: QtBot) -> None:
    _window, table = _table(qtbot, Role.MODERATOR)
    chosen: list[str] = []
    table.add(
        ActionSpec("pick", "Pick", keys=("1", "2"), display_key="1 … 2", choose=chosen.append)
    )
    for action in table.bound["pick"]:
        action.trigger()
    assert chosen == ["1", "2"]
    assert table.overlay()[0].lines == (("1 … 2", "Pick"),)


def test_two_entries_cannot_share_a_key(qtbot: QtBot) -> None:
    _window, table = _table(qtbot, Role.MODERATOR)
    table.add(ActionSpec("one", "One", print, ("Ctrl+Return",)))
    with pytest.raises(KeyConflict, match="one and two"):
        table.add(ActionSpec("two", "Two", print, ("Ctrl+Enter", "ctrl+return")))
    with pytest.raises(KeyConflict, match="one and held"):
        table.add(ActionSpec("held", "Held", print, ("Ctrl+Return",), binding=Binding.HELD))


def test_adding_an_entry_adds_an_overlay_line(qtbot: QtBot) -> None:
    _window, table = _table(qtbot, Role.MODERATOR)
    table.add(ActionSpec("help.about", "About", print, menu="Help"))  # no key: no line
    assert table.overlay() == ()
    table.add(ActionSpec("case.go", "Go", print, ("G",), menu="Case", overlay="go on"))
    table.add(ActionSpec("view.hold", "Hold", keys=("H",), display_key="H  (hold)"))
    assert [(s.title, s.lines) for s in table.overlay()] == [
        ("Case", (("G", "go on"),)),
        ("Keys", (("H  (hold)", "Hold"),)),
    ]


def test_menus_and_overlay_follow_the_role_and_keys_stay_bound(qtbot: QtBot) -> None:
    ran: list[str] = []
    spec = ActionSpec("case.assign", "Assign", lambda: ran.append("a"), ("A",), menu="Case")
    lead_only = replace(spec, role=Role.LEAD)
    _window, moderator = _table(qtbot, Role.MODERATOR)
    assert moderator.add(lead_only) is not None  # the key action: it refuses by itself
    assert "case.assign" not in moderator.entries and moderator.overlay() == ()
    moderator.bound["case.assign"][0].trigger()
    _window, lead = _table(qtbot, Role.LEAD)
    lead.add(lead_only)
    assert "case.assign" in lead.entries and lead.overlay()[0].lines == (("A", "Assign"),)
    assert ran == ["a"]


def test_a_menu_entry_greys_out_when_it_cannot_be_used(qtbot: QtBot) -> None:
    _window, table = _table(qtbot, Role.MODERATOR)
    state = {"working": False}
    table.add(
        ActionSpec("r", "Release", print, ("R",), menu="Case", enabled=lambda: state["working"])
    )
    table.refresh()
    assert not table.entries["r"].isEnabled()
    assert table.bound["r"][0].isEnabled()  # the key still says why not, in the status bar
    state["working"] = True
    table.refresh()
    assert table.entries["r"].isEnabled()


# --- the real main window ------------------------------------------------------------


@pytest.fixture
def open_window(
    qtbot: QtBot,
    demo_store: LocalStore,
    demo_dir: Path,
    policies: PolicySet,
    demo_logins: dict[str, DemoLogin],
) -> Iterator[Callable[[str], MainWindow]]:
    """Opens the main window (with every feature installed) for a demo role."""
    make_app()
    windows: list[MainWindow] = []

    def open_for(role: str) -> MainWindow:
        login = demo_logins[role]
        reviewer = Accounts(demo_store).authenticate(login.username, login.password)
        win = build_window(demo_store, policies, reviewer, demo_dir)
        qtbot.addWidget(win)
        win.resize(1366, 768)
        windows.append(win)
        return win

    yield open_for
    for win in windows:
        win.close()


def _window_keys(win: MainWindow) -> dict[Qt.ShortcutContext, list[str]]:
    keys: dict[Qt.ShortcutContext, list[str]] = {}
    for action in win.actions():
        for seq in action.shortcuts():
            keys.setdefault(action.shortcutContext(), []).append(portable(seq.toString()))
    return keys


def _viewer_keys(win: MainWindow) -> frozenset[Qt.Key]:
    (viewer,) = [o for o in win.findChildren(QObject) if isinstance(o, ViewerKeys)]
    return viewer.keys()


@pytest.mark.parametrize("role", ["moderator", "lead"])
def test_every_key_in_the_overlay_is_handled(
    open_window: Callable[[str], MainWindow], role: str
) -> None:
    win = open_window(role)
    bound = {k for keys in _window_keys(win).values() for k in keys}
    viewer = _viewer_keys(win)
    shown = [s for s in win.action_table.specs() if s.shown_key and win.action_table.allows(s)]
    assert len(shown) > 20
    for spec in shown:
        if spec.binding is Binding.SHORTCUT:
            assert {portable(k) for k in spec.keys} <= bound, spec.id
        elif spec.binding in (Binding.PRESS, Binding.HELD):
            assert {QKeySequence(k)[0].key() for k in spec.keys} <= viewer, spec.id  # type: ignore[index]
        else:
            assert spec.binding is Binding.WIDGET and not spec.keys, spec.id


@pytest.mark.parametrize("role", ["moderator", "analyst", "lead"])
def test_no_two_actions_share_a_key_and_menu_keys_are_in_the_overlay(
    open_window: Callable[[str], MainWindow], role: str
) -> None:
    win = open_window(role)
    for context, keys in _window_keys(win).items():
        assert len(keys) == len(set(keys)), (context, sorted(keys))
    win.overlay.toggle()
    text = win.overlay.text()
    for action_id, entry in win.action_table.entries.items():
        spec = win.action_table.spec(action_id)
        assert entry.text() == spec.menu_text
        assert html.escape(spec.shown_key) in text, action_id


def test_a_lead_sees_lead_actions_and_a_moderator_does_not(
    open_window: Callable[[str], MainWindow],
) -> None:
    lead, moderator = open_window("lead"), open_window("moderator")
    for win, expected in ((lead, True), (moderator, False)):
        case = {a.text() for a in win.menus["Case"].actions()}
        assert ("Assign to a person…  (A)" in case) is expected
        assert ("Link a related case…  (L)" in case) is expected
        win.overlay.toggle()
        assert ("assign the case to a person" in win.overlay.text()) is expected
        team = {a.text() for a in win.menus["Team"].actions()}
        assert ("Breaks and rotation…" in team) is expected


def test_keyboard_shortcuts_is_listed_once(open_window: Callable[[str], MainWindow]) -> None:
    win = open_window("moderator")
    texts = [a.text() for menu in win.menus.values() for a in menu.actions()]
    assert texts.count("Keyboard shortcuts  (?)") == 1
    assert "Keyboard shortcuts  (?)" in {a.text() for a in win.menus["Help"].actions()}


def test_a_feature_entry_reaches_the_overlay(open_window: Callable[[str], MainWindow]) -> None:
    win = open_window("moderator")
    win.overlay.toggle()
    assert "sync with the hub now" in win.overlay.text()  # the sync feature's entry
    assert "O  (hold)" in win.overlay.text()  # the wellbeing feature's held key
    win.overlay.toggle()
    win.action_table.add(ActionSpec("test.x", "X", print, ("Ctrl+Alt+X",), overlay="a new line"))
    win.overlay.toggle()
    assert "a new line" in win.overlay.text()
