"""The `veil` entry point: the one composition root.

Subcommands run headless through app.cli.main and never load Qt; without one, the workstation
opens (widgets.shell.application). The workstation's options are read without building the
full parser (app/cli/options.py), so nothing but Qt and the login is loaded before the
login is painted.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the CLI or the workstation."""
    from app.cli.options import BenchLoginError, read_bench_login, workstation_args

    args = workstation_args(argv)
    if args is None:
        return _command(argv)
    from widgets.shell.application import BenchOptions, run_smoke, run_workstation

    bench = BenchOptions(exit_after_first_paint=args.bench_exit_after_first_paint)
    if args.bench_login is not None:
        if not args.bench_exit_after_first_paint:
            print("veil: --bench-login needs --bench-exit-after-first-paint", file=sys.stderr)
            return 2
        try:
            bench = BenchOptions(True, read_bench_login(args.bench_login))
        except BenchLoginError as exc:
            print(f"veil: --bench-login: {exc}", file=sys.stderr)
            return 2
    if args.smoke:
        return run_smoke()
    return run_workstation(args.data_dir, debug=args.debug, bench=bench)


def _command(argv: Sequence[str] | None) -> int:
    """A subcommand (or help, or a wrong command line): the full parser reads it."""
    from app.cli.main import build_parser, run
    from app.log.logs import setup_logging
    from app.log.paths import data_dir

    args = build_parser().parse_args(argv)
    qt_command = getattr(args, "qt_command", None)
    if qt_command:
        setup_logging(data_dir(args.data_dir), debug=args.debug)
        # A subcommand that draws with Qt (`veil export report`) names its widgets-side
        # handler as "module:function"; every other subcommand stays Qt-free.
        module_name, _, function = qt_command.partition(":")
        return int(getattr(importlib.import_module(module_name), function)(args))
    if args.command is not None:
        return run(args)
    from widgets.shell.application import run_smoke, run_workstation

    return run_smoke() if args.smoke else run_workstation(args.data_dir, debug=args.debug)


if __name__ == "__main__":
    sys.exit(main())
