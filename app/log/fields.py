"""Field types every feature's payloads share: constrained ids, times and numbers."""

from __future__ import annotations

from typing import Annotated

import msgspec

# An ISO 8601 time as the log stores it ("2026-01-05T09:00:00.000Z"; an offset or none).
Time = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$",
        description="an ISO 8601 time, e.g. 2026-01-05T09:00:00Z",
    ),
]
Severity = Annotated[int, msgspec.Meta(ge=1, le=9, description="a policy severity level")]
Count = Annotated[int, msgspec.Meta(ge=0)]
Seconds = Annotated[float, msgspec.Meta(ge=0)]
Share = Annotated[float, msgspec.Meta(ge=0, le=1)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
Text = Annotated[str, msgspec.Meta(max_length=20_000)]
EventId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
