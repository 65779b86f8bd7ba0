"""Evidence in the workstation: legal holds on the shown case, and the purge worker.

Case menu: an analyst or lead places a hold (with a reason, on the case or on it and its
linked cases); a lead lifts one with a reason. The purge worker runs a round on a worker
thread shortly after login and then every PURGE_EVERY_MS, and after each case closes.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog
from sqlalchemy import select

from app.domain.people import Role
from app.evidence.commands import HoldRefused, lift_hold, place_hold
from app.evidence.models import Hold
from app.evidence.packets import report_schema, to_json, to_xml
from app.evidence.purge import PurgeReport, purge_round
from app.evidence.retention import RetentionError, RetentionPolicy, load_retention
from app.log.paths import resources_dir
from db.models import MediaItem
from widgets.evidence.packet_dialog import PacketDialog
from widgets.shell.actions import ActionSpec
from widgets.shell.main_window import MainWindow
from widgets.shell.tasks import TaskRunner

log = logging.getLogger(__name__)

PURGE_EVERY_MS = 10 * 60 * 1000
FIRST_ROUND_MS = 5 * 1000


def install(window: MainWindow) -> None:
    """Add the hold actions and start the purge worker."""
    EvidenceFeature(window)


def bundled_retention(window: MainWindow) -> RetentionPolicy | None:
    """The retention rules in resources/retention, or None (logged) when they are bad."""
    categories = set(window.desk.policies.ids())
    try:
        return load_retention(resources_dir() / "retention" / "retention.json", categories)
    except RetentionError as exc:
        log.error("retention rules not loaded, nothing is purged: %s", exc)
        return None


class EvidenceFeature(QObject):
    """Hold actions and the purge timer of one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.store = window.desk.store
        self.reviewer = window.desk.reviewer
        self.runner = TaskRunner()
        self.policy = bundled_retention(window)
        self.busy = False
        self.last: PurgeReport | None = None
        window.action_table.extend(
            (
                ActionSpec(
                    "evidence.hold",
                    "Place legal hold…",
                    self.place,
                    menu="Case",
                    role=Role.ANALYST,
                    separator=True,
                ),
                ActionSpec(
                    "evidence.lift", "Lift legal hold…", self.lift, menu="Case", role=Role.LEAD
                ),
            )
        )
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.purge_now)
        self.timer.start(PURGE_EVERY_MS)
        QTimer.singleShot(FIRST_ROUND_MS, self, self.purge_now)

    def purge_now(self) -> None:
        """Run one purge round on a worker thread (skipped while one runs)."""
        if self.busy or self.policy is None:
            return
        self.busy = True
        policy, actor = self.policy, self.reviewer.username
        self.runner.submit(
            lambda: purge_round(self.store, policy, actor), self._purged, self._failed, self
        )

    def _purged(self, report: PurgeReport) -> None:
        self.busy, self.last = False, report
        if report.purged:
            self.window.statusBar().showMessage(report.summary(), 6000)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        log.error("purge round failed: %s", exc, exc_info=exc)
        self.window.statusBar().showMessage(f"Media purge failed: {exc}", 8000)

    def place(self) -> None:
        """Ask for a reason and place a hold on the shown case."""
        shown = self.window.loop.shown
        if shown is None:
            return
        scopes = ["this case", "this case and its linked cases"]
        scope, ok = QInputDialog.getItem(self.window, "Legal hold", "Hold", scopes, 0, False)
        if not ok:
            return
        reason, ok = QInputDialog.getText(self.window, "Legal hold", "Reason for the hold")
        if not ok:
            return
        try:
            if scope == scopes[1]:
                place_hold(self.store, self.reviewer, shown.row.case_id, reason, "linked")
            else:
                place_hold(self.store, self.reviewer, shown.row.case_id, reason, "case")
        except HoldRefused as exc:
            self.window.statusBar().showMessage(f"No hold placed: {exc}", 6000)
            return
        self.window.statusBar().showMessage(f"Legal hold placed on #{shown.row.case_no}", 5000)

    def lift(self) -> None:
        """Choose an active hold of the shown case and lift it, with a reason."""
        shown = self.window.loop.shown
        if shown is None:
            return
        with self.store.read() as session:
            holds = session.scalars(
                select(Hold).where(Hold.case_id == shown.row.case_id, Hold.lifted_at.is_(None))
            ).all()
        if not holds:
            self.window.statusBar().showMessage("This case has no active legal hold", 5000)
            return
        labels = [f"{h.placed_at[:10]} by {h.placed_by}: {h.reason[:60]}" for h in holds]
        chosen, ok = QInputDialog.getItem(self.window, "Lift hold", "Hold", labels, 0, False)
        if not ok:
            return
        reason, ok = QInputDialog.getText(self.window, "Lift hold", "Why is it lifted?")
        if not ok:
            return
        try:
            lift_hold(self.store, self.reviewer, holds[labels.index(chosen)].hold_id, reason)
        except HoldRefused as exc:
            self.window.statusBar().showMessage(f"Hold not lifted: {exc}", 6000)
            return
        self.window.statusBar().showMessage("Legal hold lifted", 5000)

    def packet(self) -> None:
        """Fill in a report packet for the shown case, then save it as JSON or XML."""
        shown = self.window.loop.shown
        if shown is None:
            return
        with self.store.read() as session:
            files = session.execute(
                select(MediaItem.sha256, MediaItem.filename)
                .where(MediaItem.case_id == shown.row.case_id)
                .order_by(MediaItem.position)
            ).all()
        dialog = PacketDialog(
            self.store,
            self.reviewer,
            shown.row.case_id,
            [(sha, name) for sha, name in files],
            report_schema(),
            self.window,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.packet is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save report packet", "packet.xml", "XML (*.xml);;JSON (*.json)"
        )
        if path:
            text = to_json(dialog.packet) if path.endswith(".json") else to_xml(dialog.packet)
            Path(path).write_text(text, encoding="utf-8")
        self.window.statusBar().showMessage("Report packet built and recorded", 5000)
