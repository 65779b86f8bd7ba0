"""Operations metrics: throughput by local day and ISO week, handling time, SLA, backlog."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.quality.operations import (
    BacklogAge,
    HandlingTime,
    _local_days,
    backlog_age,
    by_iso_week,
    by_reviewer,
    escalation_rate,
    group_by,
    handling_time,
    iso_week,
    sla_hit_rate,
    throughput_per_day,
    throughput_per_week,
)
from app.quality.records import CaseSpan

from ._factories import T0, decision


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:  # pragma: no cover - a machine without tz data
        pytest.skip(f"no time zone data for {name}")


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def decided(iso: str, n: int = 0, **kw: object) -> object:
    moment = at(iso)
    return decision(n, claimed_at=moment - timedelta(minutes=1), decided_at=moment, **kw)


def test_throughput_per_day_counts_in_the_team_time_zone() -> None:
    berlin = zone("Europe/Berlin")
    batch = [
        decided("2026-03-02T22:30:00+00:00"),  # 23:30 Monday in Berlin
        decided("2026-03-02T23:30:00+00:00"),  # 00:30 Tuesday in Berlin
        decided("2026-03-03T10:00:00+00:00"),
    ]
    assert throughput_per_day(batch, berlin) == {date(2026, 3, 2): 1, date(2026, 3, 3): 2}
    assert throughput_per_day(batch) == {date(2026, 3, 2): 2, date(2026, 3, 3): 1}


def test_throughput_per_day_across_a_dst_change() -> None:
    berlin = zone("Europe/Berlin")  # clocks go forward at 01:00 UTC on 2026-03-29
    batch = [decided("2026-03-28T22:59:00+00:00"), decided("2026-03-28T23:00:00+00:00")]
    assert throughput_per_day(batch, berlin) == {date(2026, 3, 28): 1, date(2026, 3, 29): 1}
    after = [decided("2026-03-29T21:59:00+00:00"), decided("2026-03-29T22:00:00+00:00")]
    assert throughput_per_day(after, berlin) == {date(2026, 3, 29): 1, date(2026, 3, 30): 1}


def test_throughput_per_week_uses_iso_weeks_across_new_year() -> None:
    batch = [
        decided("2026-12-31T12:00:00+00:00"),  # Thursday of 2026-W53
        decided("2027-01-03T12:00:00+00:00"),  # Sunday, still 2026-W53
        decided("2027-01-04T12:00:00+00:00"),  # Monday of 2027-W01
        decided("2026-01-01T12:00:00+00:00"),  # Thursday of 2026-W01
    ]
    assert throughput_per_week(batch) == {"2026-W01": 1, "2026-W53": 2, "2027-W01": 1}
    assert iso_week(at("2027-01-03T12:00:00+00:00")) == "2026-W53"


def test_throughput_of_nothing() -> None:
    assert throughput_per_day([]) == {}
    assert throughput_per_week([]) == {}


def test_naive_datetimes_are_refused() -> None:
    naive = decision(0, claimed_at=datetime(2026, 3, 2, 9), decided_at=datetime(2026, 3, 2, 10))
    with pytest.raises(ValueError, match="time ?zone"):
        throughput_per_day([naive])
    with pytest.raises(ValueError, match="time zone"):
        iso_week(naive.decided_at)


ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/Los_Angeles",
    "America/St_Johns",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
]


# No deadline on examples: CI machines are shared, and a slow example is not a wrong one.
@settings(deadline=None)
@given(
    st.lists(
        st.datetimes(datetime(1990, 1, 1), datetime(2060, 1, 1), timezones=st.just(UTC)),
        min_size=1,
        max_size=50,
    ),
    st.sampled_from(ZONES),
)
def test_slot_bucketing_agrees_with_astimezone(moments: list[datetime], name: str) -> None:
    tz = zone(name)
    days, slot_of = _local_days(moments, tz)
    assert [days[i] for i in slot_of] == [m.astimezone(tz).date() for m in moments]


def test_handling_time_median_and_p90() -> None:
    batch = [decision(n, claimed_at=T0, decided_at=T0 + timedelta(minutes=n)) for n in range(1, 11)]
    # Linear interpolation: median between 5 and 6 minutes, p90 at rank 8.1 -> 9.1 minutes.
    assert handling_time(batch) == HandlingTime(10, 330.0, 546.0)


def test_handling_time_edge_cases() -> None:
    assert handling_time([]) == HandlingTime(0, None, None)
    skewed = decision(0, claimed_at=T0, decided_at=T0 - timedelta(seconds=30))
    assert handling_time([skewed]) == HandlingTime(1, 0.0, 0.0)


def test_sla_hit_rate_counts_deadline_itself_as_met() -> None:
    batch = [
        decided("2026-03-02T10:00:00+00:00", deadline=at("2026-03-02T10:00:00+00:00")),
        decided("2026-03-02T10:00:01+00:00", deadline=at("2026-03-02T10:00:00+00:00")),
        decided("2026-03-02T09:00:00+00:00", deadline=at("2026-03-02T12:00:00+00:00")),
        decided("2026-03-02T09:00:00+00:00"),  # no deadline: not counted
    ]
    rate = sla_hit_rate(batch)
    assert (rate.hits, rate.total) == (2, 3)
    assert sla_hit_rate([decision(0)]).value is None


def test_escalation_rate() -> None:
    batch = [decision(0, escalated=True), decision(1), decision(2), decision(3)]
    assert escalation_rate(batch).value == 0.25
    assert escalation_rate([]).value is None


def test_backlog_age_counts_cases_open_at_the_moment() -> None:
    now = at("2026-03-02T12:00:00+00:00")
    cases = [
        CaseSpan("c1", "q", "p", now - timedelta(hours=4)),
        CaseSpan("c2", "q", "p", now - timedelta(hours=2), closed_at=now + timedelta(hours=1)),
        CaseSpan("c3", "q", "p", now - timedelta(hours=1)),
        CaseSpan("c4", "q", "p", now - timedelta(hours=3), closed_at=now),  # closed by then
        CaseSpan("c5", "q", "p", now + timedelta(minutes=1)),  # not yet opened
    ]
    assert backlog_age(cases, now) == BacklogAge(3, 7200.0, 14400.0)
    assert backlog_age(cases[3:], now) == BacklogAge(0, None, None)


def test_grouping_per_reviewer_and_week() -> None:
    batch = [
        decided("2026-03-02T10:00:00+00:00", 1, reviewer="ana"),
        decided("2026-03-09T10:00:00+00:00", 2, reviewer="ben"),
        decided("2026-03-10T10:00:00+00:00", 3, reviewer="ana"),
    ]
    per_reviewer = {k: escalation_rate(v).total for k, v in group_by(batch, by_reviewer).items()}
    assert per_reviewer == {"ana": 2, "ben": 1}
    utc_weeks = group_by(batch, by_iso_week())
    assert {k: len(v) for k, v in utc_weeks.items()} == {"2026-W10": 1, "2026-W11": 2}
    # At UTC-12 the two Monday decisions still fall on the Sundays before.
    weeks = group_by(batch, by_iso_week(timezone(timedelta(hours=-12))))
    assert {k: len(v) for k, v in weeks.items()} == {"2026-W09": 1, "2026-W10": 1, "2026-W11": 1}
