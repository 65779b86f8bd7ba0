"""The store's side of sync: pulled events and acknowledgements folded in one transaction.

Projections are folded in canonical order: acknowledged events by server_seq, then this
workstation's pending ones by local id. A pulled page usually continues a case where it
left off (every new event has a higher server_seq than what the case holds and nothing of
the case is pending), and then the new events are simply folded on top. Otherwise the
case is refolded from its whole log, so every node ends with the same projections
whatever order the events arrived in.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.log import quarantine
from app.log.events import GENESIS_HASH, ChainBreak, EventRecord, canonical_json, chain_hash
from app.log.fold_scope import insert_rows, select_in
from app.log.folding import apply_event, folding, refold_cases
from app.log.registry import registry
from db.models import Device, Event

CHUNK = 500
log = logging.getLogger(__name__)


class RemoteBatch:
    """One transaction's worth of pulled events or hub acknowledgements."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # What this batch changed: cases whose projections moved, kinds of the new events.
        self.case_ids: set[str] = set()
        self.kinds: set[str] = set()
        self.quarantined = 0  # new events this batch put in quarantine

    def apply(
        self,
        records: Sequence[EventRecord],
        payload_json: Mapping[str, str] | None = None,
        now: str = "",
    ) -> int:
        """Insert the unknown events and fold their cases; how many were new.

        `payload_json`: canonical payload JSON by event id, where the caller has it.
        An event that cannot be checked or folded is quarantined (app/log/quarantine.py),
        never raised: the page is folded in one go, and only when that fails again event
        by event, each in a savepoint, so a failing fold takes back only its own event."""
        payload_json = payload_json or {}
        known = self._known({r.event_id for r in records})
        unique = {r.event_id: r for r in records if r.event_id not in known}
        fresh = sorted(unique.values(), key=_canonical)
        late = {
            r.event_id: r.server_seq
            for r in records
            if r.event_id in known and known[r.event_id] is None and r.server_seq is not None
        }
        checked, typed = self._screen(fresh, payload_json, now)
        try:
            with self.session.begin_nested():
                self._fold_page(checked, late, payload_json, typed)
        except Exception as exc:
            if not quarantine.quarantinable(exc):
                raise
            self.session.expire_all()  # what the page's savepoint had loaded and changed
            self._fold_one_by_one(checked, late, payload_json, typed, now)
        self.case_ids |= {r.case_id for r in fresh if r.case_id is not None}
        self.case_ids |= self._cases_of(late)
        self.kinds |= {r.kind for r in fresh}
        return len(fresh)

    def _screen(
        self, fresh: Sequence[EventRecord], payload_json: Mapping[str, str], now: str
    ) -> tuple[list[EventRecord], dict[str, Any]]:
        """The events that pass the store's checks (others go to quarantine) and their
        typed payloads, so the folds do not decode them again."""
        checked, typed = [], {}
        for rec in fresh:
            reason, payload = quarantine.screen(rec)
            if reason is None:
                checked.append(rec)
                typed[rec.event_id] = payload
            else:
                self._quarantine(rec, payload_json, reason, now)
        return checked, typed

    def _quarantine(
        self,
        rec: EventRecord,
        payload_json: Mapping[str, str],
        reason: quarantine.Reason,
        now: str,
    ) -> None:
        log.warning("event %s (%s) is quarantined: %s", rec.event_id, rec.kind, reason)
        quarantine.put(self.session, rec, payload_json.get(rec.event_id), reason, now)
        self._advance_own_devices([rec])  # the chain goes on after it all the same
        self.quarantined += 1

    def _fold_page(
        self,
        fresh: Sequence[EventRecord],
        late: Mapping[str, int | None],
        payload_json: Mapping[str, str],
        typed: Mapping[str, Any],
    ) -> None:
        """The fast path: every event inserted at once, settled cases folded on top,
        the others folded again from their logs."""
        by_case: dict[str, list[EventRecord]] = defaultdict(list)
        for rec in fresh:
            if rec.case_id is not None:
                by_case[rec.case_id].append(rec)
        late_cases = self._cases_of(late)
        settled = self._settled_cases(by_case, late_cases)
        settled_ids = set(settled)
        self._set_server_seqs(late)
        self._insert(fresh, payload_json)
        self._advance_own_devices(fresh)
        kinds = registry().kinds
        ingests = [r.event_id for r in fresh if r.kind in kinds and kinds[r.kind].creates_case]
        with folding(self.session, settled, ingests) as ctx:
            ctx.decoded.update(typed)
            for rec in fresh:  # canonical order across cases too, as a rebuild folds
                if rec.case_id is None or rec.case_id in settled_ids:
                    apply_event(ctx, rec)
        refold_cases(self.session, (set(by_case) | late_cases) - settled_ids)

    def _fold_one_by_one(
        self,
        fresh: Sequence[EventRecord],
        late: Mapping[str, int | None],
        payload_json: Mapping[str, str],
        typed: Mapping[str, Any],
        now: str,
    ) -> None:
        """The page failed to fold: each event in its own savepoint, its case folded again
        with it; an event whose fold fails is taken back and quarantined."""
        self._set_server_seqs(late)
        for rec in fresh:
            try:
                with self.session.begin_nested():
                    self._insert([rec], payload_json)
                    self._advance_own_devices([rec])
                    quarantine.fold_into(self.session, rec, typed.get(rec.event_id))
            except Exception as exc:
                if not quarantine.quarantinable(exc):
                    raise
                self.session.expire_all()
                self._quarantine(rec, payload_json, quarantine.reason_of(exc), now)
        refold_cases(self.session, self._cases_of(late))

    def acknowledge(self, acks: dict[str, int]) -> None:
        """Fill in server_seqs; refold cases where the new order differs from the folded one."""
        if not acks:
            return
        touched = self._cases_of(acks)
        self._set_server_seqs(acks)
        # Pending events of another person on the same case were folded between these;
        # now they come after them, so the case is folded again in the new order.
        still_pending = self._pending_cases(touched)
        if still_pending:
            refold_cases(self.session, still_pending)
            self.case_ids |= still_pending

    def _known(self, event_ids: Iterable[str]) -> dict[str, int | None]:
        """Events held here, in the log or in quarantine, with their server_seqs."""
        ids = set(event_ids)
        found = select_in(self.session, "events", ["event_id", "server_seq"], "event_id", ids)
        known = {str(event_id): seq for event_id, seq in found}
        known.update(quarantine.known_ids(self.session, ids - set(known)))
        return known

    def _cases_of(self, event_ids: Iterable[str]) -> set[str]:
        found = select_in(self.session, "events", ["case_id"], "event_id", event_ids)
        return {str(case_id) for (case_id,) in found if case_id is not None}

    def _pending_cases(self, case_ids: set[str]) -> set[str]:
        found = select_in(self.session, "events", ["case_id", "server_seq"], "case_id", case_ids)
        return {str(case_id) for case_id, seq in found if seq is None}

    def _settled_cases(
        self, by_case: dict[str, list[EventRecord]], late_cases: set[str]
    ) -> list[str]:
        """Cases whose new events all come after everything the case already holds."""
        ids = set(by_case) - late_cases
        columns = ["case_id", "max(server_seq)", "count(*) - count(server_seq)"]
        found = select_in(self.session, "events", columns, "case_id", ids, group_by="case_id")
        held = {case_id: (top, pending) for case_id, top, pending in found}
        settled = []
        for case_id in sorted(ids):
            top, pending = held.get(case_id, (None, 0))
            first = by_case[case_id][0].server_seq
            if pending == 0 and (top is None or (first is not None and first > top)):
                settled.append(case_id)
        return settled

    def _set_server_seqs(self, acks: Mapping[str, int | None]) -> None:
        params = [{"eid": eid, "seq": seq} for eid, seq in acks.items() if seq is not None]
        if not params:
            return
        table = Event.__table__
        statement = (
            update(table)  # type: ignore[arg-type]
            .where(table.c.event_id == bindparam("eid"), table.c.server_seq.is_(None))
            .values(server_seq=bindparam("seq"))
        )
        self.session.connection().execute(statement, params)

    def _insert(self, fresh: Sequence[EventRecord], payload_json: Mapping[str, str]) -> None:
        if fresh:
            raw = self.session.connection().connection.driver_connection
            rows = [row_values(r, payload_json.get(r.event_id)) for r in fresh]
            insert_rows(raw, Event.__tablename__, list(rows[0]), rows)

    def _advance_own_devices(self, fresh: Sequence[EventRecord]) -> None:
        """A chain of ours that comes back from the hub longer than we hold it (a restored
        store) continues after what the hub has, never forking it."""
        own = {d.device_id: d for d in self.session.scalars(select(Device))}
        for rec in fresh:
            device = own.get(rec.device_id)
            if device is not None and rec.device_seq > device.last_seq:
                device.last_seq, device.last_hash = rec.device_seq, rec.hash


