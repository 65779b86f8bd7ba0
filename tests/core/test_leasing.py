"""The lease-cap arithmetic the hub and the workstation share (app/domain/leasing.py)."""

from __future__ import annotations

import pytest

from app.domain.leasing import (
    DEFAULT_MAX_CASES,
    LeaseLimits,
    LeaseRuleError,
    allowance,
    cases_within,
    check_hours,
    cut_to_allowance,
    hours_within,
    limits_from,
    validate_limits,
)


def test_settings_are_checked_and_named() -> None:
    assert validate_limits({"max_cases": 5, "lease.max_hours": 8}) == {
        "lease.max_cases": 5,
        "lease.max_hours": 8,
    }
    for bad, words in [
        ({"max_cases": 0}, "lease.max_cases: expected a whole number from 1 to 500"),
        ({"max_cases": True}, "lease.max_cases"),
        ({"max_hours": 169}, "lease.max_hours: expected a whole number from 1 to 168"),
        ({"max_hours": "8"}, "lease.max_hours"),
        ({"max_days": 1}, "lease.max_days: not a lease setting"),
    ]:
        with pytest.raises(LeaseRuleError, match=words):
            validate_limits(bad)


def test_limits_come_from_stored_settings_with_defaults() -> None:
    assert limits_from({}) == LeaseLimits()
    assert limits_from({"lease.max_cases": "7", "lease.max_hours": 3}) == LeaseLimits(7, 3)
    # An unreadable stored value keeps the default rather than lifting the cap.
    assert limits_from({"lease.max_cases": "lots", "lease.max_hours": "{"}) == LeaseLimits()
    assert limits_from({"lease.max_cases": 0}).max_cases == DEFAULT_MAX_CASES


def test_hours_over_the_cap_are_refused_naming_the_rule() -> None:
    limits = LeaseLimits(max_cases=10, max_hours=4)
    check_hours(limits, 4 * 3600)
    with pytest.raises(LeaseRuleError, match="lease.max_hours of 4 hours"):
        check_hours(limits, 4 * 3600 + 1)
    assert hours_within(limits, 48) == 4.0
    assert hours_within(limits, 2.5) == 2.5


def test_new_cases_are_cut_to_the_allowance_and_renewals_always_fit() -> None:
    limits = LeaseLimits(max_cases=3)
    assert allowance(limits, 1) == 2
    assert allowance(limits, 5) == 0
    fits, cut = cut_to_allowance(limits, ["a"], ["b", "a", "c", "d", "e"])
    assert fits == ["b", "a", "c"]
    assert cut == ["d", "e"]
    assert cut_to_allowance(limits, ["a", "b", "c"], ["a", "x"]) == (["a"], ["x"])
    assert cases_within(limits, 1, 10) == 2
    assert cases_within(limits, 4, 10) == 0
