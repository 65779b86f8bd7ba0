"""Where Veil keeps per-user data and where its bundled resources are."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import platformdirs

ENV_DATA_DIR = "VEIL_DATA_DIR"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The per-user data dir: --data-dir, else $VEIL_DATA_DIR, else the platform's."""
    if override:
        return Path(override).expanduser().resolve()
    if os.environ.get(ENV_DATA_DIR):
        return Path(os.environ[ENV_DATA_DIR]).expanduser().resolve()
    return Path(platformdirs.user_data_dir("veil", "Veil"))


def resources_dir() -> Path:
    """The resources/ folder: beside the packages, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def private_dir(path: Path) -> Path:
    """Make path an owner-only directory: created 0700 (parents as the system makes
    them), an existing one with group or other permissions tightened to its owner's."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    _tighten(path)
    return path


def private_file(path: Path) -> Path:
    """Make path an owner-only file: created empty with 0600 when missing (never
    truncated), an existing one with group or other permissions tightened."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        _tighten(path)
    else:
        os.close(fd)
        _tighten(path)  # a umask cannot widen it, but an ACL default might have
    return path


def private_sqlite(path: Path) -> Path:
    """An owner-only SQLite database file before it is opened: SQLite creates its -wal
    and -shm files with the database file's permissions, so they follow; companions
    left from an earlier run with looser permissions are tightened too."""
    private_file(path)
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            _tighten(companion)
    return path


def private_media_dir(path: Path) -> Path:
    """The media cache: an owner-only folder, and so are its (at most 256) fan-out
    folders; blob files are written 0600 (app/log/store.py hands this to db.blobs)."""
    private_dir(path)
    for child in path.iterdir():
        if child.is_dir() and not child.is_symlink():
            _tighten(child)
    return path


def _tighten(path: Path) -> None:
    """Drop every group and other permission bit of path (the owner's stay)."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        os.chmod(path, mode & ~0o077)
