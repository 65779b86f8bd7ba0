"""The decoded-media value, the one error bad media raises, and the size limits."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np

# A 100-megapixel ceiling: larger than any camera a reporter is likely to use, small
# enough that the worst full-size decode (RGBA, 400 MB) cannot take a workstation down.
MAX_PIXELS = 100_000_000
# A JPEG decodes reduced (1/2, 1/4 or 1/8 in libjpeg's DCT), so a genuine medium-format
# or pixel-shift camera JPEG (150 to 400 MP) is shown without ever being held full size.
# Past this even the reduced decode and the entropy decoding are too much work.
MAX_REDUCED_JPEG_PIXELS = 400_000_000
# An animation keeps at most this many frames, and at most this many bytes of them.
MAX_ANIMATION_FRAMES = 300
MAX_ANIMATION_BYTES = 256 * 1024 * 1024
# Source pixels an animation may make us decode (each frame is decoded at full size).
MAX_ANIMATION_WORK = 2_000_000_000
# A video whose container gives no length (a browser's MediaRecorder WebM, a live MKV) is
# read to its end to count its frames, but no further than this (10 minutes at 30 fps).
MAX_COUNTED_FRAMES = 18_000


class StreamSource(Protocol):
    """Media that is not a plain file (an encrypted blob): a fresh seekable reader of its
    plain bytes on demand, decrypted in memory (db/blobs.py: BlobSource)."""

    suffix: str
    name: str

    def open_reader(self) -> BinaryIO:
        """A new reader at the start of the media's bytes."""
        ...


MediaInput = Path | StreamSource


def open_media(source: MediaInput) -> BinaryIO:
    """A binary reader of a file or a stream source (the caller closes it)."""
    return source.open("rb") if isinstance(source, Path) else source.open_reader()


class MediaError(Exception):
    """Media that cannot be shown, with a reason a moderator can read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class DecodedMedia:
    """Display-sized RGB frames of one media file, plus what the viewer needs to know.

    `frames` are RGB uint8 HxWx3, C-contiguous (Qt's RGB888 can wrap them without a
    copy), longest side at most the requested max_side. `source_size` is (w, h) of the
    original as displayed, that is after EXIF orientation. `notes` carries non-fatal
    findings, such as a file named .jpg that holds a PNG (decoded by its content).
    """

    kind: str
    frames: list[np.ndarray]
    source_size: tuple[int, int]
    frame_count: int
    fps: float | None
    has_audio: bool | None
    mime: str
    notes: tuple[str, ...] = field(default=())


def check_pixels(width: int, height: int, limit: int = MAX_PIXELS) -> None:
    """Refuse a picture whose header claims more than `limit` pixels, before allocation."""
    if width <= 0 or height <= 0:
        raise MediaError(f"invalid size in header: {width} x {height} pixels")
    if width * height > limit:
        mp = limit // 1_000_000
        raise MediaError(f"decompression bomb: {width} x {height} pixels exceeds the {mp} MP limit")


def pixel_limit(mime: str) -> int:
    """The most pixels a header of this type may claim: more for JPEG, decoded reduced."""
    return MAX_REDUCED_JPEG_PIXELS if mime == "image/jpeg" else MAX_PIXELS


class FrameCache:
    """Display frames by index, the least recently used dropped past a byte budget.

    Stepping back through an animation or a video that cannot seek would otherwise decode
    again from the first frame.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._frames: OrderedDict[int, np.ndarray] = OrderedDict()
        self._bytes = 0

    def get(self, index: int) -> np.ndarray | None:
        """The frame, if kept."""
        frame = self._frames.get(index)
        if frame is not None:
            self._frames.move_to_end(index)
        return frame

    def put(self, index: int, frame: np.ndarray) -> None:
        """Keep a frame; callers get this same array back and must not write to it."""
        if frame.nbytes > self.max_bytes or index in self._frames:
            return
        self._frames[index] = frame
        self._bytes += frame.nbytes
        while self._bytes > self.max_bytes:
            _, dropped = self._frames.popitem(last=False)
            self._bytes -= dropped.nbytes

    def clear(self) -> None:
        """Drop every frame."""
        self._frames.clear()
        self._bytes = 0


def spread(count: int, n: int) -> list[int]:
    """Up to n frame indices spread evenly over count frames, first and last included."""
    last = count - 1
    return sorted({round(i * last / max(1, n - 1)) for i in range(max(0, n))}) if count else []
