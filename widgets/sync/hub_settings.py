"""Team > Hub settings: the hub's URL, then log in (the token is kept in the data dir).

A data dir that holds offline work (the demo store) cannot be connected: the dialog says
so and names the way out (a fresh data dir). Logging in runs off the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.people import AuthError, Reviewer
from app.log.store import LocalStore
from app.sync.link import HubLink, LinkError
from app.sync.login import HubAccounts, connect
from widgets.shell.tasks import TaskRunner

NOTE = (
    "Connect this workstation to your team's hub. Decisions you make are sent when the "
    "network is there and kept safely here when it is not."
)


class HubSettingsDialog(QDialog):
    """URL and login for the team hub; `logged_in` carries the Reviewer on success."""

    logged_in = Signal(object)

    def __init__(
        self,
        store: LocalStore,
        link: HubLink,
        runner: TaskRunner,
        username: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("hubSettings")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Team hub")
        self.store, self.link, self.runner = store, link, runner
        self.url = QLineEdit(link.url or "http://127.0.0.1:8765")
        self.url.setObjectName("hubUrl")
        self.url.setAccessibleName("Hub address")
        self.username = QLineEdit(username)
        self.username.setObjectName("hubUser")
        self.password = QLineEdit()
        self.password.setObjectName("hubPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(f"Connected to {link.url}" if link.url else "Not connected.")
        self.message.setObjectName("hubMessage")
        self.message.setWordWrap(True)
        self.login_button = QPushButton("Connect and log in")
        self.login_button.setObjectName("hubLogin")
        self.login_button.clicked.connect(self.log_in)
        self._build()

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("Hub address", self.url)
        form.addRow("User", self.username)
        form.addRow("Password", self.password)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(NOTE)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.login_button)
        layout.addWidget(self.message)
        layout.addWidget(close)

    def log_in(self) -> None:
        """Bind the data dir to the URL, then log in against the hub in the background."""
        try:
            connect(self.store, self.link, self.url.text().strip())
        except LinkError as exc:
            self.message.setText(str(exc))
            return
        self.login_button.setEnabled(False)
        self.message.setText("Logging in…")
        user, password = self.username.text().strip(), self.password.text()
        accounts = HubAccounts(self.store, self.link)
        self.runner.submit(
            lambda: (accounts.authenticate(user, password), accounts.offline),
            self._logged_in,
            self._failed,
            owner=self,
        )

    def _logged_in(self, result: tuple[Reviewer, bool]) -> None:
        reviewer, offline = result
        self.login_button.setEnabled(True)
        self.password.clear()
        if offline:
            self.message.setText(
                f"The hub cannot be reached; {reviewer.username} works offline until it can."
            )
            return
        self.message.setText(f"Logged in to {self.link.url} as {reviewer.username}.")
        self.logged_in.emit(reviewer)

    def _failed(self, error: BaseException) -> None:
        self.login_button.setEnabled(True)
        reason = str(error) if isinstance(error, AuthError | LinkError) else repr(error)
        self.message.setText(f"Not logged in: {reason}")
