"""Still and animated pictures through Pillow, decoded straight to display size."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image, PngImagePlugin
from pillow_heif import register_heif_opener

from app.imaging.media import (
    MAX_ANIMATION_BYTES,
    MAX_ANIMATION_FRAMES,
    MAX_ANIMATION_WORK,
    MAX_REDUCED_JPEG_PIXELS,
    DecodedMedia,
    MediaInput,
    check_pixels,
    open_media,
    pixel_limit,
)
from app.imaging.scale import fit_size, shrink_to

# Pillow's own bomb guard is process-wide; we set it to our largest limit (a JPEG, which
# decodes reduced) as a second line behind check_pixels, which reads each type's header
# before Pillow is asked to and holds every other type to MAX_PIXELS.
Image.MAX_IMAGE_PIXELS = MAX_REDUCED_JPEG_PIXELS
# Colour profiles (iCCP) count against Pillow's limit for decompressed text chunks, 1 MB
# by default; print and camera profiles of 2 to 4 MB are real. 16 MB still stops a
# zip bomb hidden in a chunk.
PngImagePlugin.MAX_TEXT_CHUNK = max(PngImagePlugin.MAX_TEXT_CHUNK, 16 * 1024 * 1024)
PngImagePlugin.MAX_TEXT_MEMORY = max(PngImagePlugin.MAX_TEXT_MEMORY, 64 * 1024 * 1024)
# HEIF/HEIC (phone photos) through pillow-heif; AVIF is Pillow's own (11.3 and later).
register_heif_opener()

# Only the plugin for the sniffed type may open a file: no EPS (Ghostscript), no guessing.
PIL_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/bmp": "BMP",
    "image/tiff": "TIFF",
    "image/webp": "WEBP",
    "image/avif": "AVIF",
    "image/heic": "HEIF",
}
# Formats whose files may hold several pictures; every one is a frame to review (for HEIF
# a burst or gallery, shown like an animation so no picture stays hidden behind the first).
ANIMATED_FORMATS = frozenset({"GIF", "PNG", "WEBP", "AVIF", "HEIF"})
# Transparent areas become a neutral mid-gray: no white flash, no hidden black-on-black.
_BACKDROP = (128, 128, 128)
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})
_BAND_ROWS = 256

_ORIENT: dict[int, Callable[[np.ndarray], np.ndarray]] = {
    2: lambda a: cv2.flip(a, 1),
    3: lambda a: cv2.rotate(a, cv2.ROTATE_180),
    4: lambda a: cv2.flip(a, 0),
    5: lambda a: cv2.transpose(a),
    6: lambda a: cv2.rotate(a, cv2.ROTATE_90_CLOCKWISE),
    7: lambda a: cv2.rotate(cv2.transpose(a), cv2.ROTATE_180),
    8: lambda a: cv2.rotate(a, cv2.ROTATE_90_COUNTERCLOCKWISE),
}


def decode_picture(
    source: MediaInput, mime: str, max_side: int, max_frames: int = MAX_ANIMATION_FRAMES
) -> DecodedMedia:
    """Decode an image or animation to display size; Pillow's errors pass through.

    An animation keeps at most `max_frames` frames (the viewer asks for one and steps
    through the rest with AnimationReader); its frame_count is always the file's."""
    with open_media(source) as f, Image.open(f, formats=[PIL_FORMATS[mime]]) as im:
        check_pixels(*im.size, pixel_limit(mime))
        orientation = orientation_of(im)
        size = (im.height, im.width) if orientation >= 5 else im.size
        if is_animation(im):
            frames, fps = _animation(im, max_side, orientation, max_frames)
            count = getattr(im, "n_frames", len(frames))
            return DecodedMedia("animation", frames, size, count, fps, False, mime)
        frame = _still(im, max_side, orientation)
        return DecodedMedia("image", [frame], size, 1, None, False, mime)


def is_animation(im: Image.Image) -> bool:
    """Whether an open picture holds more than one frame to review."""
    return im.format in ANIMATED_FORMATS and bool(getattr(im, "is_animated", False))


