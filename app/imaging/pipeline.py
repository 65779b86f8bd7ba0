"""Filter pipelines: which wellbeing filters an item is shown through, and how strongly.

A pipeline is an ordered tuple of steps, each a filter name and a strength. The JSON form
(in policies, team defaults and user preferences) is a list such as
`[{"filter": "blur", "strength": 24}, {"filter": "grayscale"}]`.

Invariant: a display pipeline always obscures. Every FilterPipeline holds at least one
whole-frame obscuring filter (blur, pixelate or outline) at a strength that visibly does
something; grayscale, red muting and face blur only ever come on top of one. Reaching the
unfiltered picture is a reveal, which is an event, never an empty pipeline.

Choosing a pipeline for an item (resolve_pipeline). Three layers, each shaped like a
policy's "filters" block, `{"default": [...], "by_severity": {"4": [...]}}` (both keys
optional for team defaults and user prefs):
1. Within a layer, the by_severity entry for exactly this severity beats its default.
2. Between layers, the user's choice beats the team's, which beats the policy's; with no
   policy at all the policy layer is DEFAULT_PIPELINE.
3. For graphic categories (graphic=True, the default, so a caller that forgets is safe)
   the policy's pipeline is a floor: each of its filters stays in the result at least as
   strong as the policy says; a missing one is appended after the chosen steps. A user
   can strengthen or add filters, never weaken or drop the policy's. With graphic=False
   the chosen pipeline stands as chosen, which still obscures (invariant above).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from app.imaging import filters
from app.imaging.faces import Box, detect_faces


@dataclass(frozen=True)
class FilterSpec:
    """One filter as presets may name it: allowed strengths and whether it obscures."""

    name: str
    default: float
    low: float
    high: float
    obscures: bool
    apply: Callable[[np.ndarray, float], np.ndarray]


FILTERS: dict[str, FilterSpec] = {
    spec.name: spec
    for spec in (
        FilterSpec("blur", 24, 4, 256, True, filters.fast_blur),
        FilterSpec("pixelate", 16, 4, 256, True, filters.pixelate),
        FilterSpec("outline", 0.5, 0, 1, True, filters.outline),
        FilterSpec("grayscale", 1, 0.05, 1, False, filters.grayscale),
        FilterSpec("mute_red", 1, 0.05, 1, False, filters.mute_red),
        FilterSpec("face_blur", 1, 0.05, 1, False, filters.blur_faces),
    )
}


@dataclass(frozen=True)
class FilterStep:
    """One filter and its strength (pixels for blur and pixelate, else 0..1)."""

    name: str
    strength: float

    def __post_init__(self) -> None:
        spec = FILTERS.get(self.name)
        if spec is None:
            raise ValueError(f"unknown filter {self.name!r} (known: {', '.join(FILTERS)})")
        if not spec.low <= self.strength <= spec.high:
            raise ValueError(
                f"{self.name} strength {self.strength:g} is outside {spec.low:g}..{spec.high:g}"
            )

    def describe(self) -> str:
        """'blur 24', or just 'grayscale' for a 0..1 filter at full strength."""
        if FILTERS[self.name].high == 1 and self.strength == 1:
            return self.name
        return f"{self.name} {self.strength:g}"


@dataclass(frozen=True)
class FilterPipeline:
    """Filters applied in order to every displayed frame; always obscures (see module)."""

    steps: tuple[FilterStep, ...]

    def __post_init__(self) -> None:
        if not any(FILTERS[step.name].obscures for step in self.steps):
            raise ValueError(
                "a display pipeline needs blur, pixelate or outline; "
                f"got {self.describe() or 'no filters'}"
            )

    def apply(
        self, img: np.ndarray, faces: Sequence[Box] | None = None, *, bgr: bool = False
    ) -> np.ndarray:
        """The filtered RGB frame (a new array); `faces` skips face detection (video).

        bgr=True takes an OpenCV BGR frame; a pipeline that starts with blur + grayscale
        then never converts the full frame to RGB.
        """
        steps = list(self.steps)
        img, bgr = _as_input(
            img, bgr, _fusable(*steps[:2]), faces is None and self.uses("face_blur")
        )
        if faces is None and self.uses("face_blur"):
            # Faces are found on the frame as decoded: after a blur there are none to find.
            faces = detect_faces(img)
        out = img
        while steps:
            step = steps.pop(0)
            if steps and _fusable(step, steps[0]):
                # Blur and grayscale commute; together they run as one cheap pass.
                partner = steps.pop(0)
                blur = step if step.name == "blur" else partner
                out = filters.blurred_grayscale(out, blur.strength, bgr=bgr)
                bgr = False
            elif step.name == "face_blur":
                out = filters.blur_faces(out, step.strength, faces)
            else:
                out = FILTERS[step.name].apply(out, step.strength)
        return out

    def describe(self) -> str:
        """Human summary such as 'blur 24 + grayscale'."""
        return " + ".join(step.describe() for step in self.steps)

    def uses(self, name: str) -> bool:
        """Whether any step is the named filter."""
        return any(step.name == name for step in self.steps)

    def without(self, name: str) -> FilterPipeline:
        """This pipeline minus every step of the named filter.

        Raises ValueError when nothing obscuring would be left (see module docstring).
        """
        return FilterPipeline(tuple(step for step in self.steps if step.name != name))


_FULL_GRAY = FilterStep("grayscale", 1)


def _fusable(*pair: FilterStep) -> bool:
    return {step.name for step in pair} == {"blur", "grayscale"} and _FULL_GRAY in pair


def _as_input(
    img: np.ndarray, bgr: bool, starts_fused: bool, detects: bool
) -> tuple[np.ndarray, bool]:
    """The frame to start from and whether it is still BGR."""
    if bgr and (detects or not starts_fused):
        # Only the fused blur + gray pass reads BGR directly; everything else needs RGB.
        return cv2.cvtColor(img, cv2.COLOR_BGR2RGB), False
    return img, bgr


DEFAULT_PIPELINE = FilterPipeline((FilterStep("blur", 24), _FULL_GRAY))


def parse_preset(obj: object, where: str) -> FilterPipeline:
    """A pipeline from its JSON list; ValueError names `where`, the index and the key."""
    if not isinstance(obj, list) or not obj:
        raise ValueError(f"{where}: expected a non-empty list of filter steps, got {obj!r}")
    steps = tuple(_parse_step(item, f"{where}[{n}]") for n, item in enumerate(obj))
    try:
        return FilterPipeline(steps)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _parse_step(item: object, where: str) -> FilterStep:
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected an object like {{'filter': 'blur'}}, got {item!r}")
    unknown = sorted(set(item) - {"filter", "strength"})
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r} (allowed: filter, strength)")
    name = item.get("filter")
    if not isinstance(name, str) or name not in FILTERS:
        raise ValueError(f"{where}.filter: unknown filter {name!r} (known: {', '.join(FILTERS)})")
    strength = item.get("strength", FILTERS[name].default)
    if isinstance(strength, bool) or not isinstance(strength, int | float):
        raise ValueError(f"{where}.strength: expected a number, got {strength!r}")
    try:
        return FilterStep(name, float(strength))
    except ValueError as exc:
        raise ValueError(f"{where}.strength: {exc}") from None


def resolve_pipeline(
    policy_filters: Mapping[str, object] | None,
    severity: int,
    user_prefs: Mapping[str, object] | None = None,
    team_defaults: Mapping[str, object] | None = None,
    *,
    graphic: bool = True,
) -> FilterPipeline:
    """The pipeline to show an item through (precedence in the module docstring)."""
    floor = _pick(policy_filters, severity, "policy filters") or DEFAULT_PIPELINE
    chosen = (
        _pick(user_prefs, severity, "user prefs")
        or _pick(team_defaults, severity, "team defaults")
        or floor
    )
    return _at_least(chosen, floor) if graphic else chosen


def _pick(layer: Mapping[str, object] | None, severity: int, where: str) -> FilterPipeline | None:
    if layer is None:
        return None
    unknown = sorted(set(layer) - {"default", "by_severity"})
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r} (allowed: default, by_severity)")
    by_severity = _by_severity(layer.get("by_severity", {}), f"{where}.by_severity")
    if severity in by_severity:
        return by_severity[severity]
    return parse_preset(layer["default"], f"{where}.default") if "default" in layer else None


def _by_severity(obj: object, where: str) -> dict[int, FilterPipeline]:
    if not isinstance(obj, Mapping):
        raise ValueError(f"{where}: expected an object of severity -> steps, got {obj!r}")
    parsed = {}
    for key, preset in obj.items():
        if not str(key).isdigit():
            raise ValueError(f"{where}: severity key {key!r} is not a whole number")
        parsed[int(key)] = parse_preset(preset, f"{where}.{key}")
    return parsed


def _at_least(chosen: FilterPipeline, floor: FilterPipeline) -> FilterPipeline:
    steps = list(chosen.steps)
    for need in floor.steps:
        have = [n for n, step in enumerate(steps) if step.name == need.name]
        if not have:
            steps.append(need)
        for n in have:
            if steps[n].strength < need.strength:
                steps[n] = need
    return FilterPipeline(tuple(steps))
