"""check_files: one line per file, exit status 1 only when Veil itself crashed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.imaging import check
from app.imaging.check import check_files

from .corpus import SAMPLES

OK_LINE = re.compile(
    r"ok  (\S+)  (image|animation|video) (\d+)x(\d+) -> (\d+)x(\d+)(?:  [\d,]+ frames?)?"
    r"  filter [\d.]+ ms"
)


def run(paths: list[Path]) -> tuple[int, list[str]]:
    """check_files' status and the lines it printed."""
    lines: list[str] = []
    return check_files(paths, out=lines.append), lines


def test_good_files_print_kind_sizes_and_filter_time(corpus: dict[str, Path]) -> None:
    status, lines = run([SAMPLES / "astronaut.png", corpus["huge_valid"], corpus["video"]])
    assert status == 0
    parsed = [OK_LINE.fullmatch(line) for line in lines]
    assert all(parsed), lines
    sizes = [m.groups()[1:] for m in parsed if m]
    assert sizes == [
        ("image", "512", "512", "512", "512"),
        ("image", "7000", "5000", "2048", "1463"),
        ("video", "160", "120", "160", "120"),
    ]
    assert parsed[0] and parsed[0].group(1) == str(SAMPLES / "astronaut.png")


def test_bad_files_are_clean_errors_and_still_status_0(corpus: dict[str, Path]) -> None:
    status, lines = run([corpus["bomb_png"], corpus["zero_byte"], SAMPLES / "rocket.jpg"])
    assert status == 0
    bomb = "decompression bomb: 30000 x 30000 pixels exceeds the 100 MP limit"
    assert lines[0] == f"error  {corpus['bomb_png']}  {bomb}"
    assert lines[1] == f"error  {corpus['zero_byte']}  file is empty"
    assert lines[2].startswith(f"ok  {SAMPLES / 'rocket.jpg'}  image 640x427 -> 640x427")


def test_a_type_mismatch_note_is_printed(corpus: dict[str, Path]) -> None:
    _, [line] = run([corpus["png_named_jpg"]])
    assert line.endswith("  type mismatch: named .jpg but contains PNG")


def test_a_crash_is_reported_and_the_rest_still_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    real = check.decode_for_display

    def flaky(path: Path, max_side: int = 2048) -> object:
        if path.name == "coffee.png":
            raise RuntimeError("boom")
        return real(path, max_side)

    monkeypatch.setattr(check, "decode_for_display", flaky)
    status, lines = run([SAMPLES / "coffee.png", SAMPLES / "chelsea.png"])
    assert status == 1
    assert lines[0] == f"crash  {SAMPLES / 'coffee.png'}  RuntimeError: boom"
    assert lines[1].startswith("ok  ")
