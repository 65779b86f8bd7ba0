"""Tell images from videos by their first bytes, not by their names."""

from __future__ import annotations

from pathlib import Path

_SIGNATURES: list[tuple[bytes, int, str, str]] = [
    (b"\xff\xd8\xff", 0, "image", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image", "image/png"),
    (b"GIF87a", 0, "image", "image/gif"),
    (b"GIF89a", 0, "image", "image/gif"),
    (b"BM", 0, "image", "image/bmp"),
    (b"II*\x00", 0, "image", "image/tiff"),
    (b"MM\x00*", 0, "image", "image/tiff"),
    (b"ftyp", 4, "video", "video/mp4"),
    (b"\x1aE\xdf\xa3", 0, "video", "video/webm"),
    (b"RIFF", 0, "riff", ""),
]


def sniff_media(path: Path) -> tuple[str, str]:
    """(kind, mime) from the file's magic bytes: kind is image, video or unknown."""
    with path.open("rb") as f:
        head = f.read(32)
    for magic, offset, kind, mime in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            if kind == "riff":
                return _riff(head)
            return kind, mime
    return "unknown", "application/octet-stream"


def _riff(head: bytes) -> tuple[str, str]:
    if head[8:12] == b"WEBP":
        return "image", "image/webp"
    if head[8:12] == b"AVI ":
        return "video", "video/x-msvideo"
    return "unknown", "application/octet-stream"
