"""A video's sound: waveform ready after opening, and a hold's first sound, vs bare decode.

What a reviewer waits for: (1) after a video opens, its waveform (PyAV decode of the
sound track, resampled to mono 22,050 Hz, then peaks) against a bare PyAV decode of the
same stream (no resampling, no peaks): target <= 3x (resampling to one fixed rate with
FFmpeg's swresample costs about as much again as the decode); (2) on pressing U, the
first 0.3 s the audio sink is fed (muffled: the low-pass runs on that piece with its
context) from the middle of the track: target <= 10 ms, well under one 60 Hz frame.
The clip is written here: 2 minutes of a 48 kHz stereo AAC voice-like tone sweep with
bursts, beside a 64 x 48 video stream. Runs alternate; medians are compared.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from app.imaging.audio import ListenStream, Soundtrack, decode_soundtrack
from bench._util import median, print_table, verdict

SECONDS = 120
RATE = 48_000


def write_clip(path: Path) -> Path:
    """A 2-minute MPEG-4 video with a 48 kHz stereo AAC track of gliding tones."""
    with av.open(str(path), "w") as out:
        video = out.add_stream("mpeg4", rate=2)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio = out.add_stream("aac", rate=RATE)
        audio.layout = "stereo"
        for n in range(SECONDS * 2):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), n % 250, np.uint8))
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        t = np.arange(SECONDS * RATE) / RATE
        pitch = 180 + 80 * np.sin(2 * np.pi * 0.3 * t)
        burst = (np.sin(2 * np.pi * 2.5 * t) > 0).astype(np.float32)
        voice = (0.4 * np.sin(2 * np.pi * np.cumsum(pitch) / RATE) * (0.3 + burst)).astype(
            np.float32
        )
        stereo = np.stack([voice, voice])
        for start in range(0, stereo.shape[1], 1024):
            piece = np.ascontiguousarray(stereo[:, start : start + 1024])
            frame = av.AudioFrame.from_ndarray(piece, format="fltp", layout="stereo")
            frame.sample_rate, frame.pts = RATE, start
            out.mux(audio.encode(frame))
        out.mux(audio.encode(None))
    return path


def bare_decode(path: Path) -> int:
    """Decode every audio frame, nothing else; returns the sample count."""
    with av.open(str(path)) as container:
        return sum(f.samples for f in container.decode(container.streams.audio[0]))


def waveform_ready(path: Path) -> Soundtrack:
    """What the panel does before it can draw: decode, resample, peaks."""
    track = decode_soundtrack(path)
    assert track is not None
    track.waveform(600)
    return track


def first_feed(track: Soundtrack, muffled: bool) -> bytes:
    """The first piece a hold hands the sink, from the middle of the track."""
    stream = ListenStream(track, track.duration_s / 2, muffled=muffled, volume=0.5)
    return stream.read(int(track.rate * 0.3))


def run() -> None:
    """Time both waits; print a table and the verdict lines."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = write_clip(Path(tmp) / "voice.mp4")
        print(f"clip written in {time.perf_counter() - started:.2f} s")
        bare, ready = [], []
        for _ in range(5):
            for out, fn in ((bare, bare_decode), (ready, waveform_ready)):
                start = time.perf_counter()
                fn(path)
                out.append(time.perf_counter() - start)
        track = waveform_ready(path)
    base, wave = statistics.median(bare), statistics.median(ready)
    muffled = median(lambda: first_feed(track, True), repeat=21)
    clear = median(lambda: first_feed(track, False), repeat=21)
    print_table(
        ["wait", "ms", "x bare decode"],
        [
            ["bare PyAV decode of 2 min", base * 1000, 1.0],
            ["waveform ready (decode+resample+peaks)", wave * 1000, wave / base],
            ["first 0.3 s fed on U, muffled", muffled * 1000, muffled / base],
            ["first 0.3 s fed on U, clear", clear * 1000, clear / base],
        ],
    )
    print(verdict("waveform ready / bare decode", wave / base, 3.0, at_most=True))
    print(verdict("first muffled feed (ms)", muffled * 1000, 10.0, at_most=True))
