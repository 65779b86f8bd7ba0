"""Installs the wellbeing viewer into the main window: reveal keys, safe screen, video and
text keys, exposure events and the personal panel.

Keys (held keys are read with an application event filter, since shortcuts cannot see a
release): O held = lens at the cursor, V held = reveal the whole item, right mouse button
held = lens; T = show masked text for a moment; Esc = safe screen on/off; P = play/pause;
, and . = step a frame; [ and ] = previous/next media item.
"""

from __future__ import annotations

import json
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit

from app.domain.people import Role
from app.log.paths import resources_dir
from app.wellbeing.exposure import ExposureLedger
from app.wellbeing.masking import TermMask, load_terms
from app.wellbeing.preferences import FilterChoice
from widgets.media.filter_prefs import FilterPrefsDialog
from widgets.shell.main_window import MainWindow
from widgets.wellbeing.exposure_panel import ExposurePanel

TEXT_INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox)


class ViewerKeys(QObject):
    """Reads held keys for reveals (press starts, release ends) and the viewer's keys."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        case = window.case_view
        self._press = {
            Qt.Key.Key_O: lambda: self._reveal("lens"),
            Qt.Key.Key_V: lambda: self._reveal("hold"),
            Qt.Key.Key_T: lambda: case.reveal_text(case.media.reveal_seconds),
            Qt.Key.Key_P: case.video.toggle,
            Qt.Key.Key_Comma: lambda: case.video.step(-1),
            Qt.Key.Key_Period: lambda: case.video.step(1),
            Qt.Key.Key_BracketLeft: lambda: case.show_item(case.item_index - 1),
            Qt.Key.Key_BracketRight: lambda: case.show_item(case.item_index + 1),
        }

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Handle our keys when the window has them; let everything else through."""
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not isinstance(event, QKeyEvent) or not self._ours(event):
            return False
        if event.isAutoRepeat():
            return True
        if kind == QEvent.Type.KeyRelease:
            if event.key() in (Qt.Key.Key_O, Qt.Key.Key_V):
                self._window.case_view.media.end_reveal()
            return True
        self._press[Qt.Key(event.key())]()
        return True

    def _ours(self, event: QKeyEvent) -> bool:
        if Qt.Key(event.key()) not in self._press or event.modifiers() not in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            return False
        if not self._window.isVisible() or self._window.overlay.isVisible():
            return False
        focus = QApplication.focusWidget()
        if focus is not None and not (self._window is focus or self._window.isAncestorOf(focus)):
            return False
        return not isinstance(focus, TEXT_INPUTS)

    def _reveal(self, mode: str) -> None:
        media = self._window.case_view.media
        self._window.case_view.video.stop()
        media.begin_reveal(mode, media.cursor_position())


def install(window: MainWindow) -> None:
    """Add the wellbeing viewer to a main window."""
    desk, case = window.desk, window.case_view
    ledger = ExposureLedger(desk.store, desk.policies, desk.reviewer)
    terms = load_terms(
        resources_dir() / "wordlists" / "masked_terms.txt", desk.store.data_dir / "masked_terms.txt"
    )
    case.term_mask = TermMask(terms)
    case.media.reveal_seconds = window.settings.reveal_seconds
    case.media.reveal_keeps_grayscale = window.settings.reveal_keeps_grayscale
    panel = ExposurePanel(ledger, desk.store.clock)
    window.add_side_panel("Your exposure today", panel, Qt.DockWidgetArea.RightDockWidgetArea)
    _record_exposure(window, ledger, panel)
    keys = ViewerKeys(window)
    app = QApplication.instance()
    if app is not None:  # removed when the window (its parent) goes
        app.installEventFilter(keys)
    window.safe_screen_toggled.connect(case.set_safe_screen)
    _add_view_actions(window)
    _add_filter_choice(window)


def _record_exposure(window: MainWindow, ledger: ExposureLedger, panel: ExposurePanel) -> None:
    case = window.case_view

    def revealed(mode: str, seconds: float, share: float) -> None:
        item = case.current_item()
        if case.detail is None or item is None:
            return
        gray = ["grayscale"] if case.media.reveal_keeps_grayscale else []
        ledger.record_reveal(
            case.detail.row.case_id,
            item.sha256,
            seconds=seconds,
            area_share=share,
            mode=mode,
            filters_on=gray,
        )
        panel.refresh()

    def viewed(case_id: str, sha256: str, seconds: float, pipeline: str) -> None:
        ledger.record_view(case_id, sha256, seconds, pipeline)
        panel.refresh()

    def text_seen(case_id: str, seconds: float) -> None:
        ledger.record_reveal(case_id, "text", seconds=seconds, area_share=1.0, mode="full")
        panel.refresh()

    case.media.reveal_ended.connect(revealed)
    case.item_left.connect(viewed)
    case.text_revealed.connect(text_seen)
    window.decision_saved.connect(lambda _case_id: panel.refresh())
    window.closing.connect(case.leave_item)


def _add_view_actions(window: MainWindow) -> None:
    view, case = window.menus["View"], window.case_view
    safe = QAction("Safe screen: hide all media  (Esc)", window)
    safe.triggered.connect(window.toggle_safe_screen)
    view.addAction(safe)
    gray = QAction("Keep grayscale while revealing", window, checkable=True)
    gray.setChecked(case.media.reveal_keeps_grayscale)
    gray.toggled.connect(partial(_keep_grayscale, window))
    view.addAction(gray)
    mask = QAction("Mask listed terms in text", window, checkable=True)
    mask.setChecked(case.mask_enabled)
    mask.toggled.connect(partial(_mask_terms, window))
    view.addAction(mask)


def _keep_grayscale(window: MainWindow, on: bool) -> None:
    window.case_view.media.reveal_keeps_grayscale = on
    window.settings.reveal_keeps_grayscale = on


def _mask_terms(window: MainWindow, on: bool) -> None:
    window.case_view.mask_enabled = on


def _add_filter_choice(window: MainWindow) -> None:
    desk, settings = window.desk, window.settings
    prefs = json.loads(settings.filter_prefs) if settings.filter_prefs else None
    choice = FilterChoice(desk.store, prefs)
    window.loop.filter_choice = choice
    window.menus["View"].addAction("Filter preferences…", lambda: _edit_own_filters(window, choice))
    if desk.reviewer.at_least(Role.LEAD):
        window.menus["Team"].addAction(
            "Team filter defaults…", lambda: _edit_team_filters(window, choice)
        )


def _edit_own_filters(window: MainWindow, choice: FilterChoice) -> None:
    dialog = FilterPrefsDialog("Your filter preference", dict(choice.user_prefs or {}), window)
    if dialog.exec() != FilterPrefsDialog.DialogCode.Accepted:
        return
    choice.set_user_prefs(dialog.layer())
    window.settings.filter_prefs = json.dumps(dialog.layer())
    window.refresh_filters()


def _edit_team_filters(window: MainWindow, choice: FilterChoice) -> None:
    dialog = FilterPrefsDialog("Team filter defaults", dict(choice.team_defaults() or {}), window)
    if dialog.exec() != FilterPrefsDialog.DialogCode.Accepted:
        return
    choice.set_team_defaults(window.desk.reviewer, dialog.layer())
    window.refresh_filters()
