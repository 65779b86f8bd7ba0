"""Sign-in protection settings: failure limits, the window, and which proxies are trusted
to name the client address (X-Forwarded-For). Read once from the environment at start-up.
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_FAILURES_ENV = "VEIL_HUB_LOGIN_MAX_FAILURES"
ADDRESS_MAX_FAILURES_ENV = "VEIL_HUB_LOGIN_MAX_FAILURES_PER_ADDRESS"
WINDOW_ENV = "VEIL_HUB_LOGIN_WINDOW"
TRUSTED_PROXIES_ENV = "VEIL_HUB_TRUSTED_PROXIES"
MAX_LOCKOUT_MS = 24 * 3600 * 1000

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures lock an account or an address, within what window (ms), and
    which peers are proxies whose X-Forwarded-For is believed."""

    max_failures: int = 10
    address_max_failures: int = 100
    window_ms: int = 15 * 60 * 1000
    trusted_proxies: tuple[Network, ...] = field(default=())

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LoginPolicy:
        """The policy from VEIL_HUB_LOGIN_* and VEIL_HUB_TRUSTED_PROXIES (defaults where
        unset); ValueError names a bad variable and its rule."""
        env = os.environ if environ is None else environ
        base = cls()
        window = _number(env, WINDOW_ENV, base.window_ms / 1000, low=0.001)
        proxies = []
        for item in filter(None, (p.strip() for p in env.get(TRUSTED_PROXIES_ENV, "").split(","))):
            try:
                proxies.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(
                    f"{TRUSTED_PROXIES_ENV}: {item!r} is not an IP address or network"
                ) from None
        return cls(
            max_failures=int(_number(env, MAX_FAILURES_ENV, base.max_failures, low=1, whole=True)),
            address_max_failures=int(
                _number(env, ADDRESS_MAX_FAILURES_ENV, base.address_max_failures, 1, whole=True)
            ),
            window_ms=max(1, round(window * 1000)),
            trusted_proxies=tuple(proxies),
        )

    def limit(self, key: str) -> int:
        """The failures that lock this key."""
        return self.address_max_failures if key.startswith("addr:") else self.max_failures

    def lockout_ms(self, locks: int) -> int:
        """How long the locks-th lock in a row lasts."""
        return int(
            min(self.window_ms * 2 ** max(0, locks - 1), max(MAX_LOCKOUT_MS, self.window_ms))
        )

    def trusts(self, peer: str) -> bool:
        """Whether peer is a proxy whose X-Forwarded-For is believed."""
        address = _ip(peer)
        return address is not None and any(address in net for net in self.trusted_proxies)


def _number(
    env: Mapping[str, str], name: str, default: float, low: float, whole: bool = False
) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"{name}: expected {kind} of at least {low:g}, got {raw!r}") from None
    if not value >= low or math.isinf(value):
        raise ValueError(f"{name}: expected a number of at least {low:g}, got {raw!r}")
    return value


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: str | None, policy: LoginPolicy) -> str:
    """The address a sign-in comes from: the TCP peer, or, when the peer is a trusted
    proxy, the nearest X-Forwarded-For hop that is not a trusted proxy."""
    current = peer or "unknown"
    if not forwarded_for or not policy.trusts(current):
        return current
    for hop in reversed(forwarded_for.split(",")):
        address = _ip(hop)
        if address is None:
            break  # a hop we cannot read: stop at the last proxy we trust
        current = str(address)
        if not policy.trusts(current):
            break
    return current
