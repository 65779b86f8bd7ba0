"""Start-up: the login is painted before anything heavy is imported; the store opens behind
it; the hidden benchmark options are validated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.cli.options import BenchLoginError, read_bench_login, workstation_args
from app.domain.people import AuthError, Reviewer, Role
from widgets.shell.dialogs import OPENING, LoginDialog

# What must not be loaded when the login is painted: each loads when first needed.
HEAVY = (
    "cv2",
    "alembic",
    "httpx",
    "sqlalchemy",
    "numpy",
    "widgets.dashboard",
    "widgets.dashboard.charts",
    "widgets.shell.main_window",
    "app.log.store",
    "app.sync",
)

LOGIN_PATH = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from widgets.shell import main
from app.cli.options import workstation_args
args = workstation_args(["--data-dir", sys.argv[1]])
from widgets.shell import application
from widgets.shell.dialogs import LoginDialog
from widgets.shell.settings import Settings
from pathlib import Path
app = application.make_app()
dialog = LoginDialog(None, Settings(Path(sys.argv[1])).last_user)
dialog.show()
app.processEvents()
heavy = sys.argv[2].split(",")
print(",".join(sorted(m for m in heavy if m in sys.modules)))
"""


def test_the_login_path_imports_nothing_heavy(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", LOGIN_PATH, str(tmp_path), ",".join(HEAVY)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"imported before the login was painted: {out.stdout}"


class FakeAccounts:
    def __init__(self) -> None:
        self.tried: list[tuple[str, str]] = []

    def authenticate(self, username: str, password: str) -> Reviewer:
        self.tried.append((username, password))
        if password != "right":
            raise AuthError("Wrong user name or password.")
        return Reviewer(username, username.title(), Role.MODERATOR, frozenset())


def test_a_sign_in_before_the_store_is_open_is_checked_when_it_opens(qtbot: QtBot) -> None:
    dialog = LoginDialog(None, "mod")
    qtbot.addWidget(dialog)
    assert not dialog.ready and dialog.error.text() == OPENING
    dialog.password.setText("right")
    dialog.try_login()  # Return pressed while the store is still opening
    assert dialog.reviewer is None and dialog.result() == 0
    accounts = FakeAccounts()
    dialog.set_accounts(accounts)
    assert accounts.tried == [("mod", "right")]
    assert dialog.reviewer is not None and dialog.reviewer.username == "mod"
    assert dialog.result() == LoginDialog.DialogCode.Accepted


def test_a_wrong_password_after_the_store_opens_is_told(qtbot: QtBot) -> None:
    dialog = LoginDialog(None)
    qtbot.addWidget(dialog)
    dialog.set_accounts(FakeAccounts())
    assert dialog.error.text() == ""
    dialog.username.setText("mod")
    dialog.password.setText("wrong")
    dialog.try_login()
    assert dialog.reviewer is None and "Wrong" in dialog.error.text()


def test_the_workstation_options_are_read_without_the_full_parser() -> None:
    args = workstation_args(["--data-dir", "x", "--debug"])
    assert args is not None and args.data_dir == "x" and args.debug
    for other in (["import", "f.jsonl"], ["--help"], ["-h"], ["--data-dir"], ["--nope"]):
        assert workstation_args(other) is None, other


def _login_file(tmp_path: Path, data: object, mode: int = 0o600) -> Path:
    path = tmp_path / "login.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    path.chmod(mode)
    return path


def test_a_bench_login_file_is_read(tmp_path: Path) -> None:
    login = read_bench_login(_login_file(tmp_path, {"username": "mod", "password": "pw-1"}))
    assert (login.username, login.password) == ("mod", "pw-1")
    assert "pw-1" not in repr(login)


@pytest.mark.parametrize(
    ("data", "mode", "rule"),
    [
        ({"username": "mod", "password": "pw"}, 0o644, "readable by others"),
        ({"username": "mod"}, 0o600, "'password' must be a non-empty string"),
        ({"username": "", "password": "pw"}, 0o600, "'username' must be a non-empty string"),
        (["mod", "pw"], 0o600, "must be a JSON object"),
        ({"username": "mod", "password": "pw", "role": "lead"}, 0o600, "unknown field"),
    ],
)
def test_a_bad_bench_login_file_is_refused_naming_the_rule(
    tmp_path: Path, data: object, mode: int, rule: str
) -> None:
    if os.name != "posix" and "readable" in rule:
        pytest.skip("file modes are POSIX")
    path = _login_file(tmp_path, data, mode)
    with pytest.raises(BenchLoginError, match=rule) as error:
        read_bench_login(path)
    assert str(path) in str(error.value)


def test_a_bench_login_needs_the_bench_exit_option(tmp_path: Path) -> None:
    from widgets.shell.main import main

    path = _login_file(tmp_path, {"username": "mod", "password": "pw"})
    assert main(["--data-dir", str(tmp_path), "--bench-login", str(path)]) == 2


def _small_store(folder: Path) -> None:
    """One moderator and one photo case (a small drawn JPEG), through the real intake."""
    import cv2
    import numpy as np

    from app.domain.people import Accounts
    from app.domain.policies import load_policies
    from app.log.paths import resources_dir
    from app.log.store import LocalStore
    from app.review.intake import Intake

    picture = np.zeros((120, 160, 3), np.uint8)
    cv2.circle(picture, (80, 60), 40, (40, 160, 220), -1)
    media = folder.parent / "media"
    media.mkdir()
    cv2.imwrite(str(media / "drawn.jpg"), picture)
    row = {
        "external_id": "start-1",
        "category": "hate_speech",
        "severity": 3,
        "reported_at": "2026-01-01T09:00:00Z",
        "media": ["drawn.jpg"],
    }
    (media / "reports.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    store = LocalStore(folder)
    Accounts(store).add("mod", "start-password-1", "moderator", "Maya")
    policies = load_policies(resources_dir() / "policies")
    assert Intake(store, policies, "intake").import_file(media / "reports.jsonl").created
    store.close()


def _start(folder: Path, login: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "widgets.shell.main", "--data-dir", str(folder)]
    command += ["--bench-exit-after-first-paint", "--bench-login", str(login)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(command, capture_output=True, text=True, timeout=90, env=env)


def test_the_workstation_signs_in_behind_the_login_and_paints_the_first_case(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "store"
    _small_store(folder)
    right = _login_file(tmp_path, {"username": "mod", "password": "start-password-1"})
    started = _start(folder, right)
    assert started.returncode == 0, started.stderr
    marks = [line.split() for line in started.stdout.splitlines() if line.startswith("veil-")]
    names = [m[1] for m in marks]
    assert names == ["login-painted", "store-open", "signed-in", "window-built", "case-painted"]
    times = [float(m[2]) for m in marks]
    assert times == sorted(times)
    assert marks[-1][3] == "ready"  # the filtered photo, not a placeholder

    (tmp_path / "login.json").unlink()
    wrong = _login_file(tmp_path, {"username": "mod", "password": "not-the-password"})
    refused = _start(folder, wrong)
    assert refused.returncode == 1 and "--bench-login refused" in refused.stderr
    assert "case-painted" not in refused.stdout
