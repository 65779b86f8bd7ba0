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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.domain.people import Reviewer
    from app.evidence.packets import PacketForm
    from app.evidence.retention import RetentionPolicy
    from app.log.store import LocalStore

PASSWORD_ENV = "VEIL_PASSWORD"
PHRASE_ENV = "VEIL_BUNDLE_PASSPHRASE"


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
    purge = evidence.add_parser("purge", help="run one retention purge round on this cache")
    add_login_arguments(purge)
    purge.add_argument("--rules", help="a retention file (default: resources/retention)")
    purge.set_defaults(handler=_purge)
    hold = evidence.add_parser("hold", help="put a legal hold on a case (analysts, leads)")
    hold.add_argument("case", help="case number or case id")
    hold.add_argument("--reason", required=True)
    hold.add_argument("--linked", action="store_true", help="also hold every linked case")
    add_login_arguments(hold)
    hold.set_defaults(handler=_hold)
    lift = evidence.add_parser("lift", help="lift a legal hold (leads, with a reason)")
    lift.add_argument("hold_id")
    lift.add_argument("--reason", required=True)
    add_login_arguments(lift)
    lift.set_defaults(handler=_lift)
    holds = evidence.add_parser("holds", help="list the legal holds on this workstation")
    holds.set_defaults(handler=_holds)
    bundle = evidence.add_parser("bundle", help="write an evidence bundle of held media")
    bundle.add_argument("out", help="the bundle file to write (a zip)")
    bundle.add_argument("--case", action="append", help="only this held case (repeatable)")
    bundle.add_argument("--passphrase", help=f"(default: ${PHRASE_ENV}, else asked for)")
    add_login_arguments(bundle)
    bundle.set_defaults(handler=_bundle)
    verify = evidence.add_parser("verify", help="check an evidence bundle offline")
    verify.add_argument("bundle")
    verify.add_argument("--passphrase", help=f"(default: ${PHRASE_ENV}, else asked for)")
    verify.add_argument("--hub-key", help="the hub's public key (base64), to trust no other")
    verify.set_defaults(handler=_verify)
    packet = evidence.add_parser(
        "packet", help="build a child-safety report packet from an escalated case"
    )
    packet.add_argument("case", help="case number or case id")
    packet.add_argument("--form", required=True, help="the analyst's answers (JSON, see README)")
    packet.add_argument("--out", required=True, help="where to write the packet")
    packet.add_argument("--format", choices=("json", "xml"), default="json")
    packet.add_argument("--esp", default="", help="the provider's name (default: the team)")
    add_login_arguments(packet)
    packet.set_defaults(handler=_packet)
    receipt = evidence.add_parser("packet-receipt", help="record a packet's submission receipt")
    receipt.add_argument("packet_id")
    receipt.add_argument("--receipt", required=True)
    add_login_arguments(receipt)
    receipt.set_defaults(handler=_packet_receipt)
    signing = evidence.add_parser(
        "hub-signing-key", help="on the hub: write a new receipt signing key file (0600)"
    )
    signing.add_argument("file", help="then set VEIL_HUB_SIGNING_KEY_FILE to it")
    signing.set_defaults(handler=_signing_key)
    hub_purge = evidence.add_parser(
        "hub-purge", help="on the hub: one retention round over the hub's media (hub_days)"
    )
    hub_purge.add_argument("--hub-db", required=True, metavar="DB_URL", help="the hub database")
    hub_purge.add_argument("--rules", help="a retention file (default: resources/retention)")
    hub_purge.add_argument("--team", help="only this team's cases")
    hub_purge.set_defaults(handler=_hub_purge)
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


def _person(args: argparse.Namespace, store: LocalStore) -> Reviewer | None:
    from app.domain.people import Accounts, AuthError

    try:
        return Accounts(store).authenticate(args.user, login_password(args))
    except AuthError as exc:
        print(f"veil: {exc}", file=sys.stderr)
        return None


def _retention(args: argparse.Namespace) -> RetentionPolicy | None:
    """The retention rules of --rules or the bundled file (None, told, when invalid)."""
    from pathlib import Path

    from app.domain.policies import load_policies
    from app.evidence.retention import RetentionError, load_retention
    from app.log.paths import resources_dir

    rules = Path(args.rules) if args.rules else resources_dir() / "retention" / "retention.json"
    categories = set(load_policies(resources_dir() / "policies").ids())
    try:
        return load_retention(rules, categories)
    except RetentionError as exc:
        print(f"veil: {exc}", file=sys.stderr)
        return None


