"""The review loop behind the main window: claim, browse, decide, undo, skip, escalate.

Two cases matter at any time: the *working* case (leased to me, the one the form
decides) and the *shown* case (on screen). N or Space claims the next case and shows it;
J/K browse other cases read-only without leasing them, and Enter takes a browsed case if
it is free. After a decision the next case is claimed at once; Ctrl+Z within ten seconds
retracts the decision, gives the newly claimed case back and reopens the decided one.
The lease of the working case is renewed while it stays open, and the break screen
covers everything when a break is due.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.domain.lifecycle import IllegalTransition
from app.domain.words import case_number
from app.imaging.pipeline import FilterPipeline, resolve_pipeline
from app.log.clock import parse_iso
from app.review.reviewdesk import (
    LEASE_SECONDS,
    SKIP_REASONS,
    AccessDenied,
    CaseDetail,
    FormError,
    ReviewDesk,
    UndoExpired,
)
from app.wellbeing.preferences import FilterChoice
from widgets.review.contact_sheet import ContactSheet
from widgets.review.evidence_dialog import EvidenceDialog
from widgets.review.review_dialogs import SkipDialog
from widgets.review.undo_toast import UndoToast
from widgets.shell.tasks import TaskRunner
from widgets.wellbeing.break_screen import BreakScreen

RENEW_CHECK_MS = 30_000
BREAK_CHECK_MS = 60_000
SNOOZE_SECONDS = 15 * 60
CommandErrors = (IllegalTransition, AccessDenied, KeyError, ValueError)


@dataclass
class Undoable:
    """What Ctrl+Z takes back: decisions, and the case claimed right after them."""

    decisions: list[tuple[str, str]] = field(default_factory=list)
    reopen: str | None = None
    claimed_after: str | None = None


class ReviewLoop(QObject):
    """State and commands of one reviewer's loop; the window shows what it says."""

    shown_changed = Signal(object)  # CaseDetail | None
    queue_changed = Signal()
    decided = Signal(str)
    message = Signal(str)

    def __init__(self, desk: ReviewDesk, runner: TaskRunner, window: QWidget) -> None:
        super().__init__(window)
        self.desk = desk
        self.runner = runner
        self.window = window
        self.working: CaseDetail | None = None
        self.shown: CaseDetail | None = None
        self.last_decision: tuple[str, str, str] | None = None  # case, event, action label
        self.toast = UndoToast(window)
        self.toast.undo_requested.connect(self.undo)
        self._undo = Undoable()
        self.breaks = BreakScreen(window, desk.store.clock.now)
        self.breaks.finished.connect(self._break_over)
        self.breaks.snoozed.connect(self._snooze)
        self._snoozed_until: datetime | None = None
        self.queue_ids: Callable[[], list[str] | None] = lambda: None
        self.filter_choice: FilterChoice | None = None
        self._timers = [
            self._timer(RENEW_CHECK_MS, self.renew),
            self._timer(BREAK_CHECK_MS, self.check_break),
        ]

    # --- claim, browse, take -------------------------------------------------------

    def claim_next(self) -> CaseDetail | None:
        """Lease the most urgent case we may work and show it (N, Space)."""
        if self.working is not None:
            if self.shown is None or self.shown.row.case_id != self.working.row.case_id:
                self.show(self.working)
                return self.working
            self.message.emit("Decide, skip (S), escalate (E) or release (R) this case first")
            return self.working
        if self.check_break():
            return None
        try:
            claim = self.desk.claim_next(self.queue_ids())
        except CommandErrors as exc:
            self.message.emit(f"Could not claim: {exc}")
            return None
        if claim is None:
            self.message.emit("Nothing left to claim in your queues.")
            self.queue_changed.emit()
            return None
        self.working = claim.detail
        if claim.rotated:
            self.message.emit("A calmer case after several intense ones (rotation)")
        elif claim.resumed:
            self.message.emit("You already held this case: resumed it")
        self.show(claim.detail)
        self.queue_changed.emit()
        return claim.detail

    def browse(self, case_id: str) -> None:
        """Show a case read-only (J/K, click); the working case keeps its lease."""
        if self.working is not None and case_id == self.working.row.case_id:
            self.show(self.working)
            return
        try:
            self.show(self.desk.detail(case_id))
        except CommandErrors as exc:
            self.message.emit(f"Cannot show this case: {exc}")

    def take(self) -> None:
        """Lease the browsed case if it is free (Enter)."""
        shown = self.shown
        if shown is None or (self.working and self.working.row.case_id == shown.row.case_id):
            return
        if self.working is not None:
            self.message.emit(
                f"You hold {case_number(self.working.row.case_no)}: finish or release it first"
            )
            return
        try:
            detail = self.desk.open_case(shown.row.case_id)
        except CommandErrors as exc:
            self.message.emit(f"Cannot take this case: {exc}")
            return
        if detail.leased_by != self.desk.reviewer.username:
            self.message.emit(
                f"{case_number(detail.row.case_no)} is not free ({detail.row.status})"
            )
            return
        self.working = detail
        self.show(detail)
        self.queue_changed.emit()

    def show(self, detail: CaseDetail | None) -> None:
        """Put a case on screen."""
        self.shown = detail
        self.shown_changed.emit(detail)

    def is_working(self, detail: CaseDetail | None) -> bool:
        """Whether `detail` is the case we hold."""
        return (
            detail is not None
            and self.working is not None
            and (detail.row.case_id == self.working.row.case_id)
        )

    # --- decide, undo ------------------------------------------------------------------

    def decide(
        self,
        action: str,
        subcategory: str | None,
        fields: dict[str, str],
        severity: int | None,
        marks: list,
    ) -> bool:
        """Record the working case's decision, offer undo, claim the next case.

        Raises FormError (nothing saved) when the form is not complete.
        """
        working = self.working
        if working is None or not self.is_working(self.shown):
            return False
        try:
            record = self.desk.decide(
                working.row.case_id, action, fields, subcategory, severity=severity, evidence=marks
            )
        except FormError:
            raise  # back to the form, which shows each problem beside its field
        except CommandErrors as exc:  # (FormError is a ValueError: it must go first)
            self._warn("Decision not saved", str(exc))
            return False
        label = self._action_label(working, action)
        self.last_decision = (working.row.case_id, record.event_id, label)
        self.working = None
        self._undo = Undoable([(working.row.case_id, record.event_id)], reopen=working.row.case_id)
        self.decided.emit(working.row.case_id)
        self._after_decision(label, working)
        return True

    def _after_decision(self, label: str, decided: CaseDetail) -> None:
        dupes = [m for m in self._cluster(decided.row.case_id) if m.applicable]
        hint = f" · {len(dupes)} near-duplicate(s): D to decide them alike" if dupes else ""
        self.toast.show_for(f"Saved: {label} on {case_number(decided.row.case_no)}{hint}")
        claimed = self.claim_next()
        if claimed is not None:
            self._undo.claimed_after = claimed.row.case_id

    def undo(self) -> None:
        """Take back the last decision(s) within the undo window (Ctrl+Z)."""
        undo = self._undo
        if not self.toast.armed or not undo.decisions:
            self.message.emit("Nothing to undo")
            return
        if undo.claimed_after and self.working and self.working.row.case_id == undo.claimed_after:
            with contextlib.suppress(*CommandErrors):
                self.desk.release(undo.claimed_after, "undo of the previous decision")
            self.working = None
        try:
            self.desk.undo(undo.decisions)
        except UndoExpired as exc:
            self.message.emit(str(exc))
            return
        except CommandErrors as exc:
            self._warn("Not undone", str(exc))
            return
        self.toast.dismiss()
        self._undo = Undoable()
        self.last_decision = None
        if undo.reopen:
            self.working = self.desk.detail(undo.reopen)
            self.show(self.working)
        self.message.emit("Undone: the decision was retracted")
        self.queue_changed.emit()

    # --- skip, release, escalate -----------------------------------------------------

    def skip(self) -> None:
        """Give the working case back with a reason and claim the next (S)."""
        if self.working is None:
            self.message.emit("Claim a case first (N)")
            return
        dialog = SkipDialog(SKIP_REASONS, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.skip_with(dialog.reason())

    def skip_with(self, reason: str) -> None:
        """Skip with this reason (the dialog's second half; tests call it directly)."""
        if self.working is None:
            return
        try:
            self.desk.skip(self.working.row.case_id, reason)
        except CommandErrors as exc:
            self._warn("Not skipped", str(exc))
            return
        self.message.emit(f"Skipped {case_number(self.working.row.case_no)}: {reason}")
        self.working = None
        self.claim_next()

    def release(self) -> None:
        """Give the working case back without claiming another (R)."""
        if self.working is None:
            return
        with contextlib.suppress(*CommandErrors):
            self.desk.release(self.working.row.case_id, "released")
        self.message.emit(f"Released {case_number(self.working.row.case_no)}")
        released = self.working.row.case_id
        self.working = None
        self.browse(released)
        self.queue_changed.emit()

    def escalate_with(self, reason: str, severity: int | None) -> bool:
        """Escalate the working case and claim the next one."""
        if self.working is None:
            return False
        try:
            self.desk.escalate(self.working.row.case_id, reason, severity)
        except (FormError, *CommandErrors) as exc:
            self._warn("Not escalated", str(exc))
            return False
        self.message.emit(f"Escalated {case_number(self.working.row.case_no)} to the analysts")
        self.working = None
        self.claim_next()
        return True

    # --- evidence and clusters -------------------------------------------------------

    def mark_evidence(self, marks: list) -> list | None:
        """Open the evidence dialog on the working case's filtered media (M)."""
        working = self.working
        if working is None or not self.is_working(self.shown):
            return None
        dialog = EvidenceDialog(
            self.desk.store.blobs,
            self.runner,
            working.media,
            self.pipeline(working),
            marks,
            parent=self.window,
        )
        dialog.exec()
        return dialog.marks()

    def show_evidence(self, marks: list) -> None:
        """Show marks made earlier on the shown case's filtered media (read-only)."""
        shown = self.shown
        if shown is None:
            return
        dialog = EvidenceDialog(
            self.desk.store.blobs,
            self.runner,
            shown.media,
            self.pipeline(shown),
            marks,
            editable=False,
            parent=self.window,
        )
        dialog.exec()

    def decide_cluster(self) -> int:
        """Contact sheet of the last decided case's near-duplicates; apply to ticked (D)."""
        if self.last_decision is None:
            self.message.emit("Decide a case first; D then offers its near-duplicates")
            return 0
        case_id, event_id, label = self.last_decision
        action = self.desk.decisions(case_id)[-1].action
        members = self._cluster(case_id, action)
        if not members:
            self.message.emit("No near-duplicates of that case")
            return 0
        sheet = ContactSheet(
            self.desk.store.blobs,
            self.runner,
            members,
            lambda m: self._pipeline_of(m.category, 4),
            label,
            {p.id: p.name for p in self.desk.policies},
            self.window,
        )
        if sheet.exec() != QDialog.DialogCode.Accepted or not sheet.chosen():
            return 0
        return self.apply_cluster(sheet.chosen())

    def apply_cluster(self, case_ids: list[str]) -> int:
        """Apply the last decision to these near-duplicates (the sheet's second half)."""
        if self.last_decision is None:
            return 0
        case_id, event_id, label = self.last_decision
        try:
            records = self.desk.apply_to_cluster(event_id, case_ids)
        except (FormError, *CommandErrors) as exc:
            self._warn("Not applied", str(exc))
            return 0
        self._undo = Undoable([(r.case_id or "", r.event_id) for r in records])
        self.toast.show_for(f"{label} applied to {len(records)} near-duplicate(s)")
        self.queue_changed.emit()
        return len(records)

    # --- leases and breaks -------------------------------------------------------------

    def renew(self) -> None:
        """Renew the working case's lease when less than half of it is left."""
        working = self.working
        if working is None or working.lease_expires_at is None:
            return
        left = parse_iso(working.lease_expires_at) - self.desk.store.clock.now()
        if left.total_seconds() > LEASE_SECONDS / 2:
            return
        if self.desk.renew(working.row.case_id):
            self.working = self.desk.detail(working.row.case_id)
        else:
            self.message.emit(
                f"Your lease on {case_number(working.row.case_no)} ran out; claim again (N)"
            )
            self.working = None
            self.show(self.desk.detail(working.row.case_id))

    def check_break(self) -> bool:
        """Show the break screen when a break is due; True if it is showing."""
        if self.breaks.isVisible():
            return True
        now = self.desk.store.clock.now()
        advice = self.desk.break_advice()
        if not advice.due:
            return False
        if not advice.mandatory and self._snoozed_until and now < self._snoozed_until:
            return False
        self.breaks.remind(advice, self.desk.wellbeing_rules().break_minutes)
        return self.breaks.isVisible()

    def take_break_now(self) -> None:
        """Start a break on request (B)."""
        advice = self.desk.break_advice()
        self.breaks.remind(advice, self.desk.wellbeing_rules().break_minutes)
        if self.breaks.started is None:
            self.breaks.start()

    def _break_over(self, started: datetime) -> None:
        self.desk.take_break(started)
        self._snoozed_until = None
        self.message.emit("Welcome back")
        self.show(self.shown)

    def _snooze(self) -> None:
        self._snoozed_until = self.desk.store.clock.now() + timedelta(seconds=SNOOZE_SECONDS)

    # --- helpers ---------------------------------------------------------------------

    def pipeline(self, detail: CaseDetail) -> FilterPipeline:
        """The filters a case's media is shown through."""
        return self._pipeline_of(detail.row.category, detail.row.severity)

    def _pipeline_of(self, category: str, severity: int) -> FilterPipeline:
        policy = self.desk.policies[category]
        if self.filter_choice is not None:  # team default and reviewer preference on top
            return self.filter_choice.pipeline(policy, severity)
        return resolve_pipeline(policy.filters, severity, graphic=policy.graphic)

    def _cluster(self, case_id: str, action: str | None = None) -> list:
        try:
            return self.desk.near_duplicates(case_id, action)
        except CommandErrors:
            return []

    def _action_label(self, detail: CaseDetail, action: str) -> str:
        try:
            return self.desk.policies[detail.row.category].action(action).label
        except KeyError:
            return action

    def _warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    def _timer(self, interval: int, slot: Callable[[], object]) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        timer.start()
        return timer
