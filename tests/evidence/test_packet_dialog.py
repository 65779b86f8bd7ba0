"""The packet form: a refusal stays in the dialog naming the field; a complete form
builds, validates and records the packet."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.evidence.packets import report_schema
from app.log.store import LocalStore
from db.models import MediaItem
from tests.evidence.conftest import import_cases
from widgets.evidence.packet_dialog import PacketDialog

LEE = Reviewer("lee", "Lee", Role.LEAD, frozenset({"child_safety"}))


def test_packet_dialog_builds_a_valid_packet(
    qtbot: QtBot, store: LocalStore, policies: PolicySet, tmp_path: Path
) -> None:
    (case_id,) = import_cases(store, policies, tmp_path, "child_safety", 1)
    with store.transaction() as session:
        store.append(session, actor="mo", kind="case.leased", case_id=case_id, payload={})
        store.append(session, actor="mo", kind="case.escalated", case_id=case_id, payload={})
    with store.read() as session:
        files = [tuple(r) for r in session.execute(
            select(MediaItem.sha256, MediaItem.filename).where(MediaItem.case_id == case_id)
        )]  # fmt: skip
    dialog = PacketDialog(store, LEE, case_id, files, report_schema())  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.build()
    assert dialog.packet is None and "incidentDateTime" in dialog.error.text()
    dialog.incident_at.setText("2026-01-04T22:10:00Z")
    dialog.screen_name.setText("someone")
    dialog.files[files[0][0]][0].setCurrentText("B1")
    dialog.build()
    assert dialog.packet is not None and report_schema().problems(dialog.packet) == []
    sent = json.loads(json.dumps(dialog.packet))
    assert sent["files"][0]["industryClassification"] == "B1"
    assert sent["files"][0]["fileViewedByEsp"] is False  # nobody viewed it: the log says so
