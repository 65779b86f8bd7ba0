"""Team > Quarantined events (leads): pulled events kept out of the projections, with why.

A pulled event this workstation could not check or fold (app/log/quarantine.py) is listed
with its kind, case, author and the field and rule that refused it. Retry checks and
folds them again (as opening the store after an upgrade does), off the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.log.quarantine import Quarantined, RetryReport
from app.log.store import LocalStore
from widgets.shell.fit import fit_window
from widgets.shell.tasks import TaskRunner

COLUMNS = ("Hub #", "Kind", "Case", "By", "Field", "Rule", "Tries")
NOTE = (
    "Events from the hub this workstation could not check or fold. They are kept, shown "
    "nowhere else, and the rest of the case goes on without them. Retry after an upgrade "
    "(opening Veil after one retries by itself)."
)


class QuarantineDialog(QDialog):
    """The quarantined events of this store, and a Retry button."""

    retried = Signal(object)

    def __init__(self, store: LocalStore, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("quarantine")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Quarantined events")
        self.store, self.runner = store, runner
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("quarantineTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(
            COLUMNS.index("Rule"), QHeaderView.ResizeMode.Stretch
        )
        self.message = QLabel("")
        self.message.setObjectName("quarantineMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.retry_button = self.buttons.addButton("Retry", QDialogButtonBox.ButtonRole.ActionRole)
        self.retry_button.clicked.connect(self.retry)
        self.buttons.rejected.connect(self.reject)
        intro = QLabel(NOTE)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        fit_window(self, 900, 360)  # cut down to the screen
        self.reload()

    def reload(self) -> None:
        """Read the quarantined events again."""
        self.show_events(self.store.quarantined())

    def show_events(self, events: list[Quarantined]) -> None:
        """Fill the table."""
        self.table.setRowCount(len(events))
        for row, event in enumerate(events):
            cells = (
                str(event.server_seq or "-"),
                event.kind,
                event.case_id or "-",
                event.actor,
                event.field,
                event.rule,
                str(event.attempts),
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(f"event {event.event_id}\n{event.field}: {event.rule}")
                self.table.setItem(row, column, item)
        self.retry_button.setEnabled(bool(events))
        if not events:
            self.message.setText("No events are in quarantine.")

    def retry(self) -> None:
        """Check and fold every quarantined event again, off the UI thread."""
        self.retry_button.setEnabled(False)
        self.message.setText("Retrying…")
        self.runner.submit(self.store.retry_quarantined, self._done, self._failed, owner=self)

    def _done(self, report: RetryReport) -> None:
        self.reload()
        self.message.setText(f"{report.folded} folded, {report.still} still in quarantine.")
        self.retried.emit(report)

    def _failed(self, error: BaseException) -> None:
        self.retry_button.setEnabled(True)
        self.message.setText(f"Retry failed: {error}")
