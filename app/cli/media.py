"""`veil media check FILE...`: the viewer's decode and filter path, headless.

One line per file: ok with sizes and filter time, or the clean error. Exit status 0 when
every file was handled (ok or a clean error), non-zero only when something crashed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.imaging.check import check_files


def register(sub: Any) -> None:
    """Add `veil media check`."""
    media = sub.add_parser("media", help="media tools").add_subparsers(
        dest="media_command", required=True
    )
    check = media.add_parser(
        "check", help="decode and filter files as the viewer would; one line per file"
    )
    check.add_argument("files", nargs="+", type=Path)
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    return check_files(args.files)
