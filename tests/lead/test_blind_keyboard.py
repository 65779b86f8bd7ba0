"""A lead's blind re-review by keyboard alone: pick, decide blind, see the original, verdict.

Only QTest key events, sent where the keyboard focus is; a watcher on the application
asserts that no mouse event happened.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from app.qa.blind import BlindReview
from db.models import QaAudit
from widgets.qa.review import BlindReviewWindow
from widgets.shell.application import make_app
from widgets.shell.tasks import TaskRunner

CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier
MOUSE = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.Wheel,
}


class MouseWatch(QObject):
    """Remembers every mouse event the application sees."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in MOUSE:
            self.seen.append(event.type().name)
        return False


def _key(qtbot: QtBot, window: QWidget, k: Qt.Key, mods: Qt.KeyboardModifier = NONE) -> None:
    qtbot.keyClick(window.focusWidget() or window, k, mods)


def test_a_blind_re_review_by_keyboard_alone(
    qtbot: QtBot, lead_store: LocalStore, policies: PolicySet, lead: Reviewer
) -> None:
    app = make_app()
    watch = MouseWatch()
    app.installEventFilter(watch)
    try:
        window = BlindReviewWindow(
            BlindReview(lead_store, policies, lead), lead_store, TaskRunner()
        )
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=3000)
        assert window.focusWidget() is window.items  # the work list has the cursor
        left = window.items.count()
        assert left >= 2 and window.stage() == "blind"
        _key(qtbot, window, Qt.Key.Key_Down)  # the second drawn decision
        assert window.items.currentRow() == 1
        decision = window.current
        assert decision is not None
        _key(qtbot, window, Qt.Key.Key_Return)  # into step 1: your own call
        assert isinstance(window.focusWidget(), QRadioButton)
        assert window.own.isAncestorOf(window.focusWidget())
        _key(qtbot, window, Qt.Key.Key_1)
        policy, action = window.own.choice()
        assert action == policies[policy].actions[0].id
        assert window.original is None  # still blind
        with qtbot.waitSignal(window.call_recorded):
            _key(qtbot, window, Qt.Key.Key_Return, CTRL)
        assert window.original is not None and window.stage() == "verdict"
        assert window.focusWidget() in (window.agree, window.disagree)
        with lead_store.transaction() as session:
            original = session.get_one(QaAudit, decision).original_action
        if original != action:  # the pre-set verdict follows your call; Agree by arrows
            _key(qtbot, window, Qt.Key.Key_Up)
        assert window.agree.isChecked()
        with qtbot.waitSignal(window.verdict_submitted):
            _key(qtbot, window, Qt.Key.Key_Return, CTRL)
        assert window.items.count() == left - 1
        assert window.focusWidget() is window.items  # back in the list for the next one
        assert watch.seen == []
    finally:
        app.removeEventFilter(watch)
