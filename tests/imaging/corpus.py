"""A corpus of bad and awkward media, drawn or derived from the safe sample photos.

Every file is made here, small on disk, in about a second: nothing harmful, nothing
downloaded. build_corpus(dir) returns name -> path; tests map each name to what decode
must say about it.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from app.log.paths import resources_dir

SAMPLES = resources_dir() / "demo"  # the safe sample photos, bundled with their licences


def photo(width: int = 640, height: int = 480) -> np.ndarray:
    """A smooth, photo-like RGB picture with edges (gradients, disc, bars), any size."""
    x = np.arange(width, dtype=np.float32)
    y = np.arange(height, dtype=np.float32)[:, None]
    img = np.empty((height, width, 3), np.uint8)
    img[..., 0] = (127 + 100 * np.sin(x * (6.0 / width))).astype(np.uint8)
    img[..., 1] = (127 + 100 * np.cos(y * (5.0 / height))).astype(np.uint8)
    img[..., 2] = (x * (255 / (width + height)) + y * (255 / (width + height))).astype(np.uint8)
    cv2.circle(img, (width // 3, height // 2), min(width, height) // 5, (220, 40, 40), -1)
    cv2.rectangle(
        img, (width // 2, height // 4), (width * 3 // 4, height * 3 // 4), (20, 60, 200), -1
    )
    return img


def encode(img: np.ndarray, fmt: str, **options: object) -> bytes:
    """img (RGB, or a Pillow mode via options['mode']) encoded by Pillow."""
    buf = BytesIO()
    mode = options.pop("mode", None)
    picture = Image.fromarray(img)
    (picture.convert(str(mode)) if mode else picture).save(buf, fmt, **options)
    return buf.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A well-formed PNG header claiming width x height RGB, with a few rows of data."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    rows = zlib.compress(bytes((1 + 3 * width) * 8), 9)
    return b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"IDAT", rows) + png_chunk(b"IEND", b"")


def write_video(
    path: Path, frames: int, size: tuple[int, int] = (160, 120), fourcc: str = "mp4v"
) -> Path:
    """A video of moving bars through cv2.VideoWriter (frames may be 0)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*fourcc), 25.0, size)
    base = photo(*size)
    for n in range(frames):
        writer.write(np.roll(base, 4 * n, axis=1)[..., ::-1].copy())
    writer.release()
    return path


def many_frames_gif(frames: int = 3000, side: int = 256) -> bytes:
    """An animated GIF of `frames` frames that differ only in one small moving square."""
    base = Image.fromarray(photo(side, side)).quantize(64)
    pictures = []
    for n in range(frames):
        frame = base.copy()
        x = (n * 3) % (side - 8)
        frame.paste(n % 64, (x, (n // 80) % (side - 8), x + 8, (n // 80) % (side - 8) + 8))
        pictures.append(frame)
    buf = BytesIO()
    pictures[0].save(
        buf, "GIF", save_all=True, append_images=pictures[1:], duration=40, optimize=False
    )
    return buf.getvalue()


def _cmyk_jpeg() -> bytes:
    return encode(photo(320, 240), "JPEG", mode="CMYK", quality=90)


def _png16() -> bytes:
    gray = (np.linspace(0, 65535, 256 * 192).reshape(192, 256)).astype(np.uint16)
    buf = BytesIO()
    Image.fromarray(gray).save(buf, "PNG")
    return buf.getvalue()


def _rgb16_png() -> bytes:
    rgb16 = photo(256, 192).astype(np.uint16) * 257
    ok, data = cv2.imencode(".png", rgb16[..., ::-1])
    assert ok
    return data.tobytes()


def _rgba_png() -> bytes:
    rgba = np.zeros((100, 120, 4), np.uint8)
    rgba[..., 0] = 255
    rgba[:, 60:, 3] = 255  # left half fully transparent, right half opaque red
    return encode(rgba, "PNG")


def _palette_png() -> bytes:
    picture = Image.fromarray(photo(120, 100)).quantize(16)
    buf = BytesIO()
    picture.save(buf, "PNG", transparency=0)
    return buf.getvalue()


_BUILDERS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "zero_byte": ("empty.jpg", lambda: b""),
    "truncated_jpeg": ("truncated.jpg", lambda: encode(photo(), "JPEG", quality=90)[:6000]),
    "truncated_png": ("truncated.png", lambda: encode(photo(), "PNG")[:5000]),
    "png_named_jpg": ("really_a_png.jpg", lambda: encode(photo(200, 150), "PNG")),
    "bomb_png": ("bomb.png", bomb_png),
    "corrupt_video": ("corrupt.mp4", lambda: b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40),
    "cmyk_jpeg": ("cmyk.jpg", _cmyk_jpeg),
    "png16": ("gray16.png", _png16),
    "rgb16_png": ("rgb16.png", _rgb16_png),
    "rgba_png": ("rgba.png", _rgba_png),
    "palette_png": ("palette.png", _palette_png),
    "la_png": ("la.png", lambda: encode(photo(64, 48), "PNG", mode="LA")),
    "many_frames_gif": ("many_frames.gif", many_frames_gif),
    "huge_valid": ("huge.jpg", lambda: encode(photo(7000, 5000), "JPEG", quality=80)),
    "text_as_png": ("notes.png", lambda: b"This is a plain text file, not a picture.\n" * 20),
    "garbage_bin": ("blob.bin", lambda: bytes(range(256)) * 8),
}


def build_corpus(dir: Path) -> dict[str, Path]:
    """Write every corpus file into dir; returns name -> path."""
    dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (filename, build) in _BUILDERS.items():
        paths[name] = dir / filename
        paths[name].write_bytes(build())
    paths["video"] = write_video(dir / "video.mp4", 30)
    paths["zero_frame_video"] = write_video(dir / "zero_frames.avi", 0, fourcc="MJPG")
    truncated = paths["video"].read_bytes()
    paths["truncated_video"] = dir / "truncated.mp4"
    paths["truncated_video"].write_bytes(truncated[: len(truncated) // 2])
    return paths


def numbered(index: int, size: tuple[int, int] = (64, 48)) -> np.ndarray:
    """A BGR frame showing its index in binary: column b white when bit b is set."""
    w, h = size
    frame = np.zeros((h, w, 3), np.uint8)
    for bit in range(8):
        if index >> bit & 1:
            frame[:, bit * 8 : bit * 8 + 8] = 255
    return frame


def index_of(rgb: np.ndarray) -> int:
    """The index numbered() drew (decoded frames are display-sized, same 64 x 48)."""
    return sum(1 << bit for bit in range(8) if rgb[24, bit * 8 + 4].mean() > 128)


def strip_duration(mkv: bytes) -> bytes:
    """The Matroska file with its Segment Duration replaced by a Void element of the same
    length: what a browser's MediaRecorder writes, a stream with no length."""
    at = mkv.find(b"\x44\x89\x88")  # Duration, 8-byte float
    assert at > 0
    return mkv[:at] + b"\xec\x89" + bytes(9) + mkv[at + 11 :]


def write_no_length(path: Path, frames: int) -> Path:
    """`frames` numbered frames (64 x 48, MJPG) in a Matroska file with no length."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 25.0, (64, 48))
    for index in range(frames):
        writer.write(numbered(index))
    writer.release()
    path.write_bytes(strip_duration(path.read_bytes()))
    return path