def _canonical(rec: EventRecord) -> tuple[bool, int]:
    return rec.server_seq is None, rec.server_seq or 0


def row_values(rec: EventRecord, payload_json: str | None = None) -> dict[str, object]:
    """The events-table row of a record; `payload_json`, when given, is its payload's
    canonical JSON (what checking a pulled event's hash produced)."""
    return {
        "event_id": rec.event_id,
        "device_id": rec.device_id,
        "device_seq": rec.device_seq,
        "actor": rec.actor,
        "kind": rec.kind,
        "case_id": rec.case_id,
        "payload": payload_json or canonical_json(rec.payload),
        "seen_head": rec.seen_head,
        "created_at": rec.created_at,
        "server_seq": rec.server_seq,
        "prev_hash": rec.prev_hash,
        "hash": rec.hash,
    }


def verify_partial_chain(records: Sequence[EventRecord]) -> ChainBreak | None:
    """Check another device's events (device_seq order) where some may be missing."""
    previous: EventRecord | None = None
    for rec in records:
        if chain_hash(rec) != rec.hash:
            return _break(rec, "hash does not match content")
        if rec.device_seq == 1 and rec.prev_hash != GENESIS_HASH:
            return _break(rec, "the first event does not start from the genesis hash")
        linked = previous is not None and previous.device_seq == rec.device_seq - 1
        if linked and previous is not None and rec.prev_hash != previous.hash:
            return _break(rec, "prev_hash does not match")
        previous = rec
    return None


def _break(rec: EventRecord, reason: str) -> ChainBreak:
    return ChainBreak(rec.event_id, rec.device_id, rec.device_seq, reason)
