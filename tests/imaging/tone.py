"""A small video with a synthesized tone, made with PyAV in a few milliseconds."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

TONE_HZ = 440.0
TONE_RATE = 24_000


def write_tone_video(
    path: Path, seconds: float = 3.0, fps: int = 4, level: float = 0.8, sound: bool = True
) -> Path:
    """A 64 x 48 MPEG-4 video of flat grey frames; with `sound`, a sine tone in AAC."""
    with av.open(str(path), "w") as out:
        video = out.add_stream("mpeg4", rate=fps)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio = out.add_stream("aac", rate=TONE_RATE) if sound else None
        if audio is not None:
            audio.layout = "mono"
        for n in range(int(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), 40 + n * 8 % 200, np.uint8))
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if audio is not None:
            _write_tone(out, audio, seconds, level)
    return path


def _write_tone(
    out: av.container.OutputContainer, audio: av.AudioStream, seconds: float, level: float
) -> None:
    t = np.arange(int(seconds * TONE_RATE)) / TONE_RATE
    tone = (level * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)
    for start in range(0, len(tone), 1024):
        frame = av.AudioFrame.from_ndarray(
            tone[start : start + 1024].reshape(1, -1), format="fltp", layout="mono"
        )
        frame.sample_rate, frame.pts = TONE_RATE, start
        out.mux(audio.encode(frame))
    out.mux(audio.encode(None))
