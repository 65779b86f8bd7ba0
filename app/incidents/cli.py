"""`veil incident ...`: run an incident headless, start to post-mortem.

    veil incident declare --as NAME --title T --sev 2 --category C [--from-case ID]
    veil incident list --as NAME [--all]
    veil incident trends --as NAME
    veil incident show ID --as NAME
    veil incident severity ID N --as NAME [--reason R]
    veil incident assign ID PERSON ROLE --as NAME [--area legal|policy|comms]
    veil incident seed ID CASE_ID --as NAME     (the case's media become seeds)
    veil incident terms ID TERM... --as NAME
    veil incident link ID CASE_ID --as NAME
    veil incident contain --as NAME             (route every open matching case)
    veil incident update ID --as NAME --conditions C --actions A [--needs N]
    veil incident note ID TEXT --as NAME
    veil incident resolve ID --as NAME [--summary S]
    veil incident postmortem ID --as NAME --went-well W --went-badly B
    veil incident action ID --as NAME --title T --owner O [--due TIME]
    veil incident export ID --as NAME --format pdf|md [--out FILE]
    veil incident brief ID --as NAME [--out FILE.pdf]
    veil incident verify-export FILE.md

ID may be an incident id or a unique prefix of one (8 characters or more). `--as` names
the local account the events are recorded as; its role and clearances apply.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROLES = ("commander", "scribe", "analyst", "liaison")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `veil incident ...`."""
    inc = sub.add_parser("incident", help="incidents: declare, contain, brief, post-mortem")
    cmds = inc.add_subparsers(dest="incident_command", required=True)

    def command(name: str, help_text: str, *, who: bool = True) -> argparse.ArgumentParser:
        parser = cmds.add_parser(name, help=help_text)
        if who:
            parser.add_argument("--as", dest="who", required=True, help="the local account")
        parser.set_defaults(handler=_run)
        return parser

    p = command("declare", "declare an incident")
    p.add_argument("--title", required=True)
    p.add_argument("--sev", type=int, required=True, choices=(1, 2, 3, 4))
    p.add_argument("--category", required=True)
    p.add_argument("--region", action="append", default=[])
    p.add_argument("--commander")
    p.add_argument("--clearance")
    p.add_argument("--from-case")
    p.add_argument("--summary", default="")
    command("trends", "incidents over time: month, category, severity, recurring seeds")
    p = command("list", "incidents you may see")
    p.add_argument("--all", action="store_true", help="resolved ones too")
    p = command("show", "an incident's state, counters and latest timeline")
    p.add_argument("id")
    p = command("severity", "change the severity")
    p.add_argument("id")
    p.add_argument("sev", type=int, choices=(1, 2, 3, 4))
    p.add_argument("--reason", default="")
    p = command("assign", "give a person a role")
    p.add_argument("id")
    p.add_argument("person")
    p.add_argument("role", choices=ROLES)
    p.add_argument("--area", choices=("legal", "policy", "comms"))
    p = command("seed", "make a case's media seeds of the incident")
    p.add_argument("id")
    p.add_argument("case_id")
    p = command("terms", "set the incident's text terms")
    p.add_argument("id")
    p.add_argument("terms", nargs="*")
    p = command("link", "link a case by hand")
    p.add_argument("id")
    p.add_argument("case_id")
    command("contain", "route every open case matching an open incident")
    p = command("update", "a status update (Conditions / Actions / Needs)")
    p.add_argument("id")
    p.add_argument("--conditions", required=True)
    p.add_argument("--actions", required=True)
    p.add_argument("--needs", default="")
    p = command("note", "a note on the timeline")
    p.add_argument("id")
    p.add_argument("text")
    p = command("resolve", "resolve the incident")
    p.add_argument("id")
    p.add_argument("--summary", default="")
    p = command("postmortem", "the post-mortem's written parts")
    p.add_argument("id")
    p.add_argument("--went-well", required=True)
    p.add_argument("--went-badly", required=True)
    p.add_argument("--summary", default="")
    p = command("action", "an action item with its owner")
    p.add_argument("id")
    p.add_argument("--title", required=True)
    p.add_argument("--owner", required=True)
    p.add_argument("--due")
    p = command("export", "export the post-mortem")
    p.add_argument("id")
    p.add_argument("--format", required=True, choices=("pdf", "md"))
    p.add_argument("--out", type=Path, help="the file (default: incident-ID.FORMAT here)")
    p = command("brief", "the one-page stakeholder brief (PDF, filtered thumbnails only)")
    p.add_argument("id")
    p.add_argument("--out", type=Path, help="the file (default: brief-ID.pdf here)")
    p = command("verify-export", "check an exported post-mortem's cited events", who=False)
    p.add_argument("file", type=Path)


def _run(args: argparse.Namespace) -> int:
    # Imported when run: `veil` builds every subcommand's parser at start-up.
    from app.incidents.commands import IncidentError
    from app.incidents.report import ExportError
    from app.log.paths import data_dir
    from app.log.store import open_store

    store = open_store(data_dir(args.data_dir))
    try:
        return _dispatch(store, args)
    except (IncidentError, ExportError, KeyError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"veil incident {args.incident_command}: {message}", file=sys.stderr)
        return 2
    finally:
        store.close()


