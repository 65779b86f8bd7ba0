"""The desk is composed of command objects over one explicit context, with no hidden state."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.domain.lifecycle import IllegalTransition
from app.dupes.cluster import ClusterCommands
from app.log.changes import Change
from app.review.analyst import AnalystCommands
from app.review.claiming import ClaimCommands
from app.review.deciding import DecideCommands
from app.review.reviewdesk import AccessDenied, ReviewDesk
from tests.review.conftest import World

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = (ClaimCommands, DecideCommands, AnalystCommands, ClusterCommands)


def test_the_desk_and_its_commands_inherit_nothing() -> None:
    assert ReviewDesk.__bases__ == (object,)
    for command in COMMANDS:
        assert command.__bases__ == (object,), command


def test_the_commands_share_one_context(world: World) -> None:
    desk = world.desk("maya")
    parts = (desk.claims, desk.deciding, desk.analyst, desk.clusters)
    assert [type(p) for p in parts] == list(COMMANDS)
    assert all(p.core is desk.core for p in parts)


def test_no_state_hides_in_the_instance_dict() -> None:
    hidden = re.compile(r"__dict__\s*\.\s*setdefault|hasattr\(\s*self\s*,")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("app/review", "app/dupes")
        for path in sorted((ROOT / folder).glob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if hidden.search(line)
    ]
    assert found == []


def test_a_command_reports_what_it_changed(world: World) -> None:
    case = world.ingest()
    desk = world.desk("maya")
    heard: list[Change] = []
    world.store.on_change(heard.append)
    claim = desk.claim_next()
    assert claim is not None and claim.detail.row.case_id == case
    assert desk.last_change == Change(frozenset({case}), frozenset({"case.leased"}))
    desk.decide(case, "no_violation", {})
    assert desk.last_change == Change(frozenset({case}), frozenset({"decision.recorded"}))
    assert heard == [
        Change(frozenset({case}), frozenset({"case.leased"})),
        Change(frozenset({case}), frozenset({"decision.recorded"})),
    ]


def test_a_refused_command_changes_nothing(world: World) -> None:
    case = world.ingest()
    desk = world.desk("maya")
    heard: list[Change] = []
    world.store.on_change(heard.append)
    with pytest.raises((IllegalTransition, AccessDenied)):
        desk.decide(case, "no_violation", {})  # not leased to maya: refused
    assert heard == [] and desk.last_change == Change()
