"""The toy feature's one event kind and its typed payload."""

from __future__ import annotations

from typing import Annotated

import msgspec

from app.log.registry import Payload


class Stamped(Payload, frozen=True):
    """`toy.stamped`: a coloured stamp on a case, counted."""

    colour: Annotated[str, msgspec.Meta(pattern="^(red|green|blue)$")]
    count: Annotated[int, msgspec.Meta(ge=1, le=10)] = 1
