"""Team exposure: a distribution for 5 or more people, Suppressed below that, always."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.quality.records import ExposureDay
from app.quality.wellbeing import (
    MIN_GROUP_SIZE,
    Distribution,
    Suppressed,
    exposure_by,
    suppression,
    team_exposure,
)

MONDAY = date(2026, 3, 2)


def days(reviewer: str, *exposure: tuple[int, float]) -> list[ExposureDay]:
    """One record per consecutive day from Monday: (graphic items, unfiltered seconds)."""
    return [
        ExposureDay(reviewer, MONDAY + timedelta(days=i), items, seconds)
        for i, (items, seconds) in enumerate(exposure)
    ]


def team(n_people: int) -> list[ExposureDay]:
    return [r for i in range(n_people) for r in days(f"rev-{i}", (i, 60.0 * i))]


def test_threshold_is_five_people() -> None:
    assert MIN_GROUP_SIZE == 5
    assert isinstance(team_exposure(team(5)).graphic_items, Distribution)
    for n in range(5):
        result = team_exposure(team(n))
        expected = Suppressed(f"fewer than 5 people in this group ({n})")
        assert result.graphic_items == expected
        assert result.unfiltered_minutes == expected


def test_many_days_of_few_people_stay_suppressed() -> None:
    records = [r for i in range(4) for r in days(f"rev-{i}", *[(3, 600.0)] * 60)]
    assert team_exposure(records).graphic_items == Suppressed(
        "fewer than 5 people in this group (4)"
    )


def test_distribution_of_items_and_minutes() -> None:
    result = team_exposure(team(5))
    assert result.graphic_items == Distribution(0.0, 1.0, 2.0, 3.0, 4.0, 5, 5)
    assert result.unfiltered_minutes == Distribution(0.0, 1.0, 2.0, 3.0, 4.0, 5, 5)


def test_records_for_the_same_reviewer_day_add_up() -> None:
    records = [*team(5), ExposureDay("rev-4", MONDAY, 6, 360.0)]
    result = team_exposure(records)
    assert isinstance(result.graphic_items, Distribution)
    assert result.graphic_items.maximum == 10.0
    assert result.graphic_items.n_days == 5
    assert isinstance(result.unfiltered_minutes, Distribution)
    assert result.unfiltered_minutes.maximum == 10.0


def test_each_group_is_judged_on_its_own() -> None:
    records = team(9)
    groups = exposure_by(records, lambda r: "night" if r.reviewer < "rev-4" else "day")
    assert groups["night"].graphic_items == Suppressed("fewer than 5 people in this group (4)")
    assert isinstance(groups["day"].graphic_items, Distribution)
    assert groups["day"].graphic_items.n_reviewers == 5


def test_suppression_helper() -> None:
    assert suppression(5) is None
    assert suppression(0) == Suppressed("fewer than 5 people in this group (0)")


exposure_days = st.builds(
    ExposureDay,
    reviewer=st.sampled_from([f"rev-{i}" for i in range(9)]),
    day=st.dates(MONDAY, MONDAY + timedelta(days=13)),
    graphic_items=st.integers(0, 200),
    unfiltered_seconds=st.floats(0, 8 * 3600),
)


# No deadline on examples: CI machines are shared, and a slow example is not a wrong one.
@settings(deadline=None)
@given(st.lists(exposure_days, max_size=80))
def test_never_a_figure_for_fewer_than_five(records: list[ExposureDay]) -> None:
    people = len({r.reviewer for r in records})
    result = team_exposure(records)
    for figure in (result.graphic_items, result.unfiltered_minutes):
        if people < MIN_GROUP_SIZE:
            assert figure == Suppressed(f"fewer than 5 people in this group ({people})")
        else:
            assert isinstance(figure, Distribution)
            assert figure.n_reviewers == people
            assert figure.n_days == len({(r.reviewer, r.day) for r in records})
            ordered = [figure.minimum, figure.p25, figure.median, figure.p75, figure.maximum]
            assert ordered == sorted(ordered)


@settings(deadline=None)
@given(st.lists(exposure_days, min_size=1, max_size=80))
def test_minutes_are_seconds_over_sixty(records: list[ExposureDay]) -> None:
    totals: dict[tuple[str, date], float] = {}
    for r in records:
        totals[r.reviewer, r.day] = totals.get((r.reviewer, r.day), 0.0) + r.unfiltered_seconds
    figure = team_exposure(records).unfiltered_minutes
    if isinstance(figure, Distribution):
        assert figure.maximum == pytest.approx(max(totals.values()) / 60)
        assert figure.minimum == pytest.approx(min(totals.values()) / 60)
