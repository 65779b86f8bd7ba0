"""The QA dialogs a lead and a reviewer use: rules, gold, calibration, feedback."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.domain.queues import bundled_queues
from app.log.store import LocalStore
from app.qa.calibration_sessions import Calibration
from app.qa.feedback import feedback_for
from app.qa.gold_sets import GoldSets
from app.qa.people import person, team_words
from app.qa.rules import QaRules
from app.qa.secret import lead_secret
from widgets.qa.calibration import CalibrationDialog, CalibrationVoteDialog
from widgets.qa.feedback import FeedbackDialog
from widgets.qa.gold import GoldSetDialog
from widgets.qa.rules import QaRulesDialog
from widgets.shell.application import make_app
from widgets.shell.tasks import InlineTaskRunner


@pytest.fixture(autouse=True)
def _app() -> None:
    make_app()


@pytest.fixture(scope="module")
def raw_ids(policies: PolicySet) -> set[str]:
    """Every policy, action and subcategory id spelled with an underscore."""
    ids = {p.id for p in policies}
    for p in policies:
        ids |= {a.id for a in p.actions} | set(p.subcategories)
    return {i for i in ids if "_" in i}


def _cells(table: QTableWidget) -> str:
    texts = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    for r in range(table.rowCount()):
        texts += [table.item(r, c).text() for c in range(table.columnCount()) if table.item(r, c)]
    return "\n".join(texts)


def _ids_in(text: str, raw_ids: set[str]) -> set[str]:
    return raw_ids & set(re.findall(r"[a-z]+(?:_[a-z]+)+", text))


def test_saving_a_rule_records_a_new_version_and_draws(
    qtbot: QtBot, lead_store: LocalStore, policies: PolicySet, lead: Reviewer
) -> None:
    draws: list[bool] = []
    rules = QaRules(lead_store)
    seed = lead_secret(lead_store.data_dir)
    dialog = QaRulesDialog(rules, policies, lead, seed, lambda: draws.append(True))
    qtbot.addWidget(dialog)
    queue = dialog.queue_at(0)
    # The row names the queue as its file does; the id stays behind it.
    assert dialog.table.item(0, 0).text() == bundled_queues(policies)[queue].name
    before = rules.current()[queue]
    dialog.table.cellWidget(0, 1).setValue(15.0)  # type: ignore[union-attr]
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    assert saved.args == [1] and draws == [True]
    after = rules.current()[queue]
    assert (before.sampling.percent, after.sampling.percent) == (8.0, 15.0)
    assert after.set_by == "lead" and after.seed_fingerprint == before.seed_fingerprint


def test_marking_a_gold_case_in_the_dialog(
    qtbot: QtBot, lead_store: LocalStore, policies: PolicySet, lead: Reviewer, raw_ids: set[str]
) -> None:
    mixes: list[bool] = []
    gold = GoldSets(lead_store, policies, lead)
    dialog = GoldSetDialog(gold, lead_store, lambda: mixes.append(True))
    qtbot.addWidget(dialog)
    entries = dialog.entries.rowCount()
    assert entries > 0 and "Accuracy on gold" in dialog.score.text()
    # Policies and actions read as the policy files name them, in both tables and the score.
    shown = _cells(dialog.entries) + _cells(dialog.candidates) + dialog.score.text()
    assert "No violation" in shown and "Hate speech" in shown
    assert not _ids_in(shown, raw_ids)
    dialog.candidates.setCurrentCell(0, 0)
    dialog.expected.group.buttons()[0].click()
    with qtbot.waitSignal(dialog.changed):
        dialog.mark_selected()
    assert dialog.entries.rowCount() == entries + 1 and mixes == [True]


def test_the_calibration_table_and_a_participants_calls(
    qtbot: QtBot, lead_store: LocalStore, policies: PolicySet, lead: Reviewer, raw_ids: set[str]
) -> None:
    lead_desk = Calibration(lead_store, policies, lead)
    words = team_words(lead_store, policies)
    dialog = CalibrationDialog(lead_desk, ["amara", "bruno"], None, words)
    qtbot.addWidget(dialog)
    assert dialog.sessions.count() == 1  # the demo's closed session
    assert "Fleiss' kappa" in dialog.stats.text() and "alpha" in dialog.stats.text()
    table = dialog.findChild(QTableWidget, "calibrationTable")
    shown = _cells(table) + dialog.stats.text()
    # People by their display names, calls by the actions' labels.
    assert "Amara" in shown and "amara" not in shown
    assert not _ids_in(shown, raw_ids) and re.search(r"No violation|Remove", shown)
    cases = [c.case_id for c in lead_desk.candidates()[:2]]
    session = lead_desk.open_session("Two more", cases, ["amara", "bruno"])
    amara = Calibration(lead_store, policies, person(lead_store, "amara"))
    votes = CalibrationVoteDialog(amara, lead_store, InlineTaskRunner())
    qtbot.addWidget(votes)
    assert votes.todo.count() == 2
    votes.picker.group.buttons()[0].click()
    with qtbot.waitSignal(votes.voted):
        votes.submit()
    assert votes.todo.count() == 1
    assert len(lead_desk.session(session.session_id).votes) == 1


def test_a_reviewer_sees_their_feedback(
    qtbot: QtBot, lead_store: LocalStore, policies: PolicySet, raw_ids: set[str]
) -> None:
    feedback = feedback_for(lead_store, person(lead_store, "amara"))
    dialog = FeedbackDialog(feedback, team_words(lead_store, policies))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == len(feedback.items) > 0
    assert "QA agreed with" in dialog.summary.text()
    # The decisions read in the policy files' words, never as ids.
    cells = _cells(dialog.table)
    assert any(label in cells for label in ("No violation", "Remove"))
    assert not _ids_in(cells, raw_ids)
