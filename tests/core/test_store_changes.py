"""The store tells its listeners what each committed write changed, and nothing else."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.log.changes import Change
from app.log.events import EventRecord
from app.log.store import LocalStore

INGEST = {"category": "spam_scams", "severity": 2, "queue": "general", "media": []}
NOTE = "note.added"


def _ingest(store: LocalStore, *case_ids: str) -> list[EventRecord]:
    with store.transaction() as session:
        return [
            store.append(session, actor="intake", kind="case.ingested", case_id=c, payload=INGEST)
            for c in case_ids
        ]


def _listen(store: LocalStore) -> list[Change]:
    heard: list[Change] = []
    store.on_change(heard.append)
    return heard


def test_one_change_per_committed_transaction(store: LocalStore) -> None:
    heard = _listen(store)
    _ingest(store, "a", "b")
    with store.transaction() as session:
        store.append(session, actor="maya", kind=NOTE, case_id="a", payload={"text": "look"})
    assert heard == [
        Change(frozenset({"a", "b"}), frozenset({"case.ingested"})),
        Change(frozenset({"a"}), frozenset({NOTE})),
    ]


def test_listeners_hear_only_after_commit(store: LocalStore) -> None:
    seen_in_store: list[int] = []
    store.on_change(lambda _change: seen_in_store.append(store.event_count()))
    _ingest(store, "a")
    assert seen_in_store == [1]  # read on its own connection: the write was committed


def test_a_rolled_back_transaction_tells_nobody(store: LocalStore) -> None:
    heard = _listen(store)
    with pytest.raises(RuntimeError), store.transaction() as session:
        store.append(session, actor="x", kind="case.ingested", case_id="a", payload=INGEST)
        raise RuntimeError("crash before commit")
    with store.transaction():
        pass  # a transaction that writes no event is no change
    assert heard == []


def test_unsubscribed_listener_hears_nothing(store: LocalStore) -> None:
    heard: list[Change] = []
    unsubscribe = store.on_change(heard.append)
    unsubscribe()
    _ingest(store, "a")
    assert heard == []


def test_a_failing_listener_does_not_fail_the_write(store: LocalStore) -> None:
    def broken(_change: Change) -> None:
        raise ValueError("listener bug")

    store.on_change(broken)
    heard = _listen(store)
    _ingest(store, "a")
    assert [e.case_id for e in store.events()] == ["a"]
    assert heard == [Change(frozenset({"a"}), frozenset({"case.ingested"}))]


def test_the_transaction_reports_its_own_change(store: LocalStore) -> None:
    mine: list[Change] = []
    with store.transaction(on_commit=mine.append) as session:
        store.append(session, actor="intake", kind="case.ingested", case_id="z", payload=INGEST)
    assert mine == [Change(frozenset({"z"}), frozenset({"case.ingested"}))]


def test_a_pulled_page_is_one_change_with_its_cases_and_kinds(
    store: LocalStore, tmp_path: Path
) -> None:
    other = LocalStore(tmp_path / "other", store.clock)
    written = _ingest(other, "p", "q")
    with other.transaction() as session:
        note = {"text": "seen"}
        written.append(other.append(session, actor="ana", kind=NOTE, case_id="p", payload=note))
    other.close()
    pulled = [replace(rec, server_seq=n) for n, rec in enumerate(written, start=1)]
    heard = _listen(store)
    assert store.apply_remote(pulled, cursor=3, actor="maya") == 3
    assert heard == [Change(frozenset({"p", "q"}), frozenset({"case.ingested", NOTE}))]
    store.apply_remote(pulled, cursor=3, actor="maya")  # nothing new: no change
    assert len(heard) == 1


def test_an_acknowledgement_that_changes_nothing_is_silent(store: LocalStore) -> None:
    (record,) = _ingest(store, "a")
    heard = _listen(store)
    store.mark_acked({record.event_id: 1})
    assert heard == []
