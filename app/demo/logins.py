"""The demo logins: printed once when the demo is seeded and kept in `demo-logins.txt`
in the data dir, readable only by its owner, so they can be looked up again later."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

LOGINS_FILE = "demo-logins.txt"
CHANGE_ADVICE = (
    "Change a password with `veil user passwd NAME`, or in the workstation under "
    "Tools > Change password…"
)


class Login(Protocol):
    """A demo account and its password (local or on a hub)."""

    @property
    def username(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def password(self) -> str: ...


def login_lines(logins: Sequence[Login]) -> list[str]:
    """One line per login: role, user name and password."""
    return [
        f"  {d.role:<10} user {d.username:<8} password {d.password or '(existed already)'}"
        for d in logins
    ]


def save_logins(folder: Path, logins: Sequence[Login], advice: str = CHANGE_ADVICE) -> Path:
    """Write the logins to folder/demo-logins.txt, created owner-only (0600) before any
    password is in it; returns its path."""
    path = folder / LOGINS_FILE
    text = "\n".join(["Veil demo logins", *login_lines(logins), advice]) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file keeps its mode through O_CREAT: tighten it too
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    return path


def logins_banner(logins: Sequence[Login], saved: Path, advice: str = CHANGE_ADVICE) -> str:
    """What the terminal shows after seeding: the logins, where they are kept, how to
    change them."""
    head = f"Demo logins (also saved, readable only by you, in {saved}):"
    return "\n".join([head, *login_lines(logins), advice])
