"""The team hub in the workstation: Team menu, status indicator, sync worker, conflicts.

On a data dir bound to a hub (and a person with a hub login), a SyncWorker runs in the
background for the logged-in person: it sends decisions as they are saved, pulls what
others did and fetches the media needed next; the status bar says how it goes. A store
that works alone shows "offline: no hub configured" and offers Team > Hub settings.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget

from app.domain.kinds import EventKind
from app.domain.people import Reviewer, Role
from app.log.changes import Change
from app.log.store import LocalStore
from app.review.adjudication import Adjudication
from app.sync.engine import SyncEngine, SyncReport
from app.sync.link import HubLink

# Re-exported: they moved to app.sync.login, which the start-up opens the store with.
from app.sync.login import HUB_URL_ENV as HUB_URL_ENV
from app.sync.login import accounts_for as accounts_for
from app.sync.login import hub_workstation as hub_workstation
from app.sync.worker import LOGIN_NEEDED, NOT_CONFIGURED, SyncStatus, SyncWorker
from widgets.review.adjudication import ConflictPanel
from widgets.shell.actions import ActionSpec
from widgets.shell.main_window import MainWindow
from widgets.shell.tasks import TaskRunner
from widgets.sync.hub_settings import HubSettingsDialog
from widgets.sync.quarantine import QuarantineDialog
from widgets.sync.status import SyncBridge, SyncIndicator, SyncProgress
from widgets.sync.work_ahead import WorkAheadDialog

# The share of the window's height the Conflicts panel opens with.
CONFLICTS_SHARE = 0.42
# The kinds that can put a case into conflict or settle one.
CONFLICT_KINDS = frozenset(
    str(k)
    for k in (EventKind.DECISION_RECORDED, EventKind.DECISION_RETRACTED, EventKind.CASE_ADJUDICATED)
)


def install(window: MainWindow) -> None:
    """Add the hub's menu entries, indicator and worker to the window."""
    HubFeature(window)


class HubFeature(QObject):
    """Everything hub-related one main window has; lives as long as the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.store: LocalStore = window.desk.store
        self.reviewer: Reviewer = window.desk.reviewer
        self.link = HubLink(self.store.data_dir)
        self.runner = TaskRunner()
        self.bridge = SyncBridge(self)
        self.indicator = SyncIndicator(window.hub, self.bridge)
        self.bridge.reported.connect(self._received)
        self.worker: SyncWorker | None = None
        self.conflicts: ConflictPanel | None = None
        self.conflicts_dock: QDockWidget | None = None
        self._conflict_count = 0
        self._menu()
        if self.reviewer.at_least(Role.LEAD):
            self._conflict_panel()
        window.decision_saved.connect(self._wrote)
        closing = getattr(window, "closing", None)
        (closing if closing is not None else window.destroyed).connect(self.stop)
        self.start()

    def _menu(self) -> None:
        def running() -> bool:
            return self.worker is not None

        app_wide = Qt.ShortcutContext.ApplicationShortcut  # also from the dashboard's window
        self.window.action_table.extend(
            (
                ActionSpec(
                    "team.sync_now",
                    "Sync now",
                    self.sync_now,
                    keys=("Ctrl+Shift+S",),
                    menu="Team",
                    overlay="sync with the hub now (progress, Cancel)",
                    enabled=running,
                    context=app_wide,
                    separator=True,
                ),
                ActionSpec("team.hub_settings", "Hub settings…", self.open_settings, menu="Team"),
                ActionSpec(
                    "team.work_ahead", "Work ahead…", self.work_ahead, menu="Team", enabled=running
                ),
                ActionSpec(
                    "team.quarantine",
                    "Quarantined events…",
                    self.open_quarantine,
                    menu="Team",
                    role=Role.LEAD,
                ),
            )
        )

    def _conflict_panel(self) -> None:
        desk = Adjudication(self.store, self.window.desk.policies, self.reviewer)
        self.conflicts = ConflictPanel(desk, self.runner)
        self.conflicts.adjudicated.connect(self._wrote)
        area = Qt.DockWidgetArea.BottomDockWidgetArea
        # Shown when there is something to adjudicate; View > Conflicts opens it any time.
        self.conflicts_dock = self.window.add_side_panel("Conflicts", self.conflicts, area)
        self._conflict_count = self.conflicts.cases.count()
        self.conflicts_dock.setVisible(self._conflict_count > 0)
        self.conflicts.counted.connect(self._conflicts_counted)
        self.window.store_signals.changed.connect(self._maybe_new_conflicts)

    def _maybe_new_conflicts(self, change: Change) -> None:
        if self.conflicts is not None and change.kinds & CONFLICT_KINDS:
            self.conflicts.reload()

    def _conflicts_counted(self, count: int) -> None:
        """Open the panel when conflicts arrive, close it when the last one is settled."""
        dock = self.conflicts_dock
        if dock is not None and count > 0 and self._conflict_count == 0:
            dock.show()
            dock.raise_()
            share = int(self.window.height() * CONFLICTS_SHARE)
            self.window.resizeDocks([dock], [share], Qt.Orientation.Vertical)
            self.window.statusBar().showMessage(f"{count} case(s) in conflict: adjudicate", 8000)
        elif dock is not None and count == 0 and self._conflict_count > 0:
            dock.hide()
        self._conflict_count = count

    def start(self) -> None:
        """Start the worker when this person can sync; else say why not."""
        self.stop()
        user = self.reviewer.username
        if self.link.url is None:
            self._not_running(NOT_CONFIGURED, "Team > Hub settings connects a hub")
        elif self.link.token(user) is None:
            self._not_running(LOGIN_NEEDED, "Team > Hub settings logs you in again")
        else:
            self.worker = self.bridge.worker(SyncEngine(self.store, self.link), user)
            self.worker.start()

    def _not_running(self, state: str, detail: str) -> None:
        pending = sum(self.store.pending_by_actor().values())
        self.indicator.show_status(SyncStatus(state, pending, None, detail))

    def stop(self) -> None:
        """Stop the worker (the window is closing, or the login changed)."""
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def sync_now(self) -> SyncProgress | None:
        """A round now, with progress and Cancel."""
        if self.worker is None:
            return None
        progress = SyncProgress(self.worker, self.bridge, self.window)
        progress.start()
        return progress

    def open_settings(self) -> HubSettingsDialog:
        """The hub URL and login dialog (non-modal, so tests and people can drive it)."""
        dialog = HubSettingsDialog(
            self.store, self.link, self.runner, self.reviewer.username, self.window
        )
        dialog.logged_in.connect(lambda _reviewer: self.start())
        dialog.show()
        return dialog

    def work_ahead(self) -> WorkAheadDialog | None:
        """Check out cases and media before going offline."""
        if self.worker is None:
            return None
        dialog = WorkAheadDialog(self.worker, self.bridge, self.reviewer.username, self.window)
        dialog.show()
        return dialog

    def open_quarantine(self) -> QuarantineDialog | None:
        """Pulled events kept out of the projections, with why (leads only)."""
        if not self.reviewer.at_least(Role.LEAD):
            return None
        dialog = QuarantineDialog(self.store, self.runner, self.window)
        dialog.show()
        return dialog

    def _wrote(self, _case_id: str = "") -> None:
        if self.worker is not None:
            self.worker.request()

    def _received(self, report: SyncReport) -> None:
        # The queue follows the store-changed signal (pulled pages are changes like any
        # other); the conflicts panel reads its own list again after a round.
        if (report.pulled or report.pushed) and self.conflicts is not None:
            self.conflicts.reload()
