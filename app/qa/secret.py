"""The lead's secret seed: what makes audit picks and gold positions unpredictable.

Keyed draws (see `app.quality.sampling` and `app.quality.gold`) are only as secret as
the seed. It lives in a file in the lead's own data dir, readable by the lead alone,
and never in the event log, so it never syncs to a reviewer's workstation. Rules record
a fingerprint of the seed that drew them, so anyone holding the seed later can recompute
and check every pick, and a second lead's workstation knows not to draw with another one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_FILE = "qa-secret.key"
SECRET_BYTES = 32


def lead_secret(data_dir: Path) -> bytes:
    """The seed stored in data_dir, created (owner-only) on first use."""
    path = data_dir / SECRET_FILE
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    seed = secrets.token_bytes(SECRET_BYTES)
    # Create with owner-only permissions from the start: no window where others can read.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(seed.hex() + "\n")
    return seed


def fingerprint(seed: bytes) -> str:
    """A short public name for a seed (it reveals nothing about the seed itself)."""
    return hashlib.sha256(b"veil.qa.fingerprint\x00" + seed).hexdigest()[:16]


def derived_seed(seed: bytes, purpose: str, *parts: str) -> bytes:
    """An independent seed for one purpose (e.g. one queue's gold positions)."""
    message = "\x00".join((purpose, *parts)).encode()
    return hmac.digest(seed, message, "sha256")
