"""Start the workstation: QApplication, style, login painted, store opened behind it, window.

The login is the first thing a person waits for, so it is painted before anything heavy is
loaded: this module imports only Qt, the settings and the login dialog. Once the login is
on the screen a worker opens the store (SQLAlchemy, a migration only when the schema is
behind, a first-run demo seeding) and loads the Qt-free modules the window needs (the
review desk, the image pipeline with OpenCV) while the person types. The features (their
menus and panels) are imported when the window is built, and each loads its big windows
(the dashboard and its charts, the incident room…) when first opened.

`python -m bench startup` times it from a fresh process: see the hidden options in
app/cli/options.py.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app.cli.options import BenchLogin
from app.log.logs import setup_logging
from app.log.paths import data_dir, resources_dir
from db.errors import StoreError
from widgets.shell.dialogs import LoginDialog
from widgets.shell.errors import excepthook
from widgets.shell.first_paint import FirstPaint
from widgets.shell.settings import Settings
from widgets.shell.tasks import TaskRunner
from widgets.shell.theme import apply_theme

if TYPE_CHECKING:
    from app.domain.people import Reviewer
    from app.domain.policies import PolicySet
    from app.evidence.unlock import UnlockingAccounts
    from app.log.store import LocalStore
    from widgets.shell.main_window import MainWindow

log = logging.getLogger(__name__)

# Each feature adds its menus, panels and keys to the window from its own module
# ("module:function", imported when the window is built, not before the login).
FEATURES: list[str] = [
    # reveal lens/hold, safe screen, video, text masking, exposure
    "widgets.wellbeing.feature:install",
    # dashboard, QA, gold, calibration, audit trail, feedback
    "widgets.qa.feature:install",
    # hub status, sync now, work ahead, conflicts
    "widgets.sync.feature:install",
    # incident room, roles in the status bar, surge-queue matching
    "widgets.incidents.feature:install",
    # coordinated networks: the investigation workspace
    "widgets.network.feature:install",
    # Tools > Change password…
    "widgets.shell.password:install",
    # legal holds, the retention purge worker
    "widgets.evidence.feature:install",
]

# Modules the main window needs, loaded on a worker once the store is open, while the person
# types (each is an import the window would otherwise make on the UI thread). The widget
# modules among them create no Qt object at import but value types (colours, brushes).
WARM_MODULES: tuple[str, ...] = (
    "app.review.reviewdesk",
    "app.imaging.pipeline",
    "app.imaging.decode",
    "app.wellbeing.exposure",
    "widgets.shell.main_window",
    "widgets.media.media_view",
    *(spec.partition(":")[0] for spec in FEATURES),
)

# What the workstation prints for `python -m bench startup` (with its monotonic clock).
BENCH_MARK = "veil-bench"


def feature_installers() -> list[Callable[[MainWindow], None]]:
    """The install function of every feature, imported now."""
    installers = []
    for spec in FEATURES:
        module, _, function = spec.partition(":")
        installers.append(getattr(importlib.import_module(module), function))
    return installers


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


def load_policy_set() -> PolicySet:
    """The bundled policy taxonomy."""
    from app.domain.policies import load_policies

    return load_policies(resources_dir() / "policies")


def open_workstation_store(folder: Path, policy_set: PolicySet) -> LocalStore:
    """Open the local store; on first start seed the demo and print its logins."""
    from app.domain.people import Accounts
    from app.log.store import open_store
    from app.sync.login import hub_workstation

    store = open_store(folder)
    # A hub workstation starts empty and gets its cases from the hub.
    if Accounts(store).count() == 0 and not hub_workstation(store):
        from app.cli.main import seed_everything, step_printer
        from app.demo.logins import logins_banner, save_logins

        print(f"First start: seeding demo data into {folder} …", flush=True)
        logins = seed_everything(store, policy_set, step_printer())
        print(logins_banner(logins, save_logins(folder, logins)), flush=True)
    return store


@dataclass
class OpenedStore:
    """What the login needs from the store, opened off the UI thread."""

    store: LocalStore
    policy_set: PolicySet
    accounts: UnlockingAccounts


def open_for_login(folder: Path) -> OpenedStore:
    """Open (and on first start seed) the store and its login check. Runs on a worker
    while the login is on the screen."""
    from app.evidence.unlock import UnlockingAccounts
    from app.sync.login import accounts_for

    policy_set = load_policy_set()
    store = open_workstation_store(folder, policy_set)
    try:
        accounts = UnlockingAccounts(store, accounts_for(store))
    except BaseException:
        store.close()
        raise
    return OpenedStore(store, policy_set, accounts)


def warm_modules() -> None:
    """Import what the window will need (on a worker); a module that fails is left for the
    window's own import to report."""
    for module in WARM_MODULES:
        try:
            importlib.import_module(module)
        except Exception:
            log.warning("preloading %s failed", module, exc_info=True)
            return


def build_window(
    store: LocalStore, policy_set: PolicySet, reviewer: Reviewer, folder: Path
) -> MainWindow:
    """The main window for a logged-in reviewer."""
    from app.review.reviewdesk import ReviewDesk
    from widgets.shell.main_window import MainWindow

    desk = ReviewDesk(store, policy_set, reviewer)
    window = MainWindow(desk, TaskRunner(), Settings(folder))
    for install in feature_installers():
        install(window)
    return window


@dataclass(frozen=True)
class BenchOptions:
    """The hidden start-up benchmark options (app/cli/options.py)."""

    exit_after_first_paint: bool = False
    login: BenchLogin | None = None


