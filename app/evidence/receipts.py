"""The hub's signed receipts: proof that a device's chain reached a head by a time.

On every push the hub (when it has a signing key) signs the device chain head it now
holds, `(device_id, device_seq, hash, actor, acknowledged_at)`, with Ed25519. The
workstation keeps the latest receipt per device (app/evidence/models.py); an evidence
bundle carries it, so anyone holding the hub's public key can check offline that the
bundled events existed, in that order, by then.

The key comes from `VEIL_HUB_SIGNING_KEY` (a 32-byte Ed25519 seed, base64) or an owner-only
`VEIL_HUB_SIGNING_KEY_FILE` (`veil evidence hub-signing-key FILE` writes one); every hub
process of a team uses the same key. Without one the hub signs nothing.
"""

from __future__ import annotations

import base64
import json
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_ENV = "VEIL_HUB_SIGNING_KEY"
KEY_FILE_ENV = "VEIL_HUB_SIGNING_KEY_FILE"
SIGNED_FIELDS = ("device_id", "device_seq", "hash", "actor", "acknowledged_at")
_RAW_PUBLIC = serialization.Encoding.Raw, serialization.PublicFormat.Raw


class ReceiptKeyError(Exception):
    """The hub's signing key setting is unusable (names the setting and the rule)."""


def new_signing_key_text() -> str:
    """A fresh Ed25519 seed, as a key file or the variable holds it."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


def hub_signing_key() -> Ed25519PrivateKey | None:
    """The configured signing key, or None (the hub then issues no receipts)."""
    return _load(os.environ.get(KEY_ENV), os.environ.get(KEY_FILE_ENV))


@lru_cache(maxsize=4)
def _load(text: str | None, file: str | None) -> Ed25519PrivateKey | None:
    source = KEY_ENV
    if not text and file:
        path, source = Path(file), f"{KEY_FILE_ENV} ({file})"
        try:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                raise ReceiptKeyError(f"{source}: the key file must be owner-only (chmod 600)")
            text = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ReceiptKeyError(f"{source}: cannot be read ({exc})") from None
    if not text:
        return None
    try:
        seed = base64.b64decode(text, validate=True)
        return Ed25519PrivateKey.from_private_bytes(seed)
    except ValueError:
        raise ReceiptKeyError(f"{source}: the key must be a 32-byte seed in base64") from None


def public_text(key: Ed25519PublicKey) -> str:
    """The public key as base64 of its 32 raw bytes."""
    return base64.b64encode(key.public_bytes(*_RAW_PUBLIC)).decode()


def _message(receipt: dict[str, Any]) -> bytes:
    signed = {name: receipt.get(name) for name in SIGNED_FIELDS}
    return b"veil receipt v1\n" + json.dumps(signed, sort_keys=True).encode()


def sign_receipt(
    key: Ed25519PrivateKey, device_id: str, device_seq: int, hash_: str, actor: str, at: str
) -> dict[str, Any]:
    """The signed receipt of one device chain head."""
    receipt: dict[str, Any] = {
        "device_id": device_id,
        "device_seq": device_seq,
        "hash": hash_,
        "actor": actor,
        "acknowledged_at": at,
    }
    receipt["public_key"] = public_text(key.public_key())
    receipt["signature"] = base64.b64encode(key.sign(_message(receipt))).decode()
    return receipt


def receipt_problem(receipt: Any, trusted_public: str | None) -> str | None:
    """Why a receipt does not verify (None when it does) under the trusted key, or under
    the key it names when no trusted key is given."""
    if not isinstance(receipt, dict) or any(f not in receipt for f in SIGNED_FIELDS):
        return f"a receipt must have {', '.join(SIGNED_FIELDS)} and a signature"
    public = trusted_public or receipt.get("public_key")
    if trusted_public and receipt.get("public_key") != trusted_public:
        return "the receipt names another key than the trusted hub key"
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(str(public), validate=True))
        signature = base64.b64decode(str(receipt.get("signature")), validate=True)
        key.verify(signature, _message(receipt))
    except (ValueError, InvalidSignature):
        return "the hub's signature does not verify"
    return None
