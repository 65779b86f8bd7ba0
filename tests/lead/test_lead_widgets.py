"""The lead's windows on the demo data: dashboard, blind re-review, audit trail, menus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCharts import QBarSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.audit.trail import AuditTrail, TrailFilter
from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from app.qa.blind import BlindnessError, BlindReview
from app.qa.people import display_names, person, team_words
from db.models import QaAudit
from widgets.dashboard import DashboardWindow
from widgets.dashboard.scorecards import ScorecardModel
from widgets.qa.audit_view import AuditTrailModel, AuditView
from widgets.qa.review import BlindReviewWindow
from widgets.shell.application import build_window, make_app
from widgets.shell.tasks import TaskRunner

CHARTS = ("backlog", "sla", "throughput", "agreement", "confusion", "exposure")


@pytest.fixture
def dashboard(qtbot: QtBot, lead_store: LocalStore, policies: PolicySet) -> DashboardWindow:
    """The dashboard over the lead demo, first figures computed (off the UI thread)."""
    make_app()
    queues = sorted({p.queue for p in policies})
    window = DashboardWindow(lead_store, policies, TaskRunner(), display_names(lead_store), queues)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.updated, timeout=30000):
        window.refresh()
    return window


def test_the_dashboard_opens_with_data_in_every_chart(
    dashboard: DashboardWindow, tmp_path: Path
) -> None:
    for name in CHARTS:
        card = dashboard.cards[name]
        assert card.points > 0, f"{name} has no data"
        assert card.stack.currentWidget() is card.body
    assert dashboard.scorecards.rowCount() >= 9
    assert "Handled" in dashboard.kpis.text() and "kappa" in dashboard.kpis.text()
    target = tmp_path / "agreement.png"
    assert dashboard.cards["agreement"].export_png(target)
    image = QImage(str(target))
    assert not image.isNull() and image.width() > 200


def test_the_dashboard_speaks_in_queue_and_action_names(
    dashboard: DashboardWindow, policies: PolicySet
) -> None:
    combo = dashboard.filters.queue
    shown = [combo.itemText(i) for i in range(combo.count())]
    assert "Hate and harassment" in shown and "hate-harassment" not in shown
    chart = dashboard.cards["backlog"].view.chart()
    categories = chart.axes(Qt.Orientation.Horizontal)[0].categories()
    assert "Hate and harassment" in categories and "hate-harassment" not in categories
    words = dashboard.heatmap.words
    assert words["no_violation"] == "No violation"
    assert set(words) == set(dashboard.heatmap.matrix.labels)  # type: ignore[union-attr]


def test_the_backlog_chart_keeps_counts_and_hours_on_their_own_axes(
    dashboard: DashboardWindow,
) -> None:
    chart = dashboard.cards["backlog"].view.chart()
    bars = next(s for s in chart.series() if isinstance(s, QBarSeries))
    ages = next(s for s in chart.series() if isinstance(s, QScatterSeries))
    (count_axis,) = [a for a in bars.attachedAxes() if isinstance(a, QValueAxis)]
    (hour_axis,) = [a for a in ages.attachedAxes() if isinstance(a, QValueAxis)]
    assert count_axis is not hour_axis
    assert count_axis.alignment() == Qt.AlignmentFlag.AlignLeft
    assert hour_axis.alignment() == Qt.AlignmentFlag.AlignRight
    assert (count_axis.titleText(), hour_axis.titleText()) == ("Cases", "Hours")
    assert [b.label() for b in bars.barSets()] == ["Open cases"]


def test_filters_change_the_figures(qtbot: QtBot, dashboard: DashboardWindow) -> None:
    assert dashboard.data is not None
    before = dashboard.data.totals.decisions
    with qtbot.waitSignal(dashboard.updated, timeout=30000):
        dashboard.filters.queue.setCurrentIndex(dashboard.filters.queue.findData("graphic"))
    assert dashboard.data.scope.queue == "graphic"
    assert 0 < dashboard.data.totals.decisions < before
    assert [q.queue for q in dashboard.data.queues] == ["graphic"]
    with qtbot.waitSignal(dashboard.updated, timeout=30000):
        dashboard.filters.set_range(dashboard.data.scope.last_day, dashboard.data.scope.last_day)
    assert dashboard.data.totals.decisions < before


def test_scorecard_and_audit_models_pass_the_model_tester(
    qtmodeltester: ModelTester, dashboard: DashboardWindow, lead_store: LocalStore, lead: Reviewer
) -> None:
    assert dashboard.data is not None
    model = ScorecardModel({"amara": "Amara"})
    model.set_cards(dashboard.data.scorecards)
    qtmodeltester.check(model)
    trail = AuditTrailModel(AuditTrail(lead_store, lead))
    trail.set_filter(TrailFilter(actor="amara"))
    qtmodeltester.check(trail)


def test_a_blind_re_review_cannot_see_the_original_before_submitting(
    qtbot: QtBot, lead_store: LocalStore, policies: PolicySet, lead: Reviewer
) -> None:
    make_app()
    desk = BlindReview(lead_store, policies, lead)
    window = BlindReviewWindow(desk, lead_store, TaskRunner())
    qtbot.addWidget(window)
    window.show()
    decision = window.current
    assert decision is not None and window.items.count() >= 1
    with lead_store.transaction() as session:
        audit = session.get_one(QaAudit, decision)
        reviewer, original = audit.reviewer, audit.original_action
    assert window.original is None and not window.submit.isEnabled()
    assert (
        reviewer not in window.original_text.text() and original not in window.original_text.text()
    )
    assert all(reviewer not in window.items.item(i).text() for i in range(window.items.count()))
    # The case number leads the list entry and the case header.
    assert re.match(r"#\d+  ", window.items.currentItem().text())
    assert window.case.title.text().startswith(window.items.currentItem().text().split()[0])
    with pytest.raises(BlindnessError):
        desk.original(decision)
    window.own.group.buttons()[0].click()
    with qtbot.waitSignal(window.call_recorded):
        window.record.click()
    # The original reads in words: the reviewer's display name, the action's label.
    revealed = window.original_text.text()
    assert window.original is not None and display_names(lead_store)[reviewer] in revealed
    policy = policies[window.original.policy]
    assert f"<b>{policy.action(original).label}</b> under {policy.name}" in revealed
    assert f"<b>{original}</b>" not in revealed
    assert window.submit.isEnabled() and not window.record.isEnabled()
    left = window.items.count()
    window.agree.setChecked(True)
    with qtbot.waitSignal(window.verdict_submitted):
        window.submit.click()
    assert window.items.count() == left - 1


def test_the_audit_view_filters_by_person_and_kind(
    qtbot: QtBot, lead_store: LocalStore, lead: Reviewer, policies: PolicySet
) -> None:
    make_app()
    words = team_words(lead_store, policies)
    view = AuditView(AuditTrail(lead_store, lead, words), display_names(lead_store))
    qtbot.addWidget(view)
    view.show()
    everything = view.model.rowCount()
    view.person.setCurrentIndex(view.person.findData("amara"))
    view.kind.setCurrentIndex(view.kind.findData("decision.recorded"))
    with qtbot.waitSignal(view.filtered):
        view.apply()
    rows = view.model.rowCount()
    assert 0 < rows < everything
    texts = {view.model.index(r, 1).data() for r in range(rows)} | {
        view.model.index(r, 2).data() for r in range(rows)
    }
    # People by display name, kinds by their feature's label (the stored kind as tooltip).
    assert texts == {"Amara", "Decided"}
    what = {view.model.index(r, 4).data() for r in range(rows)}
    labels = {p.name for p in policies}
    assert all(w.startswith("decided ") and w.split(" under ")[1] in labels for w in what), what
    assert not any("_" in w for w in what), what
    assert view.model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) == "decision.recorded"
    assert view.kind.currentText() == "Decided"
    # The When column is never cut.
    when = view.model.index(0, 0).data()
    assert view.table.fontMetrics().horizontalAdvance(when) < view.table.columnWidth(0)
    case = view.model.index(0, 3).data()
    assert re.match(r"#\d+ ", case), case
    view.case.setText(case.split()[0])  # filter by the number people read
    with qtbot.waitSignal(view.filtered):
        view.apply()
    assert 0 < view.model.rowCount() < rows
    assert {view.model.index(r, 3).data() for r in range(view.model.rowCount())} == {case}
    view.table.selectRow(0)
    assert '"kind": "decision.recorded"' in view.details.toPlainText()
    assert '"hash"' in view.details.toPlainText()


@pytest.mark.parametrize(
    ("username", "team_items", "tools_item"),
    [("lead", True, None), ("analyst", False, "Audit trail (my cases)…"), ("mod", False, None)],
)
def test_the_menus_follow_the_role(
    qtbot: QtBot,
    lead_store: LocalStore,
    lead_dir: Path,
    policies: PolicySet,
    username: str,
    team_items: bool,
    tools_item: str | None,
) -> None:
    make_app()
    window = build_window(lead_store, policies, person(lead_store, username), lead_dir)
    qtbot.addWidget(window)
    team = {a.text() for a in window.menus["Team"].actions()}
    assert ("Dashboard…" in team) is team_items and ("QA blind re-review…" in team) is team_items
    assert "My QA feedback…" in {a.text() for a in window.menus["View"].actions()}
    tools = {a.text() for a in window.menus["Tools"].actions()}
    assert "Calibration calls…" in tools
    if tools_item:
        assert tools_item in tools
    window.close()
