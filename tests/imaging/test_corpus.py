"""Every file in the bad-media corpus gets the expected outcome, within memory bounds."""

from __future__ import annotations

import resource
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from app.imaging import stills
from app.imaging.decode import DecodedMedia, MediaError, decode_for_display

MB = 1024 * 1024

REFUSED = {
    "zero_byte": "file is empty",
    "truncated_jpeg": "truncated JPEG: image file is truncated",
    "truncated_png": "truncated PNG: image file is truncated",
    "bomb_png": "decompression bomb: 30000 x 30000 pixels exceeds the 100 MP limit",
    "corrupt_video": "corrupt video: the container cannot be opened",
    "truncated_video": "corrupt video: the container cannot be opened",
    "zero_frame_video": "video has no frames",
    "text_as_png": "type mismatch: named .png but contains text",
    "garbage_bin": "unsupported type: unknown data, not an image or video",
}

DECODED = {
    "png_named_jpg": ("image", (200, 150), (150, 200)),
    "cmyk_jpeg": ("image", (320, 240), (240, 320)),
    "png16": ("image", (256, 192), (192, 256)),
    "rgb16_png": ("image", (256, 192), (192, 256)),
    "huge_valid": ("image", (7000, 5000), (1463, 2048)),
    "many_frames_gif": ("animation", (256, 256), (256, 256)),
    "video": ("video", (160, 120), (120, 160)),
}


def test_the_corpus_covers_every_case(corpus: dict[str, Path]) -> None:
    assert set(corpus) >= set(REFUSED) | set(DECODED)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_bad_media_is_refused_with_a_clear_reason(name: str, corpus: dict[str, Path]) -> None:
    with pytest.raises(MediaError) as refused:
        decode_for_display(corpus[name])
    assert refused.value.reason == REFUSED[name]
    assert str(refused.value) == REFUSED[name]


@pytest.mark.parametrize("name", sorted(DECODED))
def test_awkward_but_valid_media_decodes(name: str, corpus: dict[str, Path]) -> None:
    kind, source_size, display_hw = DECODED[name]
    media = decode_for_display(corpus[name])
    assert (media.kind, media.source_size) == (kind, source_size)
    assert media.frames[0].shape == (*display_hw, 3)


def test_a_png_named_jpg_is_shown_with_a_note(corpus: dict[str, Path]) -> None:
    media = decode_for_display(corpus["png_named_jpg"])
    assert media.mime == "image/png"
    assert media.notes == ("type mismatch: named .jpg but contains PNG",)


def measure(fn: Callable[[], object]) -> tuple[object, float, float]:
    """fn's result, its Python-visible peak (tracemalloc, numpy included) and RSS growth, MB."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    try:
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    rss_growth_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return result, peak / MB, rss_growth_kb / 1024


def test_the_bomb_is_refused_before_allocating(corpus: dict[str, Path]) -> None:
    def attempt() -> str:
        with pytest.raises(MediaError) as refused:
            decode_for_display(corpus["bomb_png"])
        return refused.value.reason

    reason, peak_mb, rss_mb = measure(attempt)
    assert "decompression bomb" in str(reason)
    assert peak_mb < 2 and rss_mb < 20  # decoding it would take 2.7 GB


def test_a_gif_of_thousands_of_frames_is_capped(corpus: dict[str, Path]) -> None:
    media, peak_mb, rss_mb = measure(lambda: decode_for_display(corpus["many_frames_gif"]))
    assert isinstance(media, DecodedMedia)
    assert media.frame_count == 3000 and len(media.frames) == 300
    assert media.fps == pytest.approx(25.0)
    kept_mb = sum(frame.nbytes for frame in media.frames) / MB  # 56 MB; uncapped 560 MB
    assert peak_mb < kept_mb + 10 and rss_mb < kept_mb + 60


def test_the_animation_memory_budget_cuts_frames(
    corpus: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stills, "MAX_ANIMATION_BYTES", 10 * 256 * 256 * 3)
    media = decode_for_display(corpus["many_frames_gif"])
    assert len(media.frames) == 10 and media.frame_count == 3000


def test_huge_valid_jpeg_stays_small_in_memory(corpus: dict[str, Path]) -> None:
    media, peak_mb, _ = measure(lambda: decode_for_display(corpus["huge_valid"]))
    assert isinstance(media, DecodedMedia)
    # libjpeg decodes at 1/2 scale (26 MB) and the display frame is 9 MB; a full-size
    # decode would hold 105 MB of RGB before any scaling.
    assert peak_mb < 45
