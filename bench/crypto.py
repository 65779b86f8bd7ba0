"""The encrypted media cache against the plain one: a filtered 12 MP photo, 1080p playback.

Target: opening a filtered 12 MP photo (prepare_media: verify, decode at 1600 px, the
default blur 24 + grayscale) and playing a 1080p video (source() with its verifying pass,
then filtered_frames over every frame) from a sealed cache take at most 1.15x the time
of the same from a plain cache. Both caches are built here in one temporary folder from
the same bytes (the 4000 x 3000 JPEG of bench/decode.py, the 1920 x 1080 120-frame clip
of bench/video.py); the sealed store is unlocked with a password as at login. Runs
alternate between the two caches; medians are compared.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.imaging.pipeline import DEFAULT_PIPELINE
from app.imaging.prep import prepare_media
from app.imaging.video import VideoReader, filtered_frames
from bench._util import print_table, verdict
from bench.decode import DISPLAY_SIDE, twelve_megapixel_jpeg
from bench.filters import interleaved
from bench.video import write_clip
from db.blobs import BlobStore
from db.keyring import Keyring

LIMIT = 1.15


def caches(folder: Path, photo: bytes, clip: Path) -> tuple[BlobStore, BlobStore, str, str]:
    """A plain and a sealed (unlocked) cache holding the same photo and clip."""
    plain = BlobStore(folder / "plain")
    sealed = BlobStore(folder / "sealed" / "media", Keyring(folder / "sealed" / "keyring.json"))
    assert sealed.keyring is not None
    sealed.keyring.create("bench", "bench-password")
    sealed.unlock(sealed.keyring.unlock("bench", "bench-password"))
    shas = set()
    for blobs in (plain, sealed):
        shas.add((blobs.put_bytes(photo), blobs.put_file(clip)[0]))
    assert len(shas) == 1 and sealed.is_sealed(next(iter(shas))[0])
    photo_sha, clip_sha = shas.pop()
    return plain, sealed, photo_sha, clip_sha


def open_photo(blobs: BlobStore, sha: str) -> object:
    """What the viewer does for a picture: verify, decode at display size, filter."""
    return prepare_media(blobs, sha, DEFAULT_PIPELINE, DISPLAY_SIDE).filtered


def play(blobs: BlobStore, sha: str) -> int:
    """Play a video through the filtered playback loop; returns the frame count."""
    with VideoReader(blobs.source(sha), max_side=1920) as reader:
        return sum(1 for _ in filtered_frames(reader, DEFAULT_PIPELINE))


def run() -> None:
    """Time both caches side by side; print a table and the verdict lines."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clip = write_clip(folder / "clip.mp4")
        plain, sealed, photo_sha, clip_sha = caches(folder, twelve_megapixel_jpeg(), clip)
        photo = interleaved(
            {
                "plain": lambda: open_photo(plain, photo_sha),
                "sealed": lambda: open_photo(sealed, photo_sha),
            },
            rounds=15,
        )
        frames = play(plain, clip_sha)
        video = interleaved(
            {"plain": lambda: play(plain, clip_sha), "sealed": lambda: play(sealed, clip_sha)},
            rounds=5,
        )
    photo_ratio = photo["sealed"] / photo["plain"]
    video_ratio = video["sealed"] / video["plain"]
    print_table(
        ["task", "plain ms", "sealed ms", "ratio"],
        [
            [
                "12 MP photo, filtered 1600 px",
                photo["plain"] * 1e3,
                photo["sealed"] * 1e3,
                photo_ratio,
            ],
            [
                f"1080p video, {frames} frames",
                video["plain"] * 1e3,
                video["sealed"] * 1e3,
                video_ratio,
            ],
        ],
    )
    print(verdict("sealed / plain, filtered 12 MP photo", photo_ratio, LIMIT, at_most=True))
    print(verdict("sealed / plain, 1080p playback", video_ratio, LIMIT, at_most=True))
