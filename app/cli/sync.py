"""Headless sync commands: `veil sync`, `veil cases list|decide|adjudicate`, `veil import
--hub URL`.

The `veil hub ...` commands are in app/cli/hub.py; both register through app.cli.main.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from sqlalchemy import select

from app.cli import hub as hub_cli
from app.cli.main import open_store, policies
from app.cli.sync_commands import (
    Workstation,
    add_login_arguments,
    add_trust_arguments,
    guarded,
    hub_person,
    logged_in,
    trust_of,
    workstation,
)
from app.domain.case_refs import case_label, resolve_case
from app.review.adjudication import Adjudication
from app.review.reviewdesk import OPEN_STATUSES, ReviewDesk
from app.sync.faults import crash_point
from app.sync.hub_import import import_to_hub
from app.sync.login import connect
from db.models import Case


def register(sub: Any) -> None:
    """Add `sync`, `cases` and `hub`, and `--hub` to `import`."""
    sync = sub.add_parser("sync", help="push pending events to the team hub and pull news")
    add_login_arguments(sync)
    sync.set_defaults(handler=guarded(_sync))
    sync_sub = sync.add_subparsers(dest="sync_command")
    held = sync_sub.add_parser(
        "quarantine", help="pulled events kept out of the projections, with why"
    )
    held.add_argument("--retry", action="store_true", help="check and fold them again first")
    held.add_argument("--json", action="store_true", help="one JSON object per line")
    held.set_defaults(handler=guarded(_quarantine))
    cases = sub.add_parser("cases", help="list or decide cases (headless)").add_subparsers(
        dest="cases_command", required=True
    )
    listing = cases.add_parser("list", help="the cases this person may see")
    add_login_arguments(listing)
    listing.add_argument("--status", action="append", help="only these statuses (repeatable)")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=guarded(_list))
    decide = cases.add_parser("decide", help="open a case and record a decision")
    decide.add_argument("case", help="the case: #1042, 1042 or its case id")
    decide.add_argument("action", help="an action id of the case's policy, e.g. no_violation")
    add_login_arguments(decide)
    decide.add_argument("--subcategory")
    decide.add_argument("--field", action="append", default=[], help="NAME=TEXT (repeatable)")
    decide.set_defaults(handler=guarded(_decide))
    settle = cases.add_parser("adjudicate", help="as a lead: settle a case in conflict")
    settle.add_argument("case", help="the case: #1042, 1042 or its case id")
    settle.add_argument("action", help="the action that stands, e.g. remove")
    settle.add_argument("--rationale", required=True, help="why (10+ characters)")
    add_login_arguments(settle)
    settle.set_defaults(handler=guarded(_adjudicate))
    hub_cli.register(sub)
    _extend_import(sub.choices.get("import"))


def _sync(args: argparse.Namespace) -> int:
    with workstation(args) as ws:
        user = hub_person(ws, args)
        report = ws.engine.sync(user)
        print(f"synced as {user}: {report.summary()}; {ws.engine.pending()} pending")
    return 1 if report.refused else 0


def _quarantine(args: argparse.Namespace) -> int:
    store = open_store(args)  # opening it retries what another build quarantined
    try:
        if args.retry:
            retried = store.retry_quarantined()
            print(f"retried: {retried.folded} folded, {retried.still} still in quarantine")
        held = store.quarantined()
    finally:
        store.close()
    for event in held:
        if args.json:
            print(json.dumps(dataclasses.asdict(event)))
            continue
        print(
            f"{event.server_seq or '-'}  {event.kind}  case {event.case_id or '-'}  "
            f"by {event.actor}  event {event.event_id}\n"
            f"    {event.field}: {event.rule}  (tried {event.attempts}x, since "
            f"{event.quarantined_at})"
        )
    if not args.json:
        print(f"{len(held)} event(s) in quarantine")
    return 0


def _list(args: argparse.Namespace) -> int:
    with workstation(args) as ws:
        desk = ReviewDesk(ws.store, policies(), logged_in(ws, args))
        statuses = tuple(args.status or OPEN_STATUSES)
        rows = desk.rows(desk.queue_ids(statuses))
        with ws.store.transaction() as session:
            cases = {c.case_id: c for c in session.scalars(select(Case))}
    for row in sorted(rows.values(), key=lambda r: r.case_no):
        case = cases[row.case_id]
        item = {
            "case_no": row.case_no,
            "case_id": row.case_id,
            "status": row.status,
            "severity": row.severity,
            "category": row.category,
            "queue": row.queue,
            "decision": case.decision_action,
            "leased_by": case.leased_by,
            "title": row.title,
        }
        print(json.dumps(item) if args.json else _line(item))
    return 0


def _line(item: dict[str, Any]) -> str:
    decision = item["decision"] or "-"
    return (
        f"{case_label(item['case_no']):<6} {item['status']:<9} sev {item['severity']}  "
        f"{item['category']:<20} {decision:<16} {item['title']}  ({item['case_id']})"
    )


def _decide(args: argparse.Namespace) -> int:
    fields = dict(pair.split("=", 1) for pair in args.field)
    with workstation(args) as ws:
        case_id = _case_id(ws, args.case)
        desk = ReviewDesk(ws.store, policies(), logged_in(ws, args))
        desk.open_case(case_id)
        event = desk.decide(case_id, args.action, fields, args.subcategory)
        crash_point("after_local_commit")
        print(f"decided {args.case}: {args.action} (event {event.event_id})")
    return 0


def _adjudicate(args: argparse.Namespace) -> int:
    with workstation(args) as ws:
        case_id = _case_id(ws, args.case)
        desk = Adjudication(ws.store, policies(), logged_in(ws, args))
        event = desk.adjudicate(case_id, args.action, args.rationale)
    print(f"adjudicated {args.case}: {args.action} (event {event.event_id})")
    return 0


def _case_id(ws: Workstation, text: str) -> str:
    """The case id behind #1042, 1042 or a case id (UnknownCase names a missing one)."""
    with ws.store.read() as session:
        return resolve_case(session, text)


def _extend_import(parser: argparse.ArgumentParser | None) -> None:
    """`veil import FILE --hub URL --user NAME`: import into the team hub instead."""
    if parser is None:
        return
    parser.add_argument("--hub", metavar="URL", help="import into this team hub (analyst, lead)")
    parser.add_argument("--user", help="with --hub: who imports")
    parser.add_argument("--password", help="with --hub: their password (or $VEIL_PASSWORD)")
    add_trust_arguments(parser)
    local = parser.get_default("handler")

    def dispatch(args: argparse.Namespace) -> int:
        return guarded(_import_to_hub)(args) if args.hub else int(local(args))

    parser.set_defaults(handler=dispatch)


def _import_to_hub(args: argparse.Namespace) -> int:
    with workstation(args) as ws:
        connect(ws.store, ws.link, args.hub, trust_of(args))
        user = hub_person(ws, args)
        report = import_to_hub(ws.engine, policies(), user, args.file, args.media)
    for problem in report.local.problems:
        print(problem)
    print(report.summary())
    return 1 if report.local.problems else 0
