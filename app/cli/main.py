"""The `veil` command line: the headless half of the composition root.

`veil` alone opens the workstation (widgets/shell/main.py); every subcommand here runs without
Qt, for scripting, CI and servers.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from app.cli.options import add_global_options
from app.cli.passwords import MISSING, PasswordMissing, new_password
from app.demo.cases import CASE_COUNT, DemoLogin, seed_demo
from app.demo.logins import logins_banner, save_logins
from app.demo.progress import Progress
from app.domain.people import AccountError, Accounts, Role
from app.domain.policies import PolicyError, PolicySet, load_policies
from app.log import store as local_store
from app.log.logs import setup_logging
from app.log.paths import data_dir, resources_dir
from app.log.store import LocalStore
from app.review.intake import Intake
from db.engine import StoreError

Handler = Callable[[argparse.Namespace], int]
log = logging.getLogger(__name__)

# Feature modules that add subcommands: each has `register(subparsers)` and sets a
# `handler` default taking the parsed args and returning an exit status.
COMMAND_MODULES: list[str] = [
    # Wellbeing viewer: `veil media check FILE...`.
    "app.cli.media",
    # Lead tools: `veil audit verify`, `veil export ...`, `veil qa draw`.
    "app.cli.audit",
    "app.cli.exports",
    "app.cli.qa",
    # Team hub and sync: `veil sync`, `veil cases`, `veil hub`, `import --hub`.
    "app.cli.sync",
    # Incidents: `veil incident declare|list|show|...|export`.
    "app.incidents.cli",
    # Coordinated networks: `veil network import|build|clusters|export`.
    "app.network.cli",
    # Evidence and data protection: `veil evidence ...`.
    "app.evidence.cli",
]


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (the GUI options live here too, so `--help` lists all)."""
    parser = argparse.ArgumentParser(prog="veil", description="Veil case-review workstation")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    imp = sub.add_parser("import", help="import reports (JSONL or CSV) with their media")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--media",
        type=Path,
        help="folder the media paths are relative to (default: the file's folder)",
    )
    imp.add_argument("--actor", default="intake", help="who the ingest events are recorded as")
    imp.set_defaults(handler=_import)

    demo = sub.add_parser("demo", help="seed the demo users and about 200 demo cases")
    demo.add_argument(
        "--cases", type=positive, default=CASE_COUNT, help=f"how many (default {CASE_COUNT})"
    )
    demo.add_argument(
        "--days",
        type=positive,
        help="days of team history for the lead tools (default: three weeks)",
    )
    demo.set_defaults(handler=_demo)

    user = sub.add_parser("user", help="local accounts").add_subparsers(
        dest="user_command", required=True
    )
    add = user.add_parser("add", help="create a local account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--name", default="", help="display name")
    add.add_argument(
        "--clearance", action="append", default=[], help="e.g. child_safety (repeatable)"
    )
    add.add_argument(
        "--password", help="the password (default: $VEIL_PASSWORD, else asked on the terminal)"
    )
    add.set_defaults(handler=_user_add)
    passwd = user.add_parser("passwd", help="set a new password for an existing account")
    passwd.add_argument("username")
    passwd.add_argument(
        "--password",
        help="the new password (default: $VEIL_PASSWORD, else asked twice on the terminal)",
    )
    passwd.set_defaults(handler=_user_passwd)

    verify = sub.add_parser("verify", help="walk every hash chain of the local store")
    verify.set_defaults(handler=_verify)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    return parser


def open_store(args: argparse.Namespace) -> LocalStore:
    """The local store for --data-dir / VEIL_DATA_DIR / the per-user dir."""
    return local_store.open_store(data_dir(args.data_dir))


def policies() -> PolicySet:
    """The bundled policy taxonomy."""
    return load_policies(resources_dir() / "policies")


def run(args: argparse.Namespace) -> int:
    """Run the chosen subcommand; known errors print one line and exit non-zero."""
    handler: Handler = args.handler
    try:
        setup_logging(data_dir(args.data_dir), debug=args.debug)
        return handler(args)
    except PasswordMissing as exc:
        print(f"veil: {exc}", file=sys.stderr)
        return MISSING
    except (PolicyError, AccountError, StoreError, OSError) as exc:
        log.warning("veil %s: %s", args.command, exc)
        print(f"veil: {exc}", file=sys.stderr)
        return 2


def _import(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        report = Intake(store, policies(), args.actor).import_file(args.file, args.media)
    finally:
        store.close()
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(report.summary())
    return 1 if report.problems else 0


def _demo(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        if Accounts(store).count():
            print("veil: this store already has users; demo data is only seeded into an empty one")
            return 1
        logins = seed_everything(store, policies(), step_printer(), args.cases, args.days)
    finally:
        store.close()
    print(logins_banner(logins, save_logins(store.data_dir, logins)), flush=True)
    return 0


def seed_everything(
    store: LocalStore,
    policy_set: PolicySet,
    progress: Progress,
    cases: int = CASE_COUNT,
    days: int | None = None,
) -> list[DemoLogin]:
    """The demo people and cases, then the lead's weeks of team history (so QA and the
    dashboards have data); progress hears every step."""
    from app.demo.lead import HISTORY_DAYS, seed_lead_demo

    _report, logins = seed_demo(store, policy_set, progress=progress, count=cases)
    history = seed_lead_demo(store, policy_set, days=days or HISTORY_DAYS, progress=progress)
    progress(history.summary())
    return logins


def positive(text: str) -> int:
    """An argparse type: a whole number above 0."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number above 0")
    return value


def step_printer() -> Progress:
    """Progress lines on stdout, each with the seconds since the first step started."""
    started = time.monotonic()

    def say(line: str) -> None:
        print(f"  [{time.monotonic() - started:5.1f} s] {line}", flush=True)

    return say


def _user_add(args: argparse.Namespace) -> int:
    password = new_password(args.password, args.username)
    store = open_store(args)
    try:
        Accounts(store).add(args.username, password, args.role, args.name, tuple(args.clearance))
    finally:
        store.close()
    print(f"user {args.username} ({args.role}) created")
    return 0


def _user_passwd(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        accounts = Accounts(store)
        accounts.require(args.username)  # before anyone types a new password twice
        accounts.set_password(args.username, new_password(args.password, args.username))
    finally:
        store.close()
    print(f"user {args.username}: password changed")
    return 0


def _verify(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        breaks = store.verify_chains()
        count = store.event_count()
    finally:
        store.close()
    for b in breaks:
        print(f"BROKEN device {b.device_id} seq {b.device_seq} event {b.event_id}: {b.reason}")
    if not breaks:
        print(f"ok: {count} events, every hash chain verifies")
    return 1 if breaks else 0
