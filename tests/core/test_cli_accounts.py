"""Accounts on the command line: passwords with no terminal, and setting a new password."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli.main import build_parser, run
from app.cli.passwords import PASSWORD_ENV
from app.domain.people import Accounts, AuthError
from app.log.store import LocalStore

OLD, NEW = "first-password", "second-password"


def veil(*argv: str) -> int:
    return run(build_parser().parse_args(list(argv)))


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdin is not a terminal (a pipe, a script, a service) and no password is set."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def test_user_add_and_cases_list_with_no_terminal_say_what_is_missing(
    tmp_path: Path,
) -> None:
    """Run as a script would: stdin closed, no controlling terminal, no $VEIL_PASSWORD."""
    env = {k: v for k, v in os.environ.items() if k != PASSWORD_ENV}
    data = str(tmp_path / "store")
    for argv in (
        ("user", "add", "omar", "--role", "analyst"),
        ("cases", "list", "--user", "omar"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "widgets.shell.main", "--data-dir", data, *argv],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            start_new_session=True,  # no /dev/tty for getpass to fall back on
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and "EOFError" not in done.stderr
        (line,) = done.stderr.strip().splitlines()
        assert "no terminal" in line and f"${PASSWORD_ENV}" in line and "--password" in line


def test_veil_password_is_taken_when_there_is_no_terminal(
    tmp_path: Path, no_terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = str(tmp_path / "store")
    monkeypatch.setenv(PASSWORD_ENV, OLD)
    assert veil("--data-dir", data, "user", "add", "omar", "--role", "moderator") == 0
    assert veil("--data-dir", data, "cases", "list", "--user", "omar") == 0
    monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
    assert veil("--data-dir", data, "cases", "list", "--user", "omar") == 1


def test_user_passwd_sets_a_new_password(
    tmp_path: Path, no_terminal: None, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "store"
    assert veil("--data-dir", str(data), "user", "add", "omar", "--role", "lead",
                "--password", OLD) == 0  # fmt: skip
    assert veil("--data-dir", str(data), "user", "passwd", "omar", "--password", NEW) == 0
    assert "user omar: password changed" in capsys.readouterr().out
    store = LocalStore(data)
    try:
        with pytest.raises(AuthError):
            Accounts(store).authenticate("omar", OLD)
        assert Accounts(store).authenticate("omar", NEW).username == "omar"
    finally:
        store.close()


def test_user_passwd_refuses_an_unknown_user_a_short_password_and_no_terminal(
    tmp_path: Path, no_terminal: None, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "store")
    assert veil("--data-dir", data, "user", "add", "omar", "--role", "lead", "--password", OLD) == 0
    capsys.readouterr()
    assert veil("--data-dir", data, "user", "passwd", "nobody", "--password", NEW) == 2
    assert "user 'nobody': no such user" in capsys.readouterr().err
    assert veil("--data-dir", data, "user", "passwd", "omar", "--password", "short") == 2
    assert "at least 8 characters" in capsys.readouterr().err
    assert veil("--data-dir", data, "user", "passwd", "omar") == 2
    assert "new password of omar" in capsys.readouterr().err


def test_user_passwd_asks_twice_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "store")
    assert veil("--data-dir", data, "user", "add", "omar", "--role", "lead", "--password", OLD) == 0
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.setattr("app.cli.passwords.has_terminal", lambda: True)
    typed = iter([NEW, "a-typo-in-it"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(typed))
    assert veil("--data-dir", data, "user", "passwd", "omar") == 2
    assert "differ" in capsys.readouterr().err
    typed = iter([NEW, NEW])
    assert veil("--data-dir", data, "user", "passwd", "omar") == 0


def test_hub_user_passwd_changes_it_and_revokes_tokens(
    tmp_path: Path, no_terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.hub.accounts import check_credentials, find_user, issue_token
    from app.hub.admin import open_hub_engine
    from db.hub.engine import write_transaction
    from db.hub.models import Token

    db = f"sqlite:///{tmp_path / 'hub.db'}"
    assert veil("hub", "user", "add", "lee", "--role", "lead", "--db", db, "--password", OLD) == 0
    engine = open_hub_engine(db)
    with write_transaction(engine) as conn:
        issue_token(conn, "lee", 2**40)
    monkeypatch.setenv(PASSWORD_ENV, NEW)
    assert veil("hub", "user", "passwd", "lee", "--db", db) == 0
    assert veil("hub", "user", "passwd", "nobody", "--db", db) == 1
    with engine.connect() as conn:
        user = find_user(conn, "lee")
        assert not check_credentials(user, OLD) and check_credentials(user, NEW)
        assert conn.execute(select(Token).where(Token.username == "lee")).first() is None
    engine.dispose()
