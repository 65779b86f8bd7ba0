"""64-bit perceptual hashes (DCT pHash) of images and of video keyframes.

pHash: the picture in grayscale at 32x32, its 2-D DCT, the top-left 8x8 block of low
frequencies, one bit per coefficient: above the block's median (the DC term left out of
the median) or not. Re-encoding, resizing, slight crops and noise move few bits; different
pictures differ in about half. NEAR_DUPLICATE_DISTANCE is the Hamming distance up to
which two items count as the same picture; tests/review/test_dupes.py measures it on the
demo pictures: crops of 2 % on each side, noise, JPEG at quality 40, half size and
brightening stay within it (crops of 3 % and more may not), and every pair of different
pictures lies outside it.

Why not PDQ: the one Python binding (pdqhash 0.2.8) ships only a source archive that
needs a C++ toolchain on every workstation and in the PyInstaller build; pHash needs
nothing beyond OpenCV and numpy, which Veil already has.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# OpenCV and the decoders load when a hash is first computed: the review folds need only
# to_signed, and they are imported whenever a store opens (before the first case shows).

HASH_BITS = 64
NEAR_DUPLICATE_DISTANCE = 10
KEYFRAMES = 5
# Hashing needs no detail: decode small (JPEG DCT scaling makes this cheap).
DECODE_SIDE = 256


def phash(picture: np.ndarray) -> int:
    """The 64-bit pHash of an RGB or grayscale uint8 picture, as an unsigned int."""
    import cv2
    import numpy as np

    gray = picture if picture.ndim == 2 else cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(gray, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    block = cv2.dct(small)[:8, :8].flatten()
    bits = block > np.median(block[1:])
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


def distance(a: int, b: int) -> int:
    """Hamming distance between two hashes."""
    return (a ^ b).bit_count()


def media_hashes(path: Path, kind: str) -> list[tuple[int, int]]:
    """(frame, hash) for an image (frame 0) or up to KEYFRAMES video keyframes.

    Media that cannot be decoded gets no hashes: it is still imported, and the viewer
    says why it cannot be shown.
    """
    from app.imaging.decode import decode_for_display
    from app.imaging.media import MediaError
    from app.imaging.video import VideoReader

    try:
        if kind == "video":
            with VideoReader(path, DECODE_SIDE) as reader:
                return [(index, phash(frame)) for index, frame in reader.keyframes(KEYFRAMES)]
        decoded = decode_for_display(path, DECODE_SIDE)
        return [(0, phash(decoded.frames[0]))]
    except MediaError:
        return []


def to_signed(value: int) -> int:
    """An unsigned 64-bit hash as the signed integer SQLite stores."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    """The inverse of to_signed."""
    return value + (1 << 64) if value < 0 else value
