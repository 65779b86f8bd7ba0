"""The options every `veil` command line takes, and the workstation's quick parse.

`veil` with no subcommand opens the workstation: its options are read here without
building the full parser, whose subcommand modules pull in the sync client, the lead
tools and the demo seeder (half a second of imports before the login could be painted).

Two hidden options serve `python -m bench startup`: `--bench-exit-after-first-paint`
prints when the login and the first case are painted and quits after the case;
`--bench-login FILE` signs in with the user name and password in FILE (owner-only JSON)
through the login dialog's own check, exactly as if they were typed.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """--data-dir, --smoke, --debug and the hidden benchmark options."""
    parser.add_argument(
        "--data-dir", help="local store folder (default: $VEIL_DATA_DIR or the per-user data dir)"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="start offscreen on a temporary store, decide one case, quit",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="write everything down to DEBUG to <data dir>/logs/veil.log (default: warnings)",
    )
    parser.add_argument(
        "--bench-exit-after-first-paint", action="store_true", help=argparse.SUPPRESS
    )
    parser.add_argument("--bench-login", type=Path, help=argparse.SUPPRESS)


def workstation_args(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The parsed options when the command line opens the workstation; None when it names
    a subcommand, asks for help or is wrong (the full parser then reads and explains it)."""
    parser = argparse.ArgumentParser(prog="veil", add_help=False, exit_on_error=False)
    add_global_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    return None if rest else args


class BenchLoginError(ValueError):
    """A --bench-login file that cannot be used, naming the file and the rule."""


@dataclass(frozen=True)
class BenchLogin:
    """The credentials a benchmark signs in with."""

    username: str
    password: str = ""

    def __repr__(self) -> str:
        return f"BenchLogin(username={self.username!r}, password=***)"


def read_bench_login(path: Path) -> BenchLogin:
    """The user name and password in a --bench-login file.

    The file must be a JSON object with non-empty string fields `username` and `password`
    and, where permissions exist (POSIX), readable by its owner only: a password file others
    can read is refused, as ssh refuses a readable key."""
    try:
        info = path.stat()
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BenchLoginError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise BenchLoginError(
            f"{path}: readable by others (mode {stat.filemode(info.st_mode)}); "
            "a credentials file must be owner-only (chmod 600)"
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BenchLoginError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(data, dict):
        raise BenchLoginError(f"{path}: must be a JSON object with username and password")
    for field in ("username", "password"):
        value = data.get(field)
        if not isinstance(value, str) or not value:
            raise BenchLoginError(f"{path}: field {field!r} must be a non-empty string")
    unknown = sorted(set(data) - {"username", "password"})
    if unknown:
        raise BenchLoginError(f"{path}: unknown field(s) {', '.join(unknown)}")
    return BenchLogin(data["username"], data["password"])
