"""The reviewer's main window: queue on the left, the case in the middle, the form right.

The loop itself (claim, browse, decide, undo, skip, escalate, breaks) lives in
widgets/review/review_loop.py; this window lays out the pieces, shows what the loop says and
holds the action table (widgets/shell/actions.py) that binds every key and menu entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.people import Role
from app.domain.words import case_number
from app.log.changes import Change
from app.review.queue_view import QueueSource
from app.review.reviewdesk import CaseDetail, FormError, ReviewDesk
from db.engine import StoreError
from widgets.review.analyst_panel import CaseHistoryPanel
from widgets.review.case_view import CaseView
from widgets.review.decision_panel import DecisionPanel
from widgets.review.escalations_panel import EscalationsPanel
from widgets.review.queue_model import QueueModel, configure_queue_view
from widgets.review.review_dialogs import AssignDialog, LinkDialog, RulesDialog
from widgets.review.review_loop import CommandErrors, ReviewLoop
from widgets.shell.about import AboutDialog
from widgets.shell.actions import ActionTable
from widgets.shell.dialogs import EscalateDialog
from widgets.shell.errors import guarded
from widgets.shell.settings import Settings
from widgets.shell.shortcuts import ShortcutOverlay
from widgets.shell.store_signal import StoreSignals
from widgets.shell.tasks import TaskRunner
from widgets.shell.window_actions import window_actions

log = logging.getLogger(__name__)

HUB_STATUS = "offline: no hub configured"
ESCALATIONS_REFRESH_MS = 30_000


class MainWindow(QMainWindow):
    """Wires the queue, case view and decision panel to one reviewer's ReviewDesk."""

    case_opened = Signal(str)
    decision_saved = Signal(str)
    safe_screen_toggled = Signal(bool)
    closing = Signal()

    def __init__(self, desk: ReviewDesk, runner: TaskRunner, settings: Settings) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"Veil — {desk.reviewer.display_name}")
        self.desk = desk
        self.settings = settings
        self.runner = runner
        self._syncing = False
        self.safe_screen = False
        names = {p.id: p.name for p in desk.policies}
        queue_names = {q.id: q.name for q in desk.queues}
        self.model = QueueModel(
            self._queue_source, names, desk.store.clock.now, desk.reviewer.username, queue_names
        )
        self.queue_panel = self._make_queue_panel()
        self.case_view = CaseView(desk.store.blobs, runner)
        self.panel = DecisionPanel()
        self.panel.words = desk.words()
        self.history = CaseHistoryPanel(desk)
        self.loop = ReviewLoop(desk, runner, self)
        # N claims from the queue picked on the left ("All my queues": from every one).
        self.loop.queue_ids = lambda: self.queue_filter.currentData()
        self.store_signals = StoreSignals(desk.store, self)
        self._connect()
        self._build_layout()
        self._build_menus()
        self._build_status_bar()
        self.action_table = ActionTable(self, self.menus, desk.reviewer.role, self.guard)
        self.overlay = ShortcutOverlay(self, self.action_table.overlay)
        self.action_table.extend(window_actions(self))
        self._restore()
        self.refresh_queue()
        self.loop.claim_next()
        if self.loop.shown is None:
            self.browse_step(0)

    @property
    def current(self) -> CaseDetail | None:
        """The case on screen."""
        return self.loop.shown

    # --- queue --------------------------------------------------------------------

    def _queue_source(self) -> QueueSource:
        chosen = self.queue_filter.currentData()
        severity = self.severity_filter.currentData()
        return self.desk.queue_source(chosen, severity, self.order.currentData())

    def refresh_queue(self, select_row: int | None = None) -> None:
        """Count and page the queue again, keep the shown case selected."""
        self.model.reload()
        self._refresh_choices()
        shown = self.loop.shown
        row = self.model.row_of(shown.row) if shown is not None else -1
        if row < 0 and select_row is not None and self.model.rowCount():
            row = min(max(select_row, 0), self.model.rowCount() - 1)
        self._select(row)

    def _on_store_changed(self, change: Change) -> None:
        """A committed write (ours or pulled): repaint the changed rows and the depths."""
        self.model.refresh_cases(change.case_ids)
        self._refresh_choices()
        shown = self.loop.shown
        if shown is not None and not self.queue.currentIndex().isValid():
            self._select(self.model.row_of(shown.row))  # the queue was reloaded

    def browse_step(self, step: int) -> None:
        """Browse the next (1) or previous (-1) case, read-only (J/K)."""
        current = self.queue.currentIndex().row()
        row = 0 if current < 0 else current + step
        if 0 <= row < self.model.rowCount():
            self.queue.selectionModel().setCurrentIndex(
                self.model.index(row, 2),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _select(self, row: int) -> None:
        self._syncing = True
        try:
            if row >= 0:
                index = self.model.index(row, 2)
                self.queue.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.queue.scrollTo(index)
            else:
                self.queue.selectionModel().clearSelection()
        finally:
            self._syncing = False

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing:
            return
        row = self.model.row_at(current.row())
        if row is not None:
            self.loop.browse(row.case_id)

    def _refresh_choices(self) -> None:
        choices = self.desk.queue_choices()
        total = sum(c.depth for c in choices)
        overdue = sum(c.overdue for c in choices)
        self.queue_depth.setText(f"Queue: {total} open · {overdue} overdue")
        combo = self.queue_filter
        combo.blockSignals(True)
        chosen = combo.currentData()
        combo.clear()
        combo.addItem(f"All my queues ({total} · {overdue} overdue)", None)
        for c in choices:
            combo.addItem(f"{c.name} ({c.depth} · {c.overdue} overdue)", [c.queue_id])
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
        combo.blockSignals(False)

    # --- what the loop shows ----------------------------------------------------------

    def refresh_filters(self) -> None:
        """Show the open case again through the (changed) filter choice."""
        detail = self.case_view.detail
        if detail is not None:
            policy = self.desk.policies[detail.row.category]
            self.case_view.show_case(detail, policy, self.loop.pipeline(detail))

    def _show(self, detail: CaseDetail | None) -> None:
        if detail is None:
            self.case_view.clear()
            self.panel.set_policy(None, "Nothing to review. N claims the next case.")
            self.history.set_case(None)
            return
        policy = self.desk.policies[detail.row.category]
        self.case_view.show_case(detail, policy, self.loop.pipeline(detail))
        working = self.loop.is_working(detail)
        reason = "" if working else _read_only_reason(detail, self.desk.reviewer.username)
        final = detail.open_status == "escalated" and self.desk.reviewer.at_least(Role.ANALYST)
        self.panel.set_policy(
            policy,
            reason,
            severity=detail.row.severity,
            escalation=detail.escalation,
            final=final,
        )
        if self.desk.reviewer.at_least(Role.ANALYST):
            self.history.set_case(detail.row.case_id)
        row = self.model.row_of(detail.row)
        if row >= 0 and row != self.queue.currentIndex().row():
            self._select(row)
        if self.focusWidget() is None or not self.focusWidget().isVisible():
            self.queue.setFocus()  # the form was rebuilt under the cursor: back to the queue
        self.case_opened.emit(detail.row.case_id)

    def _on_submitted(self, action: str, subcategory: str | None, fields: dict[str, str]) -> None:
        try:
            self.loop.decide(action, subcategory, fields, self.panel.severity(), self.panel.marks())
        except FormError as exc:
            self.panel.show_errors(exc.problems)

    def _on_decided(self, case_id: str) -> None:
        self.statusBar().showMessage("Decision saved", 4000)
        self.decision_saved.emit(case_id)

    # --- commands -----------------------------------------------------------------

    def claim_next(self) -> None:
        """Claim the most urgent case (N, Space)."""
        self.loop.claim_next()

    def escalate(self) -> None:
        """Ask why, then send the working case to the analysts (E)."""
        working = self.loop.working
        if working is None or not self.loop.is_working(self.loop.shown):
            return
        policy = self.desk.policies[working.row.category]
        dialog = EscalateDialog(working.row.severity, policy.severity_labels, self)
        if dialog.exec() != EscalateDialog.DialogCode.Accepted:
            return
        self.escalate_with(dialog.reason.toPlainText(), dialog.severity.currentData())

    def escalate_with(self, reason: str, severity: int | None) -> None:
        """Escalate the working case (the dialog's second half; tests call it directly)."""
        self.loop.escalate_with(reason, severity)

    def release(self) -> None:
        """Give the working case back (R)."""
        self.loop.release()

    def mark_evidence(self) -> None:
        """Mark a region or time range on the filtered media (M)."""
        marks = self.loop.mark_evidence(self.panel.marks())
        if marks is not None:
            self.panel.set_marks(marks)

    def assign(self) -> None:
        """A lead hands the shown case to a person (A)."""
        shown = self.loop.shown
        if shown is None or not self.desk.reviewer.at_least(Role.LEAD):
            return
        people = self.desk.people_for(shown.row.case_id)
        dialog = AssignDialog(people, self)
        if dialog.exec() != AssignDialog.DialogCode.Accepted:
            return
        username = dialog.username()
        try:
            self.desk.reassign(shown.row.case_id, username, dialog.reason.text())
        except CommandErrors as exc:
            log.warning("assigning case %s to %s refused: %s", shown.row.case_id, username, exc)
            self.statusBar().showMessage(f"Not assigned: {exc}", 6000)
        else:
            self.statusBar().showMessage(
                f"Assigned {case_number(shown.row.case_no)} to {username}", 5000
            )
        self.refresh_queue()

    def link_case(self) -> None:
        """An analyst links a related case (L)."""
        shown = self.loop.shown
        if shown is None or not self.desk.reviewer.at_least(Role.ANALYST):
            return
        dialog = LinkDialog(self)
        if dialog.exec() != LinkDialog.DialogCode.Accepted:
            return
        try:
            self.desk.link_cases(shown.row.case_id, dialog.number.value(), dialog.reason.text())
        except (FormError, KeyError, PermissionError) as exc:
            self.statusBar().showMessage(f"Not linked: {exc}", 6000)
            return
        self.history.refresh()

    def edit_rules(self) -> None:
        """A lead sets the team's break and rotation rules."""
        dialog = RulesDialog(self.desk.wellbeing_rules(), self)
        if dialog.exec() == RulesDialog.DialogCode.Accepted:
            self.desk.set_wellbeing_rules(**dialog.values())
            self.statusBar().showMessage("Break and rotation rules saved for the team", 5000)

    def toggle_history(self) -> None:
        """Switch between the decision form and the case history (H)."""
        history = self.tabs.indexOf(self.history)
        if history >= 0:
            self.tabs.setCurrentIndex(0 if self.tabs.currentIndex() == history else history)

    # --- building -----------------------------------------------------------------

    def guard(self, action: Callable[..., object]) -> Callable[..., None]:
        """A user's action with store failures shown and logged (see widgets/shell/errors)."""
        return guarded(self, "The action could not be completed", action)

    def _connect(self) -> None:
        self.panel.submitted.connect(self.guard(self._on_submitted))
        self.panel.escalate_requested.connect(self.guard(self.escalate))
        self.panel.skip_requested.connect(self.guard(self.loop.skip))
        self.panel.mark_requested.connect(self.guard(self.mark_evidence))
        self.history.evidence_requested.connect(self.guard(self.loop.show_evidence))
        self.history.link_requested.connect(self.guard(self.link_case))
        self.loop.shown_changed.connect(self._show)
        self.store_signals.changed.connect(self._on_store_changed)
        self.loop.decided.connect(self._on_decided)
        self.loop.message.connect(lambda text: self.statusBar().showMessage(text, 6000))

    def _make_queue_panel(self) -> QWidget:
        self.queue_filter = QComboBox()
        self.queue_filter.setAccessibleName("Queue")
        self.queue_filter.addItem("All my queues", None)
        self.severity_filter = QComboBox()
        self.severity_filter.setAccessibleName("Severity filter")
        self.severity_filter.addItem("Any severity", None)
        for level in (4, 3, 2, 1):
            self.severity_filter.addItem(f"Severity {level}", level)
        self.order = QComboBox()
        self.order.setAccessibleName("Order")
        self.order.addItem("Work order", "priority")
        self.order.addItem("SLA deadline", "deadline")
        for combo in (self.queue_filter, self.severity_filter, self.order):
            combo.currentIndexChanged.connect(lambda _n: self.refresh_queue(select_row=0))
        self.queue = self._make_queue_view()
        filters = QHBoxLayout()
        filters.addWidget(self.queue_filter, 2)
        filters.addWidget(self.severity_filter, 1)
        filters.addWidget(self.order, 1)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.queue)
        return box

    def _make_queue_view(self) -> QTableView:
        view = QTableView()
        view.setObjectName("queueView")
        view.setAccessibleName("Case queue")
        view.setModel(self.model)
        configure_queue_view(view)
        view.setMinimumWidth(560)
        view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        return view

    def _build_layout(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sideTabs")
        self.tabs.addTab(self.panel, "Decision")
        if self.desk.reviewer.at_least(Role.ANALYST):
            self.tabs.addTab(self.history, "History && notes  (H)")
        self.escalations = EscalationsPanel(self.desk)
        self.tabs.addTab(self.escalations, "My escalations")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.queue_panel)
        self.splitter.addWidget(self.case_view)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([640, 520, 360])
        self.setCentralWidget(self.splitter)
        self.escalations.outcome.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.store_signals.changed.connect(self.escalations.on_store_changed)
        self._escalations_timer = QTimer(self)
        self._escalations_timer.setInterval(ESCALATIONS_REFRESH_MS)
        self._escalations_timer.timeout.connect(self.escalations.refresh)
        self._escalations_timer.start()
        self.escalations.refresh()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        names = ("Case", "View", "Tools", "Team", "Help")
        self.menus = {name: bar.addMenu(f"&{name}") for name in names}

    def show_about(self) -> AboutDialog:
        """Help > About Veil: the version, and where the data and the log file are."""
        dialog = AboutDialog(self.desk.store.data_dir, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def on_escape(self) -> None:
        """Esc closes the shortcut list if it is open, else toggles the safe screen."""
        if self.overlay.isVisible():
            self.overlay.hide()
        else:
            self.toggle_safe_screen()

    def toggle_safe_screen(self) -> None:
        """Hide every piece of media at once, or bring the filtered view back."""
        self.safe_screen = not self.safe_screen
        self.safe_screen_toggled.emit(self.safe_screen)
        note = "Safe screen on: media hidden (Esc to bring it back)" if self.safe_screen else ""
        self.statusBar().showMessage(note)

    def overlay_toggle(self) -> None:
        """Show or hide the shortcut list."""
        self.overlay.toggle()

    def add_side_panel(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        """Dock a feature's panel (personal exposure, sync, dashboards…) beside the case."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{widget.objectName() or title}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.menus["View"].addAction(dock.toggleViewAction())
        return dock

    def _build_status_bar(self) -> None:
        reviewer = self.desk.reviewer
        self.who = QLabel(f"{reviewer.display_name} · {reviewer.role.value}")
        self.queue_depth = QLabel("")
        self.hub = QLabel(HUB_STATUS)
        self.hub.setObjectName("hubStatus")
        for label in (self.who, self.queue_depth, self.hub):
            self.statusBar().addPermanentWidget(label)

    def _restore(self) -> None:
        if not self.settings.window_geometry.isEmpty():
            self.restoreGeometry(self.settings.window_geometry)
        else:
            self.resize(1480, 900)
        if not self.settings.splitter_state.isEmpty():
            self.splitter.restoreState(self.settings.splitter_state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Save the layout and give back the working case."""
        self.closing.emit()
        self.settings.window_geometry = self.saveGeometry()
        self.settings.splitter_state = self.splitter.saveState()
        self.settings.sync()
        if self.loop.working is not None:
            case_id = self.loop.working.row.case_id
            try:
                self.desk.release(case_id, "signed out")
            except (*CommandErrors, StoreError):
                # The lease runs out by itself; closing the window must not stop on it.
                log.warning("could not release case %s on sign-out", case_id, exc_info=True)
            self.loop.working = None
        self.store_signals.close()
        self.desk.close()
        super().closeEvent(event)


def _read_only_reason(detail: CaseDetail, me: str) -> str:
    if detail.row.status == "leased" and detail.leased_by == me:
        return "Read only: yours, but not the case you are working on. Enter takes it."
    if detail.row.status == "leased":
        return f"Read only: {detail.leased_by} is working on it."
    if detail.row.status in ("new", "escalated"):
        return "Read only (browsing). Enter takes this case; N claims the most urgent."
    return f"Read only: {detail.row.status}."
