"""Pieces the QA tools share: a case shown as a reviewer saw it, and an action picker.

`CaseContentView` shows a report (title, severity, reason, text) and its first media item
through the same filtered canvas reviewers use (`MediaView`), so an auditor or a
calibration participant sees exactly the filtered view, never raw pixels by default.
It never shows a decision. `ActionPicker` chooses a policy and one of its actions.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.domain.words import case_number
from app.imaging.pipeline import FilterPipeline, resolve_pipeline
from app.log.store import LocalStore
from app.qa.content import CaseContent
from app.wellbeing.exposure import ExposureLedger
from widgets.media.media_view import MediaView
from widgets.shell.tasks import TaskRunner


class CaseContentView(QWidget):
    """A report and its media, filtered; records how long the media was on screen."""

    def __init__(
        self, store: LocalStore, policies: PolicySet, person: Reviewer, runner: TaskRunner
    ) -> None:
        super().__init__()
        self.setObjectName("qaCaseView")
        self._policies = policies
        self._ledger = ExposureLedger(store, policies, person)
        self.content: CaseContent | None = None
        self._shown: tuple[str, str, FilterPipeline, float] | None = None
        self.title = QLabel("Pick an item from the list.")
        self.title.setObjectName("caseTitle")
        self.title.setWordWrap(True)
        self.meta = QLabel("")
        self.meta.setObjectName("caseMeta")
        self.meta.setWordWrap(True)
        self.reason = QLabel("")
        self.reason.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMaximumHeight(80)
        self.text.setVisible(False)
        self.media = MediaView(store.blobs, runner)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.meta, self.reason, self.text, self.media):
            layout.addWidget(widget)
        layout.setStretchFactor(self.media, 1)

    def show_content(self, content: CaseContent) -> None:
        """Show a report; its first media item starts preparing, filtered."""
        self.record_view()
        self.content = content
        policy = self._policies[content.category]
        severity = policy.severity_labels.get(content.severity, str(content.severity))
        self.title.setText(f"{case_number(content.case_no)}  {content.title}")
        reported = content.reported_at[:16].replace("T", " ")
        self.meta.setText(
            f"{policy.name} · severity {content.severity} ({severity}) · "
            f"{content.report_count} report(s) · reported {reported}"
        )
        self.reason.setText(f"Report reason: {content.report_reason or '(none given)'}")
        self.text.setPlainText(content.body_text)
        self.text.setVisible(bool(content.body_text))
        if content.media:
            pipeline = resolve_pipeline(policy.filters, content.severity)
            sha = content.media[0].sha256
            self.media.show_item(sha, pipeline)
            self._shown = (content.case_id, sha, pipeline, time.monotonic())
        else:
            self.media.clear()

    def record_view(self) -> None:
        """Count the time the current item was on screen (filtered) as exposure."""
        if self._shown is None:
            return
        case_id, sha, pipeline, since = self._shown
        self._shown = None
        self._ledger.record_view(case_id, sha, time.monotonic() - since, pipeline.describe())

    def clear(self, message: str) -> None:
        """Nothing selected."""
        self.record_view()
        self.content = None
        self.title.setText(message)
        for label in (self.meta, self.reason):
            label.setText("")
        self.text.setVisible(False)
        self.media.clear("")


class ActionPicker(QWidget):
    """A policy and one of its actions (keys 1-9 follow the policy's own numbering)."""

    changed = Signal()

    def __init__(self, policies: PolicySet, title: str = "") -> None:
        super().__init__()
        self._policies = policies
        self.policy = QComboBox()
        self.policy.setAccessibleName("Policy")
        for p in policies:
            self.policy.addItem(p.name, p.id)
        self.policy.currentIndexChanged.connect(self._fill_actions)
        self.group = QButtonGroup(self)
        self.group.buttonClicked.connect(lambda _b: self.changed.emit())
        self._box = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if title:
            layout.addWidget(QLabel(title))
        layout.addWidget(self.policy)
        layout.addLayout(self._box)
        self._fill_actions()

    def set_choice(self, policy_id: str, action_id: str | None = None) -> None:
        """Select a policy and (optionally) one of its actions."""
        self.policy.setCurrentIndex(max(0, self.policy.findData(policy_id)))
        for button in self.group.buttons():
            if button.property("action") == action_id:
                button.setChecked(True)

    def choose_key(self, key: str) -> bool:
        """Check and focus the action numbered `key` (1-9) in the chosen policy."""
        for button in self.group.buttons():
            if button.property("key") == key:
                button.setChecked(True)
                button.setFocus()
                self.changed.emit()
                return True
        return False

    def focus_action(self) -> None:
        """Cursor on the chosen action, or the first (arrows then move, digits choose)."""
        buttons = self.group.buttons()
        chosen = self.group.checkedButton() or (buttons[0] if buttons else None)
        if chosen is not None:
            chosen.setFocus()

    def choice(self) -> tuple[str, str | None]:
        """(policy id, action id or None when none is chosen)."""
        button = self.group.checkedButton()
        action = None if button is None else str(button.property("action"))
        return str(self.policy.currentData()), action

    def _fill_actions(self) -> None:
        for button in self.group.buttons():
            self.group.removeButton(button)
            button.deleteLater()
        policy = self._policies[str(self.policy.currentData())]
        for action in policy.actions:
            button = QRadioButton(f"{action.key}. {action.label}")
            button.setProperty("action", action.id)
            button.setProperty("key", action.key)
            button.setToolTip(action.description)
            self.group.addButton(button)
            self._box.addWidget(button)
            if self.isVisible():
                button.show()  # at once (Qt would a moment later): the cursor may go there
        self.changed.emit()
