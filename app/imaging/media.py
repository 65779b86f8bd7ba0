"""The decoded-media value, the one error bad media raises, and the size limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np

# A 100-megapixel ceiling: larger than any camera a reporter is likely to use, small
# enough that the worst full-size decode (RGBA, 400 MB) cannot take a workstation down.
MAX_PIXELS = 100_000_000
# An animation keeps at most this many frames, and at most this many bytes of them.
MAX_ANIMATION_FRAMES = 300
MAX_ANIMATION_BYTES = 256 * 1024 * 1024
# Source pixels an animation may make us decode (each frame is decoded at full size).
MAX_ANIMATION_WORK = 2_000_000_000


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


def check_pixels(width: int, height: int) -> None:
    """Refuse a picture whose header claims more than MAX_PIXELS, before any allocation."""
    if width <= 0 or height <= 0:
        raise MediaError(f"invalid size in header: {width} x {height} pixels")
    if width * height > MAX_PIXELS:
        limit = MAX_PIXELS // 1_000_000
        raise MediaError(
            f"decompression bomb: {width} x {height} pixels exceeds the {limit} MP limit"
        )
