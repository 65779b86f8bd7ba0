"""Start the workstation: QApplication, style, store, first-run demo, login, window."""

from __future__ import annotations

import gc
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app.cli.main import policies, seed_everything, step_printer
from app.demo.cases import seed_demo
from app.demo.logins import logins_banner, save_logins
from app.domain.people import Accounts, Reviewer
from app.domain.policies import PolicySet
from app.log.logs import setup_logging
from app.log.paths import data_dir, resources_dir
from app.log.store import LocalStore, open_store
from app.review.reviewdesk import ReviewDesk
from db.engine import StoreError
from widgets.evidence import feature as evidence_feature
from widgets.evidence import unlock as evidence
from widgets.incidents import feature as incidents
from widgets.media.media_view import CanvasState
from widgets.network import feature as networks
from widgets.qa import feature as lead_tools
from widgets.shell import password
from widgets.shell.dialogs import LoginDialog
from widgets.shell.errors import excepthook
from widgets.shell.main_window import MainWindow
from widgets.shell.settings import Settings
from widgets.shell.tasks import TaskRunner
from widgets.shell.theme import apply_theme
from widgets.sync import feature as sync_feature
from widgets.wellbeing import feature as wellbeing

log = logging.getLogger(__name__)

# Each feature adds its menus, panels and keys to the window from its own module.
FEATURES: list[Callable[[MainWindow], None]] = [
    wellbeing.install,  # reveal lens/hold, safe screen, video, text masking, exposure
    lead_tools.install,  # dashboard, QA, gold, calibration, audit trail, feedback
    sync_feature.install,  # hub status, sync now, work ahead, conflicts
    incidents.install,  # incident room, roles in the status bar, surge-queue matching
    networks.install,  # coordinated networks: the investigation workspace
    password.install,  # Tools > Change password…
    evidence_feature.install,  # legal holds, the retention purge worker
]


def make_app(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, styled."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName("Veil")
    app.setOrganizationName("Veil")
    apply_theme(app, load_stylesheet())
    return app


def load_stylesheet() -> str:
    """The ordered QSS files in resources/styles, concatenated."""
    folder = resources_dir() / "styles"
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.qss")))


def open_workstation_store(folder: Path, policy_set: PolicySet) -> LocalStore:
    """Open the local store; on first start seed the demo and print its logins."""
    store = open_store(folder)
    # A hub workstation starts empty and gets its cases from the hub.
    if Accounts(store).count() == 0 and not sync_feature.hub_workstation(store):
        print(f"First start: seeding demo data into {folder} …", flush=True)
        logins = seed_everything(store, policy_set, step_printer())
        print(logins_banner(logins, save_logins(folder, logins)), flush=True)
    return store


def build_window(
    store: LocalStore, policy_set: PolicySet, reviewer: Reviewer, folder: Path
) -> MainWindow:
    """The main window for a logged-in reviewer."""
    desk = ReviewDesk(store, policy_set, reviewer)
    window = MainWindow(desk, TaskRunner(), Settings(folder))
    for install in FEATURES:
        install(window)
    return window


def run_workstation(data_dir_override: str | None, debug: bool = False) -> int:
    """Interactive start: log in, then the main window until it is closed."""
    app = make_app()
    folder = data_dir(data_dir_override)
    log_file = setup_logging(folder, debug)
    previous_hook, sys.excepthook = sys.excepthook, excepthook
    try:
        return _sign_in_and_run(app, folder, log_file)
    finally:
        sys.excepthook = previous_hook


def _sign_in_and_run(app: QApplication, folder: Path, log_file: Path) -> int:
    """Open the store, log in, run the main window; a store that will not open is told."""
    policy_set = policies()
    try:
        store = open_workstation_store(folder, policy_set)
    except StoreError as exc:
        log.critical("the local store in %s could not be opened", folder, exc_info=exc)
        QMessageBox.critical(
            None,
            "Veil cannot start",
            f"The local store in {folder} could not be opened: {exc}\n\nThe log is {log_file}",
        )
        return 1
    settings = Settings(folder)
    accounts = evidence.unlocking(store, sync_feature.accounts_for(store))
    login = LoginDialog(accounts, settings.last_user)
    if login.exec() != QDialog.DialogCode.Accepted or login.reviewer is None:
        store.close()
        return 0
    settings.last_user = login.reviewer.username
    evidence.after_login(store, accounts.last, None)
    window = build_window(store, policy_set, login.reviewer, folder)
    window.show()
    # Start-up objects live as long as the app: leave them out of the collector's full
    # passes, which otherwise pause the UI thread for 50-200 ms while a worker allocates
    # (measured in bench/dashboard.py).
    gc.collect()
    gc.freeze()
    status = app.exec()
    QApplicationWait.pool_idle()
    store.close()
    return status


class QApplicationWait:
    """Waiting helpers that keep the event loop turning."""

    @staticmethod
    def pool_idle() -> None:
        """Let background decodes finish before the store closes."""
        TaskRunner().wait(10000)

    @staticmethod
    def until(predicate: object, timeout_ms: int = 15000) -> bool:
        """Process events until predicate() is true or the time runs out."""
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(20)
        timer.timeout.connect(lambda: loop.quit() if predicate() else None)  # type: ignore[operator]
        deadline = QTimer()
        deadline.setSingleShot(True)
        deadline.timeout.connect(loop.quit)
        timer.start()
        deadline.start(timeout_ms)
        loop.exec()
        return bool(predicate())  # type: ignore[operator]


def run_smoke() -> int:
    """Offscreen, temporary store with demo data: log in, open a case, decide, quit 0."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    make_app()
    with tempfile.TemporaryDirectory(prefix="veil-smoke-") as tmp:
        folder = Path(tmp)
        policy_set = policies()
        store = LocalStore(folder)
        report, logins = seed_demo(store, policy_set)
        login = next(d for d in logins if d.role == "moderator")
        accounts = evidence.unlocking(store, Accounts(store))
        reviewer = accounts.authenticate(login.username, login.password)
        evidence.after_login(store, accounts.last, None)
        window = build_window(store, policy_set, reviewer, folder)
        window.show()
        media = window.case_view.media
        QApplicationWait.until(lambda: media.state is not CanvasState.LOADING)
        first_state = media.state
        case_id = window.current.row.case_id if window.current else None
        window.panel.choose_action("1")
        window.panel.submit()
        decided = (
            [e for e in store.events(case_id) if e.kind == "decision.recorded"] if case_id else []
        )
        window.close()
        QApplicationWait.pool_idle()
        store.close()
    ok = bool(decided) and first_state is not CanvasState.LOADING
    verdict = "ok" if ok else "FAILED"
    print(f"smoke: {verdict}: {len(report.created)} demo cases, case {case_id} decided")
    return 0 if ok else 1
