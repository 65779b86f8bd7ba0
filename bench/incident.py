"""Incidents: matching 10,000 intakes against 1,000 seeds, and first paint of a 50,000-event
timeline, as ratios against the near-duplicate index's own query and an empty timeline.

Matching: a store of 10,000 new cases (one perceptual hash each, 2 % of them within a few
bits of a seed) and 1,000 decided seed cases whose media are one open incident's seeds.
The matcher (`app.incidents.matcher.plan`: its SQL reads, one numpy pass over all seeds,
the terms) is timed against doing the same job with the near-duplicate index's own
query over all 1,000 seed cases at once (`NearDuplicateIndex.neighbours_of_many`: one
index of the store's hashes, every seed hash against it in one pass), on a fresh index
each time, since the matcher too reads the store on every pass; both must find the same
cases. The ratio is matcher time / index time: below 1 the matcher is faster. The index
kept warm (its arrays already loaded) and the old one-query-per-seed way
(`neighbours`, 1,000 times) are printed for scale.

Timeline: an incident with 50,000 timeline events (notes, bulk-inserted as event rows
with their projection rows; their hash chain is not sealed, which the timeline never
reads) against one with only its declaration. First paint is choosing the incident in the
Incidents window (state, counters and the first page, read inline here) until its
table has painted; median of 15 runs each, offscreen. The first page holds only the
rows the table shows, so the busy timeline paints a screenful of rows where the empty
one paints one; that screenful is the whole difference left.
"""

from __future__ import annotations

import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from bench._bigstore import NOW, build
from bench._util import median, print_table, verdict

INTAKES = 10_000
SEEDS = 1_000
TIMELINE = 50_000


