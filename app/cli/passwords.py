"""Passwords on the command line: --password, else $VEIL_PASSWORD, else typed on a terminal.

A command run from a script, a pipe or a service has no terminal to type on: it never
waits on a closed stdin or dies in getpass, it says what to give instead (exit status 2).
"""

from __future__ import annotations

import getpass
import os
import sys

PASSWORD_ENV = "VEIL_PASSWORD"
MISSING = 2  # the exit status of a command that was not given what it needs


class PasswordMissing(Exception):
    """No password was given and there is no terminal to ask for one."""


def has_terminal() -> bool:
    """Whether a person can type at this process (stdin is an open terminal)."""
    stdin = sys.stdin
    try:
        return stdin is not None and not stdin.closed and stdin.isatty()
    except (OSError, ValueError):
        return False


def password(given: str | None, prompt: str, what: str, env: str = PASSWORD_ENV) -> str:
    """given, else the environment variable env, else typed once on the terminal.

    Raises:
        PasswordMissing: none of the three is there; the message names `what` and env.
    """
    if given:
        return given
    if os.environ.get(env):
        return os.environ[env]
    _require_terminal(what, env)
    return getpass.getpass(prompt)


def new_password(given: str | None, username: str) -> str:
    """A new password for username: given, else $VEIL_PASSWORD, else typed twice alike.

    Raises:
        PasswordMissing: no password given and no terminal, or the two typings differ.
    """
    if given:
        return given
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    _require_terminal(f"the new password of {username}")
    first = getpass.getpass(f"New password for {username}: ")
    if getpass.getpass("Repeat it: ") != first:
        raise PasswordMissing("the two passwords differ; nothing was changed")
    return first


def _require_terminal(what: str, env: str = PASSWORD_ENV) -> None:
    if not has_terminal():
        raise PasswordMissing(f"no terminal to ask for {what}: give --password or set ${env}")
