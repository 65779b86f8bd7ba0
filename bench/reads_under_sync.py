"""Reads under sync: queue page and case detail latency while 2,000-event pulled pages are applied.

A store of 200,000 cases (bench/_bigstore.py) and a lead's desk on it. A worker thread
applies pulled pages of 2,000 events through the real path (`LocalStore.apply_remote`,
one `RemoteBatch` and one write transaction per page): cases ingested on the hub's chain,
then leased and decided on moderators' chains, each event sealed and chained as a hub
serves it, with its payload's canonical JSON as a pull hands it over. Meanwhile the main
thread reads what the workstation's UI reads, one pair every few milliseconds:

- queue page: `QueueSource.page` of 100 rows at a random offset (count included), what
  the lazy queue model asks for, on the desk's read connection;
- case detail: `ReviewDesk.detail` of a random open case, what the case view shows.

Three phases in one run: the reads alone (baseline), the reads during the applies, and,
for contrast, the reads during the applies through the old path, where every read began
BEGIN IMMEDIATE (`LocalStore.read` swapped for `LocalStore.transaction`) and so queued
behind each page's write transaction. Latency p50 / p99 per phase, ratios to the
baseline, and the limit: p99 of each read during the applies <= 50 ms.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from app.domain.people import Reviewer, Role
from app.log.clock import iso
from app.log.events import GENESIS_HASH, EventRecord, canonical_json, seal, uuid7
from app.log.remote import row_values
from app.log.store import LocalStore
from app.review.reviewdesk import ReviewDesk
from bench._bigstore import NOW, build, policies
from bench._util import percentile, print_table, verdict
from db.models import Event

CASES = 200_000
PAGE_EVENTS = 2000
PAGES = 20  # 40,000 events: about ten seconds of applies with the reads beside them
OLD_PAGES = 8  # the old path's reads wait for the whole sync, so fewer pages do
BASELINE_S = 6.0
PAUSE_S = 0.005  # between two read pairs: a UI reads on demand, not in a busy loop
LIMIT_MS = 50.0
QUEUE_ROWS = 100
PULLER = "lead"


@dataclass
class Page:
    """One pulled page as the sync engine hands it to apply_remote."""

    events: list[EventRecord]
    cursor: int
    payload_json: dict[str, str]


class Hub:
    """Sealed, chained events in server order, as a team hub would serve them."""

    def __init__(self) -> None:
        self._heads: dict[str, tuple[int, str]] = {}
        self._seq = 0
        self._tick = 0
        self._waiting: list[str] = []  # ingested cases nobody decided yet

    def pages(self, count: int) -> list[Page]:
        """`count` pages: cases ingested, and earlier ones leased and decided (about 3:2)."""
        return [self._page() for _ in range(count)]

    def note(self) -> EventRecord:
        """One note on no case."""
        return self._event("lead", "note.added", None, {"text": "history"})

    def _page(self) -> Page:
        events: list[EventRecord] = []
        while len(events) < PAGE_EVENTS:
            room = PAGE_EVENTS - len(events) >= 2
            if room and len(self._waiting) > 400 and self._seq % 7 < 3:
                case_id = self._waiting.pop(0)
                mod = f"mod-{self._seq % 5}"
                events.append(self._event(mod, "case.leased", case_id, self._lease(mod)))
                decision: dict[str, object] = {
                    "action": "no_violation",
                    "category": "spam_scams",
                    "prior_decision": None,
                }
                events.append(self._event(mod, "decision.recorded", case_id, decision))
            else:
                events.append(self._ingest())
        payload_json = {e.event_id: canonical_json(e.payload) for e in events}
        return Page(events, events[-1].server_seq or 0, payload_json)

    def _ingest(self) -> EventRecord:
        case_id = uuid7()
        self._waiting.append(case_id)
        payload: dict[str, object] = {
            "external_id": f"sync-{self._seq}",
            "category": "spam_scams",
            "subcategory": "phishing",
            "severity": 1 + self._seq % 4,
            "queue": "general",
            "team": "default",
            "clearance": None,
            "title": f"pulled report {self._seq}",
            "report_reason": "",
            "text": "",
            "reported_at": iso(NOW - timedelta(minutes=self._seq % 900)),
            "report_count": 1,
            "media": [],
        }
        return self._event("intake", "case.ingested", case_id, payload, "hub-device")

    def _lease(self, holder: str) -> dict[str, object]:
        return {"holder": holder, "expires_at": iso(NOW + timedelta(minutes=10)), "via": "claim"}

    def _event(
        self,
        actor: str,
        kind: str,
        case_id: str | None,
        payload: dict[str, object],
        device: str | None = None,
    ) -> EventRecord:
        device = device or f"device-{actor}"
        seq, prev = self._heads.get(device, (0, GENESIS_HASH))
        self._seq += 1
        self._tick += 1
        record = seal(
            EventRecord(
                event_id=uuid7(),
                device_id=device,
                device_seq=seq + 1,
                actor=actor,
                kind=str(kind),
                case_id=case_id,
                payload=payload,
                seen_head=None,
                created_at=iso(NOW + timedelta(milliseconds=self._tick)),
                prev_hash=prev,
                server_seq=self._seq,
            )
        )
        self._heads[device] = (record.device_seq, record.hash)
        return record


class Reader:
    """The two reads the UI does, each timed; case ids for the detail come from the queue."""

    def __init__(self, desk: ReviewDesk, seed: int = 7) -> None:
        self.desk = desk
        self.source = desk.queue_source()
        self.total = self.source.count()
        self.case_ids = [r.case_id for r in self.source.page(0, 2000)]
        self.rng = random.Random(seed)
        self.page_ms: list[float] = []
        self.detail_ms: list[float] = []

    def once(self) -> None:
        """One queue page and one case detail."""
        offset = self.rng.randrange(0, max(1, self.total - QUEUE_ROWS))
        case_id = self.rng.choice(self.case_ids)
        self.page_ms.append(_ms(lambda: self.source.page(offset, QUEUE_ROWS)))
        self.detail_ms.append(_ms(lambda: self.desk.detail(case_id)))

    def until(self, done: Callable[[], bool]) -> None:
        """Read pair after pair, a short pause between, until done() says so."""
        while not done():
            self.once()
            time.sleep(PAUSE_S)

    def reset(self) -> None:
        """Forget the timings so far."""
        self.page_ms, self.detail_ms = [], []


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


class Applier(threading.Thread):
    """Applies pages one after another, as the sync engine's pull loop does."""

    def __init__(self, store: LocalStore, pages: list[Page]) -> None:
        super().__init__(name="bench-apply", daemon=True)
        self.store = store
        self.pages = pages
        self.page_s: list[float] = []
        self.error: BaseException | None = None
        self.finished = threading.Event()

    def run(self) -> None:
        """Apply every page; note each apply's seconds."""
        try:
            for page in self.pages:
                start = time.perf_counter()
                new = self.store.apply_remote(
                    page.events, page.cursor, PULLER, payload_json=page.payload_json
                )
                self.page_s.append(time.perf_counter() - start)
                assert new == len(page.events), (new, len(page.events))
        except BaseException as exc:  # noqa: BLE001 - re-raised by the main thread
            self.error = exc
        finally:
            self.finished.set()


