"""Shared fixtures for the imaging tests: the bad-media corpus and the sample photos."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from .corpus import SAMPLES, build_corpus


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every corpus file, built once per test session."""
    return build_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """astronaut.png (512 x 512, one frontal face) as RGB uint8."""
    with Image.open(SAMPLES / "astronaut.png") as im:
        return np.asarray(im.convert("RGB")).copy()


@pytest.fixture(scope="session")
def chelsea() -> np.ndarray:
    """chelsea.png (a cat, textured fur) as RGB uint8."""
    with Image.open(SAMPLES / "chelsea.png") as im:
        return np.asarray(im.convert("RGB")).copy()
