"""A video's sound: its waveform, muted until the reviewer holds the listen key.

The sound track is decoded on a worker when the video opens (for the waveform); no audio
sink is opened until a hold begins, and it is closed the moment the hold ends, the sound
runs out, the item changes or the safe screen comes up. Each hold reports how long sound
played and whether it was muffled, so it can be recorded as exposure.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.imaging.audio import ListenStream, Soundtrack, decode_soundtrack
from app.imaging.media import MediaError, MediaInput
from app.wellbeing.listening import LISTEN_VOLUME
from widgets.media.sound_output import Playing, SoundOutput, SoundUnavailable
from widgets.shell.tasks import TaskRunner

LISTEN_KEY = "U"
WAVE_HEIGHT = 36
BAR = QColor("#6f7b8c")
PLAYHEAD = QColor("#d8b36a")
BACKGROUND = QColor("#1e2126")


class WaveformView(QWidget):
    """Peak levels of the sound track as bars, with the video's position marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waveform")
        self.setAccessibleName("Sound waveform")
        self.setFixedHeight(WAVE_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.peaks = np.zeros(0, np.float32)
        self.at = 0.0  # the playhead, as a fraction of the track

    def set_peaks(self, peaks: np.ndarray) -> None:
        """Draw these levels (0..1), one bar each."""
        self.peaks = peaks
        self.update()

    def set_position(self, fraction: float) -> None:
        """Move the playhead (0 = start, 1 = end)."""
        self.at = min(1.0, max(0.0, fraction))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Bars around the middle line, then the playhead."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        w, h = self.width(), self.height()
        if len(self.peaks):
            step = w / len(self.peaks)
            for n, peak in enumerate(self.peaks):
                bar = max(1.0, float(peak) * (h - 4))
                painter.fillRect(QRectF(n * step, (h - bar) / 2, max(1.0, step - 1), bar), BAR)
        painter.setPen(PLAYHEAD)
        x = int(self.at * (w - 1))
        painter.drawLine(x, 0, x, h)
        painter.end()


class ListenPanel(QWidget):
    """The sound track of the video shown: muted, with a waveform; plays while held."""

    listen_ended = Signal(float, bool)  # seconds heard, muffled

    def __init__(
        self,
        runner: TaskRunner,
        output: SoundOutput,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("listenPanel")
        self.setAccessibleName("Sound")
        self.output, self.clock = output, clock
        self.volume = LISTEN_VOLUME
        self.track: Soundtrack | None = None
        self._runner = runner
        self._generation = 0
        self._playing: Playing | None = None
        self._started = 0.0
        self._longest = 0.0
        self._muffled = True
        self._problem: str | None = None
        self._hidden = False
        self.position_s = 0.0
        self._out_of_sound = QTimer(self)
        self._out_of_sound.setSingleShot(True)
        self._out_of_sound.timeout.connect(self.end_listen)
        self._build()
        self.hide()

    @property
    def listening(self) -> bool:
        """True while sound is playing."""
        return self._playing is not None

    def load(self, source: MediaInput, muffled: bool) -> None:
        """Read the sound track of a video (on a worker); stays muted."""
        self.unload()
        self._generation += 1
        generation = self._generation
        self.muffle.setChecked(muffled)
        self._say("Sound: reading the sound track…")
        self.show()
        self._runner.submit(
            lambda: _read_track(source),
            lambda result: self._on_track(generation, result),
            lambda error: self._on_error(generation, error),
            owner=self,
        )

    def unload(self) -> None:
        """No video: end any listening, forget the track, hide."""
        self.end_listen()
        self._generation += 1
        self.track = None
        self.wave.set_peaks(np.zeros(0, np.float32))
        self.hide()

    def set_position(self, seconds: float) -> None:
        """Where the video is: listening starts here; the waveform marks it."""
        self.position_s = max(0.0, seconds)
        if self.track is not None and self.track.duration_s > 0:
            self.wave.set_position(self.position_s / self.track.duration_s)

    def set_hidden(self, hidden: bool) -> None:
        """The safe screen: mute now and hide the waveform until it is brought back."""
        self._hidden = hidden
        if hidden:
            self.end_listen()
        self.wave.setVisible(not hidden and self.track is not None)
        self._say("Sound hidden (safe screen)" if hidden else self._muted_text())

    def begin_listen(self) -> bool:
        """Play the sound from the video's position while held; False when it cannot."""
        if self._playing is not None or self.track is None or self._hidden:
            return False
        if self._problem is not None:
            self._say(_cannot_play(self._problem))
            return False
        muffled = self.muffle.isChecked()
        stream = ListenStream(self.track, self.position_s, muffled=muffled, volume=self.volume)
        if stream.finished:
            self._say("Sound: the position is past the end of the sound track")
            return False
        longest = stream.remaining_s  # before the sink takes its first piece
        try:
            self._playing = self.output.play(stream)
        except SoundUnavailable as exc:
            self._problem = str(exc)
            self._say(_cannot_play(self._problem))
            return False
        self._started, self._longest, self._muffled = self.clock(), longest, muffled
        self._out_of_sound.start(int(longest * 1000) + 50)
        how = "muffled" if muffled else "clear"
        self._say(f"Listening ({how}): let go of {LISTEN_KEY} to mute")
        return True

    def end_listen(self) -> None:
        """Mute now (close the sink) and report the seconds heard."""
        if self._playing is None:
            return
        playing, self._playing = self._playing, None
        self._out_of_sound.stop()
        playing.stop()
        seconds = min(max(0.0, self.clock() - self._started), self._longest)
        self._say(self._muted_text())
        self.listen_ended.emit(seconds, self._muffled)

    @Slot(Qt.ApplicationState)
    def application_state(self, state: Qt.ApplicationState) -> None:
        """Mute when the application loses the focus: the key's release may never come."""
        if state != Qt.ApplicationState.ApplicationActive:
            self.end_listen()

    # --- showing the track ----------------------------------------------------------

    def _on_track(self, generation: int, track: Soundtrack | None) -> None:
        if generation != self._generation:
            return
        self.track = track
        if track is None:
            self.wave.hide()
            self.muffle.hide()
            self._say("No audio track")
            return
        self.wave.setVisible(not self._hidden)
        self.muffle.show()
        self.wave.set_peaks(track.waveform(max(60, self.wave.width() // 3)))
        self.set_position(self.position_s)
        self._problem = self.output.problem()
        self._say("Sound hidden (safe screen)" if self._hidden else self._muted_text())

    def _on_error(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        reason = error.reason if isinstance(error, MediaError) else type(error).__name__
        self.wave.hide()
        self.muffle.hide()
        self._say(f"Sound: {reason}")

    def _muted_text(self) -> str:
        if self.track is None:
            return "No audio track"
        if self._problem is not None:
            return _cannot_play(self._problem)
        cut = " (only the first 30 minutes were read)" if self.track.truncated else ""
        if self.track.damaged:
            cut = f" (the file breaks off: only the first {self.track.duration_s:.1f} s were read)"
        return (
            f"Sound muted{cut}. Hold {LISTEN_KEY} to listen, at most {self.volume:.0%} volume; "
            "listening counts as exposure."
        )

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _build(self) -> None:
        self.wave = WaveformView()
        self.status = QLabel("")
        self.status.setObjectName("listenStatus")
        self.status.setWordWrap(True)
        self.muffle = QCheckBox("Muffled (low-pass)")
        self.muffle.setToolTip("Listening plays the sound low-passed; the policy sets the default")
        self.muffle.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status, 1)
        row.addWidget(self.muffle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.wave)
        layout.addLayout(row)


def _read_track(source: MediaInput) -> Soundtrack | None:
    return decode_soundtrack(source)


def _cannot_play(problem: str) -> str:
    return f"Sound cannot play on this computer: {problem}. The rest of the case works."
