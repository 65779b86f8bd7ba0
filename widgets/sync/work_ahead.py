"""Team > Work ahead: check out cases (hub leases) with their media before going offline."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.sync.engine import SyncEngine
from app.sync.workahead import DEFAULT_HOURS, WorkAheadReport, check_out
from app.sync.worker import SyncWorker
from widgets.sync.status import SyncBridge

NOTE = (
    "Check out cases to work without a network: the hub keeps them for you until the "
    "lease ends, and their media is cached on this workstation now."
)


class WorkAheadDialog(QDialog):
    """How many cases and for how long; runs the checkout on the sync thread."""

    checked_out = Signal(object)

    def __init__(
        self, worker: SyncWorker, bridge: SyncBridge, user: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("workAhead")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Work ahead")
        self.worker, self.bridge, self.user = worker, bridge, user
        self.count = QSpinBox()
        self.count.setObjectName("workAheadCount")
        self.count.setRange(1, 500)
        self.count.setValue(20)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0.5, 168)
        self.hours.setValue(DEFAULT_HOURS)
        self.hours.setSuffix(" h")
        self.message = QLabel("")
        self.message.setObjectName("workAheadMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Check out")
        self.buttons.accepted.connect(self.check_out)
        self.buttons.rejected.connect(self.reject)
        intro = QLabel(NOTE)
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Cases", self.count)
        form.addRow("Keep them for", self.hours)
        layout = QVBoxLayout(self)
        for widget in (intro,):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def check_out(self) -> None:
        """Lease, fetch and lease here, on the sync thread; report when done."""
        count, hours = self.count.value(), self.hours.value()
        self.buttons.setEnabled(False)
        self.message.setText("Checking out cases and fetching their media…")

        def job(engine: SyncEngine) -> WorkAheadReport:
            return check_out(engine, self.user, count, hours=hours)

        self.bridge.submit(self.worker, job, self._done, self._failed)

    def _done(self, report: WorkAheadReport) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(report.summary())
        self.checked_out.emit(report)

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(f"Nothing checked out: {error}")
