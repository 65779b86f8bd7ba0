"""Tell images from videos by their first bytes, not by their names (for intake)."""

from __future__ import annotations

from pathlib import Path

from app.imaging import sniff


def sniff_media(path: Path) -> tuple[str, str]:
    """(kind, mime) from the file's magic bytes: kind is image, video or unknown.

    The same sniffing as the viewer's (sniff.py): a HEIF or AVIF picture is an image
    even though its container is the MP4 box format, and a PDF is not media.
    """
    with path.open("rb") as f:
        mime = sniff.sniff_bytes(f.read(sniff.HEAD_BYTES))
    kind = mime.split("/")[0]
    return (kind, mime) if kind in ("image", "video") else ("unknown", sniff.UNKNOWN)
