"""Pipelines: parsing presets, the always-obscures invariant, and who decides what."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.policies import load_policies
from app.imaging import filters
from app.imaging.faces import detect_faces
from app.imaging.pipeline import (
    DEFAULT_PIPELINE,
    FILTERS,
    FilterPipeline,
    FilterStep,
    parse_preset,
    resolve_pipeline,
)

POLICIES = Path(__file__).resolve().parents[2] / "resources" / "policies"

GRAPHIC = {
    "schema": 2,
    "default": [{"filter": "blur", "strength": 0.047}, {"filter": "grayscale"}],
    "by_severity": {
        "1": [{"filter": "blur", "strength": 0.031}, {"filter": "grayscale"}],
        "4": [
            {"filter": "blur", "strength": 0.094},
            {"filter": "grayscale"},
            {"filter": "mute_red"},
        ],
    },
}


def steps(pipeline: FilterPipeline) -> list[tuple[str, float]]:
    """A pipeline as (name, strength) pairs, for readable comparisons."""
    return [(step.name, step.strength) for step in pipeline.steps]


def test_default_pipeline_is_blur_4_7_percent_and_grayscale() -> None:
    assert DEFAULT_PIPELINE.describe() == "blur 4.7% + grayscale"
    assert steps(DEFAULT_PIPELINE) == [("blur", 0.047), ("grayscale", 1)]


def test_parse_preset_reads_the_json_form() -> None:
    preset = json.loads('[{"filter": "pixelate", "strength": 0.078}, {"filter": "grayscale"}]')
    pipeline = parse_preset(preset, "adult.json: filters.default")
    assert steps(pipeline) == [("pixelate", 0.078), ("grayscale", 1)]
    assert pipeline.describe() == "pixelate 7.8% + grayscale"


@pytest.mark.parametrize(
    ("preset", "message"),
    [
        ({"filter": "blur"}, r"team\.json: expected a non-empty list"),
        ([], r"team\.json: expected a non-empty list"),
        (["blur"], r"team\.json\[0\]: expected an object"),
        ([{"filter": "blurr"}], r"team\.json\[0\]\.filter: unknown filter 'blurr'"),
        ([{"strength": 3}], r"team\.json\[0\]\.filter: unknown filter None"),
        ([{"filter": "blur", "strenght": 3}], r"team\.json\[0\]: unknown key 'strenght'"),
        (
            [{"filter": "blur", "strength": "24"}],
            r"team\.json\[0\]\.strength: expected a number, got '24'",
        ),
        ([{"filter": "blur", "strength": True}], r"team\.json\[0\]\.strength: expected a number"),
        (
            [{"filter": "blur", "strength": 9000}],
            r"team\.json\[0\]\.strength: blur strength 9000 is outside",
        ),
        (
            [{"filter": "blur", "strength": 0.016}, {"filter": "grayscale", "strength": 2}],
            r"team\.json\[1\]\.strength: grayscale strength 2",
        ),
        (
            [{"filter": "grayscale"}],
            r"team\.json: a display pipeline needs blur, pixelate or outline",
        ),
    ],
)
def test_parse_errors_name_where_and_the_bad_key(preset: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_preset(preset, "team.json")


def test_a_pipeline_never_stops_obscuring() -> None:
    with pytest.raises(ValueError, match="needs blur, pixelate or outline"):
        FilterPipeline(())
    with pytest.raises(ValueError, match="needs blur, pixelate or outline"):
        DEFAULT_PIPELINE.without("blur")
    assert DEFAULT_PIPELINE.without("grayscale").describe() == "blur 4.7%"
    with pytest.raises(ValueError, match="unknown filter"):
        FilterStep("sharpen", 1)


def test_every_shipped_policy_filter_block_resolves() -> None:
    files = sorted(POLICIES.glob("*.json"))
    assert files, f"no policies in {POLICIES}"
    for policy in load_policies(POLICIES):
        for severity in range(0, 6):
            resolve_pipeline(policy.filters, severity)


def fine_detail(img: np.ndarray) -> np.ndarray:
    """The Laplacian of the gray picture: edges, texture, features."""
    return cv2.Laplacian(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.CV_64F).ravel()


def test_every_shipped_pipeline_obscures_the_picture(astronaut: np.ndarray) -> None:
    assert (
        np.corrcoef(fine_detail(astronaut), fine_detail(filters.grayscale(astronaut)))[0, 1] > 0.9
    )
    for policy in load_policies(POLICIES):
        for severity in range(1, 5):
            pipeline = resolve_pipeline(policy.filters, severity, graphic=policy.graphic)
            shown = pipeline.apply(astronaut)
            kept = np.corrcoef(fine_detail(astronaut), fine_detail(shown))[0, 1]
            where = f"{policy.id} severity {severity}: {pipeline.describe()}"
            assert kept < 0.1, where  # none of the original's fine detail survives
            if policy.graphic:
                # A mild blur (8 px) on a 512 px photo still shows a face, which is
                # acceptable for spam; graphic categories must not.
                assert detect_faces(shown) == [], where


def test_apply_fuses_blur_and_grayscale_without_changing_the_result(chelsea: np.ndarray) -> None:
    for order in (["blur", "grayscale"], ["grayscale", "blur"]):
        pipeline = parse_preset(
            [{"filter": n, "strength": 8 / 300 if n == "blur" else 1} for n in order], "t"
        )
        fused = pipeline.apply(chelsea)
        separate = filters.grayscale(filters.fast_blur(chelsea, 8))
        assert np.abs(fused.astype(int) - separate).max() <= 2


def test_face_blur_step_finds_faces_before_the_blur_hides_them(astronaut: np.ndarray) -> None:
    with_faces = parse_preset([{"filter": "blur", "strength": 0.008}, {"filter": "face_blur"}], "t")
    without = with_faces.without("face_blur")
    face = (slice(70, 160), slice(180, 270))
    difference = with_faces.apply(astronaut)[face].astype(int) - without.apply(astronaut)[face]
    assert np.abs(difference).mean() > 3


def test_resolve_without_any_layer_is_the_default() -> None:
    assert resolve_pipeline(None, 3) == DEFAULT_PIPELINE


def test_resolve_picks_the_exact_severity_else_the_policy_default() -> None:
    assert resolve_pipeline(GRAPHIC, 4).describe() == "blur 9.4% + grayscale + mute_red"
    assert resolve_pipeline(GRAPHIC, 1).describe() == "blur 3.1% + grayscale"
    assert resolve_pipeline(GRAPHIC, 3).describe() == "blur 4.7% + grayscale"


def test_user_beats_team_beats_policy_when_stronger() -> None:
    team = {
        "schema": 2,
        "default": [{"filter": "blur", "strength": 0.0625}, {"filter": "grayscale"}],
    }
    user = {
        "schema": 2,
        "by_severity": {
            "3": [{"filter": "pixelate", "strength": 0.059}, {"filter": "blur", "strength": 0.078}]
        },
    }
    assert resolve_pipeline(GRAPHIC, 3, team_defaults=team).describe() == "blur 6.2% + grayscale"
    chosen = resolve_pipeline(GRAPHIC, 3, user_prefs=user, team_defaults=team)
    assert chosen.describe() == "pixelate 5.9% + blur 7.8% + grayscale"  # policy's gray kept
    assert (
        resolve_pipeline(GRAPHIC, 2, user_prefs=user, team_defaults=team).describe()
        == "blur 6.2% + grayscale"
    )


def test_a_user_cannot_weaken_a_graphic_policy() -> None:
    user = {"schema": 2, "default": [{"filter": "blur", "strength": 0.016}]}
    assert (
        resolve_pipeline(GRAPHIC, 4, user_prefs=user).describe()
        == "blur 9.4% + grayscale + mute_red"
    )


def test_a_non_graphic_policy_lets_the_user_choose() -> None:
    user = {"schema": 2, "default": [{"filter": "blur", "strength": 0.016}]}
    assert resolve_pipeline(GRAPHIC, 4, user_prefs=user, graphic=False).describe() == "blur 1.6%"


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        ({"defaults": []}, r"user prefs: unknown key 'defaults'"),
        ({"by_severity": []}, r"user prefs\.by_severity: expected an object"),
        ({"by_severity": {"high": []}}, r"user prefs\.by_severity: severity key 'high'"),
        (
            {"by_severity": {"2": [{"filter": "blur", "strength": -1}]}},
            r"user prefs\.by_severity\.2\[0\]\.strength",
        ),
        ({"default": [{"filter": "grayscale"}]}, r"user prefs\.default: a display pipeline needs"),
    ],
)
def test_resolve_names_the_bad_layer(layer: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        resolve_pipeline(GRAPHIC, 3, user_prefs=layer)


step_strategy = st.sampled_from(sorted(FILTERS)).flatmap(
    lambda name: st.builds(
        lambda s: {"filter": name, "strength": s},
        st.floats(FILTERS[name].low, FILTERS[name].high, allow_nan=False),
    )
)


@settings(max_examples=200, deadline=None)
@given(user=st.lists(step_strategy, min_size=1, max_size=5), severity=st.integers(0, 5))
def test_no_user_preference_drops_below_the_policy_floor(
    user: list[dict[str, object]], severity: int
) -> None:
    if not any(FILTERS[str(step["filter"])].obscures for step in user):
        user = [*user, {"filter": "outline"}]
    floor = resolve_pipeline(GRAPHIC, severity)
    chosen = resolve_pipeline(GRAPHIC, severity, user_prefs={"schema": 2, "default": user})
    for need in floor.steps:
        assert any(s.name == need.name and s.strength >= need.strength for s in chosen.steps)


@pytest.mark.parametrize(
    "preset",
    [
        [{"filter": "blur", "strength": 0.047}, {"filter": "grayscale"}],
        [{"filter": "grayscale"}, {"filter": "blur", "strength": 0.016}, {"filter": "mute_red"}],
        [{"filter": "pixelate", "strength": 0.023}, {"filter": "mute_red"}],
        [{"filter": "blur", "strength": 0.008}, {"filter": "grayscale"}, {"filter": "face_blur"}],
    ],
)
def test_a_bgr_frame_gives_the_same_rgb_result(preset: list[object], astronaut: np.ndarray) -> None:
    pipeline = parse_preset(preset, "t")
    from_bgr = pipeline.apply(np.ascontiguousarray(astronaut[..., ::-1]), bgr=True)
    np.testing.assert_array_equal(from_bgr, pipeline.apply(astronaut))
