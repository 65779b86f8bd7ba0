"""Lead-tool fixtures: the demo plus the lead demo's weeks of history, seeded once."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.demo.cases import seed_demo
from app.demo.lead import LeadDemoReport, seed_lead_demo
from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from app.qa.people import person


@pytest.fixture(scope="session")
def lead_template(
    tmp_path_factory: pytest.TempPathFactory, policies: PolicySet
) -> tuple[Path, LeadDemoReport]:
    """A store with the demo and the lead demo history, seeded once per session."""
    folder = tmp_path_factory.mktemp("lead-template")
    store = LocalStore(folder)
    seed_demo(store, policies)
    # Two weeks is enough for every chart and keeps the suite quick; `make run` seeds three.
    report = seed_lead_demo(store, policies, days=14)
    store.close()
    return folder, report


@pytest.fixture
def lead_dir(tmp_path: Path, lead_template: tuple[Path, LeadDemoReport]) -> Path:
    """A private copy of the lead demo store's folder (its QA seed included)."""
    target = tmp_path / "lead-demo"
    shutil.copytree(lead_template[0], target)
    return target


@pytest.fixture
def lead_store(lead_dir: Path) -> Iterator[LocalStore]:
    """A private lead demo store."""
    store = LocalStore(lead_dir)
    yield store
    store.close()


@pytest.fixture
def lead(lead_store: LocalStore) -> Reviewer:
    """The demo lead."""
    return person(lead_store, "lead")


def make_person(username: str, role: Role, clearances: tuple[str, ...] = ()) -> Reviewer:
    """A Reviewer without an account (for stores the test writes by hand)."""
    return Reviewer(username, username.title(), role, frozenset(clearances))
