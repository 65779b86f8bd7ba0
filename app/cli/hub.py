"""`veil hub ...`: serve a hub, administer its users, connect this data dir, work ahead.

`serve`, `user add|passwd|disable|unlock` run on the hub machine against its database (the
first lead comes from `user add`). The other commands act from this workstation's data
dir through the hub's API.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli.main import policies, positive
from app.cli.passwords import new_password
from app.cli.sync_commands import (
    add_login_arguments,
    add_trust_arguments,
    guarded,
    hub_person,
    password_of,
    trust_of,
    workstation,
)
from app.demo.cases import CASE_COUNT
from app.demo.hub import seed_hub_demo
from app.demo.logins import login_lines, logins_banner, save_logins
from app.sync.login import HubAccounts, connect
from app.sync.workahead import DEFAULT_HOURS, check_out

DEFAULT_DB = "sqlite:///hub.db"
HUB_ADVICE = "Change a password on the hub machine with `veil hub user passwd NAME --db URL`"


def register(sub: Any) -> None:
    """Add `veil hub` and its subcommands."""
    hub = sub.add_parser("hub", help="the team hub: serve it, manage users, connect to it")
    commands = hub.add_subparsers(dest="hub_command", required=True)
    _register_server(commands)
    login = commands.add_parser("login", help="connect this data dir to a hub and log in")
    login.add_argument("url", help="e.g. https://hub.example.org:8765")
    add_login_arguments(login, required=True)
    add_trust_arguments(login)
    login.set_defaults(handler=guarded(_login))
    logout = commands.add_parser("logout", help="forget a person's hub token here")
    logout.add_argument("--user", required=True)
    logout.set_defaults(handler=guarded(_logout))
    status = commands.add_parser("status", help="the hub, who is logged in, what is pending")
    status.set_defaults(handler=guarded(_status))
    demo = commands.add_parser("demo", help="as a lead: demo cases and demo people on the hub")
    demo.add_argument(
        "--cases", type=positive, default=CASE_COUNT, help=f"how many (default {CASE_COUNT})"
    )
    add_login_arguments(demo)
    demo.set_defaults(handler=guarded(_demo))
    ahead = commands.add_parser("work-ahead", help="check out cases and media to work offline")
    ahead.add_argument("count", type=int)
    ahead.add_argument("--hours", type=float, default=DEFAULT_HOURS, help="lease length")
    ahead.add_argument("--queue", help="only from this queue")
    add_login_arguments(ahead)
    ahead.set_defaults(handler=guarded(_work_ahead))
    caps = commands.add_parser(
        "lease-limits", help="show the team's lease caps; as a lead, set them"
    )
    caps.add_argument("--max-cases", type=int, help="cases one person may hold at once")
    caps.add_argument("--max-hours", type=int, help="longest lease, in whole hours")
    add_login_arguments(caps)
    caps.set_defaults(handler=guarded(_lease_limits))
    _register_blobs(commands)


def _register_blobs(commands: Any) -> None:
    blobs = commands.add_parser("blobs", help="media blobs in the hub database (on the hub)")
    actions = blobs.add_subparsers(dest="blobs_command", required=True)
    sweep = actions.add_parser(
        "sweep", help="delete blobs no case uses once their grace period is over"
    )
    sweep.add_argument("--db", default=DEFAULT_DB)
    sweep.add_argument(
        "--grace",
        type=float,
        default=None,
        help="seconds since the last upload (default: VEIL_HUB_BLOB_GRACE, else a day)",
    )
    sweep.set_defaults(handler=_blobs_sweep)


def _register_server(commands: Any) -> None:
    serve = commands.add_parser("serve", help="serve the hub API (SQLite or PostgreSQL)")
    serve.add_argument("--db", default=DEFAULT_DB, help=f"SQLAlchemy URL (default {DEFAULT_DB})")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--token-ttl", type=float, default=None, help="token lifetime, seconds")
    serve.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate chain")
    serve.add_argument("--tls-key", metavar="PEM", help="the certificate's private key (0600)")
    serve.set_defaults(handler=_serve)
    users = commands.add_parser("user", help="hub accounts (on the hub machine)")
    actions = users.add_subparsers(dest="user_command", required=True)
    add = actions.add_parser("add", help="create a hub user")
    add.add_argument("username")
    add.add_argument("--role", choices=("moderator", "analyst", "lead"), required=True)
    add.add_argument("--team", default="default")
    add.add_argument("--clearance", action="append", default=[], dest="clearances")
    add.add_argument("--password", help="the password (default: asked for on the terminal)")
    add.add_argument("--db", default=DEFAULT_DB)
    add.set_defaults(handler=_user_add)
    disable = actions.add_parser("disable", help="disable a user and revoke their tokens")
    disable.add_argument("username")
    disable.add_argument("--db", default=DEFAULT_DB)
    disable.set_defaults(handler=_user_disable)
    passwd = actions.add_parser("passwd", help="set a user's new password; revokes their tokens")
    passwd.add_argument("username")
    passwd.add_argument(
        "--password",
        help="the new password (default: $VEIL_PASSWORD, else asked twice on the terminal)",
    )
    passwd.add_argument("--db", default=DEFAULT_DB)
    passwd.set_defaults(handler=_user_passwd)
    unlock = actions.add_parser("unlock", help="lift a sign-in lockout after failed sign-ins")
    unlock.add_argument("username")
    unlock.add_argument("--address", help="also lift the lockout of this client address")
    unlock.add_argument("--db", default=DEFAULT_DB)
    unlock.set_defaults(handler=_user_unlock)
    backup = commands.add_parser("backup", help="an online, consistent copy of the hub database")
    backup.add_argument("dest", help="the new backup file (SQLite copy, or pg_dump -Fc archive)")
    backup.add_argument(
        "--db", default=DEFAULT_DB, help=f"the hub's database (default {DEFAULT_DB})"
    )
    backup.set_defaults(handler=_backup)


def _serve(args: argparse.Namespace) -> int:
    from app.hub.admin import serve  # uvicorn and FastAPI load only for this command
    from app.hub.tls import TlsSetupError, server_tls

    try:
        tls = server_tls(args.tls_cert, args.tls_key)
    except TlsSetupError as exc:
        print(f"veil: {exc}", file=sys.stderr)
        return 2
    scheme = "http" if tls is None else "https"
    print(f"Veil hub on {scheme}://{args.host}:{args.port} (database {args.db})", flush=True)
    try:
        return serve(args.db, args.host, args.port, token_ttl=args.token_ttl, tls=tls)
    except ValueError as exc:  # a setting from the environment that makes no sense
        print(f"veil: {exc}", file=sys.stderr)
        return 2


def _user_add(args: argparse.Namespace) -> int:
    from app.hub.admin import user_add
    from app.hub.errors import HubError

    password = new_password(args.password, args.username)
    try:
        user_add(args.db, args.username, args.role, args.team, args.clearances, password)
    except HubError as exc:
        print(f"veil: {exc.reason}", file=sys.stderr)
        return 1
    print(f"hub user {args.username} ({args.role}, team {args.team}) created")
    return 0


def _user_disable(args: argparse.Namespace) -> int:
    from app.hub.admin import user_disable
    from app.hub.errors import HubError

    try:
        user_disable(args.db, args.username)
    except HubError as exc:
        print(f"veil: {exc.reason}", file=sys.stderr)
        return 1
    print(f"hub user {args.username} disabled; their tokens are revoked")
    return 0


def _user_passwd(args: argparse.Namespace) -> int:
    from app.hub.admin import user_passwd
    from app.hub.errors import HubError

    password = new_password(args.password, args.username)
    try:
        user_passwd(args.db, args.username, password)
    except HubError as exc:
        print(f"veil: {exc.reason}", file=sys.stderr)
        return 1
    print(f"hub user {args.username}: password changed; their tokens are revoked")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.hub.backup import BackupError, backup

    try:
        report = backup(args.db, Path(args.dest))
    except BackupError as exc:
        print(f"veil: {exc}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def _login(args: argparse.Namespace) -> int:
    with workstation(args) as ws:
        connect(ws.store, ws.link, args.url, trust_of(args))
        accounts = HubAccounts(ws.store, ws.link)
        reviewer = accounts.authenticate(args.user, password_of(args, args.user))
        if accounts.offline:
            print(f"veil: hub unreachable; {reviewer.username} is logged in offline only")
            return 3
        print(f"{reviewer.username} ({reviewer.role.value}) logged in to {ws.link.url}")
    return 0


def _logout(args: argparse.Namespace) -> int:
    with workstation(args) as ws:
        ws.link.forget(args.user)
    print(f"{args.user}'s hub token is gone from this data dir")
    return 0


def _status(args: argparse.Namespace) -> int:
    with workstation(args) as ws:
        print(f"hub: {ws.link.url or 'none (this data dir works alone)'}")
        for username in ws.link.people():
            credential = ws.link.credential(username)
            state = "valid" if credential and credential.valid() else "expired"
            cursor = ws.store.sync_cursor(username)
            print(f"  {username}: token {state}, pulled up to server_seq {cursor}")
        for actor, count in sorted(ws.store.pending_by_actor().items()):
            print(f"  {count} event(s) by {actor} wait to be sent")
        print(f"  {len(ws.link.work_ahead())} case(s) checked out for offline work")
    return 0


def _demo(args: argparse.Namespace) -> int:
    with workstation(args) as ws:
        lead = hub_person(ws, args)
        report, people = seed_hub_demo(ws.engine, policies(), lead, count=args.cases)
    print(report.summary())
    if not any(who.password for who in people):
        print("\n".join(["Demo people (made by an earlier run):", *login_lines(people)]))
        return 0
    saved = save_logins(ws.store.data_dir, people, HUB_ADVICE)
    print(logins_banner(people, saved, HUB_ADVICE))
    return 0


def _work_ahead(args: argparse.Namespace) -> int:
    with workstation(args) as ws:
        user = hub_person(ws, args)
        report = check_out(ws.engine, user, args.count, hours=args.hours, queue=args.queue)
    print(report.summary())
    return 0


def _blobs_sweep(args: argparse.Namespace) -> int:
    from app.hub.admin import blobs_sweep

    if args.grace is not None and not args.grace > 0:
        print("veil: --grace must be a number of seconds above 0", file=sys.stderr)
        return 2
    try:
        report = blobs_sweep(args.db, args.grace)
    except ValueError as exc:
        print(f"veil: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def _user_unlock(args: argparse.Namespace) -> int:
    from app.hub.admin import user_unlock

    was_locked = user_unlock(args.db, args.username, args.address)
    state = "unlocked" if was_locked else "was not locked; its failure count is cleared"
    print(f"hub user {args.username} {state}")
    return 0


def _lease_limits(args: argparse.Namespace) -> int:
    with workstation(args) as ws:
        user = hub_person(ws, args)
        client = ws.engine.authorized(user)
        team = ws.engine.who(user).team
        if args.max_cases is None and args.max_hours is None:
            info = client.lease_limits(team)
        else:
            info = client.set_lease_limits(team, max_cases=args.max_cases, max_hours=args.max_hours)
    print(
        f"team {info['team']}: at most {info['max_cases']} case(s) held per person,"
        f" leases of at most {info['max_hours']} hour(s)"
    )
    return 0
