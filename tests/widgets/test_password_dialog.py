"""Tools > Change password…: every role can change their own password in the workstation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.demo.cases import DemoLogin
from app.demo.progress import Progress
from app.domain.people import Accounts, AuthError
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from widgets.shell.main_window import MainWindow
from widgets.shell.password import ChangePasswordDialog, change_password

NEW = "a-new-long-password"


def fill(qtbot: QtBot, dialog: ChangePasswordDialog, current: str, new: str, again: str) -> str:
    for field, text in ((dialog.current, current), (dialog.new, new), (dialog.repeat, again)):
        field.setText(text)
    dialog.ok.click()
    return dialog.error.text()


def test_the_menu_entry_opens_the_dialog_and_changes_the_password(
    qtbot: QtBot,
    window: MainWindow,
    demo_store: LocalStore,
    demo_logins: dict[str, DemoLogin],
) -> None:
    entry = window.findChild(QAction, "menu:tools.change_password")
    assert entry is not None and entry in window.menus["Tools"].actions()
    entry.trigger()
    dialog = window.findChild(ChangePasswordDialog)
    assert dialog is not None and dialog.isVisible()
    old = demo_logins["moderator"].password
    assert fill(qtbot, dialog, old, NEW, NEW + "x") == "The two new passwords differ."
    assert dialog.focusWidget() is dialog.repeat or not dialog.isActiveWindow()
    assert fill(qtbot, dialog, "wrong-password", NEW, NEW) == "The current password is not right."
    assert fill(qtbot, dialog, old, NEW, NEW) == ""
    assert dialog.result() == ChangePasswordDialog.DialogCode.Accepted
    accounts = Accounts(demo_store)
    with pytest.raises(AuthError):
        accounts.authenticate("mod", old)
    assert accounts.authenticate("mod", NEW).username == "mod"


def test_each_rule_is_named_before_the_store_is_asked(
    qtbot: QtBot, demo_store: LocalStore, demo_logins: dict[str, DemoLogin]
) -> None:
    old = demo_logins["analyst"].password
    dialog = ChangePasswordDialog(Accounts(demo_store), "analyst")
    qtbot.addWidget(dialog)
    assert fill(qtbot, dialog, "", NEW, NEW) == "Enter your current password."
    assert fill(qtbot, dialog, old, "short", "short") == "New password: at least 8 characters."
    assert fill(qtbot, dialog, old, old, old).startswith("The new password must differ")
    qtbot.keyClicks(dialog.repeat, "x")
    assert dialog.error.text() == ""  # the message goes once the person types again
    assert isinstance(dialog.current, QLineEdit)
    assert dialog.current.echoMode() == QLineEdit.EchoMode.Password
    assert Accounts(demo_store).authenticate("analyst", old).username == "analyst"


def test_a_hub_workstation_changes_it_through_the_hub_accounts(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str, str]] = []

    class Hub:
        def change_password(self, username: str, current: str, new: str) -> None:
            calls.append((username, current, new))
            if len(calls) == 1:
                raise AuthError("sign-in is locked for 60 s after failed tries")

    monkeypatch.setattr("widgets.shell.password.accounts_for", lambda store: Hub())
    dialog = change_password(window)
    assert isinstance(dialog, ChangePasswordDialog)
    assert fill(qtbot, dialog, "old-password", NEW, NEW).startswith("Sign-in is locked for 60 s")
    assert fill(qtbot, dialog, "old-password", NEW, NEW) == ""
    assert calls == [("mod", "old-password", NEW)] * 2
    assert dialog.result() == ChangePasswordDialog.DialogCode.Accepted


def test_the_first_start_banner_says_where_the_logins_are_and_how_to_change_them(
    tmp_path: Path,
    policies: PolicySet,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.cli import main as cli
    from widgets.shell import application

    seed = cli.seed_everything

    def small(store: LocalStore, policy_set: PolicySet, progress: Progress) -> list[DemoLogin]:
        return seed(store, policy_set, progress, cases=8, days=1)

    # The start-up imports the seeder only on a first start, from app.cli.main.
    monkeypatch.setattr(cli, "seed_everything", small)
    store = application.open_workstation_store(tmp_path / "first", policies)
    store.close()
    out = capsys.readouterr().out
    saved = tmp_path / "first" / "demo-logins.txt"
    assert saved.stat().st_mode & 0o777 == 0o600 and str(saved) in out
    assert "veil user passwd NAME" in out and "Tools > Change password" in out
    assert "shown once" not in out and "veil user add" not in out
