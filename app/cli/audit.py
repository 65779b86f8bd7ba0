"""`veil audit verify`: every hash chain of the local store, and of the hub when asked.

Exit status 0 when everything verifies, 1 when a link is broken (each chain's first
broken event is named), 2 when the hub cannot be asked (unreachable, login refused).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from app.cli.passwords import password as ask_password
from app.cli.sync_commands import add_trust_arguments, trust_of

if TYPE_CHECKING:
    from app.audit.verify import VerifyReport

PASSWORD_ENV = "VEIL_HUB_PASSWORD"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `veil audit ...`."""
    audit = sub.add_parser("audit", help="the audit trail's integrity checks").add_subparsers(
        dest="audit_command", required=True
    )
    verify = audit.add_parser(
        "verify", help="walk every hash chain (local store, and the hub with --hub/--hub-db)"
    )
    verify.add_argument("--hub", metavar="URL", help="also check the hub's log over its API")
    verify.add_argument("--user", help="hub user (a lead sees the whole team's log)")
    verify.add_argument(
        "--password", help=f"hub password (default: ${PASSWORD_ENV}, else asked for)"
    )
    verify.add_argument(
        "--hub-db", metavar="DB_URL", help="on the hub machine: check the hub database's own chain"
    )
    verify.add_argument("--no-local", action="store_true", help="skip the local store")
    add_trust_arguments(verify)  # how to trust the --hub URL's certificate
    verify.set_defaults(handler=_verify)


def _verify(args: argparse.Namespace) -> int:
    reports: list[VerifyReport] = []
    if not args.no_local:
        reports.append(_local(args))
    try:
        if args.hub:
            reports.append(_hub(args))
        if args.hub_db:
            reports.append(_hub_db(args.hub_db))
    except _HubProblem as exc:
        for report in reports:
            print("\n".join(report.lines()))
        print(f"veil: hub: {exc}", file=sys.stderr)
        return 2
    for report in reports:
        print("\n".join(report.lines()))
    return 0 if all(r.ok for r in reports) else 1


class _HubProblem(Exception):
    """The hub could not be asked."""


def _local(args: argparse.Namespace) -> VerifyReport:
    # Imported when run: `veil` builds every subcommand's parser at start-up.
    from app.audit.verify import verify_local
    from app.cli.main import open_store

    store = open_store(args)
    try:
        return verify_local(store)
    finally:
        store.close()


def _hub(args: argparse.Namespace) -> VerifyReport:
    from app.audit.hub_check import verify_hub_http
    from app.cli.main import open_store
    from app.sync.client import HubClient, HubError
    from app.sync.trust import HubTrust, TrustError

    if not args.user:
        raise _HubProblem("--hub needs --user (a lead of the team)")
    password = ask_password(args.password, "Hub password: ", "the hub password", PASSWORD_ENV)
    store = None if args.no_local else open_store(args)
    try:
        trust = trust_of(args) or HubTrust()
        with HubClient(args.hub, trust=trust) as client:
            login = client.login(args.user, password)
        return verify_hub_http(args.hub, login.token, store, trust=trust)
    except (HubError, TrustError) as exc:
        raise _HubProblem(str(exc) or type(exc).__name__) from exc
    finally:
        if store is not None:
            store.close()


def _hub_db(url: str) -> VerifyReport:
    from sqlalchemy.exc import SQLAlchemyError

    from app.audit.hub_check import verify_hub_db
    from db.hub.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return verify_hub_db(conn)
    except SQLAlchemyError as exc:
        raise _HubProblem(f"cannot read the hub database: {exc}") from exc
    finally:
        engine.dispose()
