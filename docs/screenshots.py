"""Take the README's screenshots: each role's main window, the dashboard, QA, the break screen.

Seeds a demo store (the demo cases plus two weeks of lead history) in a temporary folder,
opens the real windows offscreen at a laptop's 1,366 x 768 and saves PNGs beside this
file. Run from the repository root:

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.cli.main import policies  # noqa: E402
from app.demo.cases import DemoLogin, seed_demo  # noqa: E402
from app.demo.lead import seed_lead_demo  # noqa: E402
from app.domain.people import Accounts  # noqa: E402
from app.log.store import LocalStore  # noqa: E402
from widgets.media.media_view import CanvasState  # noqa: E402
from widgets.qa.review import BlindReviewWindow  # noqa: E402
from widgets.shell.application import QApplicationWait, build_window, make_app  # noqa: E402
from widgets.shell.fit import FRAME_MARGIN  # noqa: E402
from widgets.shell.main_window import MainWindow  # noqa: E402

DOCS = Path(__file__).resolve().parent
SIZE = (1366, 768)


def save(widget: QWidget, name: str) -> Path:
    """Grab a shown widget into docs/NAME.png."""
    QApplication.processEvents()
    path = DOCS / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(DOCS.parent)} ({widget.width()} x {widget.height()})")
    return path


def open_window(store: LocalStore, login: DemoLogin, folder: Path) -> MainWindow:
    """The main window of one demo login, at the laptop size, with its media settled."""
    reviewer = Accounts(store).authenticate(login.username, login.password)
    window = build_window(store, policies(), reviewer, folder)
    window.resize(*SIZE)
    window.show()
    media = window.case_view.media
    settled = QApplicationWait.until(lambda: media.state is not CanvasState.LOADING)
    if not settled:
        raise RuntimeError(f"the media of {login.username}'s first case did not settle")
    return window


def shoot_role(
    store: LocalStore, login: DemoLogin, folder: Path, extra: Callable[[MainWindow], None]
) -> None:
    """One role's main window and what else that role's screenshots show."""
    window = open_window(store, login, folder)
    extra(window)
    window.close()
    QApplicationWait.pool_idle()


def analyst_extra(window: MainWindow) -> None:
    """The analyst's window on the history of the case on screen (H)."""
    window.toggle_history()
    save(window, "window-analyst")


def moderator_extra(window: MainWindow) -> None:
    """The moderator's window, then the break screen over it (B)."""
    save(window, "window-moderator")
    window.loop.take_break_now()
    save(window, "break-screen")
    window.loop.breaks.hide()


def lead_extra(window: MainWindow) -> None:
    """The lead's window, the dashboard and the blind re-review list."""
    save(window, "window-lead")
    tools = window.lead_tools  # type: ignore[attr-defined]
    tools.show_dashboard()
    dashboard = tools.windows["dashboard"]
    dashboard.resize(*SIZE)
    if not QApplicationWait.until(lambda: dashboard.data is not None, 60000):
        raise RuntimeError("the dashboard did not compute")
    save(dashboard, "dashboard")
    dashboard.close()
    tools.show_review()
    review = tools.windows["review"]
    assert isinstance(review, BlindReviewWindow)
    review.resize(*SIZE)
    if not QApplicationWait.until(lambda: review.items.count() > 0, 60000):
        raise RuntimeError("nothing was drawn for QA")
    QApplicationWait.until(lambda: review.case.media.state is not CanvasState.LOADING)
    save(review, "blind-review")
    review.close()


def laptop_screen(folder: Path) -> None:
    """Offscreen, a screen with room for a 1,366 x 768 window (windows fit their screen)."""
    if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        return  # a real display: its own screen
    width, height = SIZE[0] + 2 * FRAME_MARGIN, SIZE[1] + 2 * FRAME_MARGIN
    screen = {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config = folder / "screen.json"
    config.write_text(json.dumps({"windowFrameMargins": False, "screens": [screen]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def main() -> int:
    """Seed, open, grab, clean up."""
    with tempfile.TemporaryDirectory(prefix="veil-screens-") as tmp:
        folder = Path(tmp)
        laptop_screen(folder)
        make_app()
        store = LocalStore(folder)
        _report, logins = seed_demo(store, policies())
        seed_lead_demo(store, policies(), days=14)
        by_role = {login.role: login for login in logins}
        extras = {"moderator": moderator_extra, "analyst": analyst_extra, "lead": lead_extra}
        for role, extra in extras.items():
            shoot_role(store, by_role[role], folder, extra)
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
