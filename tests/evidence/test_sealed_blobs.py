"""Sealed blobs: read back whole and by seeking, refused when changed, swapped or locked;
a video plays from memory frame for frame like its plain file."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from app.imaging.video import VideoReader
from db.blobcrypt import CHUNK, HEADER_SIZE, TAG
from db.blobs import BlobCorrupt, BlobLocked, BlobStore
from db.keyring import Keyring, KeyringError


@pytest.fixture
def sealed(tmp_path: Path) -> BlobStore:
    blobs = BlobStore(tmp_path / "media", Keyring(tmp_path / "keyring.json"))
    assert blobs.keyring is not None
    blobs.unlock(blobs.keyring.create("mo", "password-1"))
    return blobs


def test_round_trip_across_chunks_and_seeks(sealed: BlobStore) -> None:
    data = np.random.default_rng(1).integers(0, 256, 2 * CHUNK + 777, np.uint8).tobytes()
    sha = sealed.put_bytes(data)
    assert sealed.read(sha) == data and sealed.is_sealed(sha)
    assert sealed.path_of(sha).stat().st_size == HEADER_SIZE + len(data) + 3 * TAG
    with sealed.source(sha).open_reader() as reader:
        reader.seek(CHUNK - 5)
        assert reader.read(10) == data[CHUNK - 5 : CHUNK + 5]
        reader.seek(-3, 2)
        assert reader.read() == data[-3:]
    assert sealed.read(sealed.put_bytes(b"")) == b""


def test_a_changed_byte_or_a_swapped_file_is_refused(sealed: BlobStore) -> None:
    first, second = sealed.put_bytes(b"first media" * 100), sealed.put_bytes(b"other" * 50)
    path = sealed.path_of(first)
    raw = bytearray(path.read_bytes())
    raw[HEADER_SIZE + 3] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(BlobCorrupt, match="does not decrypt"):
        sealed.read(first)
    path.write_bytes(sealed.path_of(second).read_bytes())  # valid, but not these bytes
    with pytest.raises(BlobCorrupt, match="hashes to"):
        sealed.read(first)
    path.write_bytes(sealed.path_of(second).read_bytes()[:-1])
    with pytest.raises(BlobCorrupt):
        sealed.read(first)


def test_locked_store_writes_but_cannot_read(sealed: BlobStore) -> None:
    sealed.lock()
    sha = sealed.put_bytes(b"fetched while locked")
    with pytest.raises(BlobLocked, match="log in"):
        sealed.read(sha)
    assert sealed.keyring is not None
    with pytest.raises(KeyringError):
        sealed.keyring.unlock("mo", "password-2")
    with pytest.raises(KeyringError, match="holds no copy"):
        sealed.keyring.unlock("someone", "password-1")
    sealed.unlock(sealed.keyring.unlock("mo", "password-1"))
    assert sealed.read(sha) == b"fetched while locked"


def test_a_sealed_video_plays_like_the_plain_file(sealed: BlobStore, tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"mp4v"), 10.0, (160, 96))
    for i in range(12):
        writer.write(np.full((96, 160, 3), (i * 20, 40, 200 - i * 10), np.uint8))
    writer.release()
    sha, _ = sealed.put_file(clip)
    with VideoReader(clip, 160) as plain, VideoReader(sealed.source(sha), 160) as secret:
        assert (secret.frame_count, secret.fps) == (plain.frame_count, plain.fps)
        assert all(
            np.array_equal(a, b) for a, b in zip(plain.frames(), secret.frames(), strict=True)
        )
        assert np.array_equal(plain.read(7), secret.read(7))
