"""Filter sizes as shares of the short side, and old pixel-sized files still loading."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.domain.filter_units import REFERENCE_SHORT_SIDE, current_layer, stamped
from app.domain.policies import PolicyError, load_policies
from app.imaging import filters
from app.imaging.pipeline import FILTERS, FilterPipeline, FilterStep, parse_preset, resolve_pipeline
from app.log.paths import resources_dir

OLD_GRAPHIC = {
    "default": [{"filter": "blur", "strength": 24}, {"filter": "grayscale"}],
    "by_severity": {"4": [{"filter": "pixelate", "strength": 40}, {"filter": "grayscale"}]},
}


def test_an_old_layer_is_read_as_pixels_at_the_reference_side() -> None:
    layer = current_layer(OLD_GRAPHIC, "team defaults")
    assert layer["default"][0] == {"filter": "blur", "strength": 24 / REFERENCE_SHORT_SIDE}
    assert layer["default"][1] == {"filter": "grayscale"}
    assert layer["by_severity"]["4"][0]["strength"] == 40 / 512
    assert current_layer(stamped(layer), "x") == layer  # schema 2 is taken as it stands


def test_resolve_migrates_old_team_and_user_layers() -> None:
    assert resolve_pipeline(None, 2, user_prefs=OLD_GRAPHIC).describe() == "blur 4.7% + grayscale"
    new = stamped({"default": [{"filter": "blur", "strength": 0.05}, {"filter": "grayscale"}]})
    assert resolve_pipeline(None, 2, team_defaults=new).describe() == "blur 5% + grayscale"
    assert resolve_pipeline(None, 4, user_prefs=OLD_GRAPHIC).steps[0] == FilterStep(
        "pixelate", 40 / 512
    )


def test_a_bad_schema_or_a_pixel_count_in_a_new_layer_is_named() -> None:
    with pytest.raises(ValueError, match=r"user prefs\.schema: expected 2"):
        resolve_pipeline(None, 2, user_prefs={"schema": 3, "default": []})
    pixels = stamped({"default": [{"filter": "blur", "strength": 24}]})
    with pytest.raises(ValueError, match=r"blur strength 24 is outside .*short side"):
        resolve_pipeline(None, 2, user_prefs=pixels)


def test_an_old_policy_file_loads_migrated(tmp_path: Path) -> None:
    shipped = json.loads((resources_dir() / "policies" / "violent_graphic.json").read_text())
    old = {**shipped, "schema": 1}
    old["filters"] = {
        "default": [{"filter": "blur", "strength": 24}, {"filter": "grayscale"}],
        "by_severity": {"4": [{"filter": "blur", "strength": 48}, {"filter": "grayscale"}]},
    }
    (tmp_path / "violent_graphic.json").write_text(json.dumps(old))
    policy = load_policies(tmp_path)["violent_graphic"]
    assert resolve_pipeline(policy.filters, 2).steps[0] == FilterStep("blur", 24 / 512)
    assert resolve_pipeline(policy.filters, 4).steps[0] == FilterStep("blur", 48 / 512)
    # The same file in today's unit gives the same pipelines.
    new = {**shipped, "schema": 2}
    new["filters"] = current_layer(old["filters"], "filters")
    (tmp_path / "violent_graphic.json").write_text(json.dumps(new))
    again = load_policies(tmp_path)["violent_graphic"]
    for severity in range(1, 5):
        assert resolve_pipeline(again.filters, severity) == resolve_pipeline(
            policy.filters, severity
        )
    (tmp_path / "violent_graphic.json").write_text(json.dumps({**shipped, "schema": 7}))
    with pytest.raises(PolicyError, match=r"violent_graphic\.json: schema: unsupported .* 7"):
        load_policies(tmp_path)


@pytest.mark.parametrize("name", ["blur", "pixelate"])
def test_a_sized_filter_looks_the_same_at_any_frame_size(name: str) -> None:
    # A picture and the same picture at 4x the pixels: the filtered results agree once
    # scaled to one size, because the strength is a share of the short side.
    rng = np.random.default_rng(3)
    small = np.kron(rng.integers(0, 256, (24, 32, 3), dtype=np.uint8), np.ones((8, 8, 1), np.uint8))
    big = np.kron(small, np.ones((4, 4, 1), np.uint8))
    spec = FILTERS[name]
    a = spec.apply(small, 0.0625).astype(np.float64)
    b = spec.apply(big, 0.0625).reshape(192, 4, 256, 4, 3).mean(axis=(1, 3))
    assert np.abs(a - b).mean() < 3


def test_the_provisional_frame_is_at_least_as_obscured() -> None:
    rng = np.random.default_rng(5)
    img = rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)
    pipeline = FilterPipeline(
        (FilterStep("blur", 0.02), FilterStep("grayscale", 1), FilterStep("face_blur", 1))
    )
    final = pipeline.apply(img, [(40, 30, 40, 40)])
    provisional = pipeline.apply_provisional(img)
    # Every spot blurred as a face: less detail left than in the final frame.
    assert (
        np.abs(np.diff(provisional.astype(int), axis=1)).mean()
        <= np.abs(np.diff(final.astype(int), axis=1)).mean()
    )


@pytest.mark.parametrize(
    "preset",
    [
        [{"filter": "pixelate", "strength": 0.078}, {"filter": "blur", "strength": 0.047}],
        [{"filter": "blur", "strength": 0.047}, {"filter": "mute_red"}],
        [{"filter": "blur", "strength": 0.02}, {"filter": "face_blur"}],
        [{"filter": "blur", "strength": 0.03}, {"filter": "mute_red"}, {"filter": "grayscale"}],
    ],
)
def test_steps_on_the_small_copy_give_the_picture_of_running_them_one_by_one(
    preset: list[dict[str, object]], astronaut: np.ndarray
) -> None:
    boxes = [(180, 60, 100, 110)]
    pipeline = parse_preset(preset, "t")
    one_by_one = astronaut
    for step in pipeline.steps:
        if step.name == "face_blur":
            one_by_one = filters.blur_faces(one_by_one, step.strength, boxes)
        else:
            one_by_one = FILTERS[step.name].apply(one_by_one, step.strength)
    error = np.abs(pipeline.apply(astronaut, boxes).astype(float) - one_by_one).mean()
    assert error < 3.5, (pipeline.describe(), error)  # levels of 255, on average
