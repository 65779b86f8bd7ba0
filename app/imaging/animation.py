"""Animated pictures (GIF, APNG, WebP, AVIF sequences, HEIF bursts) frame by frame.

Every frame is reachable, decoded on demand at display size: stepping forward decodes
one more frame, and display frames are kept (within MAX_ANIMATION_BYTES) so stepping
back costs nothing. Pillow errors become MediaError reasons.
"""

from __future__ import annotations

import struct
import zlib
from types import TracebackType

import numpy as np
from PIL import Image

from app.imaging import sniff
from app.imaging.decode import reason_for
from app.imaging.media import (
    MAX_ANIMATION_BYTES,
    FrameCache,
    MediaError,
    MediaInput,
    check_pixels,
    open_media,
    spread,
)
from app.imaging.scale import fit_size
from app.imaging.stills import PIL_FORMATS, display_pixels, orient, orientation_of

_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)


class AnimationReader:
    """One open animated picture: frame count, rate, frames by index (display-sized RGB).

    One user at a time (Pillow's image has a single position). Raises MediaError when
    the file is not a picture Pillow may open.
    """

    def __init__(self, path: MediaInput, max_side: int = 2048) -> None:
        self._file = open_media(path)
        self._label = "picture"
        self._max_side = max_side
        self._kept = FrameCache(MAX_ANIMATION_BYTES)
        try:
            mime = sniff.sniff_bytes(self._file.read(sniff.HEAD_BYTES))
            self._label = sniff.label(mime)
            if mime not in PIL_FORMATS:
                raise MediaError(f"not an animated picture: {self._label}")
            self._file.seek(0)
            self._im = Image.open(self._file, formats=[PIL_FORMATS[mime]])
            check_pixels(*self._im.size)
            self._orientation = orientation_of(self._im)
            w, h = self._im.size
            self.source_size = (h, w) if self._orientation >= 5 else (w, h)
            self.frame_count = max(1, int(getattr(self._im, "n_frames", 1)))
            self.read(0)  # proves the file decodes; WebP gives its frame duration only now
            duration = float(self._im.info.get("duration") or 0)
            self.fps: float | None = 1000 / duration if duration > 0 else None
        except MediaError:
            self._file.close()
            raise
        except Exception as exc:
            self._file.close()
            raise MediaError(reason_for(exc, self._label)) from exc

    def read(self, index: int) -> np.ndarray:
        """Frame `index` (0-based) as display-sized RGB; MediaError if it cannot be read."""
        if not 0 <= index < self.frame_count:
            raise IndexError(f"frame {index} is outside 0..{self.frame_count - 1}")
        if (kept := self._kept.get(index)) is not None:
            return kept
        try:
            self._im.seek(index)
            check_pixels(*self._im.size)  # a GIF frame may grow the canvas past its header
            target = fit_size(*self._im.size, self._max_side)
            frame = orient(display_pixels(self._im, target), self._orientation)
        except MediaError:
            raise
        except _ERRORS as exc:
            reason = reason_for(exc, self._label)
            raise MediaError(f"{reason} (frame {index + 1} of {self.frame_count})") from exc
        self._kept.put(index, frame)
        return frame

    def keyframes(self, n: int) -> list[tuple[int, np.ndarray]]:
        """A storyboard: up to n (index, frame) pairs spread evenly over the animation."""
        board = []
        for index in spread(self.frame_count, n):
            try:
                board.append((index, self.read(index)))
            except MediaError:
                break  # keep what decodes; stepping reports the broken frame
        return board

    def close(self) -> None:
        """Close the file (safe to call twice)."""
        self._kept.clear()
        im = getattr(self, "_im", None)
        if im is not None:
            im.close()
        self._file.close()

    def __enter__(self) -> AnimationReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
