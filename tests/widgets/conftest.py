"""Widget fixtures: a logged-in main window over a private demo store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.demo.cases import DemoLogin
from app.domain.people import Accounts
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from widgets.media.media_view import CanvasState
from widgets.shell.application import build_window, make_app
from widgets.shell.main_window import MainWindow


@pytest.fixture
def window(
    qtbot: QtBot,
    demo_store: LocalStore,
    demo_dir: Path,
    policies: PolicySet,
    demo_logins: dict[str, DemoLogin],
) -> Iterator[MainWindow]:
    """The moderator's main window, shown, with the first case's media settled."""
    make_app()
    login = demo_logins["moderator"]
    reviewer = Accounts(demo_store).authenticate(login.username, login.password)
    win = build_window(demo_store, policies, reviewer, demo_dir)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    wait_media(qtbot, win)
    yield win
    win.close()


def wait_media(qtbot: QtBot, win: MainWindow) -> None:
    """Wait until the media canvas has left the loading state."""
    qtbot.waitUntil(lambda: win.case_view.media.state is not CanvasState.LOADING, timeout=15000)
