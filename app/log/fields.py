"""Field types every feature's payloads share: constrained ids, times and numbers.

Patterns spell digits as `[0-9]` (`\\d` also matches other scripts' digits) and end with
`\\Z` (`$` also matches before a trailing newline). A Time must also be a real moment:
`Payload.__post_init__` (app/log/registry.py) parses every Time field with `time_problem`,
so 2026-02-30 or 25:00 is refused wherever the pattern alone would let it through.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Annotated, Any

import msgspec

# An ISO 8601 time as the log stores it ("2026-01-05T09:00:00.000Z"; an offset or none).
TIME_PATTERN = (
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:\.[0-9]{1,6})?)?(?:Z|[+-]([0-9]{2}):?([0-9]{2}))?\Z"
)
TIME_RULE = "an ISO 8601 time, e.g. 2026-01-05T09:00:00Z"
SHA256_PATTERN = r"^[0-9a-f]{64}\Z"
SEVERITY_MIN, SEVERITY_MAX = 1, 9
NAME_MAX = 200
TEXT_MAX = 20_000

Time = Annotated[str, msgspec.Meta(pattern=TIME_PATTERN, description=TIME_RULE)]
Severity = Annotated[
    int,
    msgspec.Meta(ge=SEVERITY_MIN, le=SEVERITY_MAX, description="a policy severity level"),
]
Count = Annotated[int, msgspec.Meta(ge=0)]
Seconds = Annotated[float, msgspec.Meta(ge=0)]
Share = Annotated[float, msgspec.Meta(ge=0, le=1)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=NAME_MAX)]
Sha256 = Annotated[str, msgspec.Meta(pattern=SHA256_PATTERN)]
Text = Annotated[str, msgspec.Meta(max_length=TEXT_MAX)]
EventId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]

_TIME = re.compile(TIME_PATTERN)
# Every store keeps integers in 64 bits (SQLite and PostgreSQL's BIGINT).
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
INT_RULE = "an integer within 64 bits"


def int_problem(value: Any, where: str = "") -> str | None:
    """Where, in a JSON value, an integer does not fit in 64 bits (None when all do)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if INT_MIN <= value <= INT_MAX else (where or "value")
    if isinstance(value, dict):
        for key, item in value.items():
            found = int_problem(item, f"{where}.{key}" if where else str(key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for n, item in enumerate(value):
            found = int_problem(item, f"{where}[{n}]")
            if found is not None:
                return found
    return None


def time_problem(text: str) -> str | None:
    """None when text is a Time naming a real moment, else the rule it breaks."""
    found = _TIME.match(text)
    if found is None:
        return f"expected {TIME_RULE}"
    year, month, day, hour, minute, second, off_h, off_m = (
        int(g) if g is not None else 0 for g in found.groups()
    )
    try:
        datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        return f"{text!r} is not a real time ({exc})"
    if off_h > 23 or off_m > 59:
        return f"{text!r} has an impossible UTC offset"
    return None


def check_times(payload: msgspec.Struct) -> None:
    """ValueError naming the first Time field of payload that is not a real moment."""
    for name in _time_fields(type(payload)):
        value = getattr(payload, name)
        if isinstance(value, str):
            problem = time_problem(value)
            if problem is not None:
                raise ValueError(f"{name}: {problem}")


@cache
def _time_fields(cls: type[msgspec.Struct]) -> tuple[str, ...]:
    info: Any = msgspec.inspect.type_info(cls)
    return tuple(f.name for f in info.fields if _is_time(f.type))


def _is_time(kind: Any) -> bool:
    if isinstance(kind, msgspec.inspect.Metadata):
        return _is_time(kind.type)
    if isinstance(kind, msgspec.inspect.UnionType):
        return any(_is_time(t) for t in kind.types)
    return isinstance(kind, msgspec.inspect.StrType) and kind.pattern == TIME_PATTERN
