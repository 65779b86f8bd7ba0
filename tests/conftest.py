"""Shared fixtures. Qt runs offscreen; every test gets its own temporary data dir."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("VEIL_DATA_DIR", None)

from app.demo.cases import DemoLogin, seed_demo  # noqa: E402
from app.domain.policies import PolicySet, load_policies  # noqa: E402
from app.log.clock import ManualClock  # noqa: E402
from app.log.paths import resources_dir  # noqa: E402
from app.log.store import LocalStore  # noqa: E402

# The safe sample photos (../shared/data/media), bundled with their licences in resources/demo.
SHARED_MEDIA = resources_dir() / "demo"


@pytest.fixture(scope="session")
def policies() -> PolicySet:
    """The bundled policy taxonomy."""
    return load_policies(resources_dir() / "policies")


@pytest.fixture
def clock() -> ManualClock:
    """A clock that moves only when told to."""
    return ManualClock()


@pytest.fixture
def store(tmp_path: Path, clock: ManualClock) -> Iterator[LocalStore]:
    """An empty local store in a temporary dir."""
    s = LocalStore(tmp_path / "store", clock)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_template(
    tmp_path_factory: pytest.TempPathFactory, policies: PolicySet
) -> tuple[Path, list[DemoLogin]]:
    """A demo store seeded once per session; tests get a copy."""
    folder = tmp_path_factory.mktemp("demo-template")
    s = LocalStore(folder)
    _report, logins = seed_demo(s, policies)
    s.close()
    return folder, logins


@pytest.fixture
def demo_dir(tmp_path: Path, demo_template: tuple[Path, list[DemoLogin]]) -> Path:
    """A private copy of the demo store's folder."""
    target = tmp_path / "demo"
    shutil.copytree(demo_template[0], target)
    return target


@pytest.fixture
def demo_logins(demo_template: tuple[Path, list[DemoLogin]]) -> dict[str, DemoLogin]:
    """Demo logins by role."""
    return {d.role: d for d in demo_template[1]}


@pytest.fixture
def demo_store(demo_dir: Path) -> Iterator[LocalStore]:
    """A private demo store."""
    s = LocalStore(demo_dir)
    yield s
    s.close()
