"""Installs hold-to-listen: the sound panel under the video controls, the U key (held),
and a `listen` exposure event for each hold, on the item on screen when the hold began.

Listening ends (and the audio sink closes) on release, when the sound runs out, when the
item or case changes, on the safe screen and when the application loses the focus (a
release the window never sees must not leave sound playing).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.imaging.media import MediaInput
from app.wellbeing.exposure import ExposureLedger
from app.wellbeing.listening import muffled_by_default, record_listen
from widgets.media.listen_panel import LISTEN_KEY, ListenPanel
from widgets.media.sound_output import QtSoundOutput, SoundOutput
from widgets.shell.actions import ActionSpec, Binding
from widgets.shell.main_window import MainWindow


class ListenTarget:
    """The case and item a hold began on: its listening is recorded against them."""

    def __init__(self) -> None:
        self.case_id: str | None = None
        self.sha256: str | None = None


def install_listening(
    window: MainWindow,
    ledger: ExposureLedger,
    refresh: Callable[[], None],
    output: SoundOutput | None = None,
) -> tuple[ListenPanel, ActionSpec]:
    """Add the sound panel and its held key; returns the panel and the key's entry."""
    case, video = window.case_view, window.case_view.video
    panel = ListenPanel(window.runner, output or QtSoundOutput())
    video.add_section(panel)
    video.audio.hide()  # the panel says whether there is sound, and what a hold does
    target = ListenTarget()

    def loaded(source: MediaInput) -> None:
        category = case.detail.row.category if case.detail else None
        panel.set_position(0.0)
        panel.load(source, muffled_by_default(window.desk.policies, category))

    def listen() -> None:
        item = case.current_item()
        if case.detail is None or item is None or case.media.hidden:
            return
        panel.set_position(video.position / video.fps if video.fps else 0.0)
        if panel.begin_listen():
            target.case_id, target.sha256 = case.detail.row.case_id, item.sha256

    def ended(seconds: float, muffled: bool) -> None:
        if target.case_id is None or target.sha256 is None:
            return
        case_id, sha256 = target.case_id, target.sha256
        target.case_id = target.sha256 = None
        record_listen(ledger, case_id, sha256, seconds, muffled=muffled)
        refresh()

    video.loaded.connect(loaded)
    video.unloaded.connect(panel.unload)
    video.position_changed.connect(
        lambda frame: panel.set_position(frame / video.fps if video.fps else 0.0)
    )
    panel.listen_ended.connect(ended)
    window.safe_screen_toggled.connect(panel.set_hidden)
    window.closing.connect(panel.end_listen)
    app = QApplication.instance()
    if isinstance(app, QGuiApplication):  # a slot of the panel: gone with the window
        app.applicationStateChanged.connect(panel.application_state)
    spec = ActionSpec(
        "view.listen",
        "listen to the video's sound while held (muffled by policy, volume capped)",
        listen,
        (LISTEN_KEY,),
        f"{LISTEN_KEY}  (hold)",
        section="View",
        binding=Binding.HELD,
    )
    return panel, spec
