"""`veil export decisions|qa|metrics|report --from DAY --to DAY --out FILE`.

The CSV exports run here, without Qt. `report` draws charts into a PDF with Qt's PDF
writer, so the parser marks it with `qt_command` and the entry point (widgets/shell/main.py)
runs it from the widgets side; this package never imports Qt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.qa.dataset import Scope

REPORT_COMMAND = "widgets.qa.reports:export_report_command"
DEFAULT_DAYS = 28


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `veil export decisions|qa|metrics|report`."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--from", dest="first", type=_day, help="first day (default: 4 weeks ago)")
    common.add_argument("--to", dest="last", type=_day, help="last day, included (default: today)")
    common.add_argument("--out", required=True, help="file to write ('-': standard output)")
    common.add_argument("--queue", help="only this queue")
    common.add_argument("--policy", help="only this policy (category)")
    common.add_argument("--tz", default="UTC", help="the team's time zone for days and weeks")
    export = sub.add_parser(
        "export", help="CSV of decisions, QA results or metrics; the PDF QA report"
    ).add_subparsers(dest="what", required=True)
    for what, text in (
        ("decisions", "every decision and escalation (CSV)"),
        ("qa", "every QA audit: blind call and verdict (CSV)"),
        ("metrics", "every dashboard figure (CSV)"),
    ):
        export.add_parser(what, parents=[common], help=text).set_defaults(handler=_export)
    report = export.add_parser("report", parents=[common], help="the PDF QA report")
    report.add_argument("--team", default="", help="team name printed on the report")
    # Drawn with Qt: the entry point (widgets/shell/main.py) runs `qt_command` instead.
    report.set_defaults(handler=_needs_qt, qt_command=REPORT_COMMAND)


def _needs_qt(_args: argparse.Namespace) -> int:
    print("veil: `export report` draws with Qt: run it through the `veil` command", file=sys.stderr)
    return 2


def _export(args: argparse.Namespace) -> int:
    from app.cli.main import open_store, policies
    from app.exports.csv_files import write_decisions, write_metrics, write_qa
    from app.qa.dashboard import build_dashboard
    from app.qa.dataset import read_snapshot

    scope = scope_from_args(args)
    store = open_store(args)
    try:
        with _output(args.out) as out:
            if args.what == "metrics":
                graphic = [p.id for p in policies() if p.graphic]
                data = build_dashboard(store.engine, scope, graphic, datetime.now(UTC))
                n = write_metrics(data, out)
            else:
                with read_snapshot(store.engine) as cur:
                    write = write_decisions if args.what == "decisions" else write_qa
                    n = write(cur, scope, out)
    finally:
        store.close()
    if args.out != "-":
        print(f"{n} row(s) of {args.what} for {scope.label()} written to {args.out}")
    return 0


def scope_from_args(args: argparse.Namespace) -> Scope:
    """The Scope an export's --from/--to/--queue/--policy/--tz describe."""
    zone = _zone(args.tz)
    last = args.last or datetime.now(zone).date()
    first = args.first or last - timedelta(days=DEFAULT_DAYS - 1)
    try:
        return Scope.days(first, last, zone, args.queue, args.policy)
    except ValueError as exc:
        raise SystemExit(f"veil: {exc}") from exc


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SystemExit(f"veil: unknown time zone {name!r} (e.g. Europe/Berlin, UTC)") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2026-01-31") from None


@contextmanager
def _output(target: str) -> Iterator[TextIO]:
    if target == "-":
        yield sys.stdout
        return
    path = Path(target)
    with path.open("w", newline="", encoding="utf-8") as out:
        yield out