def _hub_purge(args: argparse.Namespace) -> int:
    import time

    from app.evidence.hub_purge import hub_purge
    from db.hub.engine import make_engine

    policy = _retention(args)
    if policy is None:
        return 2
    engine = make_engine(args.hub_db)
    try:
        purged = hub_purge(engine, policy, int(time.time() * 1000), args.team)
    finally:
        engine.dispose()
    files = sum(len(s) for s in purged.values())
    print(f"{files} hub media blob(s) of {len(purged)} closed case(s) purged")
    return 0


def _purge(args: argparse.Namespace) -> int:
    from app.evidence.purge import purge_round
    from app.log.paths import data_dir
    from app.log.store import open_store

    policy = _retention(args)
    if policy is None:
        return 2
    store = open_store(data_dir(args.data_dir))
    try:
        who = _person(args, store)
        if who is None:
            return 2
        print(purge_round(store, policy, who.username).summary())
    finally:
        store.close()
    return 0


def _hold(args: argparse.Namespace) -> int:
    from app.evidence.commands import HoldRefused, place_hold
    from app.log.paths import data_dir
    from app.log.registry import registry
    from app.log.store import open_store

    store = open_store(data_dir(args.data_dir))
    try:
        who = _person(args, store)
        if who is None:
            return 2
        try:
            record = place_hold(
                store,
                who,
                _case_id(store, args.case),
                args.reason,
                "linked" if args.linked else "case",
            )
        except HoldRefused as exc:
            print(f"veil: {exc}", file=sys.stderr)
            return 2
        placed = registry().decode(record.kind, record.payload)
        print(f"hold {placed.hold_id} placed on case {record.case_id}")
    finally:
        store.close()
    return 0


def _lift(args: argparse.Namespace) -> int:
    from app.evidence.commands import HoldRefused, lift_hold
    from app.log.paths import data_dir
    from app.log.store import open_store

    store = open_store(data_dir(args.data_dir))
    try:
        who = _person(args, store)
        if who is None:
            return 2
        try:
            lift_hold(store, who, args.hold_id, args.reason)
        except HoldRefused as exc:
            print(f"veil: {exc}", file=sys.stderr)
            return 2
        print(f"hold {args.hold_id} lifted")
    finally:
        store.close()
    return 0


