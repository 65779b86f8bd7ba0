"""A video's sound track: decoded for the waveform, muffled and capped for listening."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from app.domain.policies import PolicyError, PolicySet, parse_policy
from app.imaging.audio import RATE, ListenStream, Soundtrack, decode_soundtrack, muffle
from app.imaging.media import MediaError
from app.wellbeing.listening import muffled_by_default

from .tone import write_tone_video


@pytest.fixture(scope="module")
def tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tone_video(tmp_path_factory.mktemp("sound") / "tone.mp4", seconds=1.0)


def test_a_tone_video_is_made_quickly(tmp_path: Path) -> None:
    started = time.perf_counter()
    write_tone_video(tmp_path / "t.mp4", seconds=3.0)
    assert time.perf_counter() - started < 1.0


def test_the_sound_track_decodes_to_mono_at_one_rate(tone: Path) -> None:
    track = decode_soundtrack(tone)
    assert track is not None and track.rate == RATE and not track.truncated
    assert track.duration_s == pytest.approx(1.0, abs=0.1)
    peaks = track.waveform(20)
    assert peaks.shape == (20,) and 0.7 < float(np.median(peaks)) <= 1.0


def test_a_long_track_is_cut_and_says_so(tone: Path) -> None:
    track = decode_soundtrack(tone, max_seconds=0.25)
    assert track is not None and track.truncated
    assert track.duration_s == pytest.approx(0.25, abs=0.01)


def test_a_silent_video_has_no_track_and_junk_is_a_media_error(tmp_path: Path) -> None:
    assert decode_soundtrack(write_tone_video(tmp_path / "v.mp4", 0.5, sound=False)) is None
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(200))
    with pytest.raises(MediaError, match="sound track cannot be read: the file is damaged"):
        decode_soundtrack(junk)


def _tone(hz: float, seconds: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return np.sin(2 * np.pi * hz * t).astype(np.float32)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x[1000:-1000] ** 2)))


def test_muffling_keeps_low_voices_and_takes_off_the_edge() -> None:
    low, high = _tone(200), _tone(4000)
    assert _rms(muffle(low, RATE)) == pytest.approx(_rms(low), rel=0.02)
    assert _rms(muffle(high, RATE)) < 0.01 * _rms(high)


def test_listening_is_capped_and_read_piecewise_like_whole() -> None:
    noise = np.random.default_rng(3).uniform(-1, 1, 40_000).astype(np.float32)
    stream = ListenStream(Soundtrack(noise), 0.0, muffled=True, volume=0.5)
    pieces = b"".join(iter(lambda: stream.read(2_999), b""))
    played = np.frombuffer(pieces, "<i2")
    whole = (np.clip(muffle(noise, RATE) * 0.5, -0.5, 0.5) * 32767).astype("<i2")
    assert stream.finished and len(played) == len(noise)
    assert np.abs(played.astype(int) - whole.astype(int)).max() <= 1
    clear = ListenStream(Soundtrack(noise), 1.0, muffled=False, volume=0.5)
    samples = np.frombuffer(clear.read(100_000), "<i2")
    assert len(samples) == 40_000 - RATE and np.abs(samples).max() <= 0.5 * 32767 + 1
    with pytest.raises(ValueError, match="listening volume"):
        ListenStream(Soundtrack(noise), 0.0, muffled=False, volume=1.5)


def test_the_policy_sets_the_listening_filter(policies: PolicySet) -> None:
    assert muffled_by_default(policies, "violent_graphic")
    assert not muffled_by_default(policies, "spam_scams")
    assert muffled_by_default(policies, None)
    doc = {
        "schema": 1, "id": "x", "name": "X", "description": "", "graphic": False,
        "clearance": None, "queue": "q", "severity": [{"level": 1, "label": "Low"}],
        "subcategories": [], "fields": {}, "filters": {"default": [{"filter": "blur"}]},
        "actions": [{"id": "a", "label": "A", "key": "1", "requires": [], "description": ""}],
    }  # fmt: skip
    assert parse_policy(doc | {"listen_filter": "muffled"}, "x.json").listen_filter == "muffled"
    with pytest.raises(PolicyError, match="x.json: listen_filter: expected one of muffled, clear"):
        parse_policy(doc | {"listen_filter": "loud"}, "x.json")