@dataclass
class Phase:
    """One phase's timings."""

    name: str
    page_ms: list[float]
    detail_ms: list[float]
    apply_s: list[float]


def run() -> None:
    """Build the store and pages; measure the three phases; print the table and verdicts."""
    with tempfile.TemporaryDirectory(prefix="veil-bench-reads-") as tmp:
        store = build(Path(tmp) / "store", CASES)
        hub = Hub()
        _past_bulk_cases(store, hub)
        started = time.perf_counter()
        new_pages, old_pages = hub.pages(PAGES), hub.pages(OLD_PAGES)
        print(f"sealed {PAGES + OLD_PAGES} pages of {PAGE_EVENTS:,} events in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        lead = Reviewer("lead", "Lee", Role.LEAD, frozenset({"child_safety"}))
        desk = ReviewDesk(store, policies(), lead)
        try:
            phases = list(_phases(store, desk, new_pages, old_pages))
        finally:
            desk.close()
            store.close()
    _report(phases)


def _past_bulk_cases(store: LocalStore, hub: Hub) -> None:
    """Move the log's local ids past the bulk cases' numbers (a case's number is its ingest
    event's local id, and the bulk rows have no events): one pulled note stored at id
    CASES + 1, as if the log held the cases' history."""
    note = hub.note()
    with store.transaction() as session:
        session.execute(insert(Event).values(id=CASES + 1, **row_values(note)))


def _phases(
    store: LocalStore, desk: ReviewDesk, new_pages: list[Page], old_pages: list[Page]
) -> Iterator[Phase]:
    reader = Reader(desk)
    for _ in range(50):  # warm the caches and the statement cache
        reader.once()
    reader.reset()
    end = time.perf_counter() + BASELINE_S
    reader.until(lambda: time.perf_counter() > end)
    yield Phase("reads alone (baseline)", reader.page_ms, reader.detail_ms, [])

    yield _with_writer(store, reader, new_pages, "reads during applies: read path")

    # The old path: every read a BEGIN IMMEDIATE transaction, as before the read path.
    store.read = store.transaction  # type: ignore[method-assign]
    try:
        yield _with_writer(store, reader, old_pages, "reads during applies: BEGIN IMMEDIATE (old)")
    finally:
        del store.read


def _with_writer(store: LocalStore, reader: Reader, pages: list[Page], name: str) -> Phase:
    reader.reset()
    gc.collect()
    applier = Applier(store, pages)
    applier.start()
    reader.until(applier.finished.is_set)
    applier.join()
    if applier.error is not None:
        raise applier.error
    return Phase(name, reader.page_ms, reader.detail_ms, applier.page_s)


def _report(phases: list[Phase]) -> None:
    base = phases[0]
    rows = []
    for phase in phases:
        apply_ms = statistics.median(phase.apply_s) * 1000 if phase.apply_s else None
        rows.append(
            [
                phase.name,
                len(phase.page_ms),
                percentile(phase.page_ms, 50),
                percentile(phase.page_ms, 99),
                percentile(phase.page_ms, 99) / percentile(base.page_ms, 99),
                percentile(phase.detail_ms, 50),
                percentile(phase.detail_ms, 99),
                percentile(phase.detail_ms, 99) / percentile(base.detail_ms, 99),
                "" if apply_ms is None else round(apply_ms),
            ]
        )
    header = [
        "phase",
        "reads",
        "page p50 ms",
        "page p99 ms",
        "page p99 x base",
        "detail p50 ms",
        "detail p99 ms",
        "detail p99 x base",
        "apply ms/page (median)",
    ]
    print_table(header, rows)
    during, old = phases[1], phases[2]
    print(verdict("queue page p99 during applies, ms", percentile(during.page_ms, 99),
                  LIMIT_MS, at_most=True))  # fmt: skip
    print(verdict("case detail p99 during applies, ms", percentile(during.detail_ms, 99),
                  LIMIT_MS, at_most=True))  # fmt: skip
    slower = percentile(old.detail_ms, 99) / percentile(during.detail_ms, 99)
    print(f"case detail p99, old BEGIN IMMEDIATE path / read path: {slower:.1f}x")
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"load average (1, 5, 15 min) at the end: {load}")
