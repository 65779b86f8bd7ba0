"""Sign-in protection settings: environment variables, backoff and the client address."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert, select

from app.hub.login_policy import MAX_LOCKOUT_MS, LoginPolicy, client_address
from app.hub.throttle import _sweep
from db.hub.engine import make_engine, upgrade, write_transaction
from db.hub.models import LoginThrottle


def test_policy_from_the_environment() -> None:
    assert LoginPolicy.from_env({}) == LoginPolicy()
    policy = LoginPolicy.from_env(
        {
            "VEIL_HUB_LOGIN_MAX_FAILURES": "3",
            "VEIL_HUB_LOGIN_MAX_FAILURES_PER_ADDRESS": "9",
            "VEIL_HUB_LOGIN_WINDOW": "1.5",
            "VEIL_HUB_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16",
        }
    )
    assert (policy.max_failures, policy.address_max_failures, policy.window_ms) == (3, 9, 1500)
    assert policy.trusts("10.0.0.1") and policy.trusts("192.168.4.4")
    assert not policy.trusts("10.0.0.2") and not policy.trusts("not an address")
    assert policy.limit("user:alice") == 3 and policy.limit("addr:10.0.0.9") == 9


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"VEIL_HUB_LOGIN_MAX_FAILURES": "0"}, "VEIL_HUB_LOGIN_MAX_FAILURES: expected"),
        ({"VEIL_HUB_LOGIN_MAX_FAILURES": "2.5"}, "whole number"),
        ({"VEIL_HUB_LOGIN_WINDOW": "soon"}, "VEIL_HUB_LOGIN_WINDOW"),
        ({"VEIL_HUB_LOGIN_WINDOW": "inf"}, "VEIL_HUB_LOGIN_WINDOW"),
        ({"VEIL_HUB_TRUSTED_PROXIES": "proxy.example"}, "VEIL_HUB_TRUSTED_PROXIES"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        LoginPolicy.from_env(env)


def test_lockouts_in_a_row_back_off() -> None:
    policy = LoginPolicy(window_ms=60_000)
    assert [policy.lockout_ms(n) for n in (1, 2, 3)] == [60_000, 120_000, 240_000]
    assert policy.lockout_ms(40) == MAX_LOCKOUT_MS


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    plain = LoginPolicy()
    assert client_address("203.0.113.5", "198.51.100.7", plain) == "203.0.113.5"
    behind = LoginPolicy.from_env({"VEIL_HUB_TRUSTED_PROXIES": "10.0.0.0/8"})
    assert client_address("10.0.0.1", "198.51.100.7", behind) == "198.51.100.7"
    # A client cannot name itself: the hop the trusted proxy added is the one believed.
    assert client_address("10.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.2", behind) == ("198.51.100.7")
    assert client_address("10.0.0.1", "garbage", behind) == "10.0.0.1"
    assert client_address("203.0.113.5", "198.51.100.7", behind) == "203.0.113.5"
    assert client_address(None, None, plain) == "unknown"


def test_stale_throttle_rows_are_swept(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        upgrade(engine)
        policy, now = LoginPolicy(window_ms=1000), 100_000
        rows = {
            "user:old": (0, None),  # window long over, never locked
            "user:recent": (now - 500, None),  # still counting
            "user:locked": (0, now + 5000),  # still locked
            "addr:old-lock": (0, now - 5000),  # lock long over
        }
        with write_transaction(engine) as conn:
            conn.execute(
                insert(LoginThrottle),
                [
                    {"key": k, "failures": 1, "window_start": w, "locked_until": u, "locks": 1}
                    for k, (w, u) in rows.items()
                ],
            )
            _sweep(conn, policy, now)
            left = set(conn.scalars(select(LoginThrottle.key)))
        assert left == {"user:recent", "user:locked"}
    finally:
        engine.dispose()
