"""The hub half of `veil audit verify`.

Over HTTP (any workstation, as a lead): pull every event the caller may see, check each
device chain (gaps are events hidden from the caller, so present links must hold), that
server_seq only rises, and that every event the local store also holds has the same hash
and server_seq on the hub. On the hub machine (`--hub-db`): the hub's own global chain
in server_seq order and every device chain, via `app.hub.chain.verify_hub`, with each
problem tied to its event.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
from sqlalchemy import ColumnElement, Connection, and_, select

from app.audit.verify import Finding, VerifyReport, finding
from app.hub.chain import verify_hub
from app.log.events import GENESIS_HASH, ChainBreak, EventRecord, chain_hash
from app.log.store import LocalStore
from app.sync.client import HubRejected, HubUnreachable
from app.sync.trust import HubTrust
from db.hub.models import Event as HubEvent
from db.models import Event

PAGE = 1000  # the hub's largest pull page


def pull_all(
    base_url: str, token: str, timeout: float = 30.0, trust: HubTrust | None = None
) -> Iterator[EventRecord]:
    """Every event the token's user may see, in server_seq order, exactly as the hub holds it.

    `HubClient.pull` (rightly, for sync) refuses a page with an event that does not match
    its hash; an audit must see such an event to name it, so it reads the pages itself.
    """
    cursor = 0
    headers = {"authorization": f"Bearer {token}"}
    verify = (trust or HubTrust()).ssl_context() or True
    with httpx.Client(base_url=base_url, timeout=timeout, headers=headers, verify=verify) as http:
        while True:
            page = _page(http, cursor)
            events = [EventRecord.from_wire(e) for e in page["events"]]
            yield from events
            next_cursor = int(page["cursor"])
            if not events or next_cursor == cursor:
                return
            cursor = next_cursor


def _page(http: httpx.Client, cursor: int) -> dict[str, Any]:
    try:
        response = http.get("/v1/events/pull", params={"cursor": cursor, "limit": PAGE})
    except httpx.TransportError as exc:
        raise HubUnreachable(f"pull: {exc!r}") from exc
    if response.status_code >= 400:
        raise HubRejected(response.status_code, response.text[:200])
    page: dict[str, Any] = response.json()
    return page


def verify_hub_http(
    base_url: str, token: str, store: LocalStore | None = None, trust: HubTrust | None = None
) -> VerifyReport:
    """The hub's event log as the token's user sees it, against itself and the local store
    (trust: how to check the hub's certificate, as for sync)."""
    report = VerifyReport("hub")
    by_device: dict[str, list[EventRecord]] = {}
    last_seq = 0
    for rec in pull_all(base_url, token, trust=trust):
        report.events += 1
        if rec.server_seq is None or rec.server_seq <= last_seq:
            report.findings.append(_at(report.place, rec, "server_seq does not rise"))
        last_seq = rec.server_seq or last_seq
        by_device.setdefault(rec.device_id, []).append(rec)
    report.chains = len(by_device)
    for chain in by_device.values():
        broken = verify_visible_chain(sorted(chain, key=lambda r: r.device_seq))
        if broken is not None:
            report.findings.append(finding(report.place, broken))
    if store is not None:
        report.findings += _against_local(store, by_device)
    return report


def verify_visible_chain(records: list[EventRecord]) -> ChainBreak | None:
    """One device's events as a user sees them (device_seq order, hidden ones missing):
    every event hashes to itself and links to its predecessor wherever that is present."""
    previous: EventRecord | None = None
    for rec in records:
        reason = ""
        if chain_hash(rec) != rec.hash:
            reason = "hash does not match content"
        elif rec.device_seq == 1 and rec.prev_hash != GENESIS_HASH:
            reason = "the first event does not start from the genesis hash"
        elif previous is not None and previous.device_seq == rec.device_seq - 1:
            reason = "" if rec.prev_hash == previous.hash else "prev_hash does not match"
        if reason:
            return ChainBreak(rec.event_id, rec.device_id, rec.device_seq, reason)
        previous = rec
    return None


def _against_local(store: LocalStore, by_device: dict[str, list[EventRecord]]) -> list[Finding]:
    on_hub = {r.event_id: r for chain in by_device.values() for r in chain}
    query = select(Event.event_id, Event.hash, Event.server_seq).where(
        Event.server_seq.is_not(None)
    )
    found = []
    with store.engine.connect() as conn:
        for event_id, local_hash, server_seq in conn.execute(query.order_by(Event.server_seq)):
            hub = on_hub.get(event_id)
            if hub is None:
                continue  # not visible to this user on the hub (team, clearance)
            same = hub.hash == local_hash == chain_hash(hub) and hub.server_seq == server_seq
            if not same:
                reason = "the hub's copy differs from the one this workstation holds"
                found.append(_at("hub", hub, reason))
    return found


def _at(place: str, rec: EventRecord, reason: str) -> Finding:
    return Finding(place, rec.event_id, rec.device_id, rec.device_seq, reason)


# --- on the hub machine -------------------------------------------------------------------

_SERVER_SEQ = re.compile(r"server_seq (\d+)")
_DEVICE = re.compile(r"device (\S+): .* at (\d+)$")


def verify_hub_db(conn: Connection) -> VerifyReport:
    """The hub database's global chain and device chains, each problem tied to an event."""
    report = VerifyReport("hub database")
    report.events = len(conn.execute(select(HubEvent.server_seq)).all())
    report.chains = len(conn.execute(select(HubEvent.device_id).distinct()).all())
    for problem in verify_hub(conn):
        report.findings.append(_hub_finding(conn, report.place, problem))
    return report


def _hub_finding(conn: Connection, place: str, problem: str) -> Finding:
    """Find the event a verify_hub message is about (by server_seq or device and seq)."""
    query = select(HubEvent.event_id, HubEvent.device_id, HubEvent.device_seq)
    device = _DEVICE.search(problem)
    seq = _SERVER_SEQ.search(problem)
    where: ColumnElement[bool]
    if device:
        where = and_(HubEvent.device_id == device[1], HubEvent.device_seq == int(device[2]))
    elif seq:
        where = HubEvent.server_seq == int(seq[1])
    else:
        return Finding(place, None, None, None, problem)
    row = conn.execute(query.where(where)).first()
    if row is None:
        return Finding(place, None, None, None, problem)
    return Finding(place, row.event_id, row.device_id, row.device_seq, problem)
