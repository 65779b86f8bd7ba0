"""VideoReader, the storyboard, and filtered playback with sampled face detection."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.imaging import sniff, video
from app.imaging.faces import Box
from app.imaging.media import MediaError
from app.imaging.pipeline import DEFAULT_PIPELINE, parse_preset
from app.imaging.video import PlaybackFilter, VideoReader, filtered_frames

from .corpus import write_video

FACE_BLUR = parse_preset([{"filter": "blur", "strength": 0.016}, {"filter": "face_blur"}], "test")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 frames of 320 x 240 at 25 fps, no audio."""
    return write_video(tmp_path_factory.mktemp("video") / "clip.mp4", 40, (320, 240))


def test_reader_reports_the_stream(clip: Path) -> None:
    with VideoReader(clip) as reader:
        assert (reader.frame_count, reader.fps, reader.source_size) == (40, 25.0, (320, 240))
        assert reader.duration_s == pytest.approx(1.6)
        assert reader.has_audio is False


def test_frames_are_display_sized_rgb(clip: Path) -> None:
    with VideoReader(clip, max_side=100) as reader:
        frames = list(reader.frames())
    assert len(frames) == 40
    for frame in frames:
        assert frame.shape == (75, 100, 3) and frame.dtype == np.uint8 and frame.flags.c_contiguous
    # The bars move 4 px a frame (1.25 px at this size), so frames differ.
    assert not np.array_equal(frames[0], frames[10])


def test_read_by_index_matches_sequential_frames(clip: Path) -> None:
    with VideoReader(clip) as reader:
        in_order = list(reader.frames())
        for index in (0, 17, 3, 39):
            assert np.abs(reader.read(index).astype(int) - in_order[index]).mean() < 1
        with pytest.raises(IndexError):
            reader.read(40)


def test_first_frame_is_rgb_not_bgr(clip: Path) -> None:
    with VideoReader(clip) as reader:
        frame = reader.read(0)
    # corpus.photo draws a red disc centred at (w/3, h/2).
    r, g, b = frame[120, 106].astype(int)
    assert r > 150 and g < 100 and b < 100


def test_keyframes_spread_evenly(clip: Path) -> None:
    with VideoReader(clip) as reader:
        board = reader.keyframes(5)
        assert [index for index, _ in board] == [0, 10, 20, 29, 39]
        assert len(reader.keyframes(1)) == 1 and reader.keyframes(0) == []
        assert [i for i, _ in reader.keyframes(100)] == list(range(40))


@pytest.mark.parametrize(
    "name", ["corrupt_video", "truncated_video", "zero_frame_video", "text_as_png"]
)
def test_bad_files_are_media_errors(name: str, corpus: dict[str, Path]) -> None:
    with pytest.raises(MediaError):
        VideoReader(corpus[name])


def test_playback_detects_faces_only_on_sampled_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def fake_detect(frame: np.ndarray) -> list[Box]:
        calls.append(int(frame[0, 0, 0]))
        return [(10, 10, 20, 20)]

    monkeypatch.setattr(video, "detect_faces", fake_detect)
    playback = PlaybackFilter(FACE_BLUR, detect_every=6)
    for index in range(30):
        frame = np.full((64, 64, 3), index, np.uint8)
        playback(index, frame)
    assert calls == [0, 6, 12, 18, 24]
    playback(3, np.full((64, 64, 3), 3, np.uint8))  # a seek back detects again
    assert calls[-1] == 3


def test_playback_without_face_blur_never_detects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(video, "detect_faces", lambda frame: pytest.fail("detected"))
    frame = np.zeros((32, 32, 3), np.uint8)
    assert PlaybackFilter(DEFAULT_PIPELINE)(0, frame).shape == frame.shape


def test_filtered_frames_are_all_filtered_and_in_order(clip: Path) -> None:
    with VideoReader(clip) as reader:
        plain = list(reader.frames())
        played = list(filtered_frames(reader, DEFAULT_PIPELINE))
    assert [index for index, _ in played] == list(range(40))
    for (index, frame), original in zip(played, plain, strict=True):
        assert np.array_equal(frame[..., 0], frame[..., 2])  # grayscale
        assert np.abs(frame.astype(int) - DEFAULT_PIPELINE.apply(original)).max() <= 1, index


def test_stopping_playback_early_stops_the_decoder(clip: Path) -> None:
    with VideoReader(clip) as reader:
        playback = filtered_frames(reader, DEFAULT_PIPELINE, ahead=2)
        next(playback)
        playback.close()  # must not hang on the worker blocked on a full queue
        assert reader.read(5).shape == (240, 320, 3)


def test_audio_probe_reads_the_track_handlers() -> None:
    handler = lambda kind: b"\x00\x00\x00\x21hdlr" + bytes(8) + kind + bytes(12)  # noqa: E731
    assert sniff.probe_audio(BytesIO(handler(b"vide") + handler(b"soun")), "video/mp4") is True
    assert sniff.probe_audio(BytesIO(handler(b"vide")), "video/mp4") is False
    assert sniff.probe_audio(BytesIO(b"\x00" * 64), "video/mp4") is None
    assert sniff.probe_audio(BytesIO(b"strh\x00\x00\x00\x00auds"), "video/x-msvideo") is True
    assert sniff.probe_audio(BytesIO(handler(b"soun")), "video/x-matroska") is None


def test_an_oversized_video_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_video(tmp_path / "wide.mp4", 2, (640, 480))
    monkeypatch.setattr(video, "check_pixels", _refuse_over(100_000))
    with pytest.raises(MediaError, match="decompression bomb"):
        VideoReader(path)


def _refuse_over(limit: int) -> Callable[[int, int], None]:
    def check(width: int, height: int) -> None:
        if width * height > limit:
            raise MediaError(f"decompression bomb: {width} x {height} pixels")

    return check


def test_bgr_conversion_uses_opencv_channel_order(tmp_path: Path) -> None:
    path = tmp_path / "blue.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (32, 32))
    for _ in range(3):
        writer.write(np.full((32, 32, 3), (255, 0, 0), np.uint8))  # BGR blue
    writer.release()
    with VideoReader(path) as reader:
        r, g, b = reader.read(0)[16, 16].astype(int)
    assert b > 200 and r < 60
