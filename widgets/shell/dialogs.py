"""Small dialogs: log in, escalate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    # The login window is painted before the store (and SQLAlchemy) is loaded.
    from app.domain.people import Reviewer

OPENING = "Opening the local store…"


class Authenticator(Protocol):
    """Checks a login: the local accounts, or a hub's (app.sync.login.HubAccounts)."""

    def authenticate(self, username: str, password: str) -> Reviewer:
        """The Reviewer for a correct login; AuthError otherwise."""
        ...


class LoginDialog(QDialog):
    """User name and password; `reviewer` is set when accepted.

    The dialog can be shown before the store is open (`accounts` None): the person types
    meanwhile, and a sign-in asked for before `set_accounts` is checked as soon as it comes.
    """

    def __init__(
        self, accounts: Authenticator | None, last_user: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle("Veil — sign in")
        self._accounts = accounts
        self._pending = False
        self.reviewer: Reviewer | None = None
        self.username = QLineEdit(last_user)
        self.username.setObjectName("username")
        self.username.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.try_login)
        self.username.returnPressed.connect(self.password.setFocus)
        self.error = QLabel("" if accounts is not None else OPENING)
        self.error.setObjectName("loginError")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)  # Return in a field is handled explicitly above
        form = QFormLayout()
        form.addRow("User", self.username)
        form.addRow("Password", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Sign in to review cases. Media is always shown filtered."))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if last_user else self.username).setFocus()

    @property
    def ready(self) -> bool:
        """Whether logins can be checked (the store is open)."""
        return self._accounts is not None

    def set_accounts(self, accounts: Authenticator) -> None:
        """The store is open: check logins from now on (one already asked for, at once)."""
        self._accounts = accounts
        if self.error.text() == OPENING:
            self.error.setText("")
        if self._pending:
            self._pending = False
            self.try_login()

    def try_login(self) -> None:
        """Check the credentials; accept, or say that they are wrong."""
        from app.domain.people import AuthError

        if self._accounts is None:
            self._pending = True  # checked by set_accounts, once the store is open
            self.error.setText(OPENING)
            return
        try:
            self.reviewer = self._accounts.authenticate(
                self.username.text().strip(), self.password.text()
            )
        except AuthError as exc:
            self.error.setText(str(exc))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()


class EscalateDialog(QDialog):
    """Why this case needs an analyst, and how severe it is."""

    def __init__(
        self, current_severity: int, levels: dict[int, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("escalateDialog")
        self.setWindowTitle("Escalate to an analyst")
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Escalation reason")
        self.reason.setPlaceholderText("What the analyst should look at, and why (10+ characters)")
        self.reason.setTabChangesFocus(True)
        self.severity = QComboBox()
        for level, label in levels.items():
            self.severity.addItem(f"{level} — {label}", level)
        self.severity.setCurrentIndex(max(0, self.severity.findData(current_severity)))
        self.error = QLabel("")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Escalate")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Reason", self.reason)
        form.addRow("Severity", self.severity)
        form.addRow(self.error)
        form.addRow(buttons)

    def _check(self) -> None:
        if len(self.reason.toPlainText().strip()) < 10:
            self.error.setText("Say why in at least 10 characters.")
            return
        self.accept()
