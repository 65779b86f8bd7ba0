"""Prepare one media item for display, off the UI thread: verify, decode, filter.

The result carries the filtered frame the viewer paints first; the raw frame stays in
memory only for a momentary reveal and is never painted unless the reviewer asks.

Filters run on the frame at the size it is shown (`display`, the viewer's size in device
pixels): their sizes are shares of that frame's short side, so the picture on screen is
the same whatever the window, and a smaller frame costs less. Face blur needs the faces,
found once per item on a small copy (about 50 ms) and remembered: with
`wait_for_faces=False` an item whose faces are not yet known comes back provisional,
every spot blurred as if it were a face, and `refine` gives the final frame.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.imaging.decode import DecodedMedia, MediaError, decode_for_display
from app.imaging.faces import Box, detect_faces
from app.imaging.media import MediaInput
from app.imaging.pipeline import FilterPipeline
from app.imaging.scale import shrink_to
from db.blobs import BlobCorrupt, BlobLocked, BlobMissing, BlobStore

DISPLAY_MAX_SIDE = 1600


@dataclass(frozen=True)
class PreparedMedia:
    """A display-sized item: the filtered frame, the raw one, and what was done."""

    sha256: str
    filtered: np.ndarray
    raw: np.ndarray
    pipeline: FilterPipeline
    decoded: DecodedMedia
    # Where more frames come from (a video's playback): verified, decrypted in memory.
    source: MediaInput | None = None
    # False while face blur waits for the faces: `filtered` is then the stronger stand-in.
    final: bool = True
    # The frame the filters ran on (the raw one fitted to the display).
    shown: np.ndarray | None = None


class MediaUnavailable(Exception):
    """Why an item cannot be shown, in words for the reviewer."""


def prepare_media(
    blobs: BlobStore,
    sha256: str,
    pipeline: FilterPipeline,
    max_side: int = DISPLAY_MAX_SIDE,
    display: tuple[int, int] | None = None,
    *,
    wait_for_faces: bool = True,
    name: str | None = None,
) -> PreparedMedia:
    """Verify the blob, decode it at display size and filter it; MediaUnavailable if not.

    display (w, h) is the area the picture is shown in; None filters the decoded frame.
    `name`, the file name it was reported under, lets a lying name be noted.
    """
    try:
        source = blobs.source(sha256)
        decoded = decode_for_display(source, max_side, name, first_only=True)
    except BlobLocked as exc:
        raise MediaUnavailable(f"{exc}") from exc
    except BlobCorrupt as exc:
        raise MediaUnavailable(f"the stored file is damaged ({exc}); it is not shown") from exc
    except BlobMissing as exc:
        raise MediaUnavailable(
            f"{exc}; the next sync fetches it unless a retention rule removed it for good "
            "(the case history shows a purge)"
        ) from exc
    except MediaError as exc:
        raise MediaUnavailable(exc.reason) from exc
    raw = decoded.frames[0]
    shown = frame_for_display(raw, display)
    prepared = PreparedMedia(sha256, shown, raw, pipeline, decoded, source, False, shown)
    if not pipeline.uses("face_blur"):
        return _replace_filtered(prepared, pipeline.apply(shown), final=True)
    if wait_for_faces or FACES.known(sha256):
        return refine(prepared)
    return _replace_filtered(prepared, pipeline.apply_provisional(shown), final=False)


def refine(prepared: PreparedMedia) -> PreparedMedia:
    """The final filtered frame of a provisional one: faces found (or remembered), applied."""
    if prepared.final:
        return prepared
    shown = prepared.shown if prepared.shown is not None else prepared.raw
    faces = FACES.boxes(prepared.sha256, prepared.raw, shown.shape)
    return _replace_filtered(prepared, prepared.pipeline.apply(shown, faces), final=True)


def frame_for_display(raw: np.ndarray, display: tuple[int, int] | None) -> np.ndarray:
    """raw fitted inside display (w, h), never enlarged; raw itself when it fits."""
    if display is None:
        return raw
    h, w = raw.shape[:2]
    scale = min(1.0, max(1, display[0]) / w, max(1, display[1]) / h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return raw if size == (w, h) else shrink_to(raw, size)


def _replace_filtered(
    prepared: PreparedMedia, filtered: np.ndarray, *, final: bool
) -> PreparedMedia:
    return PreparedMedia(
        prepared.sha256,
        filtered,
        prepared.raw,
        prepared.pipeline,
        prepared.decoded,
        prepared.source,
        final,
        prepared.shown,
    )


class FaceMemory:
    """Faces per item, as shares of the frame, so any display size can reuse them.

    Thread-safe; keeps the newest `capacity` items. Detection runs outside the lock.
    """

    def __init__(self, capacity: int = 512) -> None:
        self._capacity = capacity
        self._boxes: OrderedDict[str, tuple[tuple[float, float, float, float], ...]] = OrderedDict()
        self._lock = threading.Lock()

    def known(self, key: str) -> bool:
        """Whether this item's faces are remembered."""
        with self._lock:
            return key in self._boxes

    def boxes(self, key: str, frame: np.ndarray, shape: Sequence[int]) -> list[Box]:
        """The item's faces in pixels of a frame of `shape`; found on `frame` if new."""
        with self._lock:
            shares = self._boxes.get(key)
            if shares is not None:
                self._boxes.move_to_end(key)
        if shares is None:
            fh, fw = frame.shape[:2]
            shares = tuple(
                (x / fw, y / fh, bw / fw, bh / fh) for x, y, bw, bh in detect_faces(frame)
            )
            with self._lock:
                self._boxes[key] = shares
                while len(self._boxes) > self._capacity:
                    self._boxes.popitem(last=False)
        h, w = shape[0], shape[1]
        return [
            (round(x * w), round(y * h), round(bw * w), round(bh * h)) for x, y, bw, bh in shares
        ]


FACES = FaceMemory()