def _holds(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.evidence.models import Hold
    from app.log.paths import data_dir
    from app.log.store import open_store

    store = open_store(data_dir(args.data_dir))
    try:
        with store.read() as session:
            for h in session.scalars(select(Hold).order_by(Hold.placed_at)):
                state = f"lifted by {h.lifted_by}: {h.lift_reason}" if h.lifted_at else "ACTIVE"
                where = f"case {h.case_id} ({h.scope})"
                print(f"{h.hold_id} {where} by {h.placed_by}: {h.reason} [{state}]")
    finally:
        store.close()
    return 0


def _case_id(store: LocalStore, given: str) -> str:
    from sqlalchemy import select

    from db.models import Case

    if not given.isdigit():
        return given
    with store.read() as session:
        found = session.scalar(select(Case.case_id).where(Case.case_no == int(given)))
    return found or given


def _phrase(args: argparse.Namespace) -> str:
    return str(
        args.passphrase or os.environ.get(PHRASE_ENV) or getpass.getpass("Bundle passphrase: ")
    )


def _bundle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.domain.people import Accounts, AuthError
    from app.evidence.custody import BundleError, build_bundle
    from app.evidence.unlock import UnlockingAccounts
    from app.log.paths import data_dir
    from app.log.store import open_store

    store = open_store(data_dir(args.data_dir))
    try:
        accounts = UnlockingAccounts(store, Accounts(store))
        try:
            who = accounts.authenticate(args.user, login_password(args))
        except AuthError as exc:
            print(f"veil: {exc}", file=sys.stderr)
            return 2
        cases = [_case_id(store, c) for c in args.case] if args.case else None
        try:
            _hub_receipts(store, who.username, cases)
            manifest = build_bundle(store, who.username, _phrase(args), Path(args.out), cases)
        except BundleError as exc:
            print(f"veil: {exc}", file=sys.stderr)
            return 2
        print(
            f"wrote {args.out}: {len(manifest['items'])} media item(s), "
            f"{len(manifest['accesses'])} access record(s), {len(manifest['receipts'])} receipt(s)"
        )
    finally:
        store.close()
    return 0


def _hub_receipts(store: LocalStore, username: str, cases: list[str] | None) -> None:
    """On a hub workstation: receipts of every bundled chain's head, fresh from the hub."""
    from app.evidence.custody import accessing_devices, fetch_receipts
    from app.sync.client import HubClient, HubUnreachable
    from app.sync.link import HubLink

    link = HubLink(store.data_dir)
    credential = link.credential(username)
    if link.url is None or credential is None:
        return
    try:
        with HubClient(link.url, token=credential.token, trust=link.trust) as client:
            kept = fetch_receipts(store, client, accessing_devices(store, cases))
    except HubUnreachable as exc:
        print(f"veil: the hub cannot be reached ({exc}); using the receipts kept here")
        return
    print(f"{len(kept)} fresh hub receipt(s)")


def _verify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.evidence.verify import verify_bundle

    verdict = verify_bundle(Path(args.bundle), _phrase(args), args.hub_key)
    print("\n".join(verdict.lines()))
    return 0 if verdict.ok else 1


def _signing_key(args: argparse.Namespace) -> int:
    from app.evidence.receipts import new_signing_key_text

    try:
        fd = os.open(args.file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(f"veil: {args.file} exists; a key is never overwritten", file=sys.stderr)
        return 2
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(new_signing_key_text() + "\n")
    print(f"wrote {args.file}; start the hub with VEIL_HUB_SIGNING_KEY_FILE={args.file}")
    return 0


def _form(path: str) -> PacketForm:
    """The analyst's answers from a JSON file (PacketError naming the field)."""
    import json
    from pathlib import Path

    from app.evidence.packets import FileFacts, PacketError, PacketForm

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        files = {
            sha: FileFacts(
                f["classification"], tuple(f.get("annotations", ())), bool(f.get("public"))
            )
            for sha, f in data.get("files", {}).items()
        }
        return PacketForm(
            incident_type=data["incident_type"],
            incident_at=data["incident_at"],
            reported_person=dict(data["reported_person"]),
            files=files,
            victims=tuple(data.get("victims", ())),
            incident_description=data.get("incident_description", ""),
            additional_info=data.get("additional_info", ""),
        )
    except (OSError, ValueError) as exc:
        raise PacketError(f"{path}: cannot be read ({exc})") from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise PacketError(f"{path}: field {exc} is missing or of the wrong type") from None


def _packet(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.evidence.packets import PacketError, build_packet, stored_packet, to_json, to_xml
    from app.log.paths import data_dir
    from app.log.registry import registry
    from app.log.store import open_store

    store = open_store(data_dir(args.data_dir))
    try:
        who = _person(args, store)
        if who is None:
            return 2
        try:
            record = build_packet(
                store, who, _case_id(store, args.case), _form(args.form), args.esp or "Veil team"
            )
            built = registry().decode(record.kind, record.payload)
            packet = stored_packet(store, who, built.packet_id)
        except PacketError as exc:
            print(f"veil: {exc}", file=sys.stderr)
            return 2
        text = to_xml(packet) if args.format == "xml" else to_json(packet)
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"packet {built.packet_id} written to {args.out}")
    finally:
        store.close()
    return 0


def _packet_receipt(args: argparse.Namespace) -> int:
    from app.evidence.packets import PacketError, record_receipt
    from app.log.paths import data_dir
    from app.log.store import open_store

    store = open_store(data_dir(args.data_dir))
    try:
        who = _person(args, store)
        if who is None:
            return 2
        try:
            record_receipt(store, who, args.packet_id, args.receipt)
        except PacketError as exc:
            print(f"veil: {exc}", file=sys.stderr)
            return 2
        print(f"packet {args.packet_id}: receipt {args.receipt} recorded")
    finally:
        store.close()
    return 0
