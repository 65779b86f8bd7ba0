"""Media encrypted at rest: one blob sealed to the store's public key, read back in memory.

A sealed blob is `MAGIC | ephemeral X25519 public key | chunk size | plain size` and then
the media in chunks, each AES-256-GCM with a tag. The blob key comes from an X25519
exchange between a fresh ephemeral key and the store's key pair (HKDF-SHA256), so media
can be written while the store is locked (a sync or an intake needs only the public key)
and read only once a person has unlocked the private key at login. A fresh key per blob
lets the chunk index be the nonce; the last chunk carries a final flag, and the header is
authenticated with every chunk, so a truncated, re-ordered or resized blob fails.

Decryption is in memory only: `SealedReader` is a seekable file object that decrypts the
chunks a decoder asks for (PIL, OpenCV's stream reader), never a temporary file.
"""

from __future__ import annotations

import hashlib
import io
import struct
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"VEILBLB1"
_HEAD = struct.Struct(">8s32sIQ")
HEADER_SIZE = _HEAD.size
TAG = 16
CHUNK = 1 << 20
_INFO = b"veil media at rest v1"
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


class SealError(OSError):
    """A sealed blob that does not decrypt: damaged, truncated, or for another key."""


def raw_public(key: X25519PublicKey) -> bytes:
    """The 32 raw bytes of a public key."""
    return key.public_bytes(*_RAW)


def is_sealed(path: Path) -> bool:
    """Whether the file starts like a sealed blob (plain media from before encryption
    does not)."""
    with path.open("rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def derive_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> AESGCM:
    """The AES-GCM key HKDF makes from an X25519 exchange and both public keys."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + ephemeral + recipient)
    return AESGCM(hkdf.derive(shared))


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


class Sealer:
    """Writes sealed blobs to one recipient public key (the store's)."""

    def __init__(self, recipient: X25519PublicKey) -> None:
        self.recipient = recipient

    def seal_stream(self, source: BinaryIO, size: int, out: BinaryIO) -> str:
        """Encrypt `size` bytes from source into out; returns their plain SHA-256."""
        ephemeral = X25519PrivateKey.generate()
        eph_raw = raw_public(ephemeral.public_key())
        aead = derive_key(ephemeral.exchange(self.recipient), eph_raw, raw_public(self.recipient))
        header = _HEAD.pack(MAGIC, eph_raw, CHUNK, size)
        out.write(header)
        digest = hashlib.sha256()
        count = chunk_count(size, CHUNK)
        for index in range(count):
            chunk = source.read(min(CHUNK, size - index * CHUNK))
            digest.update(chunk)
            out.write(aead.encrypt(_nonce(index, index == count - 1), chunk, header))
        return digest.hexdigest()


def chunk_count(size: int, chunk: int) -> int:
    """How many chunks a blob of size bytes has (an empty one has one, empty)."""
    return max(1, -(-size // chunk))


class Opener:
    """Reads sealed blobs with the store's private key (held in memory while unlocked)."""

    def __init__(self, private: X25519PrivateKey) -> None:
        self._private = private
        self._public = raw_public(private.public_key())

    def reader(self, path: Path) -> SealedReader:
        """A seekable in-memory reader of the blob at path (SealError if it is not ours)."""
        return SealedReader(path, self)

    def verify(self, path: Path) -> str:
        """Decrypt every chunk (nothing kept) and return the plain SHA-256."""
        digest = hashlib.sha256()
        with self.reader(path) as reader:
            for chunk in reader.chunks():
                digest.update(chunk)
        return digest.hexdigest()

    def _key_for(self, header: bytes) -> tuple[AESGCM, int, int]:
        magic, ephemeral, chunk, size = _HEAD.unpack(header)
        if magic != MAGIC or not 0 < chunk <= 1 << 26:
            raise SealError("not a sealed media blob")
        shared = self._private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        return derive_key(shared, ephemeral, self._public), chunk, size


class SealedReader(io.BufferedIOBase):
    """A sealed blob as a read-only, seekable file of its plain bytes, decrypted a chunk
    at a time as read (the last few chunks kept, for decoders that seek back and forth)."""

    def __init__(self, path: Path, opener: Opener, cache: int = 4) -> None:
        super().__init__()
        self._file = path.open("rb")
        try:
            self._header = self._file.read(HEADER_SIZE)
            if len(self._header) != HEADER_SIZE:
                raise SealError("sealed media blob is truncated (no header)")
            self._aead, self._chunk, self.size = opener._key_for(self._header)
        except BaseException:
            self._file.close()
            raise
        self._count = chunk_count(self.size, self._chunk)
        self._cache: OrderedDict[int, bytes] = OrderedDict()
        self._keep = cache
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._pos < self.size:
            index, within = divmod(self._pos, self._chunk)
            plain = self._plain(index)
            take = min(len(view) - done, len(plain) - within)
            view[done : done + take] = plain[within : within + take]
            done += take
            self._pos += take
        return done

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = max(0, self.size - self._pos)
        buffer = bytearray(min(size, max(0, self.size - self._pos)))
        return bytes(buffer[: self.readinto(buffer)])

    def read1(self, size: int | None = -1) -> bytes:
        return self.read(size)

    def chunks(self) -> Iterator[bytes]:
        """Every chunk's plain bytes in order (for a verifying pass)."""
        for index in range(self._count):
            yield self._decrypt(index)

    def _plain(self, index: int) -> bytes:
        cached = self._cache.get(index)
        if cached is None:
            cached = self._cache[index] = self._decrypt(index)
            if len(self._cache) > self._keep:
                self._cache.popitem(last=False)
        return cached

    def _decrypt(self, index: int) -> bytes:
        final = index == self._count - 1
        want = (self.size - index * self._chunk if final else self._chunk) + TAG
        self._file.seek(HEADER_SIZE + index * (self._chunk + TAG))
        sealed = self._file.read(want)
        try:
            if len(sealed) != want:
                raise InvalidTag
            return self._aead.decrypt(_nonce(index, final), sealed, self._header)
        except InvalidTag:
            raise SealError(
                f"sealed media blob {self._file.name}: chunk {index} is damaged"
            ) from None

    def close(self) -> None:
        if not self.closed:
            self._file.close()
            self._cache.clear()
        super().close()
