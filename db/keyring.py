"""The store's media key, wrapped per person: only a person's own password unwraps it.

`keyring.json` (owner-only, beside the store) holds the store's X25519 public key in the
clear (media is sealed to it, app/db/blobcrypt.py) and, per person, the private key
wrapped with AES-256-GCM under a key scrypt derives from that person's password. A wrong
password fails the tag and unwraps nothing; the unwrapped key lives in memory only.

A person who logs in here for the first time while nobody holding the key is logged in
cannot be given it (nobody can unwrap it): they leave a request, a key pair of their own
wrapped with their password, and the next holder who logs in seals the store key to it;
at their next login they claim it and hold it like everyone else.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from db.blobcrypt import derive_key, raw_public

VERSION = 1
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
_PRIVATE_RAW = (
    serialization.Encoding.Raw,
    serialization.PrivateFormat.Raw,
    serialization.NoEncryption(),
)


class KeyringError(Exception):
    """The keyring cannot give this person the key (no copy, wrong password, damaged)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: Any, field: str) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError:
        raise KeyringError(f"keyring: field {field} is not base64") from None


def private_raw(key: X25519PrivateKey) -> bytes:
    """The 32 raw bytes of a private key."""
    return key.private_bytes(*_PRIVATE_RAW)


def _kek(password: str, kdf: dict[str, Any]) -> AESGCM:
    try:
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        salt = _unb64(kdf["salt"], "kdf.salt")
    except (KeyError, TypeError, ValueError):
        raise KeyringError("keyring: kdf must have n, r, p and salt") from None
    if not (2**14 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
        raise KeyringError(f"keyring: scrypt parameters n={n} r={r} p={p} are out of range")
    derived = hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=256 * 1024 * 1024
    )
    return AESGCM(derived)


def wrap(secret: bytes, username: str, password: str) -> dict[str, Any]:
    """secret wrapped under the person's password (fresh salt and nonce)."""
    kdf = {**SCRYPT, "salt": _b64(os.urandom(16))}
    nonce = os.urandom(12)
    sealed = _kek(password, kdf).encrypt(nonce, secret, _aad(username))
    return {"kdf": kdf, "nonce": _b64(nonce), "wrapped": _b64(sealed)}


def unwrap(entry: dict[str, Any], username: str, password: str) -> bytes:
    """The secret in entry; KeyringError when the password is wrong or it is damaged."""
    aead = _kek(password, entry.get("kdf") or {})
    try:
        return aead.decrypt(
            _unb64(entry.get("nonce"), "nonce"),
            _unb64(entry.get("wrapped"), "wrapped"),
            _aad(username),
        )
    except InvalidTag:
        raise KeyringError(f"{username}'s password does not unlock the media key") from None


def _aad(username: str) -> bytes:
    return b"veil keyring v1|" + username.encode()


