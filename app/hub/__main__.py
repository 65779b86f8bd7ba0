"""`python -m app.hub serve|user add|passwd|disable|unlock`: the hub without the workstation."""

from __future__ import annotations

import argparse
import sys

from app.hub import admin as cli
from app.hub.errors import HubError
from app.hub.tls import TlsSetupError, server_tls


def parser() -> argparse.ArgumentParser:
    """The command line of the hub."""
    top = argparse.ArgumentParser(prog="python -m app.hub", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the hub API")
    serve.add_argument("--db", default="sqlite:///hub.db", help="SQLAlchemy database URL")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--token-ttl", type=float, default=None, help="token lifetime, seconds")
    serve.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate chain")
    serve.add_argument("--tls-key", metavar="PEM", help="the certificate's private key (0600)")
    user = commands.add_parser("user", help="manage users").add_subparsers(
        dest="action", required=True
    )
    add = user.add_parser("add", help="create a user")
    add.add_argument("username")
    add.add_argument("--db", default="sqlite:///hub.db")
    add.add_argument("--role", choices=("moderator", "analyst", "lead"), required=True)
    add.add_argument("--team", default="default")
    add.add_argument("--clearance", action="append", default=[], dest="clearances")
    add.add_argument("--password", required=True)
    passwd = user.add_parser("passwd", help="set a user's new password (revokes their tokens)")
    passwd.add_argument("username")
    passwd.add_argument("--db", default="sqlite:///hub.db")
    passwd.add_argument("--password", required=True)
    disable = user.add_parser("disable", help="disable a user and revoke their tokens")
    disable.add_argument("username")
    disable.add_argument("--db", default="sqlite:///hub.db")
    unlock = user.add_parser("unlock", help="lift a sign-in lockout")
    unlock.add_argument("username")
    unlock.add_argument("--address", help="also lift the lockout of this client address")
    unlock.add_argument("--db", default="sqlite:///hub.db")
    return top


def main(argv: list[str]) -> int:
    """Run one hub command; the exit status."""
    args = parser().parse_args(argv)
    try:
        if args.command == "serve":
            tls = server_tls(args.tls_cert, args.tls_key)
            return cli.serve(args.db, args.host, args.port, token_ttl=args.token_ttl, tls=tls)
        if args.action == "add":
            cli.user_add(
                args.db, args.username, args.role, args.team, args.clearances, args.password
            )
        elif args.action == "passwd":
            cli.user_passwd(args.db, args.username, args.password)
        elif args.action == "unlock":
            cli.user_unlock(args.db, args.username, args.address)
        else:
            cli.user_disable(args.db, args.username)
    except HubError as exc:
        print(f"error: {exc.reason}", file=sys.stderr)
        return 1
    except (ValueError, TlsSetupError) as exc:  # a bad setting, certificate or key
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
