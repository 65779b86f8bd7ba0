"""Where Veil keeps per-user data and where its bundled resources are."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

ENV_DATA_DIR = "VEIL_DATA_DIR"


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
