"""Prepare one media item for display, off the UI thread: verify, decode, filter.

The result carries the filtered frame the viewer paints first; the raw frame stays in
memory only for a momentary reveal and is never painted unless the reviewer asks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.imaging.decode import DecodedMedia, MediaError, decode_for_display
from app.imaging.media import MediaInput
from app.imaging.pipeline import FilterPipeline
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


class MediaUnavailable(Exception):
    """Why an item cannot be shown, in words for the reviewer."""


def prepare_media(
    blobs: BlobStore,
    sha256: str,
    pipeline: FilterPipeline,
    max_side: int = DISPLAY_MAX_SIDE,
    name: str | None = None,
) -> PreparedMedia:
    """Verify the blob, decode it at display size and filter it; MediaUnavailable if not.

    `name`, the file name it was reported under, lets a lying name be noted."""
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
    return PreparedMedia(sha256, pipeline.apply(raw), raw, pipeline, decoded, source)
