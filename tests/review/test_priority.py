"""The priority formula, and claim-next's order against it and against SLA deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.priority import (
    MAX_LEAD,
    SlaState,
    countdown,
    max_overtake,
    priority_key,
    sla_state,
    urgency,
)
from app.log.clock import parse_iso
from db.models import Case

from .conftest import World

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_urgency_grows_with_time_at_the_same_rate_for_every_case() -> None:
    a = priority_key(T0 + timedelta(hours=1), 1, T0, 1)
    b = priority_key(T0 + timedelta(hours=3), 4, T0 - timedelta(hours=2), 40)
    for hours in (0, 5, 500):
        now = T0 + timedelta(hours=hours)
        assert (urgency(a, now) > urgency(b, now)) == (a < b)


def test_each_input_pushes_the_right_way() -> None:
    base = priority_key(T0 + timedelta(hours=2), 2, T0, 4)
    assert priority_key(T0 + timedelta(hours=1), 2, T0, 4) < base  # due sooner
    assert priority_key(T0 + timedelta(hours=2), 3, T0, 4) < base  # more severe
    assert priority_key(T0 + timedelta(hours=2), 2, T0, 16) < base  # more reports
    older = T0 - timedelta(hours=5)
    assert priority_key(T0 + timedelta(hours=2), 2, older, 4) < base  # waited longer


def test_sla_state_and_countdown() -> None:
    start, deadline = T0, T0 + timedelta(hours=4)
    assert sla_state(T0 + timedelta(hours=1), start, deadline) is SlaState.OK
    assert sla_state(T0 + timedelta(hours=3, minutes=30), start, deadline) is SlaState.NEAR
    assert sla_state(T0 + timedelta(hours=5), start, deadline) is SlaState.OVERDUE
    short = T0 + timedelta(minutes=20)
    assert sla_state(T0 + timedelta(minutes=6), start, short) is SlaState.NEAR  # 15-minute floor
    assert countdown(T0, T0 + timedelta(hours=2, minutes=5)) == "2h 05m"
    assert countdown(T0, T0 + timedelta(minutes=12, seconds=30)) == "12m"
    assert countdown(T0 + timedelta(minutes=40), T0) == "-40m"
    assert countdown(T0, T0 + timedelta(days=3, hours=2)) == "3d 2h"


cases = st.lists(
    st.tuples(
        st.sampled_from(["spam_scams", "hate_speech", "violent_graphic", "self_harm"]),
        st.integers(1, 4),  # severity
        st.integers(0, 3 * 24 * 60),  # minutes since the report
        st.integers(1, 200),  # reports
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=cases, later=st.integers(0, 10 * 24 * 60))
def test_claim_order_follows_the_formula_and_respects_deadlines(
    tmp_path_factory, policies, queues, specs, later
) -> None:
    from app.log.clock import ManualClock
    from app.log.store import LocalStore

    world = World(LocalStore(tmp_path_factory.mktemp("prio"), ManualClock()), policies, queues)
    for category, severity, minutes, reports in specs:
        world.ingest(category, severity, age=timedelta(minutes=minutes), reports=reports)
    world.clock.advance(later * 60)
    # Rotation deliberately departs from the work order; this property is about the order.
    world.desk("lee", "lead").set_wellbeing_rules(rotation_after=100)
    desk = world.desk("maya")
    claimed: list[Case] = []
    while (claim := desk.claim_next()) is not None:
        desk.decide(claim.detail.row.case_id, "no_violation", {})
        with world.store.transaction() as session:
            claimed.append(session.get_one(Case, claim.detail.row.case_id))
    world.store.close()
    assert len(claimed) == len(specs)
    now = world.now()
    # The claim order is the formula's order at any moment (urgency never increases).
    urgencies = [urgency(c.priority_key, now) for c in claimed]
    assert urgencies == sorted(urgencies, reverse=True)
    for n, first in enumerate(claimed):
        for second in claimed[n + 1 :]:
            due_first, due_second = parse_iso(first.sla_deadline), parse_iso(second.sla_deadline)
            # A case claimed later is never due earlier by more than the documented bound.
            waited = parse_iso(second.reported_at) - parse_iso(first.reported_at)
            assert due_first - due_second <= max_overtake(waited)
            # With nothing else to tell them apart, the earlier deadline goes first.
            alike = (first.severity, first.report_count, first.queue) == (
                second.severity,
                second.report_count,
                second.queue,
            )
            if alike:
                assert due_first <= due_second
    assert timedelta(seconds=MAX_LEAD) == timedelta(hours=2)
