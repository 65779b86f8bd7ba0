"""The unit of filter strengths in policies, team defaults and preferences, and migration.

Sizes are fractions of the picture as shown: a blur radius (the Gaussian's sigma) or a
pixelate block of 0.05 is 5 % of the displayed picture's short side, so one preset
obscures a picture equally whatever size it was uploaded at and whatever size the window
shows it at. Every other strength runs from 0 (no effect) to 1 (full effect).

Layers written before this unit held pixel counts on the decoded frame. They are read as
pixels at a REFERENCE_SHORT_SIDE-px short side (24 becomes 24 / 512 = 0.046875): a layer
carries `"schema": 2` when its sizes are fractions; a layer without it is the old form
and is migrated on read. Policy files say the same with their top-level `"schema"`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REFERENCE_SHORT_SIDE = 512
LAYER_SCHEMA = 2
LEGACY_SCHEMA = 1
SIZED_FILTERS = frozenset({"blur", "pixelate"})


def current_layer(layer: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The layer in today's unit, without its schema key; ValueError names where."""
    schema = layer.get("schema", LEGACY_SCHEMA)
    if isinstance(schema, bool) or schema not in (LEGACY_SCHEMA, LAYER_SCHEMA):
        raise ValueError(
            f"{where}.schema: expected {LAYER_SCHEMA} (sizes as fractions of the short side) "
            f"or {LEGACY_SCHEMA} (old pixel sizes), got {schema!r}"
        )
    body = {key: value for key, value in layer.items() if key != "schema"}
    return body if schema == LAYER_SCHEMA else migrate_legacy(body)


def migrate_legacy(layer: Mapping[str, Any]) -> dict[str, Any]:
    """An old pixel-sized layer in fractions of the short side (schema key not added).

    Anything malformed is passed through unchanged for the validator to name.
    """
    out = dict(layer)
    if "default" in out:
        out["default"] = _migrate_steps(out["default"])
    by_severity = out.get("by_severity")
    if isinstance(by_severity, Mapping):
        out["by_severity"] = {key: _migrate_steps(steps) for key, steps in by_severity.items()}
    return out


def stamped(layer: Mapping[str, Any]) -> dict[str, Any]:
    """The layer (already in today's unit) marked as such, for storing."""
    return {"schema": LAYER_SCHEMA, **{k: v for k, v in layer.items() if k != "schema"}}


def _migrate_steps(steps: object) -> object:
    if not isinstance(steps, list):
        return steps
    return [_migrate_step(step) for step in steps]


def _migrate_step(step: object) -> object:
    if not isinstance(step, dict) or step.get("filter") not in SIZED_FILTERS:
        return step
    strength = step.get("strength")
    if "strength" not in step:
        return step  # the filter's default, already in today's unit
    if isinstance(strength, bool) or not isinstance(strength, int | float):
        return step
    return {**step, "strength": strength / REFERENCE_SHORT_SIDE}
