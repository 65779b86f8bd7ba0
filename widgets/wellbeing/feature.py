"""Installs the wellbeing viewer into the main window: reveal keys, video and text keys,
exposure events and the personal panel.

The viewer's keys are entries in the window's action table (so the `?` overlay lists
them), read by an application event filter rather than shortcuts: a shortcut cannot see
a release (O and V reveal while held, U listens), and the filter leaves letters to text
fields.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.people import Role
from app.log.paths import resources_dir
from app.wellbeing.exposure import ExposureLedger
from app.wellbeing.masking import TermMask, load_terms
from app.wellbeing.preferences import FilterChoice
from widgets.media.filter_prefs import FilterPrefsDialog
from widgets.shell.actions import ActionSpec, Binding
from widgets.shell.keyboard import owns_key
from widgets.shell.main_window import MainWindow
from widgets.wellbeing.exposure_panel import ExposurePanel
from widgets.wellbeing.listening import install_listening


def viewer_actions(window: MainWindow) -> tuple[ActionSpec, ...]:
    """The viewer's keys: O and V reveal while held, the others act on a press."""
    case = window.case_view

    def reveal(mode: str) -> None:
        case.video.stop()
        case.media.begin_reveal(mode, case.media.cursor_position())

    def held(id_: str, key: str, mode: str, text: str) -> ActionSpec:
        shown = f"{key}  (hold)"
        return ActionSpec(
            id_, text, partial(reveal, mode), (key,), shown, section="View", binding=Binding.HELD
        )

    def press(id_: str, key: str, run: Callable[[], object], text: str) -> ActionSpec:
        return ActionSpec(id_, text, run, (key,), section="View", binding=Binding.PRESS)

    return (
        held(
            "view.lens",
            "O",
            "lens",
            "lens: reveal around the cursor (or hold the right mouse button)",
        ),
        held(
            "view.reveal", "V", "hold", "reveal the whole item; re-filters on release or after 3 s"
        ),
        press(
            "view.text",
            "T",
            lambda: case.reveal_text(case.media.reveal_seconds),
            "show masked terms in the text for a moment",
        ),
        press("view.play", "P", case.video.toggle, "video: play or pause"),
        press("view.frame_back", ",", lambda: case.video.step(-1), "video: step a frame back"),
        press("view.frame_on", ".", lambda: case.video.step(1), "video: step a frame forward"),
        press(
            "view.item_back",
            "[",
            lambda: case.show_item(case.item_index - 1),
            "previous media item of the case",
        ),
        press(
            "view.item_on",
            "]",
            lambda: case.show_item(case.item_index + 1),
            "next media item of the case",
        ),
    )


class ViewerKeys(QObject):
    """Reads the viewer's keys: a press runs its entry, a held key's release ends the reveal."""

    def __init__(
        self,
        window: MainWindow,
        specs: Sequence[ActionSpec],
        releases: Mapping[Qt.Key, Callable[[], None]] | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._press = {_qt_key(s.keys[0]): s.run for s in specs if s.run is not None}
        # What a held key's release ends: the reveal, unless the key says otherwise.
        end_reveal, given = window.case_view.media.end_reveal, releases or {}
        self._held = {
            key: given.get(key, end_reveal)
            for key in (_qt_key(s.keys[0]) for s in specs if s.binding is Binding.HELD)
        }

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Handle our keys when the window has them; let everything else through."""
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not self._in_window(watched):
            return False  # a key typed in a dialog or another window is that window's
        if not isinstance(event, QKeyEvent) or not self._ours(event):
            return False
        if event.isAutoRepeat():
            return True
        if kind == QEvent.Type.KeyRelease:
            release = self._held.get(Qt.Key(event.key()))
            if release is not None:
                release()
            return True
        self._press[Qt.Key(event.key())]()
        return True

    def _in_window(self, watched: QObject) -> bool:
        if isinstance(watched, QWidget):
            return watched.window() is self._window
        return watched is self._window.windowHandle()

    def keys(self) -> frozenset[Qt.Key]:
        """The keys this filter reads."""
        return frozenset(self._press)

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
        return not owns_key(focus, event)


def _qt_key(key: str) -> Qt.Key:
    first = QKeySequence(key)[0]  # type: ignore[index]  # the stubs lack __getitem__
    return first.key()


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
    listen, listen_spec = install_listening(window, ledger, panel.refresh)
    specs = (*viewer_actions(window), listen_spec)
    window.action_table.extend(specs)
    keys = ViewerKeys(window, specs, {_qt_key(listen_spec.keys[0]): listen.end_listen})
    app = QApplication.instance()
    if app is not None:  # removed when the window (its parent) goes
        app.installEventFilter(keys)
    window.safe_screen_toggled.connect(case.set_safe_screen)
    window.action_table.extend(_view_options(window))
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


def _view_options(window: MainWindow) -> tuple[ActionSpec, ...]:
    case = window.case_view
    return (
        ActionSpec(
            "view.keep_grayscale",
            "Keep grayscale while revealing",
            menu="View",
            toggle=partial(_keep_grayscale, window),
            checked=case.media.reveal_keeps_grayscale,
        ),
        ActionSpec(
            "view.mask_terms",
            "Mask listed terms in text",
            menu="View",
            toggle=partial(_mask_terms, window),
            checked=case.mask_enabled,
        ),
    )


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
    window.action_table.extend(
        (
            ActionSpec(
                "view.filter_preferences",
                "Filter preferences…",
                partial(_edit_own_filters, window, choice),
                menu="View",
            ),
            ActionSpec(
                "team.filter_defaults",
                "Team filter defaults…",
                partial(_edit_team_filters, window, choice),
                menu="Team",
                role=Role.LEAD,
            ),
        )
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
