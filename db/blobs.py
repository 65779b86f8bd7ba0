"""Content-addressed blob store: media files kept under their SHA-256, verified on read.

With a keyring (db/keyring.py) every blob written is sealed to the store's public key
(db/blobcrypt.py) and read back only while a person has unlocked the store: `source()`
hands decoders a verified, seekable reader of the plain bytes, decrypted in memory.
Blobs written before the store had a key stay plain until `seal_in_place` migrates them.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from db.blobcrypt import Opener, Sealer, SealError, is_sealed
from db.keyring import Keyring

CHUNK = 1 << 20


class BlobCorrupt(Exception):
    """A blob whose bytes no longer match its hash; it must never be shown."""

    def __init__(self, sha256: str, actual: str, reason: str = "") -> None:
        why = reason or f"its content hashes to {actual[:12]}…"
        super().__init__(f"blob {sha256[:12]}… is corrupt: {why}")
        self.sha256 = sha256
        self.actual = actual


class BlobMissing(Exception):
    """No blob with that hash is stored here (yet: it may still come from the hub)."""


class BlobLocked(Exception):
    """The blob is encrypted and nobody has unlocked the store's media key (log in)."""


class BlobSource:
    """A verified blob for a decoder: `open_reader()` gives a fresh seekable reader of its
    plain bytes (the file itself, or an in-memory decrypting reader); no suffix."""

    suffix = ""

    def __init__(self, sha256: str, opener: Callable[[], BinaryIO]) -> None:
        self.sha256 = sha256
        self.name = f"blob {sha256[:12]}…"
        self._opener = opener

    def open_reader(self) -> BinaryIO:
        """A new reader positioned at the start (close it when done)."""
        return self._opener()


class BlobStore:
    """Blobs as files at root/ab/cdef…, written atomically, verified when read; sealed
    when the store has a keyring."""

    def __init__(self, root: Path, keyring: Keyring | None = None) -> None:
        self.root = root
        self.keyring = keyring
        self._opener: Opener | None = None
        self._private: X25519PrivateKey | None = None
        root.mkdir(mode=0o700, parents=True, exist_ok=True)

    @property
    def encrypted(self) -> bool:
        """Whether new blobs are sealed (the store has a media key)."""
        return self.keyring is not None and self.keyring.exists()

    @property
    def unlocked(self) -> bool:
        """Whether sealed blobs can be read now."""
        return self._opener is not None

    def unlock(self, private: X25519PrivateKey) -> None:
        """Hold the store's private key in memory so sealed blobs can be read."""
        self._opener = Opener(private)
        self._private = private

    def lock(self) -> None:
        """Forget the private key (a person logged out or was disabled)."""
        self._opener = None
        self._private = None

    @property
    def private_key(self) -> X25519PrivateKey | None:
        """The unlocked key (in memory only), or None while locked."""
        return self._private

    def _sealer(self) -> Sealer | None:
        return Sealer(self.keyring.public_key()) if self.keyring and self.encrypted else None

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
        sealer = self._sealer()
        if sealer is not None:
            with source.open("rb") as src:
                size = os.fstat(src.fileno()).st_size
                return self._put_sealed(sealer, src, size), size
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
        sealer = self._sealer()
        if sealer is not None:
            return self._put_sealed(sealer, io.BytesIO(data), len(data))
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            return self._commit(Path(tmp_name), hashlib.sha256(data).hexdigest())
        finally:
            Path(tmp_name).unlink(missing_ok=True)

    def _put_sealed(self, sealer: Sealer, source: BinaryIO, size: int) -> str:
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                sha256 = sealer.seal_stream(source, size, out)
                out.flush()
                os.fsync(out.fileno())
            return self._commit(Path(tmp_name), sha256)
        finally:
            Path(tmp_name).unlink(missing_ok=True)

    def source(self, sha256: str) -> BlobSource:
        """The blob checked against its hash, ready for a decoder.

        Raises:
            BlobMissing: not stored here.
            BlobCorrupt: stored, but the bytes do not match (or do not decrypt).
            BlobLocked: sealed, and the store is locked.
        """
        path = self._existing(sha256)
        if not is_sealed(path):
            self._check(sha256, file_sha256(path))
            return BlobSource(sha256, lambda: path.open("rb"))
        opener = self._opener
        if opener is None:
            raise BlobLocked(f"blob {sha256[:12]}… is encrypted: log in to unlock the media")
        try:
            self._check(sha256, opener.verify(path))
        except SealError as exc:
            raise BlobCorrupt(sha256, "", f"it does not decrypt ({exc})") from exc
        return BlobSource(sha256, lambda: cast(BinaryIO, opener.reader(path)))

    def verified_path(self, sha256: str) -> Path:
        """The path of a plain blob after checking its bytes against the hash (for
        stores without a key); a sealed blob has no plain file: use source().

        Raises:
            BlobMissing: not stored here.
            BlobCorrupt: stored, but the bytes do not match.
            BlobLocked: the blob is sealed.
        """
        path = self._existing(sha256)
        if is_sealed(path):
            raise BlobLocked(f"blob {sha256[:12]}… is encrypted: read it with source()")
        self._check(sha256, file_sha256(path))
        return path

    def read(self, sha256: str) -> bytes:
        """The blob's bytes, verified (decrypted in memory when sealed)."""
        with self.source(sha256).open_reader() as reader:
            return reader.read()

    def stored(self) -> Iterator[str]:
        """The hash of every blob stored here."""
        for path in sorted(self.root.glob("[0-9a-f][0-9a-f]/*")):
            if len(path.parent.name + path.name) == 64:
                yield path.parent.name + path.name

    def is_sealed(self, sha256: str) -> bool:
        """Whether that stored blob is encrypted."""
        return is_sealed(self._existing(sha256))

    def seal_in_place(self, sha256: str) -> bool:
        """Encrypt one plain blob in place (checked against its hash first); whether it
        was plain. The plain file is replaced atomically by the sealed one."""
        sealer = self._sealer()
        if sealer is None:
            raise BlobLocked("this store has no media key yet: nothing can be sealed")
        path = self._existing(sha256)
        if is_sealed(path):
            return False
        self._check(sha256, file_sha256(path))
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".sealing-")
        try:
            with os.fdopen(fd, "wb") as out, path.open("rb") as src:
                sealer.seal_stream(src, os.fstat(src.fileno()).st_size, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp_name, path)
        finally:
            Path(tmp_name).unlink(missing_ok=True)
        return True

    def remove(self, sha256: str) -> bool:
        """Delete a blob from this cache; whether it was there."""
        path = self.path_of(sha256)
        if not path.exists():
            return False
        path.unlink()
        return True

    def _existing(self, sha256: str) -> Path:
        path = self.path_of(sha256)
        if not path.exists():
            raise BlobMissing(f"blob {sha256[:12]}… is not in the local media cache")
        return path

    @staticmethod
    def _check(sha256: str, actual: str) -> None:
        if actual != sha256:
            raise BlobCorrupt(sha256, actual)

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
