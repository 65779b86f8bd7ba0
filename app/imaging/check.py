"""Headless media check: the viewer's decode and default filter path, one line per file.

Behind `veil media check FILE...`: a lead can see at once which files in an intake batch
will show, at what size, and why the others will not.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from app.imaging.decode import MediaError, decode_for_display
from app.imaging.pipeline import DEFAULT_PIPELINE


def check_files(paths: Sequence[Path], out: Callable[[str], None] = print) -> int:
    """Decode and filter each file; 0 when every file was handled, 1 after any crash.

    A clean MediaError counts as handled: refusing bad media is the viewer working.
    """
    status = 0
    for path in paths:
        try:
            out(_check_one(path))
        except MediaError as exc:
            out(f"error  {path}  {exc.reason}")
        except Exception as exc:
            # A crash is a bug in Veil, not in the file; report it and check the rest.
            status = 1
            out(f"crash  {path}  {traceback.format_exception_only(exc)[-1].strip()}")
    return status


def _check_one(path: Path) -> str:
    media = decode_for_display(path)
    frame = media.frames[0]
    start = time.perf_counter()
    DEFAULT_PIPELINE.apply(frame)
    elapsed_ms = (time.perf_counter() - start) * 1000
    w, h = media.source_size
    dh, dw = frame.shape[:2]
    line = f"ok  {path}  {media.kind} {w}x{h} -> {dw}x{dh}"
    frames = [] if media.kind == "image" else [frame_count_text(media.frame_count)]
    return "  ".join([line, *frames, f"filter {elapsed_ms:.1f} ms", *media.notes])


def frame_count_text(count: int) -> str:
    """'24 frames' (or '1 frame'), for check lines and the case header."""
    return f"{count:,} frame{'s' if count != 1 else ''}"
