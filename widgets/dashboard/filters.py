"""The dashboard's filter bar: date range, queue and policy, in the team's time zone."""

from __future__ import annotations

from datetime import UTC, date, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QDate, QTimeZone, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from app.qa.dataset import Scope

DEFAULT_DAYS = 28


def local_zone() -> tzinfo:
    """This machine's time zone as an IANA zone (UTC when it has no name)."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


class FilterBar(QWidget):
    """From/to days, one queue or all, one policy or all; `changed` on every edit."""

    changed = Signal()

    def __init__(
        self, queues: dict[str, str], policies: dict[str, str], today: date, zone: tzinfo
    ) -> None:
        super().__init__()
        self.setObjectName("dashboardFilters")
        self.zone = zone
        self.first = self._date_edit("From", today - timedelta(days=DEFAULT_DAYS - 1))
        self.last = self._date_edit("To", today)
        self.queue = QComboBox()
        self.queue.setAccessibleName("Queue")
        self.queue.addItem("All queues", None)
        for queue_id, name in queues.items():
            self.queue.addItem(name, queue_id)
        self.policy = QComboBox()
        self.policy.setAccessibleName("Policy")
        self.policy.addItem("All policies", None)
        for policy_id, name in policies.items():
            self.policy.addItem(name, policy_id)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label, widget in (
            ("From", self.first),
            ("to", self.last),
            ("Queue", self.queue),
            ("Policy", self.policy),
        ):
            layout.addWidget(QLabel(label))
            layout.addWidget(widget)
        layout.addStretch(1)
        for combo in (self.queue, self.policy):
            combo.currentIndexChanged.connect(self.changed)

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setAccessibleName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.dateChanged.connect(self.changed)
        return edit

    def scope(self) -> Scope:
        """The scope the filters describe (the range is swapped when given backwards)."""
        first, last = _day(self.first.date()), _day(self.last.date())
        first, last = min(first, last), max(first, last)
        return Scope.days(
            first, last, self.zone, self.queue.currentData(), self.policy.currentData()
        )

    def set_range(self, first: date, last: date) -> None:
        """Set both days (tests, presets)."""
        self.first.setDate(QDate(first.year, first.month, first.day))
        self.last.setDate(QDate(last.year, last.month, last.day))


def _day(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())
