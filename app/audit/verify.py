"""`veil audit verify`: walk every hash chain, here and on the hub; name the first broken link.

Locally, on top of each chain's links (`LocalStore.verify_chains`): every chain written
here must end exactly at the head its device row records (an event cut off the end, or
one appended after it, shows), local order must follow each chain's order (rows moved
around), and an event from another device must carry the hub's acknowledgement (it can
only have arrived by a pull). On the hub: over HTTP, every device chain the caller can see
and, where the store holds the same event, the same hash and server_seq; on the hub
machine itself, the hub's own global chain (`app.hub.chain.verify_hub`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import select

from app.log.events import ChainBreak
from app.log.store import LocalStore
from db.models import Device, Event


@dataclass(frozen=True)
class Finding:
    """One broken link: where, which event, and why."""

    place: str
    event_id: str | None
    device_id: str | None
    device_seq: int | None
    reason: str

    def line(self) -> str:
        """One line for the terminal."""
        where = f"event {self.event_id}" if self.event_id else "no single event"
        if self.device_id:
            where += f" (device {self.device_id} seq {self.device_seq})"
        return f"BROKEN {self.place}: {where}: {self.reason}"


@dataclass
class VerifyReport:
    """What one walk checked and what it found, first break of each chain first."""

    place: str
    events: int = 0
    chains: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing broken."""
        return not self.findings

    def lines(self) -> list[str]:
        """The report for the terminal."""
        if self.ok:
            return [f"ok: {self.place}: {self.events} events in {self.chains} chain(s) verify"]
        return [f.line() for f in self.findings]


class _Link(NamedTuple):
    """One event's place in its chain and in local order."""

    id: int
    event_id: str
    device_id: str
    device_seq: int
    hash: str
    server_seq: int | None


def verify_local(store: LocalStore) -> VerifyReport:
    """Every chain of the local store, its head, its local order and its origin."""
    report = VerifyReport("local store")
    report.findings += [finding(report.place, b) for b in store.verify_chains()]
    columns = (Event.id, Event.event_id, Event.device_id, Event.device_seq, Event.hash)
    query = select(*columns, Event.server_seq).order_by(Event.device_id, Event.device_seq)
    with store.engine.connect() as conn:
        links = [_Link(*row) for row in conn.execute(query)]
        heads = {d.device_id: (d.last_seq, d.last_hash) for d in conn.execute(select(Device))}
    chains: dict[str, list[_Link]] = {}
    for link in links:
        chains.setdefault(link.device_id, []).append(link)
    report.events, report.chains = len(links), len(chains)
    for device_id, chain in chains.items():
        report.findings += _order(report.place, chain)
        head = heads.get(device_id)
        found = _unacked(chain) if head is None else _beyond_head(chain, head)
        report.findings += [Finding(report.place, *f) for f in found]
    for device_id, (last_seq, _hash) in heads.items():
        if device_id not in chains and last_seq > 0:
            reason = "every event of this chain is gone"
            report.findings.append(Finding(report.place, None, device_id, last_seq, reason))
    return report


_Found = tuple[str, str, int, str]


def _order(place: str, chain: list[_Link]) -> list[Finding]:
    """Local insertion order must follow device_seq: rows moved around show here."""
    for i in range(1, len(chain)):
        if chain[i].id > chain[i - 1].id:
            continue
        # A descent: either this row was moved earlier or the one before it moved later;
        # the one before is the odd one out when its own predecessor fits this row.
        odd = chain[i - 1] if i >= 2 and chain[i - 2].id < chain[i].id else chain[i]
        reason = "stored out of its chain's order (rows moved in the table)"
        return [Finding(place, odd.event_id, odd.device_id, odd.device_seq, reason)]
    return []


def _unacked(chain: list[_Link]) -> list[_Found]:
    """Another device's events reach this store only by a pull, acknowledged by the hub."""
    for link in chain:
        if link.server_seq is None:
            reason = "from another device but never acknowledged by the hub"
            return [(link.event_id, link.device_id, link.device_seq, reason)]
    return []


def _beyond_head(chain: list[_Link], head: tuple[int, str]) -> list[_Found]:
    """A chain written here ends exactly at the head its device row records."""
    last_seq, last_hash = head
    for link in chain:
        if link.device_seq > last_seq:
            reason = f"after the chain's recorded head (seq {last_seq}): appended afterwards"
            return [(link.event_id, link.device_id, link.device_seq, reason)]
    last = chain[-1]
    if last.device_seq < last_seq:
        reason = f"the chain ends here but its head is seq {last_seq}: later events are gone"
        return [(last.event_id, last.device_id, last.device_seq, reason)]
    if last.hash != last_hash:
        return [(last.event_id, last.device_id, last.device_seq, "differs from the recorded head")]
    return []


def finding(place: str, brk: ChainBreak) -> Finding:
    """A Finding from a chain break."""
    return Finding(place, brk.event_id, brk.device_id, brk.device_seq, brk.reason)
