"""The reviewer's main window: queue on the left, the case in the middle, the form right.

The loop itself (claim, browse, decide, undo, skip, escalate, breaks) lives in
widgets/review/review_loop.py; this window lays out the pieces, shows what the loop says and
holds the action table (widgets/shell/actions.py) that binds every key and menu entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
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
from widgets.review.queue_columns import QueueColumns
from widgets.review.queue_model import QueueModel, configure_queue_view
from widgets.review.review_dialogs import AssignDialog, LinkDialog, RulesDialog
from widgets.review.review_loop import CommandErrors, ReviewLoop
from widgets.shell.about import AboutDialog
from widgets.shell.actions import ActionTable
from widgets.shell.dialogs import EscalateDialog
from widgets.shell.errors import guarded
from widgets.shell.fit import clamp_to_screen, compact_combo, fit_window
from widgets.shell.keyboard import CommandSurface, FocusInView, PlainKeys
from widgets.shell.settings import Settings
from widgets.shell.shortcuts import ShortcutOverlay
from widgets.shell.store_signal import StoreSignals
from widgets.shell.tasks import TaskRunner
from widgets.shell.window_actions import window_actions

log = logging.getLogger(__name__)

HUB_STATUS = "offline: no hub configured"
ESCALATIONS_REFRESH_MS = 30_000
# A new window's size, cut down to the screen it opens on (fits 1,366 x 768 as it is).
DEFAULT_WINDOW = (1360, 860)
# Shares of the width a new window gives the queue, the case (its media) and the form.
PANE_SHARES = (0.27, 0.44, 0.29)
MEDIA_SHARE = 0.40  # the least a restored layout may leave the case pane
QUEUE_MIN_WIDTH = 260
# The case pane's minimum, whatever it shows: room for the video controls and keyframe
# strip over a 150 px high picture.
CASE_MINIMUM = (460, 480)


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
        self._clamped = False
        self.safe_screen = False
        names = {p.id: p.name for p in desk.policies}
        # Kept and topped up with each refresh: an open incident's queue comes and goes.
        self._queue_names = {q.id: q.name for q in desk.queues}
        self.model = QueueModel(
            self._queue_source,
            names,
            desk.store.clock.now,
            desk.reviewer.username,
            self._queue_names,
        )
        self.queue_panel = self._make_queue_panel()
        self.case_view = CaseView(desk.store.blobs, runner)
        self.case_view.fixed_minimum = QSize(*CASE_MINIMUM)
        self.case_view.media.setMinimumSize(320, 150)
        self.panel = DecisionPanel()
        self.panel.words = desk.words()
        self.history = CaseHistoryPanel(desk)
        self.loop = ReviewLoop(desk, runner, self)
        self.loop.toast.set_anchor(self.case_view.media)  # over the media, off the form
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
        self._install_keys()
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
        self._queue_names.update({c.queue_id: c.name for c in choices})
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
        if working:
            self.focus_side()  # deciding: the cursor goes where the form needs input
        elif self._focus_in_side() or not self._focus_visible():
            self.queue.setFocus()  # browsing: the form is off, back to the queue
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
        dialog = LinkDialog(shown.row.case_no, self._describe_case, self)
        if dialog.exec() != LinkDialog.DialogCode.Accepted:
            return
        number = dialog.case_no()
        if number is None:
            return
        try:
            self.desk.link_cases(shown.row.case_id, number, dialog.reason.text())
        except (FormError, KeyError, PermissionError) as exc:
            self.statusBar().showMessage(f"Not linked: {exc}", 6000)
            return
        self.history.refresh()

    def _describe_case(self, case_no: int) -> str | None:
        """'#1042 title (status)' for the link dialog; None when there is no such case."""
        row = self.desk.rows([case_no]).get(case_no)
        if row is None:
            return None
        try:
            self.desk.detail(row.case_id)  # the title only of a case this person may see
        except CommandErrors:
            return f"#{row.case_no} (not open to you)"
        return f"#{row.case_no} {row.title} ({row.status})"

    def edit_rules(self) -> None:
        """A lead sets the team's break and rotation rules."""
        dialog = RulesDialog(self.desk.wellbeing_rules(), self)
        if dialog.exec() == RulesDialog.DialogCode.Accepted:
            self.desk.set_wellbeing_rules(**dialog.values())
            self.statusBar().showMessage("Break and rotation rules saved for the team", 5000)

    def toggle_history(self) -> None:
        """Switch between the decision form and the case history (H); the cursor follows."""
        history = self.tabs.indexOf(self.history_page)
        if history < 0:
            return
        showing = self.tabs.currentIndex() == history
        self.tabs.setCurrentWidget(self.panel_page if showing else self.history_page)
        self.focus_side()

    # --- focus ----------------------------------------------------------------------

    def focus_side(self) -> None:
        """Cursor into the side page: the note in History, else the form's next field."""
        if self.tabs.currentWidget() is self.history_page:
            self.history.focus_start()
            return
        self.tabs.setCurrentWidget(self.panel_page)
        if self.panel.isEnabled():
            self.panel.focus_start()
        else:
            self.queue.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_queue(self) -> None:
        """Cursor back to the queue (Esc from the form, the notes or the pickers)."""
        self.queue.setFocus(Qt.FocusReason.OtherFocusReason)

    def _focus_in_side(self) -> bool:
        focus = self.focusWidget()
        return focus is not None and self.tabs.isAncestorOf(focus)

    def _focus_visible(self) -> bool:
        focus = self.focusWidget()
        return focus is not None and focus.isVisible() and focus.isEnabled()

    def _tab_from_queue(self, _forward: bool) -> bool:
        """Tab in the queue goes into the form of the case being decided."""
        if not self.loop.is_working(self.loop.shown):
            return False
        self.focus_side()
        return True

    def _install_keys(self) -> None:
        CommandSurface(self.queue, self._tab_from_queue)
        self.queue.setTabKeyNavigation(False)  # Tab never walks cells (that browses)
        keys = PlainKeys(self)
        app = QApplication.instance()
        if app is not None:  # removed with the window, its parent
            app.installEventFilter(keys)
        self.focus_in_view = FocusInView(self)

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
        for combo, chars in ((self.queue_filter, 6), (self.severity_filter, 3), (self.order, 3)):
            compact_combo(combo, chars)
            combo.currentIndexChanged.connect(lambda _n: self.refresh_queue(select_row=0))
        self.queue = self._make_queue_view()
        filters = QHBoxLayout()  # the queue choice has its own line: its counts stay readable
        filters.addWidget(self.severity_filter, 1)
        filters.addWidget(self.order, 1)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.queue_filter)
        layout.addLayout(filters)
        layout.addWidget(self.queue)
        return box

    def _make_queue_view(self) -> QTableView:
        view = QTableView()
        view.setObjectName("queueView")
        view.setAccessibleName("Case queue")
        view.setModel(self.model)
        configure_queue_view(view)
        view.setMinimumWidth(QUEUE_MIN_WIDTH)
        self.queue_columns = QueueColumns(view)
        view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        return view

    def _build_layout(self) -> None:
        self.history_page = _scrolling(self.history)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sideTabs")
        self.panel_page = _scrolling(self.panel)
        self.tabs.addTab(self.panel_page, "Decision")
        if self.desk.reviewer.at_least(Role.ANALYST):
            self.tabs.addTab(self.history_page, "History && notes  (H)")
        self.escalations = EscalationsPanel(self.desk)
        self.tabs.addTab(self.escalations, "My escalations")
        self.tabs.setUsesScrollButtons(False)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs.tabBar().setExpanding(False)
        # The queue on top, small side panels (exposure today) under it: they take width
        # neither from the media nor height from the decision form.
        self.side = QSplitter(Qt.Orientation.Vertical)
        self.side.setObjectName("queueColumn")
        self.side.setChildrenCollapsible(False)
        self.side.addWidget(self.queue_panel)
        self.side.setStretchFactor(0, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.side)
        self.splitter.addWidget(self.case_view)
        self.splitter.addWidget(self.tabs)
        for index, stretch in enumerate((0, 1, 0)):
            self.splitter.setStretchFactor(index, stretch)
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
        """Esc closes the shortcut list; otherwise it toggles the safe screen at once, from
        anywhere in the window: hiding every piece of media never takes two keys."""
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
        """Add a feature's panel (personal exposure, conflicts…) with a View menu entry.

        A left- or right-hand panel goes under the queue, so it takes width neither from the
        media nor height from the decision form; a bottom one docks on the window's edge (keep
        its minimum height small: showing it must not make the window taller than a screen).
        """
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{widget.objectName() or title}")
        dock.setWidget(widget)
        if area in (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea):
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable)
            self.side.addWidget(dock)
            self.side.setStretchFactor(self.side.indexOf(dock), 0)
        else:
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
        """The saved geometry clamped to this screen, or a default that fits it."""
        if self.settings.window_geometry.isEmpty() or not self.restoreGeometry(
            self.settings.window_geometry
        ):
            fit_window(self, *DEFAULT_WINDOW)
        clamp_to_screen(self)
        if self.settings.splitter_state.isEmpty() or not self.splitter.restoreState(
            self.settings.splitter_state
        ):
            self.share_panes()

    def share_panes(self) -> None:
        """Give the queue, the case and the form their default shares of the width."""
        room = max(self.width(), self.minimumSizeHint().width())
        self.splitter.setSizes([int(room * share) for share in PANE_SHARES])

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """On the first show (the frame is known now): all of the window on the screen, and
        the media at least its share of the width."""
        super().showEvent(event)
        if not self._clamped:
            self._clamped = True
            clamp_to_screen(self)
            sizes = self.splitter.sizes()
            if sizes[1] < MEDIA_SHARE * sum(sizes):  # a layout saved when the media was squeezed
                self.share_panes()

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


def _scrolling(widget: QWidget) -> QScrollArea:
    """`widget` in a vertical scroll area: a long form scrolls, it never sets the height."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, not the wrapper
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    area.setMinimumWidth(widget.minimumWidth() + area.verticalScrollBar().sizeHint().width())
    return area


def _read_only_reason(detail: CaseDetail, me: str) -> str:
    if detail.row.status == "leased" and detail.leased_by == me:
        return "Read only: yours, but not the case you are working on. Enter takes it."
    if detail.row.status == "leased":
        return f"Read only: {detail.leased_by} is working on it."
    if detail.row.status in ("new", "escalated"):
        return "Read only (browsing). Enter takes this case; N claims the most urgent."
    return f"Read only: {detail.row.status}."