class Keyring:
    """keyring.json: the public key, each holder's wrapped copy, open requests, grants."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        """Whether this store encrypts its media (a key pair was made)."""
        return self.path.exists()

    def load(self) -> dict[str, Any]:
        """The validated file content (KeyringError naming what is wrong)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise KeyringError(f"{self.path}: cannot be read as JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise KeyringError(f"{self.path}: field version must be {VERSION}")
        for field in ("holders", "requests", "grants"):
            if not isinstance(data.get(field), dict):
                raise KeyringError(f"{self.path}: field {field} must be an object")
        _unb64(data.get("public"), "public")
        return data

    def public_key(self) -> X25519PublicKey:
        """The key media is sealed to."""
        return X25519PublicKey.from_public_bytes(_unb64(self.load()["public"], "public"))

    def create(self, username: str, password: str) -> X25519PrivateKey:
        """Make the store's key pair, held by username; KeyringError if one exists."""
        if self.exists():
            raise KeyringError(f"{self.path} exists: this store already has a media key")
        private = X25519PrivateKey.generate()
        data = {
            "version": VERSION,
            "public": _b64(raw_public(private.public_key())),
            "holders": {username: wrap(private_raw(private), username, password)},
            "requests": {},
            "grants": {},
        }
        self._save(data)
        return private

    def holders(self) -> list[str]:
        """Who holds a wrapped copy."""
        return sorted(self.load()["holders"])

    def requests(self) -> list[str]:
        """Who asked for the key and has not been granted it yet."""
        data = self.load()
        return sorted(set(data["requests"]) - set(data["grants"]))

    def unlock(self, username: str, password: str) -> X25519PrivateKey:
        """The store key from username's copy (KeyringError: no copy or wrong password)."""
        entry = self.load()["holders"].get(username)
        if entry is None:
            raise KeyringError(f"{username} holds no copy of the media key on this workstation")
        return self._checked(unwrap(entry, username, password))

    def add_holder(self, private: X25519PrivateKey, username: str, password: str) -> None:
        """Give username a copy wrapped with their password (the key is unlocked here)."""
        data = self.load()
        data["holders"][username] = wrap(private_raw(private), username, password)
        data["requests"].pop(username, None)
        data["grants"].pop(username, None)
        self._save(data)

    def request(self, username: str, password: str) -> None:
        """Leave a request: a key pair of username's own, its private half wrapped."""
        data = self.load()
        own = X25519PrivateKey.generate()
        data["requests"][username] = {
            "public": _b64(raw_public(own.public_key())),
            **wrap(private_raw(own), username, password),
        }
        data["grants"].pop(username, None)
        self._save(data)

    def grant_requests(self, private: X25519PrivateKey) -> list[str]:
        """Seal the store key to every open request; returns who was granted it."""
        data = self.load()
        granted = []
        for username, ask in data["requests"].items():
            if username in data["grants"]:
                continue
            recipient = X25519PublicKey.from_public_bytes(_unb64(ask["public"], "public"))
            ephemeral = X25519PrivateKey.generate()
            eph_raw = raw_public(ephemeral.public_key())
            aead = derive_key(ephemeral.exchange(recipient), eph_raw, raw_public(recipient))
            nonce = os.urandom(12)
            sealed = aead.encrypt(nonce, private_raw(private), _aad(username))
            data["grants"][username] = {
                "ephemeral": _b64(eph_raw),
                "nonce": _b64(nonce),
                "sealed": _b64(sealed),
            }
            granted.append(username)
        if granted:
            self._save(data)
        return granted

    def claim(self, username: str, password: str) -> X25519PrivateKey | None:
        """The store key from a grant to username's request (then held as a copy of their
        own); None while nobody has granted it. KeyringError on a wrong password."""
        data = self.load()
        ask, grant = data["requests"].get(username), data["grants"].get(username)
        if ask is None or grant is None:
            return None
        own = X25519PrivateKey.from_private_bytes(unwrap(ask, username, password))
        eph_raw = _unb64(grant["ephemeral"], "ephemeral")
        shared = own.exchange(X25519PublicKey.from_public_bytes(eph_raw))
        aead = derive_key(shared, eph_raw, raw_public(own.public_key()))
        try:
            secret = aead.decrypt(
                _unb64(grant["nonce"], "nonce"), _unb64(grant["sealed"], "sealed"), _aad(username)
            )
        except InvalidTag:
            raise KeyringError(f"the media key granted to {username} is damaged") from None
        private = self._checked(secret)
        self.add_holder(private, username, password)
        return private

    def remove(self, username: str) -> bool:
        """Drop every copy and request of username's; whether there was one."""
        data = self.load()
        found = False
        for field in ("holders", "requests", "grants"):
            found = data[field].pop(username, None) is not None or found
        if found:
            self._save(data)
        return found

    def _checked(self, secret: bytes) -> X25519PrivateKey:
        private = X25519PrivateKey.from_private_bytes(secret)
        if raw_public(private.public_key()) != raw_public(self.public_key()):
            raise KeyringError("the unwrapped key does not match this store's public key")
        return private

    def _save(self, data: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".keyring-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        finally:
            Path(tmp).unlink(missing_ok=True)
