"""Lead tools in the main window: the Team menu for leads, the audit trail for analysts,
QA feedback and calibration calls for everyone.

Leads: Team > Dashboard, QA blind re-review, QA rules, Gold sets, Calibration sessions,
Audit trail. Analysts: Tools > Audit trail (their cases). Everyone: View > My QA feedback,
Tools > Calibration calls. Opening the QA tools runs the QA draw and gold mixing off the
UI thread first, with the seed kept in the lead's data dir.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from app.audit.trail import AuditTrail
from app.domain.people import Role
from app.exports.csv_files import write_decisions, write_metrics, write_qa
from app.qa.assign import AuditDraw
from app.qa.blind import BlindReview
from app.qa.calibration_sessions import Calibration
from app.qa.dataset import read_snapshot
from app.qa.feedback import feedback_for
from app.qa.gold_mixing import GoldMixer
from app.qa.gold_sets import GoldSets
from app.qa.people import display_names, team, team_words
from app.qa.rules import QaRules
from app.qa.secret import lead_secret
from widgets.shell.actions import ActionSpec
from widgets.shell.errors import show_failure
from widgets.shell.main_window import MainWindow
from widgets.shell.tasks import TaskRunner

if TYPE_CHECKING:
    from widgets.dashboard import DashboardWindow


class LeadTools:
    """The lead-tool windows of one main window, created on first use and kept."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.desk = window.desk
        self.store = window.desk.store
        self.policies = window.desk.policies
        self.person = window.desk.reviewer
        self.runner = TaskRunner()
        self.windows: dict[str, QWidget] = {}
        self._draw: AuditDraw | None = None
        self._drawing = False

    # --- everyone ---------------------------------------------------------------------

    def show_feedback(self) -> None:
        """The reviewer's own audited decisions."""
        from widgets.qa.feedback import FeedbackDialog

        words = team_words(self.store, self.policies)
        FeedbackDialog(feedback_for(self.store, self.person), words, self.window).exec()

    def show_calibration_calls(self) -> None:
        """The calibration cases waiting for this person's call."""
        from widgets.qa.calibration import CalibrationVoteDialog

        calibration = Calibration(self.store, self.policies, self.person)
        CalibrationVoteDialog(calibration, self.store, self.runner, self.window).exec()

    def show_audit_trail(self) -> None:
        """The audit trail (leads: everything; analysts: their cases)."""
        from widgets.qa.audit_view import AuditView

        words = team_words(self.store, self.policies)
        trail = AuditTrail(self.store, self.person, words)
        self._show("audit", lambda: AuditView(trail, display_names(self.store)))

    # --- leads ------------------------------------------------------------------------

    @property
    def seed(self) -> bytes:
        """The lead's secret seed (created on first use, in the data dir only)."""
        return lead_secret(self.store.data_dir)

    def run_draw(self, then: Callable[[str], None] | None = None) -> None:
        """Draw decisions for QA and mix gold into queues, off the UI thread (one at a time)."""
        if self._drawing:
            if then is not None:
                then("A QA draw is already running; its result shows in the status bar.")
            return
        if self._draw is None:
            self._draw = AuditDraw(self.store, self.person, self.seed)
        draw = self._draw
        mixer = GoldMixer(self.store, self.person, self.seed)
        self._drawing = True

        def work() -> str:
            return f"{draw.run().summary()}; {mixer.mix().summary()}"

        def failed(error: BaseException) -> None:
            self._drawing = False
            self.window.statusBar().showMessage(f"QA draw failed: {error}", 10000)

        def done(summary: str) -> None:
            self._drawing = False
            self.window.statusBar().showMessage(summary, 10000)
            from widgets.qa.review import BlindReviewWindow

            review = self.windows.get("review")
            if isinstance(review, BlindReviewWindow):
                review.reload(review.current)
            if then is not None:
                then(summary)

        self.runner.submit(work, done, failed)

    def show_review(self) -> None:
        """The QA work list with blind re-review (draws first)."""
        from widgets.qa.review import BlindReviewWindow

        desk = BlindReview(self.store, self.policies, self.person)
        self._show("review", lambda: BlindReviewWindow(desk, self.store, self.runner))
        self.run_draw()

    def show_rules(self) -> None:
        """Per-queue QA rules and gold rates."""
        from widgets.qa.rules import QaRulesDialog

        rules = QaRules(self.store)

        def draw() -> None:
            self.run_draw(lambda summary: dialog.status.setText(summary))

        dialog = QaRulesDialog(rules, self.policies, self.person, self.seed, draw, self.window)
        dialog.exec()

    def show_gold(self) -> None:
        """The gold set manager."""
        from widgets.qa.gold import GoldSetDialog

        gold = GoldSets(self.store, self.policies, self.person)
        GoldSetDialog(gold, self.store, self.run_draw, self.window).exec()

    def show_calibration(self) -> None:
        """The lead's calibration sessions."""
        from widgets.qa.calibration import CalibrationDialog

        calibration = Calibration(self.store, self.policies, self.person)
        people = [p.username for p in team(self.store) if p.username != self.person.username]
        words = team_words(self.store, self.policies)
        CalibrationDialog(calibration, people, self.window, words).exec()

    def show_dashboard(self) -> None:
        """The team dashboard."""
        # The dashboard and its charts load when a lead first opens it.
        from widgets.dashboard import DashboardWindow

        queues = [q.id for q in self.desk.queues]
        self._show(
            "dashboard",
            lambda: DashboardWindow(
                self.store,
                self.policies,
                self.runner,
                display_names(self.store),
                queues,
                self._export_menu,
            ),
        )
        dashboard = self.windows["dashboard"]
        assert isinstance(dashboard, DashboardWindow)
        dashboard.refresh()

    # --- exports from the dashboard ---------------------------------------------------

    def _export_menu(self, dashboard: QWidget) -> QMenu:
        from widgets.dashboard import DashboardWindow

        menu = QMenu(dashboard)
        assert isinstance(dashboard, DashboardWindow)
        menu.addAction("Decisions (CSV)…", lambda: self._export_csv(dashboard, "decisions"))
        menu.addAction("QA results (CSV)…", lambda: self._export_csv(dashboard, "qa"))
        menu.addAction("Metrics (CSV)…", lambda: self._export_csv(dashboard, "metrics"))
        menu.addAction("QA report (PDF)…", lambda: self._export_pdf(dashboard))
        return menu

    def _export_csv(self, dashboard: DashboardWindow, what: str) -> None:
        path = _ask_path(dashboard, f"veil-{what}.csv", "CSV (*.csv)")
        if path is None:
            return
        scope, data = dashboard.scope(), dashboard.data

        def work() -> int:
            with path.open("w", newline="", encoding="utf-8") as out:
                if what == "metrics":
                    assert data is not None
                    return write_metrics(data, out)
                with read_snapshot(self.store.engine) as cur:
                    return (write_decisions if what == "decisions" else write_qa)(cur, scope, out)

        self.runner.submit(
            work,
            lambda n: dashboard.status.setText(f"{n} row(s) written to {path}"),
            partial(show_failure, dashboard, "Export failed"),
        )

    def _export_pdf(self, dashboard: DashboardWindow) -> None:
        if dashboard.data is None:
            return
        path = _ask_path(dashboard, "veil-qa-report.pdf", "PDF (*.pdf)")
        if path is not None:
            from widgets.qa.reports import write_report

            write_report(dashboard.data, path, dashboard.words)
            dashboard.status.setText(f"QA report written to {path}")

    def _show(self, key: str, make: Callable[[], Any]) -> None:
        if key not in self.windows:
            self.windows[key] = make()
        widget = self.windows[key]
        widget.show()
        widget.raise_()
        widget.activateWindow()


