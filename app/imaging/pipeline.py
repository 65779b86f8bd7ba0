"""Filter pipelines: which wellbeing filters an item is shown through, and how strongly.

A pipeline is an ordered tuple of steps, each a filter name and a strength. The JSON form
(in policies, team defaults and user preferences) is a list such as
`[{"filter": "blur", "strength": 0.047}, {"filter": "grayscale"}]`.

Unit (app/domain/filter_units.py): blur's radius (the Gaussian's sigma) and pixelate's
block are fractions of the short side of the picture as shown, so a preset obscures a
photo equally whatever its upload size and whatever the window's; every other strength
runs from 0 to 1. Layers from before this unit (pixel counts) are migrated on read.

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

from app.domain.filter_units import SIZED_FILTERS, current_layer
from app.imaging import filters
from app.imaging.faces import Box, detect_faces


@dataclass(frozen=True)
class FilterSpec:
    """One filter as presets may name it: allowed strengths and whether it obscures.

    A sized filter's strength is a fraction of the picture's short side; `apply` takes
    the strength as a preset states it.
    """

    name: str
    default: float
    low: float
    high: float
    obscures: bool
    apply: Callable[[np.ndarray, float], np.ndarray]

    @property
    def sized(self) -> bool:
        """Whether the strength is a share of the short side (blur, pixelate)."""
        return self.name in SIZED_FILTERS


def pixels(img: np.ndarray, share: float) -> float:
    """A share of img's short side, in its pixels."""
    return share * min(img.shape[0], img.shape[1])


FILTERS: dict[str, FilterSpec] = {
    spec.name: spec
    for spec in (
        FilterSpec(
            "blur", 0.047, 0.005, 0.5, True, lambda i, s: filters.fast_blur(i, pixels(i, s))
        ),
        FilterSpec(
            "pixelate", 0.031, 0.005, 0.5, True, lambda i, s: filters.pixelate(i, pixels(i, s))
        ),
        FilterSpec("outline", 0.5, 0, 1, True, filters.outline),
        FilterSpec("grayscale", 1, 0.05, 1, False, filters.grayscale),
        FilterSpec("mute_red", 1, 0.05, 1, False, filters.mute_red),
        FilterSpec("face_blur", 1, 0.05, 1, False, filters.blur_faces),
    )
}
_POINTWISE = {"grayscale", "mute_red"}


