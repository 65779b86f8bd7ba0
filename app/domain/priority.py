"""Case priority and SLA state: the one place the work order is defined.

A case's urgency at time `now`, in seconds (larger is more urgent), is

    urgency(now) = (now - sla_deadline)                      time past the SLA (negative: left)
                 + SEVERITY_LEAD[severity]                   0, 10, 30, 60 minutes for levels 1-4
                 + min(REPORTS_LEAD_CAP,
                       REPORTS_LEAD_PER_DOUBLING * log2(report_count))   10 min per doubling, <= 60
                 + AGE_WEIGHT * (now - reported_at)          1 minute per 10 minutes waited

`now` enters every case's urgency with the same factor (1 + AGE_WEIGHT), so the order of two
cases never changes as time passes. The store therefore keeps only the time-independent
part, the *priority key* (an "effective deadline" in epoch seconds, smallest first):

    priority_key = sla_deadline - SEVERITY_LEAD - reports lead + AGE_WEIGHT * reported_at
    urgency(now) = (1 + AGE_WEIGHT) * now - priority_key

and claim-next reads the lowest key from an index, with no sort at query time. What the
formula promises: with everything else equal an earlier SLA deadline, a higher severity,
more reports or an older report never ranks lower; and a case can be claimed ahead of one
due earlier only by at most MAX_LEAD plus a tenth of how much longer it has waited
(`max_overtake`). Events from before SLAs were recorded get DEFAULT_SLA_MINUTES.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from enum import StrEnum

SEVERITY_LEAD = {1: 0, 2: 10 * 60, 3: 30 * 60, 4: 60 * 60}
REPORTS_LEAD_PER_DOUBLING = 10 * 60
REPORTS_LEAD_CAP = 60 * 60
AGE_WEIGHT = 0.1
MAX_LEAD = max(SEVERITY_LEAD.values()) + REPORTS_LEAD_CAP
DEFAULT_SLA_MINUTES = {1: 2880, 2: 1440, 3: 240, 4: 60}
# An SLA is "near" when this share of its window, or NEAR_FLOOR, is all that is left.
NEAR_SHARE = 0.25
NEAR_FLOOR = timedelta(minutes=15)


def severity_lead(severity: int) -> int:
    """Seconds of urgency a severity adds (levels above 4 count as 4)."""
    return SEVERITY_LEAD.get(severity, SEVERITY_LEAD[4] if severity > 4 else 0)


def reports_lead(report_count: int) -> int:
    """Seconds of urgency the number of reports adds: 10 minutes per doubling, capped."""
    if report_count <= 1:
        return 0
    return min(REPORTS_LEAD_CAP, round(REPORTS_LEAD_PER_DOUBLING * math.log2(report_count)))


def priority_key(
    sla_deadline: datetime, severity: int, reported_at: datetime, report_count: int
) -> int:
    """The stored, time-independent sort key: smaller is more urgent (see module doc)."""
    return priority_key_at(
        sla_deadline.timestamp(), severity, reported_at.timestamp(), report_count
    )


def priority_key_at(deadline_s: float, severity: int, reported_s: float, report_count: int) -> int:
    """priority_key on epoch seconds (bulk loads skip the datetime objects)."""
    leads = severity_lead(severity) + reports_lead(report_count)
    return round(deadline_s - leads + AGE_WEIGHT * reported_s)


def urgency(key: int, now: datetime) -> float:
    """Urgency in seconds at `now` for a stored priority key (larger is more urgent)."""
    return (1 + AGE_WEIGHT) * now.timestamp() - key


def max_overtake(waited_longer: timedelta) -> timedelta:
    """How much earlier another case may be due and still be claimed after this one."""
    return timedelta(seconds=MAX_LEAD) + AGE_WEIGHT * max(waited_longer, timedelta(0))


def default_deadline(start: datetime, severity: int) -> datetime:
    """The SLA deadline for events that carry none (recorded before queues had SLAs)."""
    minutes = DEFAULT_SLA_MINUTES.get(severity, DEFAULT_SLA_MINUTES[4])
    return start + timedelta(minutes=minutes)


class SlaState(StrEnum):
    """How a case stands against its SLA; the queue colours rows by it."""

    OK = "ok"
    NEAR = "near"
    OVERDUE = "overdue"


def sla_state(now: datetime, started: datetime, deadline: datetime) -> SlaState:
    """OK, NEAR (a quarter of the window or 15 minutes left) or OVERDUE."""
    left = deadline - now
    if left <= timedelta(0):
        return SlaState.OVERDUE
    if left <= max(NEAR_FLOOR, (deadline - started) * NEAR_SHARE):
        return SlaState.NEAR
    return SlaState.OK


def countdown(now: datetime, deadline: datetime) -> str:
    """'2h 05m', '12m', '<1m' left, or '-40m' past the deadline."""
    seconds = (deadline - now).total_seconds()
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 60:
        return "-1m" if sign else "<1m"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{sign}{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{sign}{hours}h {minutes:02d}m"
    return f"{sign}{hours // 24}d {hours % 24}h"
