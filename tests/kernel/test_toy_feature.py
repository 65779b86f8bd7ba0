"""A feature is one package plus one line in the feature list: a toy feature (one event
kind, one fold, one table, one timeline line) syncs through a real hub process and folds
on a second workstation, and the kernel refuses its malformed events everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from app.domain.policies import PolicySet
from app.log import registry as kernel
from app.log.registry import ENV_EXTRA_FEATURES, PayloadError
from app.log.store import LocalStore
from app.review.timeline import timeline
from app.sync.client import HubRejected
from tests.hub.hubproc import SpawnHub
from tests.hub.world import DeviceWriter
from tests.sync.stations import Station, TeamOnHub

TOY = "tests.kernel.toy.feature"


@pytest.fixture
def toy_installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The one line: the toy feature's module added to the feature list."""
    monkeypatch.setenv(ENV_EXTRA_FEATURES, TOY)
    kernel.reset()
    yield {ENV_EXTRA_FEATURES: TOY}
    monkeypatch.delenv(ENV_EXTRA_FEATURES)
    kernel.reset()


def stamps(store: LocalStore) -> list[tuple[str, str, int]]:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT case_id, colour, total FROM toy_stamps ORDER BY colour"))
        return [(str(c), str(k), int(n)) for c, k, n in rows]


def stamp(store: LocalStore, actor: str, case_id: str, colour: str, count: int) -> None:
    with store.transaction() as session:
        store.append(
            session,
            actor=actor,
            kind="toy.stamped",
            case_id=case_id,
            payload={"colour": colour, "count": count},
        )


def test_a_toy_feature_syncs_through_a_hub_and_folds_on_a_second_workstation(
    toy_installed: dict[str, str],
    private_hub: SpawnHub,
    tmp_path: Path,
    policies: PolicySet,
) -> None:
    hub, engine = private_hub(env=toy_installed)
    team = TeamOnHub(hub.base_url, engine)
    one = Station(tmp_path / "one", hub.base_url, policies)
    two = Station(tmp_path / "two", hub.base_url, policies)
    try:
        a = one.adopt(team.user("moderator"))
        b = two.adopt(team.user("moderator"))
        (case,) = team.cases(1)
        one.sync(a.username), two.sync(b.username)

        stamp(one.store, a.username, case, "red", 2)
        stamp(one.store, a.username, case, "red", 3)
        stamp(one.store, a.username, case, "blue", 1)
        one.sync(a.username)
        two.sync(b.username)

        expected = [(case, "blue", 1), (case, "red", 5)]
        assert stamps(one.store) == stamps(two.store) == expected
        lines = [e for e in timeline(two.store.events(case), policies) if e.kind == "toy.stamped"]
        assert [(e.label, e.text) for e in lines] == [
            ("Stamped", "2 red stamp(s)"),
            ("Stamped", "3 red stamp(s)"),
            ("Stamped", "1 blue stamp(s)"),
        ]
        # Rebuild equals incremental, for the toy's table too.
        two.store.rebuild_projections()
        assert stamps(two.store) == expected

        # A malformed toy event is refused before it is written, and by the hub.
        with pytest.raises(PayloadError, match="colour"):
            stamp(one.store, a.username, case, "purple", 1)
        pusher = team.user("moderator")
        device = DeviceWriter(pusher.username)
        bad = device.event("toy.stamped", case, colour="green", count=99)
        with pytest.raises(HubRejected) as refused:
            team.client(pusher).push(device.device_id, [bad])
        assert refused.value.status == 422 and "count" in str(refused.value)
    finally:
        one.close(), two.close()
        team.close()


def test_without_the_line_the_kind_is_unknown(tmp_path: Path) -> None:
    kernel.reset()
    store = LocalStore(tmp_path / "plain")
    try:
        with pytest.raises(PayloadError, match="no installed feature"):
            stamp(store, "mod", "c-1", "red", 1)
    finally:
        store.close()