def _dispatch(store: Any, args: argparse.Namespace) -> int:
    from app.incidents import report
    from app.incidents.commands import IncidentDesk, incident_of

    if args.incident_command == "verify-export":
        problems = report.verify_citations(store, report.read_citations(args.file.read_text()))
        for line in problems:
            print(f"BROKEN {line}")
        if not problems:
            print(f"ok: {args.file}: every cited event verifies")
        return 1 if problems else 0
    desk = IncidentDesk(store, _person(store, args.who))
    command = args.incident_command
    if command == "declare":
        records = desk.declare(
            args.title,
            args.sev,
            args.category,
            args.commander,
            regions=args.region,
            summary=args.summary,
            clearance=args.clearance,
            from_case=args.from_case,
        )
        print(incident_of(records[0]))
        linked = sum(1 for r in records if r.kind == "incident.case_linked")
        print(f"declared; {linked} case(s) linked", file=sys.stderr)
        return 0
    if command == "list":
        return _list(desk, args.all)
    if command == "trends":
        from app.incidents.trends import lines, trends

        with store.read() as session:
            print("\n".join(lines(trends(session, desk.reviewer))))
        return 0
    if command == "contain":
        from app.incidents.matcher import contain

        print(f"{len(contain(desk))} case(s) linked")
        return 0
    incident_id = _incident_id(desk, args.id)
    if command == "show":
        return _show(desk, incident_id)
    if command == "export":
        doc = report.build(store, desk.reviewer, incident_id)
        out = args.out or Path(f"incident-{incident_id[:8]}.{args.format}")
        if args.format == "md":
            out.write_text(report.to_markdown(doc), encoding="utf-8")
        else:
            out.write_bytes(report.to_pdf(doc))
        print(f"wrote {out} ({len(doc.items)} timeline lines, {len(doc.citations)} cited)")
        return 0
    if command == "brief":
        from app.domain.policies import load_policies
        from app.incidents.brief import brief_pdf
        from app.log.paths import resources_dir

        policies = load_policies(resources_dir() / "policies")
        out = args.out or Path(f"brief-{incident_id[:8]}.pdf")
        out.write_bytes(brief_pdf(store, desk.reviewer, incident_id, policies))
        print(f"wrote {out}")
        return 0
    done: Any
    if command == "severity":
        done = desk.change_severity(incident_id, args.sev, args.reason)
    elif command == "assign":
        done = desk.assign(incident_id, args.person, args.role, args.area)
    elif command == "seed":
        done = desk.add_seeds_from_case(incident_id, args.case_id)
    elif command == "terms":
        done = desk.set_terms(incident_id, args.terms)
    elif command == "link":
        done = desk.link_case(incident_id, args.case_id)
    elif command == "update":
        done = desk.status_update(incident_id, args.conditions, args.actions, args.needs)
    elif command == "note":
        done = desk.note(incident_id, args.text)
    elif command == "resolve":
        done = desk.resolve(incident_id, args.summary)
    elif command == "postmortem":
        done = desk.postmortem(incident_id, args.went_well, args.went_badly, args.summary)
    else:  # action
        done = desk.action_item(incident_id, args.title, args.owner, due=args.due)
    count = len(done) if isinstance(done, list) else 1
    print(f"{command}: {count} event(s) recorded")
    return 0


def _person(store: Any, username: str) -> Any:
    from app.domain.people import reviewer_of
    from db.models import User

    with store.read() as session:
        user = session.get(User, username)
        if user is None:
            raise KeyError(f"--as: no local account {username!r}")
        return reviewer_of(user)


def _incident_id(desk: Any, given: str) -> str:
    from sqlalchemy import select

    from app.incidents import access
    from app.incidents.models import Incident

    if len(given) < 8:
        raise ValueError("id: give the incident id or at least its first 8 characters")
    with desk.store.read() as session:
        rows = session.execute(
            select(Incident.incident_id, Incident.clearance).where(
                Incident.incident_id.startswith(given)
            )
        ).all()
    # Clearance only: the command itself then says what this person's role may do.
    found = [r.incident_id for r in rows if access.may_see(desk.reviewer, r.clearance)]
    if len(found) != 1:
        raise ValueError(f"id: {given!r} names {len(found)} incidents you may see, not one")
    return str(found[0])


def _list(desk: Any, everything: bool) -> int:
    from sqlalchemy import select

    from app.incidents import access
    from app.incidents.figures import counters
    from app.incidents.models import Incident

    with desk.store.read() as session:
        query = select(Incident).order_by(Incident.declared_at.desc())
        if not everything:
            query = query.where(Incident.status == "open")
        member = access.member_of(session, desk.reviewer)
        for row in session.scalars(query):
            if not access.sees(desk.reviewer, row.clearance, row.incident_id in member):
                continue
            c = counters(session, row.incident_id)
            print(
                f"{row.incident_id}  SEV {row.severity}  {row.status:<8}  {row.title}  "
                f"(matched {c.matched}, open {c.open}, commander {row.commander})"
            )
    return 0


def _show(desk: Any, incident_id: str) -> int:
    from sqlalchemy import select

    from app.incidents import timeline
    from app.incidents.figures import counters
    from app.incidents.models import Incident, IncidentRole
    from app.log.clock import iso

    now = iso(desk.store.clock.now())
    with desk.store.read() as session:
        row = session.get_one(Incident, incident_id)
        level = desk.severities[row.severity]
        c = counters(session, incident_id)
        roles = session.execute(
            select(IncidentRole.person, IncidentRole.role, IncidentRole.area).where(
                IncidentRole.incident_id == incident_id, IncidentRole.active
            )
        ).all()
        items = timeline.page(session, incident_id, now, limit=20)
    print(f"{row.title}  [{level.name}, {row.status}]  {row.category}")
    print(f"  {level.meaning}")
    print(f"  updates every {level.update_minutes} min; tell: {', '.join(level.notify)}")
    print(f"  matched {c.matched}, decided {c.decided}, open {c.open}, last hour {c.last_hour}")
    print("  roles: " + ", ".join(f"{p} {r}" + (f" ({a})" if a else "") for p, r, a in roles))
    for item in items:
        print(f"  {item.at} {item.actor or '-':<10} {item.label}: {item.text}")
    return 0
