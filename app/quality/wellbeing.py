"""Team wellbeing in aggregate: exposure per reviewer-day as a distribution, never per person.

A lead sees how heavy the work is across the team (graphic items and minutes of
unfiltered viewing per reviewer-day) without seeing anyone's own figures. A group of
fewer than `MIN_GROUP_SIZE` distinct people gives a `Suppressed` value instead of
numbers, whatever the number of days, so a small group cannot be read as individuals.

Callers pass one `ExposureDay` for every day a reviewer worked, zero exposure included;
leaving quiet days out would make the team look more exposed than it is. Several
records for the same reviewer and day are added together.

Suppression here covers one figure at a time. Showing a team of 6 and a subgroup of 5
side by side still lets someone subtract their way to one person; dashboards should
not offer overlapping groups that differ by fewer than `MIN_GROUP_SIZE` people.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import numpy as np

from app.quality.records import ExposureDay

MIN_GROUP_SIZE = 5

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A figure withheld to protect individuals; `reason` is fit to show in the UI."""

    reason: str


@dataclass(frozen=True, slots=True)
class Distribution:
    """Five-number summary over reviewer-days, with how many people and days it covers."""

    minimum: float
    p25: float
    median: float
    p75: float
    maximum: float
    n_reviewers: int
    n_days: int


@dataclass(frozen=True, slots=True)
class TeamExposure:
    """Graphic items and unfiltered minutes per reviewer-day for one group of people."""

    graphic_items: Distribution | Suppressed
    unfiltered_minutes: Distribution | Suppressed


def suppression(n_people: int) -> Suppressed | None:
    """The Suppressed value for a group this size, or None when it may be shown."""
    if n_people >= MIN_GROUP_SIZE:
        return None
    return Suppressed(f"fewer than {MIN_GROUP_SIZE} people in this group ({n_people})")


def distribution(values_by_day: dict[tuple[str, date], float]) -> Distribution | Suppressed:
    """Summarise one value per (reviewer, day), or Suppressed for under 5 people."""
    n_people = len({reviewer for reviewer, _ in values_by_day})
    withheld = suppression(n_people)
    if withheld is not None:
        return withheld
    values = np.fromiter(values_by_day.values(), dtype=np.float64, count=len(values_by_day))
    low, p25, median, p75, high = np.percentile(values, [0, 25, 50, 75, 100])
    return Distribution(
        float(low), float(p25), float(median), float(p75), float(high), n_people, values.size
    )


def team_exposure(records: Iterable[ExposureDay]) -> TeamExposure:
    """Exposure distribution for everyone in records, as one group."""
    items: dict[tuple[str, date], float] = {}
    seconds: dict[tuple[str, date], float] = {}
    for r in records:
        key = (r.reviewer, r.day)
        items[key] = items.get(key, 0.0) + r.graphic_items
        seconds[key] = seconds.get(key, 0.0) + r.unfiltered_seconds
    minutes = {key: s / 60.0 for key, s in seconds.items()}
    return TeamExposure(distribution(items), distribution(minutes))


def exposure_by(
    records: Iterable[ExposureDay], group_of: Callable[[ExposureDay], K]
) -> dict[K, TeamExposure]:
    """Exposure per group (team, queue, week...), each group suppressed on its own."""
    groups: dict[K, list[ExposureDay]] = {}
    for r in records:
        groups.setdefault(group_of(r), []).append(r)
    return {key: team_exposure(rows) for key, rows in groups.items()}