def _ask_path(parent: QWidget, name: str, kinds: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, "Export", str(Path.home() / name), kinds)
    return Path(chosen) if chosen else None


def install(window: MainWindow) -> None:
    """Add the lead tools to a main window; the action table shows each to its roles."""
    tools = LeadTools(window)
    window.lead_tools = tools  # type: ignore[attr-defined]
    window.action_table.extend(lead_actions(tools, window.desk.reviewer.role))


def lead_actions(tools: LeadTools, role: Role) -> tuple[ActionSpec, ...]:
    """The QA and lead entries: everyone's first, then the Team menu's for leads."""
    lead = Role.LEAD
    return (
        ActionSpec("qa.feedback", "My QA feedback…", tools.show_feedback, menu="View"),
        ActionSpec("qa.calls", "Calibration calls…", tools.show_calibration_calls, menu="Tools"),
        ActionSpec("team.dashboard", "Dashboard…", tools.show_dashboard, menu="Team", role=lead),
        ActionSpec("qa.review", "QA blind re-review…", tools.show_review, menu="Team", role=lead),
        ActionSpec("qa.rules", "QA rules…", tools.show_rules, menu="Team", role=lead),
        ActionSpec("qa.gold", "Gold sets…", tools.show_gold, menu="Team", role=lead),
        ActionSpec(
            "qa.calibration",
            "Calibration sessions…",
            tools.show_calibration,
            menu="Team",
            role=lead,
        ),
        ActionSpec("audit.team", "Audit trail…", tools.show_audit_trail, menu="Team", role=lead),
        *_own_audit_trail(tools, role),
    )


def _own_audit_trail(tools: LeadTools, role: Role) -> tuple[ActionSpec, ...]:
    # An analyst's trail is of their own cases; a lead has the whole team's under Team.
    if role is not Role.ANALYST:
        return ()
    return (
        ActionSpec(
            "audit.mine",
            "Audit trail (my cases)…",
            tools.show_audit_trail,
            menu="Tools",
            role=Role.ANALYST,
        ),
    )