def _still(im: Image.Image, max_side: int, orientation: int) -> np.ndarray:
    target = fit_size(*im.size, max_side)
    # JPEG only (a no-op elsewhere): libjpeg scales by 1/2, 1/4 or 1/8 in the DCT, so a
    # 12 MP photo is never decoded at full size for a 1600 px view, and a 144 MP camera
    # JPEG (allowed past MAX_PIXELS for this reason) is decoded at a fraction of it.
    im.draft("RGB", target)
    check_pixels(*im.size)  # what is really decoded stays within MAX_PIXELS
    return orient(display_pixels(im, target), orientation)


def _animation(
    im: Image.Image, max_side: int, orientation: int, max_frames: int
) -> tuple[list[np.ndarray], float | None]:
    frames: list[np.ndarray] = []
    durations: list[float] = []
    kept_bytes = decoded_pixels = 0
    for index in range(max(1, min(max_frames, MAX_ANIMATION_FRAMES, getattr(im, "n_frames", 1)))):
        im.seek(index)
        check_pixels(*im.size)  # a GIF frame may grow the canvas past its header's size
        target = fit_size(*im.size, max_side)
        kept_bytes += target[0] * target[1] * 3
        decoded_pixels += im.width * im.height
        if frames and (kept_bytes > MAX_ANIMATION_BYTES or decoded_pixels > MAX_ANIMATION_WORK):
            break
        frames.append(orient(display_pixels(im, target), orientation))
        durations.append(float(im.info.get("duration") or 0))
    return frames, fps_of(durations)


def fps_of(durations_ms: list[float]) -> float | None:
    shown = [d for d in durations_ms if d > 0]
    return 1000 * len(shown) / sum(shown) if shown else None


def orientation_of(im: Image.Image) -> int:
    try:
        value = im.getexif().get(0x0112, 1)
    except Exception:
        # Malformed EXIF must not hide the picture; it is shown unrotated instead.
        return 1
    return value if isinstance(value, int) and value in _ORIENT else 1


def orient(rgb: np.ndarray, orientation: int) -> np.ndarray:
    turn = _ORIENT.get(orientation)
    return np.ascontiguousarray(turn(rgb) if turn else rgb)


def display_pixels(im: Image.Image, target: tuple[int, int]) -> np.ndarray:
    """im as RGB uint8 pixels of exactly the target size, C-contiguous and writable."""
    if im.mode.startswith("I") or im.mode == "F":
        pixels = _deep_to_rgb(np.asarray(im))
    else:
        rgb = _rgb_image(im)
        factor = min(rgb.width // target[0], rgb.height // target[1])
        # Box-reduce inside Pillow first: a big PNG then crosses into numpy already small.
        pixels = _to_array(rgb.reduce(factor) if factor >= 2 else rgb)
    return shrink_to(pixels, target)


def _to_array(rgb: Image.Image) -> np.ndarray:
    # np.asarray(image) goes through tobytes, which holds the picture twice at once and,
    # measured on 9 MP, is 4x slower than copying it over in bands of rows.
    out = np.empty((rgb.height, rgb.width, 3), np.uint8)
    for top in range(0, rgb.height, _BAND_ROWS):
        band = rgb.crop((0, top, rgb.width, min(rgb.height, top + _BAND_ROWS)))
        out[top : top + _BAND_ROWS] = np.asarray(band)
    return out


def _rgb_image(im: Image.Image) -> Image.Image:
    """Any 8-bit Pillow mode as RGB: alpha over gray, CMYK and palettes converted."""
    if im.mode == "RGB":
        return im
    if im.mode in _ALPHA_MODES or "transparency" in im.info:
        rgba = im.convert("RGBA")
        backdrop = Image.new("RGB", rgba.size, _BACKDROP)
        backdrop.paste(rgba, (0, 0), rgba)
        return backdrop
    return im.convert("RGB")


def _deep_to_rgb(values: np.ndarray) -> np.ndarray:
    """16-bit, 32-bit integer and float gray pictures as 8-bit RGB."""
    if values.dtype.kind == "f":
        scale = 255.0 if float(values.max(initial=0.0)) <= 1.0 else 1.0
        gray = np.clip(values * scale, 0, 255)
    elif values.dtype.itemsize == 2 or int(values.max(initial=0)) > 255:
        gray = np.clip(values // 257, 0, 255)
    else:
        gray = np.clip(values, 0, 255)
    return cv2.cvtColor(gray.astype(np.uint8), cv2.COLOR_GRAY2RGB)
