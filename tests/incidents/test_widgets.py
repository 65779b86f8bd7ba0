"""The incident room: declare, counters, roles, the timeline with filter/pin/correct, the
status update reminder, export; Tools > Incidents… and roles in the status bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QInputDialog, QPushButton
from pytestqt.qtbot import QtBot

from app.domain.people import Accounts
from app.incidents.severity import bundled_severities
from db.models import Case
from tests.review.conftest import World
from widgets.incidents import dialogs
from widgets.incidents.window import IncidentsWindow
from widgets.shell.application import build_window, make_app
from widgets.shell.tasks import InlineTaskRunner

from .conftest import incident_desk, person
from .test_contain import BASE, _item


def _room(qtbot: QtBot, world: World, name: str = "lee", role: str = "lead") -> IncidentsWindow:
    make_app()
    room = IncidentsWindow(
        world.store,
        person(name, role),
        InlineTaskRunner(),
        bundled_severities(),
        ["spam_scams", "violent_graphic"],
        ["lee", "sam"],
    )
    qtbot.addWidget(room)
    return room


def test_the_room_runs_an_incident(
    qtbot: QtBot, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [world.ingest("spam_scams", 2, media=[_item(n, BASE ^ n)]) for n in range(1, 4)]
    room = _room(qtbot, world)
    with world.store.read() as s:
        first_no = s.get_one(Case, cases[0]).case_no

    def fill_declare(dialog: dialogs.DeclareDialog) -> QDialog.DialogCode:
        dialog.title.setText("Flyer wave")
        dialog.case_no.setValue(first_no)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(dialogs.DeclareDialog, "exec", fill_declare)
    room.declare()
    assert room.state is not None and room.state.title == "Flyer wave"
    assert "SEV 2" in room.header.text() and "Tell: lead, policy, comms" in room.header.text()
    assert room.counters.text().startswith("Matched 3 · decided 0 · open 3")
    assert room.list.count() == 1
    assert room.due.text() == "Next status update due in 60 min"
    world.clock.advance(61 * 60)
    room._show_due()
    assert room.due.text().startswith("Status update overdue by 1 min")

    def fill_update(dialog: dialogs.StatusUpdateDialog) -> QDialog.DialogCode:
        dialog.conditions.setPlainText("three copies")
        dialog.done_and_doing.setPlainText("surge queue staffed")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(dialogs.StatusUpdateDialog, "exec", fill_update)
    room.status_update()
    assert room.due.text() == "Next status update due in 60 min"
    kinds = [i.kind for i in room.model.items]
    assert kinds[0] == "incident.status_update" and kinds.count("incident.case_linked") == 3
    # Pin and correct the update (new events), then the pinned-only filter.
    room.table.selectRow(0)
    room.toggle_pin()
    assert room.model.items[0].pinned is False  # newest first: the pin event itself
    update_row = next(n for n, i in enumerate(room.model.items) if i.typed)
    room.table.selectRow(update_row)
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("four copies", True))
    room.correct()
    room.filter.setCurrentIndex(room.filter.findData("pinned"))
    assert [i.kind for i in room.model.items] == ["incident.status_update"]
    assert room.model.items[0].corrected_text == "four copies"
    shown = room.model.data(room.model.index(0, 3))
    assert shown.startswith("four copies  (corrected by lee; was: Conditions: three copies")
    room.filter.setCurrentIndex(0)
    room.show()
    qtbot.waitExposed(room)
    room.grab().save(str(tmp_path / "room.png"))
    # Resolve, post-mortem, export.
    room.resolve()
    assert room.state.status == "resolved"
    assert not room.buttons["Severity…"].isEnabled() and room.buttons["Post-mortem…"].isEnabled()
    out = tmp_path / "pm.md"
    room.export(out)
    assert "# Post-mortem: Flyer wave" in out.read_text()
    assert room.due.text().startswith(f"Post-mortem written to {out}")
    room.brief(tmp_path / "brief.pdf")
    assert (tmp_path / "brief.pdf").read_bytes().startswith(b"%PDF-1.4")
    assert room.due.text() == f"Brief written to {tmp_path / 'brief.pdf'}"


def test_tools_menu_and_roles_in_the_status_bar(qtbot: QtBot, world: World, policies) -> None:
    make_app()
    accounts = Accounts(world.store)
    accounts.add("sam", "password-123", "analyst", "Sam", ())
    lead = incident_desk(world, "lee", "lead")
    incident_id = lead.declare("Harassment wave", 1, "bullying_harassment")[0].payload[
        "incident_id"
    ]
    lead.assign(incident_id, "sam", "scribe")
    reviewer = accounts.authenticate("sam", "password-123")
    win = build_window(world.store, policies, reviewer, world.store.data_dir)
    qtbot.addWidget(win)
    roles = win.incidents.roles  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: roles.text() != "", timeout=5000)
    assert roles.text() == "Incident · SEV 1 scribe: Harassment wave"
    entry = next(a for a in win.menus["Tools"].actions() if a.text().startswith("Incidents"))
    entry.trigger()
    room = win.incidents.room  # type: ignore[attr-defined]
    assert room is not None and room.isVisible()
    lead.unassign(incident_id, "sam", "scribe")
    qtbot.waitUntil(lambda: roles.text() == "", timeout=5000)
    room.close()
    win.close()


def test_leads_see_trends_in_the_room(
    qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident_desk(world, "lee", "lead").declare("Wave", 2, "spam_scams")
    shown: list[str] = []
    monkeypatch.setattr(
        "widgets.incidents.window.QMessageBox.information", lambda _p, _t, text: shown.append(text)
    )
    room = _room(qtbot, world)
    room.show_trends()
    assert shown and shown[0].startswith("Incidents by month: 2026-01 1")
    analyst_room = _room(qtbot, world, "ana", "analyst")
    analyst_room.show()
    trends_buttons = [b for b in analyst_room.findChildren(QPushButton) if b.text() == "Trends…"]
    assert trends_buttons and not trends_buttons[0].isVisible()


def test_a_long_timeline_loads_only_the_rows_on_screen_first(qtbot: QtBot, world: World) -> None:
    lead = incident_desk(world, "lee", "lead")
    incident_id = lead.declare("Long wave", 2, "spam_scams")[0].payload["incident_id"]
    for n in range(40):
        lead.note(incident_id, f"observation {n}")
    room = _room(qtbot, world)
    room.resize(900, 420)
    room.show()
    qtbot.waitExposed(room)
    room.show_incident(incident_id)
    model = room.model
    shown = room.table.viewport().height() // room.table.verticalHeader().defaultSectionSize()
    assert model.rowCount() == model.first_page == max(8, shown + 2) < 41
    assert model.cell(0, 3) == "observation 39"  # newest first, through the model's cells
    room.table.viewport().repaint()  # the line delegate paints without a text layout
    assert model.canFetchMore(model.index(-1, -1))
    model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == 41 and not model.canFetchMore(model.index(-1, -1))
    assert model.cell(40, 2) == "Declared"