def _hashes(folder: Path, rng: random.Random) -> tuple[list[str], set[str]]:
    """Make cases 1..INTAKES new intakes and INTAKES+1.. decided seed cases, one hash each;
    returns the seed case ids and the intakes meant to match."""
    conn = sqlite3.connect(folder / "veil.db", isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    ids = [r[0] for r in conn.execute("SELECT case_id FROM cases ORDER BY case_no")]
    intakes, seeds = ids[:INTAKES], ids[INTAKES:]
    conn.execute(f"UPDATE cases SET status = 'new' WHERE case_no <= {INTAKES}")
    conn.execute(f"UPDATE cases SET status = 'decided' WHERE case_no > {INTAKES}")
    seed_values = [rng.getrandbits(64) for _ in seeds]
    rows, meant = [], set()
    for n, case_id in enumerate(intakes):
        if n % 50 == 0:  # 2 %: a re-upload of a seed, a few bits off
            value = seed_values[n % len(seeds)] ^ (rng.getrandbits(64) & 0x0101_0000_0000_0101)
            meant.add(case_id)
        else:
            value = rng.getrandbits(64)
        rows.append((case_id, f"{n:064x}", value))
    rows += [
        (c, f"{n + INTAKES:064x}", v)
        for n, (c, v) in enumerate(zip(seeds, seed_values, strict=True))
    ]
    conn.executemany(
        "INSERT INTO media_hashes (case_id, sha256, frame, phash) VALUES (?, ?, 0, ?)",
        [(c, s, v - (1 << 64) if v >= 1 << 63 else v) for c, s, v in rows],
    )
    conn.execute("COMMIT")
    conn.close()
    return seeds, meant


def matching() -> tuple[dict[str, float], int]:
    """(seconds by way of matching, cases found)."""
    from app.domain.people import Reviewer, Role
    from app.dupes.index import NearDuplicateIndex
    from app.incidents.commands import IncidentDesk, incident_of
    from app.incidents.matcher import plan

    lead = Reviewer("lead", "Lee", Role.LEAD, frozenset({"child_safety"}))
    with tempfile.TemporaryDirectory(prefix="veil-bench-incident-") as tmp:
        folder = Path(tmp)
        build(folder, INTAKES + SEEDS).close()
        seeds, meant = _hashes(folder, random.Random(14))
        from app.log.clock import ManualClock
        from app.log.store import LocalStore

        store = LocalStore(folder, ManualClock(NOW))
        desk = IncidentDesk(store, lead)
        incident_id = incident_of(desk.declare("Bench wave", 1, "violent_graphic")[0])
        desk.add_seeds_from_cases(incident_id, seeds)
        seed_set = set(seeds)

        def by_matcher() -> set[str]:
            with store.read() as session:
                return {p.case_id for p in plan(session, lead)}

        warm = NearDuplicateIndex()

        def by_index(index: NearDuplicateIndex | None = None) -> set[str]:
            with store.read() as session:
                found = (index or NearDuplicateIndex()).neighbours_of_many(session, seeds)
            return found - seed_set

        def per_seed() -> set[str]:
            found: set[str] = set()
            with store.read() as session:
                for case_id in seeds:
                    found |= {nb.case_id for nb in warm.neighbours(session, case_id)}
            return found - seed_set

        got, expected = by_matcher(), by_index()
        assert got == expected == per_seed(), f"matcher {len(got)} vs index {len(expected)}"
        assert meant <= got, f"matcher missed {len(meant - got)} of {len(meant)}"
        times = {
            "matcher": median(by_matcher, repeat=7),
            "index": median(by_index, repeat=7),
            "warm": median(lambda: by_index(warm), repeat=7),
            "per_seed": median(per_seed, repeat=1),
        }
        store.close()
    return times, len(got)


def _fill_timeline(folder: Path, incident_id: str, count: int) -> None:
    from app.log.events import canonical_json

    conn = sqlite3.connect(folder / "veil.db", isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    events, log, entries = [], [], []
    for n in range(count):
        event_id = f"bench-{n:08d}"
        day, hour, minute = 1 + n // 20000, (n // 1200) % 24, (n // 20) % 60
        at = f"2026-03-0{day}T{hour:02d}:{minute:02d}:{n % 20:02d}.000Z"
        text = f"observation {n}"
        payload = canonical_json({"incident_id": incident_id, "clearance": None, "text": text})
        events.append(
            (event_id, "bench-device", n + 1, "lee", "incident.note", None, payload, at, "0" * 64)
        )
        log.append((event_id, incident_id, "incident.note", "lee", at))
        entries.append((event_id, incident_id, "incident.note", "lee", at, text))
    conn.executemany(
        "INSERT INTO events (event_id, device_id, device_seq, actor, kind, case_id, payload,"
        " created_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*e, "0" * 64) for e in events],
    )
    conn.executemany(
        "INSERT INTO incident_log (event_id, incident_id, kind, actor, at) VALUES (?, ?, ?, ?, ?)",
        log,
    )
    conn.executemany(
        "INSERT INTO incident_entries (event_id, incident_id, kind, actor, at, text, pinned,"
        " pin_key, correction_key) VALUES (?, ?, ?, ?, ?, ?, 0, '', '')",
        entries,
    )
    conn.execute("COMMIT")
    conn.close()


def first_paint() -> tuple[float, float, int]:
    """(empty timeline seconds, 50,000-event timeline seconds, rows on the first page)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.domain.people import Reviewer, Role
    from app.incidents.commands import IncidentDesk, incident_of
    from app.incidents.severity import bundled_severities
    from app.log.clock import ManualClock
    from app.log.store import LocalStore
    from widgets.incidents.window import IncidentsWindow
    from widgets.shell.tasks import InlineTaskRunner

    app = QApplication.instance() or QApplication([])
    lead = Reviewer("lee", "Lee", Role.LEAD, frozenset())
    with tempfile.TemporaryDirectory(prefix="veil-bench-timeline-") as tmp:
        folder = Path(tmp)
        store = LocalStore(folder, ManualClock(NOW))
        desk = IncidentDesk(store, lead)
        empty = incident_of(desk.declare("Quiet", 4, "spam_scams")[0])
        busy = incident_of(desk.declare("Busy", 1, "spam_scams")[0])
        store.close()
        _fill_timeline(folder, busy, TIMELINE)
        store = LocalStore(folder, ManualClock(NOW))
        window = IncidentsWindow(
            store, lead, InlineTaskRunner(), bundled_severities(), ["spam_scams"], ["lee"]
        )
        window.show()
        app.processEvents()

        def paint(incident_id: str) -> None:
            window.show_incident(incident_id)
            window.table.viewport().repaint()
            app.processEvents()

        times = {}
        for incident_id in (empty, busy):
            paint(incident_id)  # warm
        for incident_id in (empty, busy):
            times[incident_id] = median(lambda i=incident_id: paint(i), repeat=15)
        paint(busy)
        rows = window.model.rowCount()
        assert rows == window.model.first_page
        assert window.model.canFetchMore(window.model.index(-1, -1))
        window.close()
        store.close()
    return times[empty], times[busy], rows


def run() -> None:
    """Measure matching and the timeline's first paint; print figures and ratios."""
    started = time.perf_counter()
    times, found = matching()
    t_matcher, t_index = times["matcher"], times["index"]
    t_empty, t_busy, rows = first_paint()
    print_table(
        ["incident", "figure", "ms"],
        [
            [
                f"match {INTAKES:,} intakes x {SEEDS:,} seeds",
                f"matcher ({found} found)",
                t_matcher * 1e3,
            ],
            ["", "index over all seeds, one query (fresh)", t_index * 1e3],
            ["", "index over all seeds, one query (warm)", times["warm"] * 1e3],
            ["", "index, one query per seed (warm)", times["per_seed"] * 1e3],
            ["timeline first paint", "empty (declared only)", t_empty * 1e3],
            ["", f"{TIMELINE:,} events ({rows} rows loaded)", t_busy * 1e3],
        ],
    )
    print(verdict("matcher / index's own query", t_matcher / t_index, 1.0, at_most=True))
    print(verdict("first paint 50,000 / empty", t_busy / t_empty, 1.5, at_most=True))
    print(f"(bench took {time.perf_counter() - started:.0f} s)")
