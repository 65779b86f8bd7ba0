"""Where hold-to-listen's sound goes: a Qt Multimedia audio sink, opened only on a hold.

Qt Multimedia is imported on first need, never at start: on Linux it needs the system's
PulseAudio client library (`libpulse0`), and a workstation without it, or without an
audio device, must still work (the listening panel says why there is no sound). The
sink is fed in push mode from a `ListenStream`, a few hundred milliseconds ahead, so a
hold on a long sound track starts at once and stops the moment the key is let go.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol

from PySide6.QtCore import QLoggingCategory, QObject, QTimer

from app.imaging.audio import ListenStream

log = logging.getLogger(__name__)

NO_MULTIMEDIA = (
    "Qt Multimedia could not load ({reason}); on Linux install the system's PulseAudio "
    "client library (apt-get install libpulse0)"
)
NO_DEVICE = "no audio output device was found"
FEED_MS = 40
AHEAD_S = 0.3


class SoundUnavailable(Exception):
    """Sound cannot be played here; the message says why, in words a reviewer can use."""


class Playing(Protocol):
    """A sound being played; stop() closes its sink."""

    def stop(self) -> None:
        """Stop at once and release the audio device."""


class SoundOutput(Protocol):
    """Plays listening streams (the Qt sink in the app, a recorder in tests)."""

    def problem(self) -> str | None:
        """Why no sound can play here, or None; opens no sink."""

    def play(self, stream: ListenStream) -> Playing:
        """Open a sink and start playing; SoundUnavailable when it cannot."""


def _import_multimedia() -> ModuleType:
    # Qt Multimedia reports every optional library it looks for (VA-API, PipeWire) and
    # its FFmpeg version; the panel says what matters, so those lines are not printed.
    QLoggingCategory.setFilterRules(
        "qt.multimedia.symbolsresolver=false\nqt.multimedia.ffmpeg=false"
    )
    return importlib.import_module("PySide6.QtMultimedia")


class QtSoundOutput:
    """Qt Multimedia's default audio output, loaded lazily."""

    def __init__(self, load: Callable[[], ModuleType] = _import_multimedia) -> None:
        self._load = load
        self._module: ModuleType | None = None
        self._failure: str | None = None

    def _multimedia(self) -> ModuleType:
        if self._module is None and self._failure is None:
            try:
                self._module = self._load()
            except (ImportError, OSError) as exc:
                self._failure = NO_MULTIMEDIA.format(reason=_short(exc))
                log.warning("no sound: %s", self._failure)
        if self._module is None:
            raise SoundUnavailable(self._failure or NO_MULTIMEDIA.format(reason="unknown"))
        return self._module

    def problem(self) -> str | None:
        """Why no sound can play here (no Qt Multimedia, no device), or None."""
        try:
            multimedia = self._multimedia()
        except SoundUnavailable as exc:
            return str(exc)
        return None if multimedia.QMediaDevices.audioOutputs() else NO_DEVICE

    def play(self, stream: ListenStream) -> Playing:
        """Open the default device's sink and start feeding it."""
        multimedia = self._multimedia()
        device = multimedia.QMediaDevices.defaultAudioOutput()
        if device.isNull():
            raise SoundUnavailable(NO_DEVICE)
        return _SinkFeed(multimedia, device, stream)


class _SinkFeed(QObject):
    """One open sink, fed from the stream on a timer until stopped or finished."""

    def __init__(self, multimedia: ModuleType, device: Any, stream: ListenStream) -> None:
        super().__init__()
        fmt = multimedia.QAudioFormat()
        fmt.setSampleRate(stream.rate)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(multimedia.QAudioFormat.SampleFormat.Int16)
        if not device.isFormatSupported(fmt):
            raise SoundUnavailable(
                f"the audio device {device.description()!r} cannot play 16-bit mono sound "
                f"at {stream.rate} Hz"
            )
        self._stream = stream
        self._pending = bytearray()
        self._sink = multimedia.QAudioSink(device, fmt, self)
        self._sink.setBufferSize(int(stream.rate * 2 * AHEAD_S))
        self._io = self._sink.start()
        # Qt 6.7 moved the error enum from QAudio to QtAudio (PySide keeps both, as two
        # types that never compare equal): compare by name.
        if self._io is None or getattr(self._sink.error(), "name", "") != "NoError":
            self._sink.stop()
            raise SoundUnavailable(f"the audio device {device.description()!r} could not be opened")
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._feed)
        self._timer.start(FEED_MS)
        self._feed()

    def _feed(self) -> None:
        free = self._sink.bytesFree()
        if len(self._pending) < free:
            self._pending += self._stream.read((free - len(self._pending)) // 2)
        if self._pending:
            # The device may take less than it said was free: keep the rest for next time.
            taken = self._io.write(bytes(self._pending[:free]))
            del self._pending[: max(0, taken)]

    def stop(self) -> None:
        """Stop feeding and close the sink."""
        self._timer.stop()
        self._sink.stop()
        self.deleteLater()


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "…"
