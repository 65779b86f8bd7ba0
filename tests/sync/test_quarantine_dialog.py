"""Team > Quarantined events…: leads see what the workstation kept out, with why, and retry."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text

from app.domain.people import Reviewer
from app.log import quarantine
from app.log import registry as kernel
from app.review.reviewdesk import ReviewDesk
from tests.hub.planting import plant
from widgets.shell.application import make_app
from widgets.shell.main_window import MainWindow
from widgets.shell.settings import Settings
from widgets.shell.tasks import TaskRunner
from widgets.sync.feature import HubFeature
from widgets.sync.quarantine import COLUMNS, QuarantineDialog

from .conftest import NewStation
from .stations import Station, TeamOnHub
from .test_quarantine import BUGGY_DEADLINE, fold_bug

ENTRY = "Quarantined events…"


@pytest.fixture(autouse=True)
def _windows_die_here(qtbot: QtBot) -> Iterator[None]:
    kernel.reset()
    quarantine.build.cache_clear()
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
    feature.stop()  # the test syncs by hand
    _OPEN.append(window)
    return window, feature


def test_a_lead_lists_quarantined_events_with_why_and_retries_them(
    qtbot: QtBot,
    team: TeamOnHub,
    hub_engine: Engine,
    new_station: NewStation,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fix = fold_bug(monkeypatch)
    (case,) = team.cases(1)
    mod = team.user("moderator")
    bad = plant(
        hub_engine, actor=mod.username, team=team.name, kind="case.escalated",
        case_id=case, payload={"sla_deadline": BUGGY_DEADLINE},
    )  # fmt: skip
    station = new_station("lead")
    lead = station.adopt(team.lead)
    assert station.sync(team.lead.username).quarantined == 1

    moderator_station = new_station("mod")
    moderator = moderator_station.adopt(mod)
    window, feature = _window(moderator_station, moderator)
    assert ENTRY not in {a.text() for a in window.menus["Team"].actions()}
    assert feature.open_quarantine() is None

    window, feature = _window(station, lead)
    entries = {a.text(): a for a in window.menus["Team"].actions()}
    assert ENTRY in entries
    entries[ENTRY].trigger()
    dialog = window.findChild(QuarantineDialog, "quarantine")
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 1
    cells = {COLUMNS[c]: dialog.table.item(0, c).text() for c in range(len(COLUMNS))}
    assert cells["Kind"] == "case.escalated" and cells["Case"] == case
    assert cells["Field"] == "fold app.review.folds.escalation_record"
    assert "day is out of range" in cells["Rule"]
    assert bad.event_id in dialog.table.item(0, 0).toolTip()

    fix()
    with qtbot.waitSignal(dialog.retried, timeout=10000):
        dialog.retry_button.click()
    assert dialog.table.rowCount() == 0
    assert "1 folded, 0 still in quarantine" in dialog.message.text()
    with station.store.read() as session:
        rows = session.execute(text("SELECT case_id FROM escalations")).all()
    assert [tuple(r) for r in rows] == [(case,)]