@dataclass(frozen=True)
class FilterStep:
    """One filter and its strength (share of the short side for blur and pixelate)."""

    name: str
    strength: float

    def __post_init__(self) -> None:
        spec = FILTERS.get(self.name)
        if spec is None:
            raise ValueError(f"unknown filter {self.name!r} (known: {', '.join(FILTERS)})")
        if not spec.low <= self.strength <= spec.high:
            unit = " (a fraction of the picture's short side)" if spec.sized else ""
            raise ValueError(
                f"{self.name} strength {self.strength:g} is outside "
                f"{spec.low:g}..{spec.high:g}{unit}"
            )

    def describe(self) -> str:
        """'blur 4.7%' (of the short side), or just 'grayscale' at full strength."""
        if FILTERS[self.name].sized:
            return f"{self.name} {self.strength * 100:.2g}%"
        if self.strength == 1:
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

        img is the frame at the size it is shown (sizes are shares of its short side);
        bgr=True takes an OpenCV BGR frame, turned to RGB only where it is small.
        """
        if faces is None and self.uses("face_blur"):
            # Faces are found on the frame as decoded: after a blur there are none to find.
            rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB) if bgr else img
            faces = detect_faces(rgb)
        plan = _plan(self.steps)
        if bgr and (not plan or plan[0][0].name not in SIZED_FILTERS):
            img, bgr = cv2.cvtColor(img, cv2.COLOR_BGR2RGB), False
        out = img
        for step, gray, then, face_level in plan:
            if step.name == "blur":
                block = step.block if isinstance(step, _PixelatedBlur) else None
                out = filters.fast_blur(
                    out,
                    pixels(out, step.strength),
                    gray=gray,
                    bgr=bgr,
                    then=then,
                    faces=faces or () if face_level else (),
                    face_strength=face_level or 1.0,
                    pixelate_first=None if block is None else pixels(out, block),
                )
                bgr = False
            elif step.name == "pixelate":
                out = filters.pixelate(
                    out, pixels(out, step.strength), gray=gray, bgr=bgr, then=then
                )
                bgr = False
            elif step.name == "face_blur":
                out = filters.blur_faces(out, step.strength, faces, in_place=out is not img)
            else:
                out = FILTERS[step.name].apply(out, step.strength)
        return out if out is not img else img.copy()

    def apply_provisional(self, img: np.ndarray, *, bgr: bool = False) -> np.ndarray:
        """The frame before its faces are known: blurred at least as much as a face.

        A face's blur is a quarter of its size, and a face may fill the frame, so every
        blur here is raised to the strongest one allowed and face blur becomes a blur of
        the whole frame: at least as obscured as apply() whatever the faces turn out to
        be. Shown while detection runs, replaced by apply() once it is done.
        """
        if not self.uses("face_blur"):
            return self.apply(img, (), bgr=bgr)
        strongest = FILTERS["blur"].high
        steps = [
            FilterStep("blur", strongest) if step.name in ("blur", "face_blur") else step
            for step in self.steps
        ]
        return FilterPipeline(tuple(steps)).apply(img, (), bgr=bgr)

    def describe(self) -> str:
        """Human summary such as 'blur 4.7% + grayscale'."""
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


@dataclass(frozen=True)
class _PixelatedBlur(FilterStep):
    """A pixelate step and the blur right after it, run as one (planning only)."""

    block: float = 0.0


# (step, ends in full gray, colour steps on its small copy, face blur on it or None)
_Planned = tuple[FilterStep, bool, tuple[filters.Pointwise, ...], float | None]


def _plan(steps: Sequence[FilterStep]) -> list[_Planned]:
    """The steps as run, each with what rides on its small copy (see _Planned).

    Same picture, less work. With a full grayscale anywhere, the whole result is gray:
    blur, pixelate and face blur are averages, which commute with the gray weights, and
    muting red keeps each pixel's luminance, so grayscale and mute_red steps drop out and
    the first blur or pixelate turns gray on its small copy. Without one, the colour steps
    that follow a blur or pixelate run on its small copy. A face blur right after a blur
    runs on that blur's small copy too.
    """
    gray = _FULL_GRAY in steps
    plan: list[_Planned] = []
    gray_pending = gray
    for step in steps:
        last = plan[-1] if plan else None
        if step.name in _POINTWISE:
            if gray:
                continue
            if last is not None and last[0].name in SIZED_FILTERS and last[3] is None:
                plan[-1] = (last[0], last[1], (*last[2], _pointwise(step)), None)
                continue
            plan.append((step, False, (), None))
        elif (
            step.name == "blur"
            and last is not None
            and last[0].name == "pixelate"
            and not last[2]
            and last[3] is None
        ):
            # A mosaic then a blur: the blur's small copy holds the same cell means.
            merged = _PixelatedBlur("blur", step.strength, block=last[0].strength)
            plan[-1] = (merged, last[1], (), None)
        elif step.name in SIZED_FILTERS:
            plan.append((step, gray_pending, (), None))
            gray_pending = False
        elif step.name == "face_blur" and last is not None and last[0].name == "blur":
            plan[-1] = (*last[:3], max(last[3] or 0.0, step.strength))
        else:
            if step.name == "outline":
                gray_pending = False  # its drawing is gray already
            plan.append((step, False, (), None))
    if gray_pending:
        plan.append((_FULL_GRAY, False, (), None))
    return plan


def _pointwise(step: FilterStep) -> filters.Pointwise:
    apply, strength = FILTERS[step.name].apply, step.strength
    return lambda small: apply(small, strength)


DEFAULT_PIPELINE = FilterPipeline((FilterStep("blur", 0.047), _FULL_GRAY))


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
    unknown = sorted(set(layer) - {"schema", "default", "by_severity"})
    if unknown:
        raise ValueError(
            f"{where}: unknown key {unknown[0]!r} (allowed: schema, default, by_severity)"
        )
    layer = current_layer(layer, where)
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
