"""`veil evidence ...`: the media key and sealing, headless.

`status` says whether this workstation's media is encrypted, who holds the key and how
many media files are still plain; `seal --user NAME` logs in (the local account: on a hub
workstation, the offline copy of the hub login), unlocks the key with that password and
encrypts every plain media file in place, printing progress.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

PASSWORD_ENV = "VEIL_PASSWORD"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `veil evidence ...`."""
    evidence = sub.add_parser(
        "evidence", help="media encryption, retention, holds, bundles, report packets"
    ).add_subparsers(dest="evidence_command", required=True)
    status = evidence.add_parser("status", help="is the media encrypted, who holds the key")
    status.set_defaults(handler=_status)
    seal = evidence.add_parser("seal", help="encrypt the media still stored plain, in place")
    add_login_arguments(seal)
    seal.set_defaults(handler=_seal)
    key = evidence.add_parser("hub-key", help="on the hub: write a new media key file (0600)")
    key.add_argument("file", help="where to write it (then set VEIL_HUB_BLOB_KEY_FILE to it)")
    key.set_defaults(handler=_hub_key)
    hub_seal = evidence.add_parser(
        "hub-seal", help="on the hub: encrypt the media stored before the key was set"
    )
    hub_seal.add_argument("--hub-db", required=True, metavar="DB_URL", help="the hub database")
    hub_seal.set_defaults(handler=_hub_seal)


def add_login_arguments(parser: argparse.ArgumentParser) -> None:
    """--user and --password (default: $VEIL_PASSWORD, else asked for)."""
    parser.add_argument("--user", required=True, help="who logs in (a local account)")
    parser.add_argument("--password", help=f"the password (default: ${PASSWORD_ENV}, else asked)")


def login_password(args: argparse.Namespace) -> str:
    """The password from --password, the environment, or the terminal."""
    return str(
        args.password
        or os.environ.get(PASSWORD_ENV)
        or getpass.getpass(f"Password for {args.user}: ")
    )


def _status(args: argparse.Namespace) -> int:
    from app.evidence.sealing import plain_blobs
    from app.log.paths import data_dir
    from app.log.store import open_store

    store = open_store(data_dir(args.data_dir))
    try:
        blobs, ring = store.blobs, store.blobs.keyring
        plain = len(plain_blobs(blobs))
        if ring is None or not ring.exists():
            print(f"media not encrypted yet ({plain} file(s)); the first login creates the key")
            return 0
        print(f"media encrypted; key held by: {', '.join(ring.holders()) or 'nobody'}")
        if ring.requests():
            print(f"waiting for a holder to log in: {', '.join(ring.requests())}")
        print(f"{plain} media file(s) still plain" if plain else "no plain media file left")
    finally:
        store.close()
    return 0


def _seal(args: argparse.Namespace) -> int:
    from app.domain.people import Accounts, AuthError
    from app.evidence.sealing import seal_store
    from app.evidence.unlock import UnlockingAccounts
    from app.log.paths import data_dir
    from app.log.store import open_store

    store = open_store(data_dir(args.data_dir))
    try:
        accounts = UnlockingAccounts(store, Accounts(store))
        try:
            accounts.authenticate(args.user, login_password(args))
        except AuthError as exc:
            print(f"veil: {exc}", file=sys.stderr)
            return 2
        assert accounts.last is not None
        print(accounts.last.summary())
        if not accounts.last.unlocked:
            return 1
        report = seal_store(store.blobs, _print_progress)
        print(report.summary())
        return 1 if report.damaged else 0
    finally:
        store.close()


def _print_progress(done: int, total: int) -> None:
    if done == total or done % 50 == 0:
        print(f"  {done}/{total} media file(s) checked", flush=True)


def _hub_key(args: argparse.Namespace) -> int:
    from app.evidence.hub_key import new_key_text

    try:
        fd = os.open(args.file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(f"veil: {args.file} exists; a key is never overwritten", file=sys.stderr)
        return 2
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(new_key_text() + "\n")
    print(f"wrote {args.file}; start the hub with VEIL_HUB_BLOB_KEY_FILE={args.file}")
    return 0


def _hub_seal(args: argparse.Namespace) -> int:
    from app.evidence.hub_key import HubKeyError, hub_blob_key, seal_hub_blobs
    from db.hub.engine import make_engine

    try:
        key = hub_blob_key()
    except HubKeyError as exc:
        print(f"veil: {exc}", file=sys.stderr)
        return 2
    if key is None:
        print("veil: set VEIL_HUB_BLOB_KEY or VEIL_HUB_BLOB_KEY_FILE first", file=sys.stderr)
        return 2
    engine = make_engine(args.hub_db)
    try:
        sealed = seal_hub_blobs(engine, key, _print_progress)
    finally:
        engine.dispose()
    print(f"{sealed} hub media blob(s) encrypted")
    return 0
