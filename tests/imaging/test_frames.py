"""Every frame reachable: animations and videos without a length, plus the messages a
moderator reads for media that is odd but real (or plainly not media)."""

from __future__ import annotations

import struct
from io import BytesIO
from pathlib import Path

import cv2
import pytest
from PIL import Image

from app.imaging import media as media_limits
from app.imaging import video
from app.imaging.animation import AnimationReader
from app.imaging.check import check_files
from app.imaging.decode import decode_for_display
from app.imaging.frames import open_frames
from app.imaging.media import MediaError
from app.imaging.media_types import sniff_media
from app.imaging.video import VideoReader

from .corpus import index_of, numbered, photo, write_no_length, write_video

VIDEO_FRAMES = 150


@pytest.fixture(scope="module")
def no_length(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """150 numbered frames in a Matroska file whose container gives no length."""
    return write_no_length(tmp_path_factory.mktemp("nolength") / "recorded.mkv", VIDEO_FRAMES)


def test_a_video_without_length_is_counted_to_its_end(no_length: Path) -> None:
    capture = cv2.VideoCapture(str(no_length), cv2.CAP_FFMPEG)
    assert capture.get(cv2.CAP_PROP_FRAME_COUNT) <= 0  # the container really has no length
    capture.release()
    media = decode_for_display(no_length)
    assert (media.kind, media.frame_count) == ("video", VIDEO_FRAMES)
    assert media.notes == ("no length in the container: 150 frames counted to the end",)
    lines: list[str] = []
    check_files([no_length], out=lines.append)
    assert "  150 frames  " in lines[0] and lines[0].startswith("ok  ")


def test_every_frame_of_a_video_without_length_is_reachable(no_length: Path) -> None:
    with open_frames(no_length, "video", 2048, VIDEO_FRAMES) as reader:
        assert reader.frame_count == VIDEO_FRAMES
        assert [index_of(reader.read(i)) for i in range(VIDEO_FRAMES)] == list(range(150))
        # Back, far back, and forward again: by reading from the start, recent ones kept.
        assert [index_of(reader.read(i)) for i in (148, 3, 149, 77)] == [148, 3, 149, 77]
        assert [i for i, _ in reader.keyframes(4)] == [0, 50, 99, 149]


def test_counting_stops_at_the_cap_with_a_note(
    no_length: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(video, "MAX_COUNTED_FRAMES", 100)
    with VideoReader(no_length) as reader:
        assert reader.frame_count == 100
        assert "counting stopped at the 100-frame cap" in reader.notes[0]
        assert index_of(reader.read(99)) == 99


def animated(fmt: str, frames: int = 6) -> bytes:
    pictures = [Image.fromarray(numbered(i)[..., ::-1].copy()) for i in range(frames)]
    buf = BytesIO()
    pictures[0].save(
        buf, fmt, save_all=True, append_images=pictures[1:], duration=50, loop=0, lossless=True
    )
    return buf.getvalue()


@pytest.mark.parametrize(("fmt", "name"), [("GIF", "a.gif"), ("PNG", "a.png"), ("WEBP", "a.webp")])
def test_animations_step_to_every_frame_and_report_counts(
    fmt: str, name: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(animated(fmt))
    first = decode_for_display(path, first_only=True)  # what the viewer prepares
    assert (first.kind, len(first.frames), first.frame_count, first.fps) == (
        "animation",
        1,
        6,
        20.0,
    )
    with AnimationReader(path) as reader:
        assert (reader.frame_count, reader.fps) == (6, 20.0)
        assert [index_of(reader.read(i)) for i in (0, 1, 2, 3, 4, 5, 2, 0)] == [
            0, 1, 2, 3, 4, 5, 2, 0
        ]  # fmt: skip
        with pytest.raises(IndexError):
            reader.read(6)
    lines: list[str] = []
    check_files([path], out=lines.append)
    assert lines[0].startswith(f"ok  {path}  animation 64x48 -> 64x48  6 frames  filter ")


def test_an_animation_opened_as_frames_is_a_still_free_error_for_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.gif"
    path.write_text("not a picture at all\n" * 4)
    with pytest.raises(MediaError, match="not an animated picture: text"):
        open_frames(path, "animation", 256)


# --- messages ------------------------------------------------------------------------


def test_a_png_with_a_2_mb_colour_profile_decodes(tmp_path: Path) -> None:
    path = tmp_path / "profiled.png"
    Image.fromarray(photo(64, 48)).save(path, icc_profile=bytes(2 * 1024 * 1024))
    media = decode_for_display(path)
    assert (media.kind, media.source_size) == ("image", (64, 48))


def test_a_pdf_is_named_as_a_document(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    with pytest.raises(MediaError) as refused:
        decode_for_display(path)
    assert refused.value.reason == "PDF document, not reviewable media"
    assert sniff_media(path)[0] == "unknown"


def test_an_mp4_named_jpg_keeps_the_mismatch_note(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "clip.mp4", 5, (64, 48))
    named = tmp_path / "holiday.jpg"
    named.write_bytes(clip.read_bytes())
    assert decode_for_display(named).notes == ("type mismatch: named .jpg but contains MP4",)
    # A stored blob has no name: the name it was reported under is passed along.
    assert decode_for_display(clip, name="holiday.jpg").notes[0].startswith("type mismatch")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(clip.read_bytes()[:300])
    with pytest.raises(MediaError) as refused:
        decode_for_display(broken)
    assert refused.value.reason.endswith("(type mismatch: named .jpg but contains MP4)")


def test_decoders_print_nothing_on_stderr(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    clip = write_video(tmp_path / "clip.mp4", 5, (64, 48)).read_bytes()
    capfd.readouterr()
    for name, data in (("cut.mp4", clip[: len(clip) // 2]), ("junk.mp4", clip[:8] + bytes(99))):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(MediaError):
            decode_for_display(tmp_path / name)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(("fmt", "mime"), [("AVIF", "image/avif"), ("HEIF", "image/heic")])
def test_avif_and_heic_are_stills(fmt: str, mime: str, tmp_path: Path) -> None:
    path = tmp_path / f"phone.{fmt.lower()}"
    Image.fromarray(photo(64, 48)).save(path, fmt)
    media = decode_for_display(path)
    assert (media.kind, media.mime, media.frame_count, media.source_size) == (
        "image",
        mime,
        1,
        (64, 48),
    )
    assert sniff_media(path) == ("image", mime)
    assert media.frames[0][24, 21, 0] > 150  # photo() draws a red disc at (w/3, h/2)


def flat_jpeg(width: int, height: int, scan: bool = True) -> bytes:
    """A valid baseline 4:2:0 colour JPEG of uniform gray, built by hand: one-code Huffman
    tables make every 8x8 block two bits, so 144 MP is under a megabyte."""

    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    one_code = bytes([1] + [0] * 15 + [0])
    mcus = -(-width // 16) * -(-height // 16)
    components = b"\x01\x22\x00\x02\x11\x00\x03\x11\x00"
    return b"".join(
        [
            b"\xff\xd8",
            segment(0xDB, b"\x00" + bytes([1]) * 64),
            segment(0xC0, struct.pack(">BHHB", 8, height, width, 3) + components),
            segment(0xC4, b"\x00" + one_code + b"\x10" + one_code),
            segment(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00"),
            bytes(-(-mcus * 12 // 8)) if scan else b"",
            b"\xff\xd9",
        ]
    )


def test_a_144_megapixel_camera_jpeg_decodes_reduced(tmp_path: Path) -> None:
    path = tmp_path / "medium_format.jpg"
    path.write_bytes(flat_jpeg(13856, 10400))
    media = decode_for_display(path, 1600)
    assert media.source_size == (13856, 10400)
    assert media.frames[0].shape == (1201, 1600, 3)
    assert abs(float(media.frames[0].mean()) - 128) < 2


def test_true_bombs_are_still_refused(tmp_path: Path) -> None:
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(flat_jpeg(30000, 20000, scan=False))
    with pytest.raises(MediaError, match=r"decompression bomb: 30000 x 20000 pixels exceeds"):
        decode_for_display(huge)
    tiny = tmp_path / "tiny.png"
    buf = BytesIO()
    Image.new("L", (1, 1)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    data[16:24] = struct.pack(">II", 20000, 20000)  # the header claims 400 MP
    tiny.write_bytes(bytes(data))
    limit = media_limits.MAX_PIXELS // 1_000_000
    with pytest.raises(MediaError, match=f"exceeds the {limit} MP limit"):
        decode_for_display(tiny)
