"""How the demo seeders report their steps: one line per step, with its counts."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]


def quiet(_line: str) -> None:
    """A Progress that says nothing (tests, and seeders called from other seeders)."""
