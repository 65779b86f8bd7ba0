"""A lead's trends: incidents by month, category and severity, time to containment, and an
incident whose seed matches an earlier incident's."""

from __future__ import annotations

import pytest

from app.cli.main import build_parser, run
from app.domain.people import Accounts
from app.incidents.trends import trends
from tests.review.conftest import World

from .conftest import incident_desk, person
from .test_contain import BASE, _item


def test_trends_count_and_find_recurring_seeds(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    lead = incident_desk(world, "lee", "lead")
    first = world.ingest("spam_scams", 2, media=[_item(1, BASE)])
    old = lead.declare("January wave", 2, "spam_scams", from_case=first)[0].payload["incident_id"]
    lead.resolve(old, "done")
    world.clock.advance(40 * 86400)
    again = world.ingest("spam_scams", 2, media=[_item(2, BASE ^ 0b1011)])
    new = lead.declare("February wave", 1, "spam_scams", from_case=again)[0].payload["incident_id"]
    lead.declare("Unrelated", 3, "hate_speech")
    cleared = incident_desk(world, "cleo", clearances=("child_safety",))
    cleared.declare("CSEA", 1, "child_safety", clearance="child_safety")
    with world.store.read() as s:
        seen = trends(s, person("lee", "lead"))
    assert seen.by_month == {"2026-01": 1, "2026-02": 2}  # the CSEA one is not for lee
    assert seen.by_category == {"spam_scams": 2, "hate_speech": 1}
    assert seen.by_severity == {1: 1, 2: 1, 3: 1}
    assert [(r.later, r.earlier, r.distance) for r in seen.recurring] == [(new, old, 3)]
    Accounts(world.store).add("lee", "password-123", "lead", "Lee", ())
    argv = ["--data-dir", str(world.store.data_dir), "incident", "trends", "--as", "lee"]
    assert run(build_parser().parse_args(argv)) == 0
    out = capsys.readouterr().out
    assert "By severity: SEV 1 1, SEV 2 1, SEV 3 1" in out
    assert "Recurring: 'February wave' matches the seed of 'January wave' (3 bits)" in out
