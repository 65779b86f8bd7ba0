"""A video's sound track, decoded off the UI thread for a waveform and hold-to-listen.

PyAV (FFmpeg's libraries) decodes the first audio stream to mono float samples at one
fixed rate, so drawing, filtering and playing never depend on the container's format.
Nothing here plays sound: `ListenStream` only hands out 16-bit PCM, already muffled
(low-passed) when asked and scaled so its peak never exceeds the volume cap.
"""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np

from app.imaging.media import MediaError, MediaInput, open_media

RATE = 22_050
# Longer sound tracks are cut here (the panel says so): 30 minutes of mono float32 is
# about 160 MB, the most a workstation should hold for one item.
MAX_SECONDS = 30 * 60
# The muffled mode: a windowed-sinc low-pass at this cutoff keeps the words' rhythm and
# pitch but takes the edge off screams, gunshots and breaking glass.
MUFFLE_CUTOFF_HZ = 800.0
MUFFLE_TAPS = 511


@dataclass(frozen=True)
class Soundtrack:
    """A decoded sound track: mono float32 samples in -1..1 at `rate`."""

    samples: np.ndarray
    rate: int = RATE
    truncated: bool = False  # longer than the cap: only its start was read
    damaged: bool = False  # the file breaks off: only the sound before the break was read

    @property
    def duration_s(self) -> float:
        """Length in seconds (of what was decoded)."""
        return len(self.samples) / self.rate

    def waveform(self, bins: int) -> np.ndarray:
        """Peak level (0..1) of each of `bins` equal slices, for drawing."""
        bins = max(1, bins)
        if len(self.samples) == 0:
            return np.zeros(bins, np.float32)
        edges = np.linspace(0, len(self.samples), bins + 1).astype(np.int64)
        level = np.abs(self.samples)
        starts = np.minimum(edges[:-1], len(level) - 1)
        peaks = np.maximum.reduceat(level, starts)
        peaks[edges[1:] <= edges[:-1]] = 0.0
        return np.clip(peaks, 0.0, 1.0).astype(np.float32)


def decode_soundtrack(source: MediaInput, max_seconds: float = MAX_SECONDS) -> Soundtrack | None:
    """The first audio stream of a video, or None when it has none.

    Raises MediaError (with a reason a moderator can read) when the sound cannot be read.
    """
    limit = int(max_seconds * RATE)
    try:
        with open_media(source) as f, av.open(f, "r") as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            return _decode(container, stream, limit)
    except (av.FFmpegError, ValueError, EOFError) as exc:
        raise MediaError(f"the sound track cannot be read: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    if isinstance(exc, av.InvalidDataError | EOFError):
        return "the file is damaged or cut short"
    return f"FFmpeg could not decode it ({type(exc).__name__})"


def _decode(
    container: av.container.InputContainer, stream: av.AudioStream, limit: int
) -> Soundtrack:
    resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
    chunks: list[np.ndarray] = []
    total, damaged = 0, False
    try:
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
                total += chunks[-1].size
            if total >= limit:
                break
        else:
            chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
    except (av.FFmpegError, EOFError):
        if not chunks:
            raise
        damaged = True  # the file breaks off: keep the sound before the break
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    truncated = samples.size > limit
    samples = np.clip(samples[:limit], -1.0, 1.0).astype(np.float32, copy=False)
    return Soundtrack(samples, RATE, truncated, damaged)


def lowpass_kernel(
    rate: int, cutoff_hz: float = MUFFLE_CUTOFF_HZ, taps: int = MUFFLE_TAPS
) -> np.ndarray:
    """A linear-phase low-pass FIR (Hamming-windowed sinc) with unity gain at 0 Hz."""
    n = np.arange(taps) - (taps - 1) / 2
    kernel = np.sinc(2 * cutoff_hz / rate * n) * np.hamming(taps)
    return (kernel / kernel.sum()).astype(np.float64)


def muffle(samples: np.ndarray, rate: int, kernel: np.ndarray | None = None) -> np.ndarray:
    """The samples low-passed (same length, no delay), by FFT overlap-add in blocks."""
    kernel = lowpass_kernel(rate) if kernel is None else kernel
    taps = len(kernel)
    if len(samples) == 0:
        return samples.astype(np.float32)
    block = 8192
    size = 1 << int(np.ceil(np.log2(block + taps - 1)))
    response = np.fft.rfft(kernel, size)
    out = np.zeros(len(samples) + taps - 1)
    for start in range(0, len(samples), block):
        piece = samples[start : start + block]
        filtered = np.fft.irfft(np.fft.rfft(piece, size) * response, size)
        end = start + len(piece) + taps - 1
        out[start:end] += filtered[: len(piece) + taps - 1]
    delay = (taps - 1) // 2
    return out[delay : delay + len(samples)].astype(np.float32)


class ListenStream:
    """16-bit mono PCM of a sound track from a start time, muffled or clear, capped.

    Read on demand in small pieces, so a hold starts at once on a long track: each piece
    is filtered with the samples before it as context (the low-pass needs them).
    """

    def __init__(self, track: Soundtrack, start_s: float, *, muffled: bool, volume: float) -> None:
        if not 0.0 < volume <= 1.0:
            raise ValueError(f"listening volume {volume!r}: expected a fraction within 0..1")
        self.track, self.muffled, self.volume = track, muffled, volume
        self.rate = track.rate
        self.position = min(max(0, int(start_s * track.rate)), len(track.samples))
        self._kernel = lowpass_kernel(track.rate) if muffled else None

    @property
    def finished(self) -> bool:
        """Whether every sample has been handed out."""
        return self.position >= len(self.track.samples)

    @property
    def remaining_s(self) -> float:
        """Seconds of sound left to hand out."""
        return (len(self.track.samples) - self.position) / self.rate

    def read(self, max_samples: int) -> bytes:
        """Up to `max_samples` more samples as little-endian int16 (b"" at the end)."""
        total = len(self.track.samples)
        start, stop = self.position, min(self.position + max(0, max_samples), total)
        if stop <= start:
            return b""
        self.position = stop
        piece = self.track.samples[start:stop]
        if self._kernel is not None:
            before = max(0, start - len(self._kernel))
            after = min(len(self.track.samples), stop + len(self._kernel))
            context = muffle(self.track.samples[before:after], self.rate, self._kernel)
            piece = context[start - before : stop - before]
        capped = np.clip(piece * self.volume, -self.volume, self.volume)
        return (capped * 32767).astype("<i2").tobytes()
