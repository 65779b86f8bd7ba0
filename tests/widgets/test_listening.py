"""Hold-to-listen: muted until the hold, a hold's seconds recorded, no sound is no crash."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.imaging.audio import ListenStream
from app.imaging.pipeline import resolve_pipeline
from app.review.intake import Intake
from db.models import Case
from tests.imaging.tone import write_tone_video
from widgets.media.listen_panel import ListenPanel
from widgets.media.sound_output import QtSoundOutput, SoundUnavailable
from widgets.shell.main_window import MainWindow
from widgets.shell.tasks import InlineTaskRunner


class FakeClock:
    """Seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class RecordingOutput:
    """Stands in for the audio device: counts the sinks opened and closed."""

    def __init__(self) -> None:
        self.opened: list[ListenStream] = []
        self.closed = 0

    def problem(self) -> str | None:
        return None

    def play(self, stream: ListenStream) -> RecordingOutput:
        self.opened.append(stream)
        return self

    def stop(self) -> None:
        self.closed += 1


def _tone_case(window: MainWindow, tmp_path: Path) -> str:
    write_tone_video(tmp_path / "tone.mp4", seconds=3.0)
    row = {"external_id": "tone-1", "category": "violent_graphic", "severity": 2,
           "title": "A voice in a video", "media": ["tone.mp4"],
           "reported_at": "2026-01-05T09:00:00Z"}  # fmt: skip
    (tmp_path / "r.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    desk = window.desk
    report = Intake(desk.store, desk.policies, "lead").import_file(tmp_path / "r.jsonl")
    assert not report.problems, report.problems
    with desk.store.transaction() as session:
        return session.scalars(select(Case.case_id).where(Case.external_id == "tone-1")).one()


def test_muted_until_the_hold_and_a_two_second_hold_is_two_seconds_of_listening(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    panel = window.findChild(ListenPanel)
    assert panel is not None
    output, clock = RecordingOutput(), FakeClock()
    panel.output, panel.clock = output, clock
    case_id = _tone_case(window, tmp_path)
    detail = window.desk.detail(case_id)
    policy = window.desk.policies[detail.row.category]
    window.case_view.show_case(detail, policy, resolve_pipeline(policy.filters, 2))
    qtbot.waitUntil(lambda: panel.track is not None, timeout=15000)
    assert output.opened == [] and "Sound muted" in panel.status.text()
    assert panel.muffle.isChecked()  # a graphic policy listens muffled by default
    assert panel.wave.isVisibleTo(window) and len(panel.wave.peaks) > 0

    window.queue.setFocus()
    qtbot.keyPress(window.queue, Qt.Key.Key_U)
    assert panel.listening and len(output.opened) == 1
    stream = output.opened[0]
    assert stream.muffled and stream.volume == 0.5
    clock.now += 2.0
    with qtbot.waitSignal(panel.listen_ended, timeout=2000):
        qtbot.keyRelease(window.queue, Qt.Key.Key_U)
    assert not panel.listening and output.closed == 1

    listens = [
        e.payload
        for e in window.desk.store.events(case_id)
        if e.kind == "media.revealed" and e.payload["mode"] == "listen"
    ]
    assert len(listens) == 1
    assert listens[0]["seconds"] == pytest.approx(2.0, abs=0.2)
    assert listens[0]["audio"] is True and listens[0]["area_share"] == 0.0
    assert listens[0]["filters_on"] == ["muffled"]
    assert listens[0]["item"] == detail.media[0].sha256

    qtbot.keyPress(window.queue, Qt.Key.Key_U)  # the safe screen mid-hold mutes at once
    clock.now += 0.5
    qtbot.keyClick(window.queue, Qt.Key.Key_Escape)
    assert not panel.listening and output.closed == 2 and not panel.wave.isVisible()
    qtbot.keyRelease(window.queue, Qt.Key.Key_U)
    seconds = [
        e.payload["seconds"]
        for e in window.desk.store.events(case_id)
        if e.kind == "media.revealed" and e.payload["mode"] == "listen"
    ]
    assert seconds == [2.0, 0.5]


def test_without_qt_multimedia_the_panel_says_so_and_the_waveform_still_shows(
    qtbot: QtBot, tmp_path: Path
) -> None:
    def missing() -> object:
        raise ImportError("libpulse.so.0: cannot open shared object file")

    panel = ListenPanel(InlineTaskRunner(), QtSoundOutput(load=missing))  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.load(write_tone_video(tmp_path / "t.mp4", seconds=1.0), muffled=True)
    assert panel.track is not None and len(panel.wave.peaks) > 0
    text = panel.status.text()
    assert "Sound cannot play on this computer" in text and "libpulse0" in text
    assert not panel.begin_listen() and not panel.listening
    with pytest.raises(SoundUnavailable, match="libpulse"):
        QtSoundOutput(load=missing).play(ListenStream(panel.track, 0, muffled=True, volume=0.5))  # type: ignore[arg-type]


def test_a_silent_video_says_it_has_no_audio_track(qtbot: QtBot, tmp_path: Path) -> None:
    output = RecordingOutput()
    panel = ListenPanel(InlineTaskRunner(), output)
    qtbot.addWidget(panel)
    panel.load(write_tone_video(tmp_path / "s.mp4", seconds=0.5, sound=False), muffled=False)
    assert panel.status.text() == "No audio track" and not panel.begin_listen()
    assert output.opened == []


@pytest.mark.qt_log_ignore("PulseAudioService", "No audio device detected")
def test_the_real_output_loads_lazily_and_names_what_is_missing(qtbot: QtBot) -> None:
    # On a machine without libpulse0 Qt Multimedia does not load; without a sound server
    # or card there is no device. Either way the reason is given and nothing is opened.
    problem = QtSoundOutput().problem()
    assert problem is None or "libpulse0" in problem or "no audio output device" in problem


class _Device:
    def isNull(self) -> bool:  # noqa: N802
        return False

    def isFormatSupported(self, fmt: object) -> bool:  # noqa: N802
        return True

    def description(self) -> str:
        return "fake"


class _Sink:
    def __init__(self, device: object, fmt: object, parent: object) -> None:
        self.written = bytearray()
        self.stopped = False

    def setBufferSize(self, size: int) -> None:  # noqa: N802
        self.size = size

    def start(self) -> _Sink:
        return self

    def error(self) -> _Multimedia.QAudio.Error:
        return _Multimedia.QAudio.Error.NoError

    def bytesFree(self) -> int:  # noqa: N802
        return self.size - len(self.written)

    def write(self, data: bytes) -> int:
        taken = data[:4000]  # takes less than it said was free
        self.written += taken
        return len(taken)

    def stop(self) -> None:
        self.stopped = True


class _Multimedia:
    """The parts of Qt Multimedia the sink feed uses."""

    class QAudioFormat:
        class SampleFormat:
            Int16 = "Int16"

        def setSampleRate(self, rate: int) -> None:  # noqa: N802
            self.rate = rate

        def setChannelCount(self, n: int) -> None:  # noqa: N802
            self.channels = n

        def setSampleFormat(self, f: str) -> None:  # noqa: N802
            self.format = f

    class QAudio:
        class Error(Enum):
            NoError = 0
            OpenError = 1

    class QMediaDevices:
        @staticmethod
        def defaultAudioOutput() -> _Device:  # noqa: N802
            return _Device()

    QAudioSink = _Sink


def test_the_sink_is_fed_a_little_ahead_and_closed_on_stop(qtbot: QtBot, tmp_path: Path) -> None:
    from app.imaging.audio import decode_soundtrack

    track = decode_soundtrack(write_tone_video(tmp_path / "t.mp4", seconds=1.0))
    assert track is not None
    output = QtSoundOutput(load=lambda: _Multimedia)  # type: ignore[arg-type,return-value]
    playing = output.play(ListenStream(track, 0.0, muffled=False, volume=0.5))
    sink = playing._sink  # type: ignore[attr-defined]
    assert 0 < len(sink.written) <= int(track.rate * 2 * 0.3)
    for _ in range(40):  # what the device did not take is offered again, in order
        playing._feed()  # type: ignore[attr-defined]
        sink.written.clear()
    stream = playing._stream  # type: ignore[attr-defined]
    assert stream.finished and not playing._pending  # type: ignore[attr-defined]
    playing.stop()
    assert sink.stopped
