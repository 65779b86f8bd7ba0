"""Per-person lease caps: how many cases one person may hold, and for how long.

A lead sets them as team settings (`team.setting` keys `lease.max_cases` and
`lease.max_hours`); the hub enforces them on every lease request and the workstation's
work-ahead asks for no more than they allow. The arithmetic lives here so both sides
compute the same allowance.

- A request for a lease longer than `max_hours` is refused whole, naming the rule.
- A request for more new cases than the person's remaining allowance (`max_cases` minus
  the open cases they already hold) is cut to the allowance: they get what the rule
  allows and the rest is reported as refused. Renewing a lease one already holds takes
  nothing from the allowance.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PREFIX = "lease."
MAX_CASES = PREFIX + "max_cases"
MAX_HOURS = PREFIX + "max_hours"
DEFAULT_MAX_CASES = 40
DEFAULT_MAX_HOURS = 24
# The widest a lead may set them: the hub's own request limits (500 cases, 7 days).
_RANGES = {MAX_CASES: (1, 500), MAX_HOURS: (1, 7 * 24)}


class LeaseRuleError(ValueError):
    """A lease request or a cap setting that breaks a rule; the message names it."""


@dataclass(frozen=True)
class LeaseLimits:
    """The caps in force for every person of a team."""

    max_cases: int = DEFAULT_MAX_CASES
    max_hours: int = DEFAULT_MAX_HOURS

    @property
    def max_seconds(self) -> int:
        """The longest lease, in seconds."""
        return self.max_hours * 3600

    def as_settings(self) -> dict[str, int]:
        """The caps as team settings."""
        return {MAX_CASES: self.max_cases, MAX_HOURS: self.max_hours}


def validate_limits(changes: Mapping[str, Any]) -> dict[str, int]:
    """Checked cap settings (keys with or without the `lease.` prefix) as team settings;
    LeaseRuleError names the field and the rule."""
    out: dict[str, int] = {}
    for name, value in changes.items():
        key = name if name.startswith(PREFIX) else PREFIX + name
        if key not in _RANGES:
            known = ", ".join(sorted(_RANGES))
            raise LeaseRuleError(f"{key}: not a lease setting (known: {known})")
        low, high = _RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise LeaseRuleError(f"{key}: expected a whole number from {low} to {high}")
        out[key] = value
    return out


def lease_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The lease keys among a team.setting event's settings."""
    return {k: v for k, v in settings.items() if k.startswith(PREFIX)}


def limits_from(settings: Mapping[str, Any]) -> LeaseLimits:
    """The caps in force given the team's settings (values as stored: JSON text or plain);
    a missing or unreadable value keeps its default."""
    values: dict[str, int] = {}
    for key, attr in ((MAX_CASES, "max_cases"), (MAX_HOURS, "max_hours")):
        raw = settings.get(key)
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                continue
        try:
            values[attr] = validate_limits({key: raw})[key]
        except LeaseRuleError:
            continue
    return LeaseLimits(**values)


def check_hours(limits: LeaseLimits, ttl_seconds: float) -> None:
    """Refuse a lease longer than the team's max_hours."""
    if ttl_seconds > limits.max_seconds:
        hours = ttl_seconds / 3600
        shown = f"{hours:g}" if hours == int(hours) else f"{hours:.2f}"
        raise LeaseRuleError(
            f"ttl_seconds: a lease of {shown} hours is over the team's {MAX_HOURS} of"
            f" {limits.max_hours} hours"
        )


def allowance(limits: LeaseLimits, held: int) -> int:
    """How many more cases a person holding `held` open cases may lease now."""
    return max(0, limits.max_cases - held)


def cut_to_allowance(
    limits: LeaseLimits, held: Iterable[str], wanted: Iterable[str]
) -> tuple[list[str], list[str]]:
    """(the wanted cases within the allowance, the rest), in the order wanted. Cases
    already held are renewals and always fit."""
    mine = set(held)
    left = allowance(limits, len(mine))
    fits, cut = [], []
    for case_id in wanted:
        if case_id in mine:
            fits.append(case_id)
        elif left > 0:
            fits.append(case_id)
            left -= 1
        else:
            cut.append(case_id)
    return fits, cut


def hours_within(limits: LeaseLimits, hours: float) -> float:
    """A lease length in hours, lowered to the cap (for a client choosing a length)."""
    return float(min(hours, limits.max_hours))


def cases_within(limits: LeaseLimits, held: int, count: int) -> int:
    """How many of count new cases fit the allowance (for a client choosing a count)."""
    return max(0, min(count, allowance(limits, held)))


def summary(limits: LeaseLimits) -> str:
    """One line for people."""
    return (
        f"at most {limits.max_cases} case(s) held per person, leases of at most"
        f" {limits.max_hours} hour(s)"
    )
