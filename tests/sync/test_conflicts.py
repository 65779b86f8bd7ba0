"""Conflicts in the fold: the same events give the same projections in any arrival order."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.kinds import EventKind
from app.domain.lifecycle import IllegalTransition
from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.log.events import EventRecord
from app.log.store import LocalStore
from app.review.adjudication import Adjudication
from app.review.reviewdesk import AccessDenied, FormError

from .stations import copy_store, snapshot
from .writers import Log, spam_case

K = EventKind
LEAD = Reviewer("lead", "Lee", Role.LEAD, frozenset())
FAST = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _status(store: LocalStore, case_id: str) -> tuple[str, str | None]:
    with store.transaction() as session:
        from db.models import Case

        case = session.get_one(Case, case_id)
        return case.status, case.decision_event_id


def test_two_decisions_that_did_not_see_each_other_conflict(store: LocalStore) -> None:
    log = Log()
    case = spam_case(log)
    log.decide("mod-a", case, prior=None)
    y = log.decide("mod-b", case, prior=None)
    store.apply_remote(log.served(), 99, "lead")
    assert _status(store, case) == ("conflict", y)


def test_a_decision_that_saw_the_other_is_no_conflict(store: LocalStore) -> None:
    log = Log()
    case = spam_case(log)
    x = log.decide("mod-a", case, prior=None)
    y = log.decide("ana-a", case, prior=x)
    store.apply_remote(log.served(), 99, "lead")
    assert _status(store, case) == ("decided", y)


def test_a_third_decision_that_missed_one_keeps_the_conflict(store: LocalStore) -> None:
    log = Log()
    case = spam_case(log)
    log.decide("mod-a", case, prior=None)
    y = log.decide("mod-b", case, prior=None)
    log.decide("mod-c", case, prior=y)  # saw y as current, never saw x
    store.apply_remote(log.served(), 99, "lead")
    assert _status(store, case)[0] == "conflict"


def test_adjudication_settles_and_a_later_blind_decision_reopens(store: LocalStore) -> None:
    log = Log()
    case = spam_case(log)
    x = log.decide("mod-a", case, prior=None)
    y = log.decide("mod-b", case, prior=None)
    adj = log.adjudicate("lead", case, [x, y], "remove")
    store.apply_remote(log.served()[: len(log.records)], 99, "lead")
    assert _status(store, case) == ("decided", adj)
    log.decide("mod-c", case, prior=x)  # made offline, before the adjudication was known
    store.apply_remote(log.served()[-2:], 100, "lead")
    assert _status(store, case)[0] == "conflict"


def test_a_child_decision_arriving_before_its_parent_is_current(store: LocalStore) -> None:
    log = Log()
    case = spam_case(log)
    x = log.decide("mod-a", case, prior=None)
    z = log.decide("ana-a", case, prior=x)
    served = log.served()
    # The hub stored the analyst's device first (two people on one workstation).
    reordered = [served[0], *served[3:], *served[1:3]]
    renumbered = [replace(r, server_seq=n) for n, r in enumerate(reordered, start=1)]
    store.apply_remote(renumbered, 99, "lead")
    assert _status(store, case) == ("decided", z)


def test_a_late_lease_does_not_reopen_a_decided_case(store: LocalStore) -> None:
    log = Log()
    case = spam_case(log)
    log.decide("mod-a", case, prior=None)
    log.add("mod-b", K.CASE_LEASED, case, {"holder": "mod-b"})
    log.add("mod-b", K.CASE_RELEASED, case, {"reason": "moved on"})
    store.apply_remote(log.served(), 99, "lead")
    assert _status(store, case)[0] == "decided"


@FAST
@given(data=st.data())
def test_any_arrival_order_gives_the_same_projections(
    tmp_path_factory: pytest.TempPathFactory, store_template: Path, data: st.DataObject
) -> None:
    served = Log.random(data.draw).served()
    pages = _random_pages(data, served)
    direct = copy_store(store_template, tmp_path_factory.mktemp("direct"))
    shuffled = copy_store(store_template, tmp_path_factory.mktemp("shuffled"))
    try:
        direct.apply_remote(served, len(served), "lead")
        for page in pages:
            shuffled.apply_remote(page, len(served), "lead")
        assert snapshot(shuffled) == snapshot(direct)
    finally:
        direct.close()
        shuffled.close()


@FAST
@given(data=st.data())
def test_conflicts_do_not_depend_on_the_hubs_order(
    tmp_path_factory: pytest.TempPathFactory, store_template: Path, data: st.DataObject
) -> None:
    log = Log.random(data.draw)
    other = _another_hub_order(data, log.records)
    one = copy_store(store_template, tmp_path_factory.mktemp("one"))
    two = copy_store(store_template, tmp_path_factory.mktemp("two"))
    try:
        one.apply_remote(log.served(), 0, "lead")
        two.apply_remote(other, 0, "lead")
        assert _standing(one) == _standing(two)
    finally:
        one.close()
        two.close()


def test_claimed_ts_follows_canonical_order(
    tmp_path_factory: pytest.TempPathFactory, store_template: Path
) -> None:
    log = Log()
    case = spam_case(log)
    log.decide("mod-a", case, prior=None)
    served = log.served()
    direct = copy_store(store_template, tmp_path_factory.mktemp("direct"))
    late = copy_store(store_template, tmp_path_factory.mktemp("late"))
    try:
        direct.apply_remote(served, 3, "lead")
        # The decision arrives before the lease it followed (a lease pushed late, say).
        late.apply_remote([served[0], served[2]], 3, "lead")
        late.apply_remote([served[1]], 3, "lead")
        assert snapshot(late, exact=True) == snapshot(direct, exact=True)
    finally:
        direct.close()
        late.close()


def _random_pages(data: st.DataObject, served: list[EventRecord]) -> list[list[EventRecord]]:
    order = data.draw(st.permutations(served), label="arrival")
    cuts = sorted(data.draw(st.lists(st.integers(0, len(order)), max_size=4), label="cuts"))
    bounds = [0, *cuts, len(order)]
    return [list(order[a:b]) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _another_hub_order(data: st.DataObject, records: list[EventRecord]) -> list[EventRecord]:
    """The same events numbered in another order a hub could have stored them in (a case
    first, each device's chain in order, a decision after the one it saw)."""
    remaining, out = list(records), []
    while remaining:
        ready = [r for r in remaining if _ready(r, remaining)]
        pick = data.draw(st.sampled_from(ready), label="next")
        remaining.remove(pick)
        out.append(replace(pick, server_seq=len(out) + 1))
    return out


def _ready(record: EventRecord, remaining: list[EventRecord]) -> bool:
    earlier_same_device = any(
        r.device_id == record.device_id and r.device_seq < record.device_seq for r in remaining
    )
    parents = {record.payload.get("prior_decision"), *record.payload.get("resolves", [])}
    ingest = [r for r in remaining if r.kind == K.CASE_INGESTED and r.case_id == record.case_id]
    if ingest and ingest[0] is not record:
        return False  # the hub refuses events of a case it does not have yet
    return not earlier_same_device and not any(r.event_id in parents for r in remaining)


def _standing(store: LocalStore) -> dict[str, tuple[str, frozenset[str]]]:
    from app.review.decision_graph import standing
    from db.models import Case

    with store.transaction() as session:
        return {
            c.case_id: (c.status, frozenset(standing(session, c.case_id).heads))
            for c in session.query(Case)
        }


def test_a_lead_adjudicates_a_conflict_with_a_new_event(
    store: LocalStore, policies: PolicySet
) -> None:
    log = Log()
    case = spam_case(log)
    x = log.decide("mod-a", case, prior=None)
    y = log.decide("mod-b", case, prior=None)
    store.apply_remote(log.served(), 99, "lead")
    desk = Adjudication(store, policies, LEAD)
    assert [row.case_id for row in desk.queue()] == [case]
    conflict = desk.conflict(case)
    assert {d.event_id for d in conflict.decisions} == {x, y}
    with pytest.raises(FormError):
        desk.adjudicate(case, "remove", "too short")
    with pytest.raises(FormError):
        desk.adjudicate(case, "no_such_action", "a rationale that is long enough")
    event = desk.adjudicate(case, "remove", "both missed the phishing link in the text")
    assert event.kind == K.CASE_ADJUDICATED and set(event.payload["resolves"]) == {x, y}
    assert _status(store, case) == ("decided", event.event_id)
    assert desk.queue() == []
    with pytest.raises(IllegalTransition):
        desk.adjudicate(case, "remove", "a second adjudication of a settled case")
    with pytest.raises(AccessDenied):
        Adjudication(store, policies, replace(LEAD, role=Role.MODERATOR))
