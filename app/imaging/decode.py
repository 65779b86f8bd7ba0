"""Decode reported media at display size, or say clearly why it cannot be shown.

`decode_for_display` raises only MediaError for bad input, whatever the file holds.
The type comes from the bytes, never the name. A name that lies about a decodable type
(a PNG named .jpg, common with re-uploaded media) is decoded by its content and the
mismatch is reported in DecodedMedia.notes; a name that promises media the file does not
hold (text named .png) is a MediaError whose reason names the mismatch.

Pictures are checked against the 100 MP limit from their header before any decoder
allocates; JPEGs decode through libjpeg's DCT scaling, which is why a JPEG header may
claim up to 400 MP (a 144 MP camera photo is decoded at 1/8); EXIF orientation is
applied; transparent areas show over neutral gray. Videos give their first frame and a
frame count, counted to the end when the container has none (see video.py). Files that
are plainly documents (PDF) are named as such.
"""

from __future__ import annotations

import logging
import struct
import zlib
from dataclasses import replace
from pathlib import PurePath
from typing import BinaryIO

import cv2
from PIL import Image, UnidentifiedImageError

from app.imaging import sniff
from app.imaging.media import (
    MAX_ANIMATION_FRAMES,
    DecodedMedia,
    MediaError,
    MediaInput,
    check_pixels,
    open_media,
    pixel_limit,
)
from app.imaging.stills import decode_picture
from app.imaging.video import VideoReader

__all__ = ["DecodedMedia", "MediaError", "decode_for_display", "sniff_mime"]

_log = logging.getLogger(__name__)
# Errors decoders raise on hostile or damaged input; anything else is our bug, logged.
_DECODER_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error, cv2.error)
_BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)
# Files that are plainly not media: named as what they are, never as "text" or "unknown".
_DOCUMENTS = frozenset({sniff.PDF})


def sniff_mime(path: MediaInput) -> str:
    """The MIME type the file's first bytes show ("application/x-empty" when empty)."""
    with _open(path) as f:
        try:
            return sniff.sniff_bytes(f.read(sniff.HEAD_BYTES))
        except OSError as exc:
            raise MediaError(f"cannot read file: {exc.strerror or exc}") from None


def decode_for_display(
    path: MediaInput, max_side: int = 2048, name: str | None = None, first_only: bool = False
) -> DecodedMedia:
    """Display-sized RGB frames of an image, animation or video; MediaError if unusable.

    `name` is the file name the media was reported under when `path` does not carry it
    (a blob in the store): a name that lies about the content is noted either way.
    `first_only` decodes an animation's first frame only (its count is still the file's):
    the viewer steps through the rest on demand.
    """
    if max_side < 1:
        raise ValueError(f"max_side must be positive, got {max_side}")
    mime = sniff_mime(path)
    suffix = PurePath(name).suffix if name is not None else path.suffix
    mismatch = sniff.extension_mismatch(suffix, mime)
    if mime == sniff.EMPTY:
        raise MediaError("file is empty")
    if not mime.startswith(("image/", "video/")):
        found = sniff.label(mime)
        if mime in _DOCUMENTS:
            raise MediaError(_with_note(f"{found}, not reviewable media", mismatch))
        raise MediaError(mismatch or f"unsupported type: {found}, not an image or video")
    try:
        media = _decode(path, mime, max_side, 1 if first_only else MAX_ANIMATION_FRAMES)
    except MediaError as exc:
        raise MediaError(_with_note(exc.reason, mismatch)) from exc
    except Exception as exc:
        raise MediaError(_with_note(reason_for(exc, sniff.label(mime)), mismatch)) from exc
    return replace(media, notes=(mismatch, *media.notes)) if mismatch else media


def _with_note(reason: str, note: str | None) -> str:
    """A refusal keeps the name's mismatch: it often explains why the file fails."""
    return f"{reason} ({note})" if note else reason


def _decode(path: MediaInput, mime: str, max_side: int, max_frames: int) -> DecodedMedia:
    if mime.startswith("video/"):
        with VideoReader(path, max_side) as video:
            return DecodedMedia(
                "video",
                [video.read(0)],
                video.source_size,
                video.frame_count,
                video.fps,
                video.has_audio,
                mime,
                video.notes,
            )
    with _open(path) as f:
        size = sniff.header_size(f, mime)
    if size is not None:
        check_pixels(*size, pixel_limit(mime))
    return decode_picture(path, mime, max_side, max_frames)


def reason_for(exc: Exception, label: str) -> str:
    """A decoder's exception as a reason a moderator can read."""
    message = str(exc).split(" (")[0] or type(exc).__name__
    if isinstance(exc, _BOMB):
        return f"decompression bomb: {message}"
    if "truncated" in message.lower() or isinstance(exc, EOFError):
        return f"truncated {label}: image file is truncated"
    if isinstance(exc, UnidentifiedImageError):
        return f"corrupt {label}: no readable {label} image in the file"
    if isinstance(exc, MemoryError):
        return f"too large: not enough memory to decode this {label}"
    if isinstance(exc, _DECODER_ERRORS):
        return f"corrupt {label}: {message}"
    _log.exception("unexpected error decoding a %s", label)
    return f"cannot decode {label}: {type(exc).__name__}: {message}"


def _open(path: MediaInput) -> BinaryIO:
    """open(path, 'rb'), its failures turned into reasons a moderator can read."""
    try:
        return open_media(path)
    except FileNotFoundError:
        raise MediaError("file not found") from None
    except IsADirectoryError:
        raise MediaError("not a file: it is a folder") from None
    except PermissionError:
        raise MediaError("cannot read file: permission denied") from None
    except OSError as exc:
        raise MediaError(f"cannot read file: {exc.strerror or exc}") from None
