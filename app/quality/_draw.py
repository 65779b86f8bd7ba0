"""Keyed, reproducible coin flips: HMAC-SHA256 of a secret seed and a message -> [0, 1).

Reviewers know event ids and queue positions but not the seed, so they cannot tell
which of their decisions will be audited or which case is gold; anyone holding the seed
can recompute every pick, which makes a selection auditable after the fact.
"""

from __future__ import annotations

import hmac

MIN_SEED_BYTES = 16
_MANTISSA_BITS = 53


def check_seed(seed: bytes) -> None:
    """Raise ValueError unless seed is bytes long enough to be a secret."""
    if not isinstance(seed, bytes | bytearray):
        raise ValueError("seed must be bytes")
    if len(seed) < MIN_SEED_BYTES:
        raise ValueError(f"seed must be at least {MIN_SEED_BYTES} bytes, got {len(seed)}")


def unit_draw(seed: bytes, domain: str, message: str) -> float:
    """Uniform draw in [0, 1) from HMAC-SHA256(seed, domain NUL message).

    The domain keeps draws for different purposes (audit, gold) independent even when a
    lead uses one seed for both. The top 53 bits of the digest become the mantissa, so
    every value is exact in a float and strictly below 1.0 (a rate of 1.0 picks all).
    """
    digest = hmac.digest(bytes(seed), f"{domain}\x00{message}".encode(), "sha256")
    top = int.from_bytes(digest[:8], "big") >> (64 - _MANTISSA_BITS)
    return top / (1 << _MANTISSA_BITS)
