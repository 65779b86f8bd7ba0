"""Tools > Change password…: a person changes their own password, for every role.

On a workstation of its own the local account changes (the rules of `veil user add`); on
a hub workstation the hub changes it (online only, under its sign-in limits) and the
offline copy of the account follows.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.people import AccountError, AuthError, check_password
from widgets.shell.actions import ActionSpec
from widgets.shell.main_window import MainWindow
from widgets.sync.feature import accounts_for


class PasswordChanger(Protocol):
    """The local accounts (app.domain.people.Accounts) or a hub's (HubAccounts)."""

    def change_password(self, username: str, current: str, new: str) -> None:
        """Change it; AuthError for a wrong current password, AccountError otherwise."""
        ...


class ChangePasswordDialog(QDialog):
    """Current password, new password, the new one again; each problem named at its field."""

    def __init__(
        self, accounts: PasswordChanger, username: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(f"Change password — {username}")
        self._accounts, self._username = accounts, username
        self.current = self._field("currentPassword", "Current password")
        self.new = self._field("newPassword", "New password")
        self.repeat = self._field("repeatPassword", "New password again")
        self.error = QLabel("")
        self.error.setObjectName("passwordError")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Change password")
        buttons.accepted.connect(self.try_change)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Current password", self.current)
        form.addRow("New password", self.new)
        form.addRow("Repeat", self.repeat)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.current.setFocus()

    def _field(self, name: str, accessible: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setAccessibleName(accessible)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.textEdited.connect(lambda _text: self.error.setText(""))
        return field

    def problem(self) -> tuple[QLineEdit, str] | None:
        """The first field that is wrong and why, before the store is asked."""
        current, new = self.current.text(), self.new.text()
        if not current:
            return self.current, "Enter your current password."
        try:
            check_password(new)
        except AccountError as exc:
            return self.new, f"New {exc}."
        if new == current:
            return self.new, "The new password must differ from the current one."
        if self.repeat.text() != new:
            return self.repeat, "The two new passwords differ."
        return None

    def try_change(self) -> None:
        """Check the fields and the current password; change it and close, or say why not."""
        self.error.setText("")
        found = self.problem()
        if found is None:
            try:
                current, new = self.current.text(), self.new.text()
                self._accounts.change_password(self._username, current, new)
            except AuthError as exc:
                found = self.current, _sentence(str(exc))
            except AccountError as exc:
                found = self.new, _sentence(str(exc))
        if found is None:
            self.accept()
            return
        field, message = found
        self.error.setText(message)
        field.selectAll()
        field.setFocus(Qt.FocusReason.OtherFocusReason)


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return f"{text[:1].upper()}{text[1:]}."


def change_password(window: MainWindow) -> QDialog:
    """Open the dialog for the signed-in person: against the local accounts, or the hub's
    on a hub workstation."""
    accounts = accounts_for(window.desk.store)
    dialog = ChangePasswordDialog(accounts, window.desk.reviewer.username, window)
    dialog.accepted.connect(lambda: window.statusBar().showMessage("Password changed", 8000))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def install(window: MainWindow) -> None:
    """Tools > Change password…, for every role."""
    window.action_table.extend(
        (
            ActionSpec(
                "tools.change_password",
                "Change password…",
                lambda: change_password(window),
                menu="Tools",
            ),
        )
    )
