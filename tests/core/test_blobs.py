"""Content-addressed media: stored once, verified on every read, tampering reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.blobs import BlobCorrupt, BlobMissing, BlobStore


def test_put_is_idempotent_and_verified(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "media")
    source = tmp_path / "a.bin"
    source.write_bytes(b"hello media")
    sha, size = blobs.put_file(source)
    assert (sha, size) == (blobs.put_file(source)[0], 11)
    assert blobs.read(sha) == b"hello media"
    assert blobs.put_bytes(b"hello media") == sha


def test_tampered_blob_is_reported_never_returned(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "media")
    sha = blobs.put_bytes(b"original bytes")
    blobs.path_of(sha).write_bytes(b"swapped bytes!")
    with pytest.raises(BlobCorrupt, match="corrupt"):
        blobs.read(sha)


def test_missing_and_malformed_hashes(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "media")
    with pytest.raises(BlobMissing):
        blobs.read("0" * 64)
    with pytest.raises(ValueError, match="SHA-256"):
        blobs.path_of("../../etc/passwd")
