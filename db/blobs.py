"""Content-addressed blob store: media files kept under their SHA-256, verified on read."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

CHUNK = 1 << 20


class BlobCorrupt(Exception):
    """A blob whose bytes no longer match its hash; it must never be shown."""

    def __init__(self, sha256: str, actual: str) -> None:
        super().__init__(f"blob {sha256[:12]}… is corrupt: its content hashes to {actual[:12]}…")
        self.sha256 = sha256
        self.actual = actual


class BlobMissing(Exception):
    """No blob with that hash is stored here (yet: it may still come from the hub)."""


class BlobStore:
    """Blobs as files at root/ab/cdef…, written atomically, verified when read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(mode=0o700, parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        """Where the blob with this hash lives (whether or not it exists)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        """True when the blob is stored (not verified)."""
        return self.path_of(sha256).exists()

    def put_file(self, source: Path) -> tuple[str, int]:
        """Copy a file in; returns (sha256, size). Storing the same bytes twice is a no-op."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            return self._commit(Path(tmp_name), digest.hexdigest()), size
        finally:
            Path(tmp_name).unlink(missing_ok=True)

    def put_bytes(self, data: bytes) -> str:
        """Store bytes; returns their sha256."""
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            return self._commit(Path(tmp_name), hashlib.sha256(data).hexdigest())
        finally:
            Path(tmp_name).unlink(missing_ok=True)

    def verified_path(self, sha256: str) -> Path:
        """The blob's path after checking its bytes against the hash.

        Raises:
            BlobMissing: not stored here.
            BlobCorrupt: stored, but the bytes do not match.
        """
        path = self.path_of(sha256)
        if not path.exists():
            raise BlobMissing(f"blob {sha256[:12]}… is not in the local media cache")
        actual = file_sha256(path)
        if actual != sha256:
            raise BlobCorrupt(sha256, actual)
        return path

    def read(self, sha256: str) -> bytes:
        """The blob's bytes, verified."""
        return self.verified_path(sha256).read_bytes()

    def _commit(self, tmp: Path, sha256: str) -> str:
        final = self.path_of(sha256)
        if not final.exists():
            final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.replace(tmp, final)
        return sha256


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
