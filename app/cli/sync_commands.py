"""What the sync subcommands share: opening a hub workstation, logging people in, errors."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.cli.main import open_store
from app.cli.passwords import MISSING, PASSWORD_ENV, PasswordMissing
from app.cli.passwords import password as ask_password
from app.domain.case_refs import UnknownCase
from app.domain.lifecycle import IllegalTransition
from app.domain.people import Accounts, AuthError, Reviewer, Role
from app.log.store import LocalStore
from app.review.reviewdesk import AccessDenied, FormError
from app.sync.client import HubError, HubRejected, HubUnreachable
from app.sync.engine import SyncEngine
from app.sync.link import HubLink, LinkError
from app.sync.login import HubAccounts
from app.sync.trust import HubTrust, TrustError, normalize_pin

UNREACHABLE = 3

Handler = Callable[[argparse.Namespace], int]


@dataclass
class Workstation:
    """A data dir opened for a command: store, hub link and sync engine."""

    store: LocalStore
    link: HubLink
    engine: SyncEngine


@contextmanager
def workstation(args: argparse.Namespace) -> Iterator[Workstation]:
    """The data dir's store, link and engine, closed afterwards."""
    store = open_store(args)
    link = HubLink(store.data_dir)
    engine = SyncEngine(store, link)
    try:
        yield Workstation(store, link, engine)
    finally:
        engine.close()
        store.close()


def add_login_arguments(parser: argparse.ArgumentParser, required: bool = False) -> None:
    """--user and --password (or $VEIL_PASSWORD, or asked for on the terminal)."""
    parser.add_argument("--user", required=required, help="who acts (default: the one logged in)")
    parser.add_argument("--password", help=f"the password (default: ${PASSWORD_ENV} or asked)")


def add_trust_arguments(parser: argparse.ArgumentParser) -> None:
    """--ca-file, --pin-sha256 and --allow-insecure-http: how to trust the hub."""
    parser.add_argument(
        "--ca-file", metavar="PEM", help="trust the hub certificate signed by this CA (or itself)"
    )
    parser.add_argument(
        "--pin-sha256",
        metavar="HEX",
        help="accept only the hub certificate with this SHA-256 (of its DER form)",
    )
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow a plain http:// hub on another machine (unencrypted: trusted networks only)",
    )


def trust_of(args: argparse.Namespace) -> HubTrust | None:
    """The trust settings given on the command line; None when none was given (the data
    dir keeps what it had)."""
    ca_file = getattr(args, "ca_file", None)
    pin = getattr(args, "pin_sha256", None)
    insecure = bool(getattr(args, "allow_insecure_http", False))
    if ca_file is None and pin is None and not insecure:
        return None
    if ca_file is not None:
        ca_file = str(Path(ca_file).expanduser().resolve())
    return HubTrust(ca_file, None if pin is None else normalize_pin(pin, "--pin-sha256"), insecure)


def password_of(args: argparse.Namespace, username: str) -> str:
    """The password given on the command line, in the environment, or typed now."""
    return ask_password(args.password, f"Password for {username}: ", f"the password of {username}")


def person(ws: Workstation, args: argparse.Namespace) -> str:
    """The --user, or the one person holding a hub login here."""
    if args.user:
        return str(args.user)
    people = ws.link.people()
    if len(people) != 1:
        raise LinkError("say who with --user (nobody or several people are logged in here)")
    return people[0]


def hub_person(ws: Workstation, args: argparse.Namespace) -> str:
    """The acting person with a valid hub token (logging in now if theirs expired)."""
    user = person(ws, args)
    if ws.link.token(user) is None:
        accounts = HubAccounts(ws.store, ws.link)
        accounts.authenticate(user, password_of(args, user))
        if accounts.offline:
            raise HubUnreachable(f"cannot log {user} in to {ws.link.url}")
    return user


def logged_in(ws: Workstation, args: argparse.Namespace) -> Reviewer:
    """The acting person: a valid hub login here, or a password checked now (hub or local)."""
    username = person(ws, args)
    credential = ws.link.credential(username)
    if credential is not None and credential.valid():
        role = Role(credential.role)
        return Reviewer(username, username, role, frozenset(credential.clearances))
    password = password_of(args, username)
    if ws.link.url is not None:
        return HubAccounts(ws.store, ws.link).authenticate(username, password)
    return Accounts(ws.store).authenticate(username, password)


def guarded(handler: Handler) -> Handler:
    """Known failures print one line and exit non-zero (3: hub unreachable, try later)."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except PasswordMissing as exc:
            print(f"veil: {exc}", file=sys.stderr)
            return MISSING
        except HubUnreachable as exc:
            print(f"veil: hub unreachable ({exc}); nothing is lost, try again", file=sys.stderr)
            return UNREACHABLE
        except HubRejected as exc:
            print(f"veil: the hub refused: {exc.reason}", file=sys.stderr)
            return 1
        except (
            HubError,
            LinkError,
            TrustError,
            AuthError,
            AccessDenied,
            IllegalTransition,
            UnknownCase,
            KeyError,
        ) as exc:
            print(f"veil: {exc}", file=sys.stderr)
            return 1
        except FormError as exc:
            for name, problem in exc.problems.items():
                print(f"veil: {name}: {problem}", file=sys.stderr)
            return 1

    return run
