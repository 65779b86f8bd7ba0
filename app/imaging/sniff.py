"""What a file really is, from its bytes: MIME type, picture size, audio track.

Reported media is named by whoever uploaded it, so names lie. Everything here reads the
content only, and only a few bytes of it, so the size check runs before any decoder
allocates a pixel.
"""

from __future__ import annotations

import re
import struct
from typing import BinaryIO

EMPTY = "application/x-empty"
UNKNOWN = "application/octet-stream"
TEXT = "text/plain"
PDF = "application/pdf"
# Bytes sniff_bytes wants: the ISO box header's brand list (HEIF, AVIF) runs past 32.
HEAD_BYTES = 64

_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"BM", "image/bmp"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (4, b"ftypqt", "video/quicktime"),
    (4, b"ftyp", "video/mp4"),
    (4, b"moov", "video/quicktime"),
    (4, b"mdat", "video/quicktime"),
    (0, b"\x1aE\xdf\xa3", "video/x-matroska"),
    (0, b"%PDF-", PDF),
)
# ISO base media files (MP4, QuickTime, HEIF, AVIF) name what they hold in the brands
# of their first box: a still HEIF or AVIF picture is not a video.
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})

LABELS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/bmp": "BMP",
    "image/tiff": "TIFF",
    "image/webp": "WebP",
    "image/avif": "AVIF",
    "image/heic": "HEIF/HEIC",
    PDF: "PDF document",
    "video/x-msvideo": "AVI",
    "video/quicktime": "QuickTime",
    "video/mp4": "MP4",
    "video/x-matroska": "Matroska/WebM",
    TEXT: "text",
    EMPTY: "nothing",
    UNKNOWN: "unknown data",
}

_BY_EXTENSION = {
    **dict.fromkeys((".jpg", ".jpeg", ".jpe", ".jfif"), "image/jpeg"),
    **dict.fromkeys((".png", ".apng"), "image/png"),
    ".gif": "image/gif",
    ".bmp": "image/bmp",
    **dict.fromkeys((".tif", ".tiff"), "image/tiff"),
    ".webp": "image/webp",
    ".avif": "image/avif",
    **dict.fromkeys((".heic", ".heif", ".hif"), "image/heic"),
    ".pdf": PDF,
    ".avi": "video/x-msvideo",
    **dict.fromkeys((".mp4", ".m4v", ".mov", ".3gp"), "video/mp4"),
    **dict.fromkeys((".mkv", ".webm"), "video/x-matroska"),
}
# MP4 and QuickTime share one box format; a .mov holding MP4 is not a lie.
_SAME_FAMILY = {"video/quicktime": "video/mp4"}


def sniff_bytes(head: bytes) -> str:
    """MIME type of content starting with head (HEAD_BYTES of it if the file has them)."""
    if not head:
        return EMPTY
    if head[:4] == b"RIFF":
        return {b"WEBP": "image/webp", b"AVI ": "video/x-msvideo"}.get(head[8:12], UNKNOWN)
    if head[4:8] == b"ftyp" and (picture := _iso_picture(head)):
        return picture
    for offset, magic, mime in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return mime
    return TEXT if _looks_like_text(head) else UNKNOWN


def _iso_picture(head: bytes) -> str | None:
    """image/avif or image/heic when an ISO file's brands say so, else None."""
    size = int.from_bytes(head[:4], "big")
    box = head[8 : max(8, min(size, len(head)))]
    # The major brand, then (after the minor version) the compatible ones.
    brands = {box[:4]} | {box[i : i + 4] for i in range(8, len(box) - 3, 4)}
    if brands & _AVIF_BRANDS:
        return "image/avif"
    # A video that also declares a HEIF brand stays a video (its major brand says so).
    if box[:4] in _HEIF_BRANDS or (brands & _HEIF_BRANDS and box[:4] not in _VIDEO_BRANDS):
        return "image/heic"
    return None


_VIDEO_BRANDS = frozenset({b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"qt  ", b"M4V ", b"3gp4"})


def label(mime: str) -> str:
    """A short human name for a MIME type ("PNG", "text")."""
    return LABELS.get(mime, mime)


def extension_mismatch(suffix: str, mime: str) -> str | None:
    """'type mismatch: named .jpg but contains PNG', or None when the name fits."""
    expected = _BY_EXTENSION.get(suffix.lower())
    if expected is None or _SAME_FAMILY.get(mime, mime) == expected:
        return None
    return f"type mismatch: named {suffix.lower()} but contains {label(mime)}"


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the end of head is still text.
        text = head[:-3].decode("utf-8", errors="replace")
        if "\ufffd" in text:
            return False
    return all(c.isprintable() or c in "\t\r\n\f" for c in text)


def header_size(f: BinaryIO, mime: str) -> tuple[int, int] | None:
    """(w, h) the header of an image claims, or None when this reader cannot tell."""
    f.seek(0)
    head = f.read(64)
    try:
        if mime == "image/png" and head[12:16] == b"IHDR":
            return struct.unpack(">II", head[16:24])
        if mime == "image/gif":
            return struct.unpack("<HH", head[6:10])
        if mime == "image/bmp":
            w, h = struct.unpack("<ii", head[18:26])
            return w, abs(h)
        if mime == "image/webp":
            return _webp_size(head)
        if mime == "image/jpeg":
            return _jpeg_size(f)
    except struct.error:
        return None
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8 ":
        w, h = struct.unpack("<HH", head[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    return None


# Start-of-frame markers carry the size; C4 (Huffman), C8 and CC (arithmetic) do not.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_size(f: BinaryIO, max_segments: int = 512) -> tuple[int, int] | None:
    f.seek(2)
    for _ in range(max_segments):
        marker = f.read(4)
        if len(marker) < 4 or marker[0] != 0xFF:
            return None
        if marker[1] in _SOF:
            h, w = struct.unpack(">HH", f.read(5)[1:5])
            return w, h
        f.seek(struct.unpack(">H", marker[2:4])[0] - 2, 1)
    return None


_MP4_HANDLER = re.compile(rb"hdlr[\x00-\xff]{8}(soun|vide)")
_AVI_STREAM = re.compile(rb"strh[\x00-\xff]{4}(auds|vids)")
_PROBE_BYTES = 4 * 1024 * 1024


def probe_audio(f: BinaryIO, mime: str) -> bool | None:
    """Whether a video container declares an audio track; None when we cannot tell.

    MP4/QuickTime keep their track table (moov) at the start or the end of the file,
    AVI keeps its stream headers at the start, so reading both ends is enough.
    """
    pattern = {"video/mp4": _MP4_HANDLER, "video/quicktime": _MP4_HANDLER}.get(mime)
    pattern = _AVI_STREAM if mime == "video/x-msvideo" else pattern
    if pattern is None:
        return None
    kinds = {m.group(1) for m in pattern.finditer(_both_ends(f))}
    if kinds & {b"soun", b"auds"}:
        return True
    return False if kinds else None


def _both_ends(f: BinaryIO) -> bytes:
    f.seek(0, 2)
    size = f.tell()
    f.seek(0)
    if size <= 2 * _PROBE_BYTES:
        return f.read()
    head = f.read(_PROBE_BYTES)
    f.seek(size - _PROBE_BYTES)
    return head + f.read()
