"""decode_for_display: display size, orientation, colour modes, and the type sniffing."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps
from PIL.JpegImagePlugin import JpegImageFile

from app.imaging.decode import DecodedMedia, MediaError, decode_for_display, sniff_mime

from .corpus import SAMPLES, encode, photo


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    """data saved as tmp_path/name."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def assert_display_frame(frame: np.ndarray, max_side: int) -> None:
    """The frame contract the widgets rely on."""
    assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3
    assert frame.flags.c_contiguous and max(frame.shape[:2]) <= max_side


@pytest.mark.parametrize(
    ("name", "mime"),
    [("astronaut.png", "image/png"), ("rocket.jpg", "image/jpeg"), ("LICENSES.md", "text/plain")],
)
def test_sniff_mime_reads_the_bytes(name: str, mime: str) -> None:
    assert sniff_mime(SAMPLES / name) == mime


def test_sniff_mime_ignores_the_name(corpus: dict[str, Path]) -> None:
    assert sniff_mime(corpus["png_named_jpg"]) == "image/png"
    assert sniff_mime(corpus["video"]) == "video/mp4"
    assert sniff_mime(corpus["zero_byte"]) == "application/x-empty"
    assert sniff_mime(corpus["garbage_bin"]) == "application/octet-stream"


def test_sample_photos_decode_unchanged_when_small(tmp_path: Path) -> None:
    media = decode_for_display(SAMPLES / "rocket.jpg")
    with Image.open(SAMPLES / "rocket.jpg") as im:
        np.testing.assert_array_equal(media.frames[0], np.asarray(im.convert("RGB")))
    assert (media.kind, media.source_size, media.frame_count) == ("image", (640, 427), 1)
    assert (media.fps, media.has_audio, media.mime, media.notes) == (None, False, "image/jpeg", ())


@pytest.mark.parametrize("max_side", [100, 333, 2048])
def test_png_is_scaled_to_fit(max_side: int, tmp_path: Path) -> None:
    path = write(tmp_path, "wide.png", encode(photo(1200, 500), "PNG"))
    frame = decode_for_display(path, max_side).frames[0]
    assert_display_frame(frame, max_side)
    assert max(frame.shape[:2]) == min(max_side, 1200)
    assert abs(frame.shape[1] / frame.shape[0] - 1200 / 500) < 0.02


def test_big_jpeg_decodes_through_dct_scaling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "big.jpg", encode(photo(4800, 3200), "JPEG", quality=85))
    drafted: list[tuple[int, int]] = []
    real_draft = JpegImageFile.draft

    def spy(self: JpegImageFile, mode: str | None, size: tuple[int, int] | None) -> object:
        result = real_draft(self, mode, size)
        drafted.append(self.size)
        return result

    monkeypatch.setattr(JpegImageFile, "draft", spy)
    frame = decode_for_display(path, 1600).frames[0]
    assert drafted == [(2400, 1600)]  # libjpeg decoded at 1/2 scale, not 4800 x 3200
    assert frame.shape == (1067, 1600, 3)
    with Image.open(path) as im:
        full = cv2.resize(np.asarray(im.convert("RGB")), (1600, 1067), interpolation=cv2.INTER_AREA)
    assert np.abs(frame.astype(int) - full).mean() < 2.0


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied(orientation: int, tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = write(tmp_path, "turned.jpg", encode(photo(96, 64), "JPEG", exif=exif, quality=95))
    media = decode_for_display(path)
    with Image.open(path) as im:
        expected = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    np.testing.assert_array_equal(media.frames[0], expected)
    assert media.source_size == (expected.shape[1], expected.shape[0])
    assert media.frames[0].flags.c_contiguous


def test_transparency_shows_over_neutral_gray(corpus: dict[str, Path]) -> None:
    frame = decode_for_display(corpus["rgba_png"]).frames[0]
    assert (frame[:, :60] == 128).all()  # transparent half
    assert (frame[:, 60:] == (255, 0, 0)).all()  # opaque red half
    for name in ("palette_png", "la_png"):
        assert_display_frame(decode_for_display(corpus[name]).frames[0], 2048)


def test_cmyk_jpeg_keeps_its_colours(corpus: dict[str, Path]) -> None:
    frame = decode_for_display(corpus["cmyk_jpeg"]).frames[0]
    expected = photo(320, 240)
    assert np.abs(frame.astype(int) - expected).mean() < 12


@pytest.mark.parametrize("name", ["png16", "rgb16_png"])
def test_16_bit_pngs_become_8_bit_without_losing_the_range(
    name: str, corpus: dict[str, Path]
) -> None:
    frame = decode_for_display(corpus[name]).frames[0]
    assert_display_frame(frame, 2048)
    assert frame.min() <= 10 and frame.max() >= 200


def test_gif_animation_gives_frames_and_rate(tmp_path: Path) -> None:
    frames = [Image.fromarray(np.roll(photo(64, 48), 8 * n, axis=1)) for n in range(6)]
    buf = BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    media = decode_for_display(write(tmp_path, "anim.gif", buf.getvalue()), 32)
    assert (media.kind, media.frame_count, len(media.frames)) == ("animation", 6, 6)
    assert media.fps == pytest.approx(10.0)
    assert not np.array_equal(media.frames[0], media.frames[1])
    for frame in media.frames:
        assert_display_frame(frame, 32)


def test_decoded_media_is_a_frozen_value() -> None:
    media = decode_for_display(SAMPLES / "coffee.png")
    assert isinstance(media, DecodedMedia)
    with pytest.raises(AttributeError):
        media.kind = "video"  # type: ignore[misc]


def test_missing_and_unreadable_paths_are_media_errors(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as missing:
        decode_for_display(tmp_path / "nope.jpg")
    assert missing.value.reason == "file not found"
    with pytest.raises(MediaError, match="not a file"):
        decode_for_display(tmp_path)


_SEEDS = [SAMPLES / "rocket.jpg", SAMPLES / "coffee.png"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.sampled_from(_SEEDS),
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8),
)
def test_damaged_files_raise_only_media_error(
    seed: Path, cut: float, flips: list[tuple[float, int]], tmp_path: Path
) -> None:
    data = bytearray(seed.read_bytes())
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    path = write(tmp_path, "damaged" + seed.suffix, bytes(data[: max(1, int(cut * len(data)))]))
    try:
        media = decode_for_display(path, 256)
    except MediaError as exc:
        assert exc.reason
    else:
        assert_display_frame(media.frames[0], 256)
