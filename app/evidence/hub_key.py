"""The hub's media encrypted at rest, under a key from a file or the environment.

With `VEIL_HUB_BLOB_KEY` (32 bytes, base64) or `VEIL_HUB_BLOB_KEY_FILE` (a file holding
that text, owner-only) set, every blob the hub stores is `MAGIC | nonce | AES-256-GCM`
with the blob's SHA-256 as associated data, so a copied database or backup shows no
media and a row moved to another hash does not decrypt. Rows stored before the key was
set stay readable as they are until `veil evidence hub-seal` encrypts them in place.
"""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, select, update

from db.hub.engine import read_transaction, write_transaction
from db.hub.models import Blob

KEY_ENV = "VEIL_HUB_BLOB_KEY"
KEY_FILE_ENV = "VEIL_HUB_BLOB_KEY_FILE"
MAGIC = b"VEILHUB1"


class HubKeyError(Exception):
    """The hub's blob key is unusable (names the setting and the rule), or a stored blob
    does not decrypt with it."""


def new_key_text() -> str:
    """A fresh key, as the text a key file or the variable holds."""
    return base64.b64encode(AESGCM.generate_key(256)).decode()


def hub_blob_key() -> AESGCM | None:
    """The configured key, or None when the hub stores media plain."""
    return _load(os.environ.get(KEY_ENV), os.environ.get(KEY_FILE_ENV))


@lru_cache(maxsize=4)
def _load(text: str | None, file: str | None) -> AESGCM | None:
    source = KEY_ENV
    if not text and file:
        path, source = Path(file), f"{KEY_FILE_ENV} ({file})"
        try:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                raise HubKeyError(f"{source}: the key file must be owner-only (chmod 600)")
            text = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise HubKeyError(f"{source}: cannot be read ({exc})") from None
    if not text:
        return None
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        raise HubKeyError(f"{source}: the key must be base64") from None
    if len(key) != 32:
        raise HubKeyError(f"{source}: the key must be 32 bytes, got {len(key)}")
    return AESGCM(key)


def seal(key: AESGCM | None, sha256: str, data: bytes) -> bytes:
    """What the hub stores for data: sealed under key, or plain when there is none."""
    if key is None:
        return data
    nonce = os.urandom(12)
    return MAGIC + nonce + key.encrypt(nonce, data, sha256.encode())


def unseal(key: AESGCM | None, sha256: str, stored: bytes) -> bytes:
    """The plain bytes of a stored blob (plain rows pass through)."""
    if not stored.startswith(MAGIC):
        return stored
    if key is None:
        raise HubKeyError(f"blob {sha256[:12]}… is encrypted and the hub has no {KEY_ENV}")
    nonce, body = stored[len(MAGIC) : len(MAGIC) + 12], stored[len(MAGIC) + 12 :]
    try:
        return key.decrypt(nonce, body, sha256.encode())
    except InvalidTag:
        raise HubKeyError(f"blob {sha256[:12]}… does not decrypt with the hub's key") from None


def seal_hub_blobs(engine: Engine, key: AESGCM, progress: Callable[[int, int], None]) -> int:
    """Encrypt every plain blob row in place, one transaction per row; how many."""
    with read_transaction(engine) as conn:
        shas = list(conn.scalars(select(Blob.sha256).order_by(Blob.sha256)))
    sealed = 0
    for done, sha in enumerate(shas, start=1):
        with write_transaction(engine) as conn:
            data = conn.scalar(select(Blob.data).where(Blob.sha256 == sha))
            if data is not None and not bytes(data).startswith(MAGIC):
                stored = seal(key, sha, bytes(data))
                conn.execute(update(Blob).where(Blob.sha256 == sha).values(data=stored))
                sealed += 1
        progress(done, len(shas))
    return sealed