def run_workstation(
    data_dir_override: str | None, debug: bool = False, bench: BenchOptions | None = None
) -> int:
    """Interactive start: log in, then the main window until it is closed."""
    app = make_app()
    folder = data_dir(data_dir_override)
    log_file = setup_logging(folder, debug)
    previous_hook, sys.excepthook = sys.excepthook, excepthook
    try:
        return _sign_in_and_run(app, folder, log_file, bench or BenchOptions())
    finally:
        sys.excepthook = previous_hook


def bench_mark(name: str, detail: str = "") -> None:
    """Tell the start-up benchmark that `name` happened, on the shared monotonic clock."""
    print(f"{BENCH_MARK} {name} {time.monotonic():.6f} {detail}".rstrip(), flush=True)


class _Opening:
    """The store being opened behind the login dialog."""

    def __init__(self, folder: Path, login: LoginDialog, marks: bool) -> None:
        self.folder = folder
        self.marks = marks
        self.login = login
        self.opened: OpenedStore | None = None
        self.error: BaseException | None = None
        self.refused = ""  # why the benchmark's sign-in was refused
        self.runner = TaskRunner()

    def start(self) -> None:
        self.runner.submit(lambda: open_for_login(self.folder), self._done, self._failed)

    def _done(self, opened: OpenedStore) -> None:
        if self.marks:
            bench_mark("store-open")
        self.opened = opened
        if self.login.isVisible():  # not when the login was closed meanwhile
            self.runner.submit(warm_modules, lambda _none: None, lambda _error: None)
        self.login.set_accounts(opened.accounts)  # checks a sign-in asked for meanwhile
        if self.marks and self.login.result() != QDialog.DialogCode.Accepted:
            self.refused = self.login.error.text() or "no sign-in was asked for"
            self.login.reject()  # a benchmark never waits for a person

    def _failed(self, error: BaseException) -> None:
        self.error = error
        self.login.reject()


def _sign_in_and_run(app: QApplication, folder: Path, log_file: Path, bench: BenchOptions) -> int:
    """Paint the login, open the store behind it, log in, run the main window; a store that
    will not open is told."""
    settings = Settings(folder)
    login = LoginDialog(None, settings.last_user)
    opening = _Opening(folder, login, bench.exit_after_first_paint)
    FirstPaint(login, lambda: _login_painted(login, opening, bench))
    accepted = login.exec() == QDialog.DialogCode.Accepted
    # Closed before the store was open: let the worker finish and hand the store over
    # (its result is a queued event), so that it is closed properly.
    opening.runner.wait(60000)
    app.processEvents()
    if opening.error is not None:
        return _cannot_start(folder, log_file, opening.error)
    if opening.opened is None:
        return 0
    opened = opening.opened
    if opening.refused and bench.login is not None:
        print(f"veil: --bench-login refused: {opening.refused}", file=sys.stderr)
        opened.store.close()
        return 1
    if not accepted or login.reviewer is None:
        opened.store.close()
        return 0
    from widgets.evidence import unlock as evidence

    settings.last_user = login.reviewer.username
    if bench.exit_after_first_paint:
        bench_mark("signed-in")
    evidence.after_login(opened.store, opened.accounts.last, None)
    window = build_window(opened.store, opened.policy_set, login.reviewer, folder)
    if bench.exit_after_first_paint:
        bench_mark("window-built")
        _mark_first_case(window)
    window.show()
    # Start-up objects live as long as the app: leave them out of the collector's full
    # passes, which otherwise pause the UI thread for 50-200 ms while a worker allocates
    # (measured in bench/dashboard.py).
    gc.collect()
    gc.freeze()
    status = app.exec()
    QApplicationWait.pool_idle()
    opened.store.close()
    return status


def _login_painted(login: LoginDialog, opening: _Opening, bench: BenchOptions) -> None:
    """The login is on the screen: open the store behind it (and the benchmark's hooks)."""
    opening.start()
    if not bench.exit_after_first_paint:
        return
    bench_mark("login-painted")
    if bench.login is None:
        login.reject()  # timed to the login only
        return
    login.username.setText(bench.login.username)
    login.password.setText(bench.login.password)
    login.try_login()  # the dialog's own check, once the store is open


def _mark_first_case(window: MainWindow) -> None:
    """Mark, then close the window, once the first case's media (or its text) is painted."""
    from widgets.media.media_view import CanvasState

    media = window.case_view.media

    def painted() -> bool:
        return window.current is not None and media.state is not CanvasState.LOADING

    def done() -> None:
        shown = window.current
        title = shown.row.title.replace(" ", "_") if shown is not None else "-"
        bench_mark("case-painted", f"{media.state.name.lower()} {title}")
        window.close()

    FirstPaint(media, done, painted)


def _cannot_start(folder: Path, log_file: Path, error: BaseException) -> int:
    """Say that the store will not open (a known store failure), or raise the bug."""
    if not isinstance(error, StoreError):
        raise error
    log.critical("the local store in %s could not be opened", folder, exc_info=error)
    QMessageBox.critical(
        None,
        "Veil cannot start",
        f"The local store in {folder} could not be opened: {error}\n\nThe log is {log_file}",
    )
    return 1


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
    from app.demo.cases import seed_demo
    from app.domain.people import Accounts
    from app.log.store import LocalStore
    from widgets.evidence import unlock as evidence
    from widgets.media.media_view import CanvasState

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    make_app()
    with tempfile.TemporaryDirectory(prefix="veil-smoke-") as tmp:
        folder = Path(tmp)
        policy_set = load_policy_set()
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
