"""The hub in the window: status indicator, sync now, hub settings, work ahead, conflicts.

Real hub process, real stores; the worker runs on its own thread and the tests wait on
what the window shows, never on sleeps.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from app.demo.cases import DemoLogin
from app.domain.people import Accounts, Reviewer, Role
from app.domain.policies import PolicySet
from app.hub.process import HubProcess
from app.log.paths import resources_dir
from app.log.store import LocalStore
from app.review.reviewdesk import ReviewDesk
from app.sync.engine import SyncReport
from app.sync.link import HubLink
from app.sync.login import HubAccounts
from widgets.shell.application import build_window, make_app, open_workstation_store
from widgets.shell.main_window import MainWindow
from widgets.shell.settings import Settings
from widgets.shell.tasks import TaskRunner
from widgets.sync.feature import HUB_URL_ENV, HubFeature, accounts_for, hub_workstation
from widgets.sync.status import SyncProgress

from .conftest import NewStation
from .stations import PASSWORD, Station, TeamOnHub

WAIT = 20000


@pytest.fixture(autouse=True)
def _windows_die_on_the_gui_thread(qtbot: QtBot) -> Iterator[None]:
    """Delete this test's windows here, not later in whatever thread the collector runs
    (a sync worker's, say), where Qt refuses to stop their timers."""
    yield
    for window in list(_OPEN):
        window.close()
        window.deleteLater()
    _OPEN.clear()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


_OPEN: list[MainWindow] = []


def _window(station: Station, reviewer: Reviewer) -> tuple[MainWindow, HubFeature]:
    make_app()
    desk = ReviewDesk(station.store, station.policies, reviewer)
    window = MainWindow(desk, TaskRunner(), Settings(station.folder))
    feature = HubFeature(window)
    _OPEN.append(window)
    window.show()
    return window, feature


@pytest.fixture
def photo_case(team: TeamOnHub) -> str:
    """A case on the hub with one (safe) photo as its media."""
    data = (resources_dir() / "demo" / "coffee.png").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    team.client(team.lead).put_blob(sha, data)
    media = [{"sha256": sha, "kind": "image", "mime": "image/png", "filename": "c.png",
              "size": len(data)}]  # fmt: skip
    (case,) = team.cases(1, media=media, severity=4)
    return case


def _text(window: MainWindow) -> str:
    return window.hub.text()


@pytest.fixture
def hub_window(
    qtbot: QtBot, team: TeamOnHub, new_station: NewStation
) -> Iterator[tuple[MainWindow, HubFeature, Station]]:
    """A moderator's window on a hub workstation, worker running and first sync done."""
    station = new_station("gui")
    me = station.adopt(team.user("moderator"))
    team.cases(3)
    window, feature = _window(station, me)
    qtbot.waitUntil(lambda: "online" in _text(window), timeout=WAIT)
    yield window, feature, station
    window.close()


def test_an_offline_store_says_no_hub_is_configured(
    qtbot: QtBot,
    demo_store: LocalStore,
    demo_dir: Path,
    policies: PolicySet,
    demo_logins: dict[str, DemoLogin],
) -> None:
    make_app()
    login = demo_logins["moderator"]
    reviewer = Accounts(demo_store).authenticate(login.username, login.password)
    window = build_window(demo_store, policies, reviewer, demo_dir)
    _OPEN.append(window)
    assert window.hub.text() == "offline: no hub configured"
    window.close()


def test_the_indicator_follows_a_decision_to_the_hub(
    qtbot: QtBot, hub_window: tuple[MainWindow, HubFeature, Station]
) -> None:
    window, feature, station = hub_window
    assert "0 pending" in _text(window) and "synced" in _text(window)
    case_id = station.decide(window.desk.reviewer, _first_new_case(station)).case_id
    assert case_id is not None
    window.decision_saved.emit(case_id)
    qtbot.waitUntil(lambda: station.pending() == 0, timeout=WAIT)
    qtbot.waitUntil(lambda: "0 pending" in _text(window), timeout=WAIT)
    assert feature.worker is not None


def _first_new_case(station: Station) -> str:
    with station.store.engine.connect() as conn:
        query = text("SELECT case_id FROM cases WHERE status = 'new' ORDER BY case_no")
        return str(conn.execute(query).scalars().first())


def test_sync_now_shows_progress_and_closes_when_done(
    qtbot: QtBot, hub_window: tuple[MainWindow, HubFeature, Station]
) -> None:
    _window_, feature, _station = hub_window
    progress = feature.sync_now()
    assert isinstance(progress, SyncProgress)
    qtbot.waitUntil(lambda: progress.outcome is not None, timeout=WAIT)
    assert isinstance(progress.outcome, SyncReport)


def test_hub_settings_connect_and_log_in(
    qtbot: QtBot, team: TeamOnHub, new_station: NewStation
) -> None:
    station = new_station("fresh")
    account = team.user("analyst")
    station.link.path.unlink()  # a brand-new data dir: not connected yet
    reviewer = Reviewer(account.username, account.username, Role.ANALYST, frozenset())
    window, feature = _window(station, reviewer)
    assert "no hub configured" in _text(window)
    dialog = feature.open_settings()
    dialog.url.setText(team.base_url)
    dialog.username.setText(account.username)
    dialog.password.setText(PASSWORD)
    dialog.login_button.click()
    qtbot.waitUntil(lambda: "Logging in" not in dialog.message.text(), timeout=WAIT)
    assert dialog.message.text().startswith("Logged in"), dialog.message.text()
    qtbot.waitUntil(lambda: "online" in _text(window), timeout=WAIT)
    assert station.link.token(account.username) is not None
    assert (station.link.path.stat().st_mode & 0o777) == 0o600
    window.close()


def test_work_ahead_checks_out_cases_with_their_media(
    qtbot: QtBot, hub_window: tuple[MainWindow, HubFeature, Station], photo_case: str
) -> None:
    window, feature, station = hub_window
    dialog = feature.work_ahead()
    assert dialog is not None
    dialog.count.setValue(2)
    with qtbot.waitSignal(dialog.checked_out, timeout=WAIT) as got:
        dialog.check_out()
    report = got.args[0]
    assert photo_case in report.leased and report.media == 1
    detail = window.desk.detail(photo_case)
    assert detail.leased_by == window.desk.reviewer.username
    assert all(station.store.blobs.has(m.sha256) for m in detail.media)
    window.close()


def test_a_lead_adjudicates_a_conflict_in_the_panel(
    qtbot: QtBot, team: TeamOnHub, new_station: NewStation
) -> None:
    one, two, lead_ws = new_station("one"), new_station("two"), new_station("lead")
    a, b = one.adopt(team.user("moderator")), two.adopt(team.user("moderator"))
    lead = lead_ws.adopt(team.lead)
    (case,) = team.cases(1)
    one.sync(a.username), two.sync(b.username)
    one.decide(a, case), two.decide(b, case, "restrict")
    one.sync(a.username), two.sync(b.username)
    window, feature = _window(lead_ws, lead)
    panel = feature.conflicts
    assert panel is not None
    qtbot.waitUntil(lambda: panel.cases.count() == 1, timeout=WAIT)
    assert panel.decisions.rowCount() == 2
    panel.rationale.setPlainText("the link in the text is a known phishing domain")
    panel.action.setCurrentIndex(panel.action.findData("remove"))
    with qtbot.waitSignal(panel.adjudicated, timeout=WAIT):
        panel.record.click()
    assert panel.cases.count() == 0
    qtbot.waitUntil(lambda: lead_ws.pending() == 0, timeout=WAIT)
    one.sync(a.username)
    assert one.status(case) == "decided"
    window.close()


def test_a_fresh_data_dir_started_with_a_hub_url_is_a_hub_workstation(
    tmp_path: Path, policies: PolicySet, hub: HubProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HUB_URL_ENV, hub.base_url)
    store = open_workstation_store(tmp_path / "fresh", policies)
    try:
        assert HubLink(store.data_dir).url == hub.base_url
        assert Accounts(store).count() == 0 and store.event_count() == 0  # no demo seeded
        assert isinstance(accounts_for(store), HubAccounts)
    finally:
        store.close()


def test_the_offline_demo_stays_offline_even_with_a_hub_url(
    demo_store: LocalStore, hub: HubProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HUB_URL_ENV, hub.base_url)
    assert not hub_workstation(demo_store)
    assert isinstance(accounts_for(demo_store), Accounts)
