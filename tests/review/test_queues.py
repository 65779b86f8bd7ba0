"""Queues as data: routing, access, SLAs, and files refused with the file and the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.domain.queues import QueueError, QueueSet, load_queues
from app.log.paths import resources_dir


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "queues"
    folder.mkdir()
    for path in (resources_dir() / "queues").glob("*.json"):
        (folder / path.name).write_text(path.read_text())
    return folder


def _edit(folder: Path, name: str, **changes: object) -> None:
    path = folder / f"{name}.json"
    doc = json.loads(path.read_text())
    doc.update(changes)
    path.write_text(json.dumps(doc))


def test_every_policy_and_severity_routes_to_a_queue_with_an_sla(
    policies: PolicySet, queues: QueueSet
) -> None:
    for policy in policies:
        for level in policy.severity_labels:
            queue = queues.route(policy.id, level)
            assert not queue.escalation and level in queue.sla_minutes
    assert queues.route("violent_graphic", 4).id == "graphic"
    assert queues.route("child_safety", 1).clearances == {"child_safety"}
    assert queues["graphic"].graphic and not queues["general"].graphic


def test_who_may_work_which_queue(queues: QueueSet) -> None:
    mod = Reviewer("m", "m", Role.MODERATOR, frozenset())
    analyst = Reviewer("a", "a", Role.ANALYST, frozenset({"child_safety"}))
    assert "escalations" not in {q.id for q in queues.workable(mod)}
    assert "child-safety" not in {q.id for q in queues.workable(mod)}
    assert {"escalations", "child-safety"} <= {q.id for q in queues.workable(analyst)}


def test_a_severity_route_beats_the_category_route(tmp_path: Path, policies: PolicySet) -> None:
    folder = _copy(tmp_path)
    doc = json.loads((folder / "graphic.json").read_text())
    doc.update(id="graphic-critical", name="Critical graphic", order=5)
    doc["routes"] = [{"category": "violent_graphic", "severities": [4]}]
    (folder / "graphic-critical.json").write_text(json.dumps(doc))
    queues = load_queues(folder, policies)
    assert queues.route("violent_graphic", 4).id == "graphic-critical"
    assert queues.route("violent_graphic", 3).id == "graphic"


@pytest.mark.parametrize(
    ("name", "changes", "message"),
    [
        ("graphic", {"sla_minutes": {"1": 10, "2": 0}}, "graphic.json: sla_minutes.2: expected"),
        ("graphic", {"roles": ["moderator", "boss"]}, "graphic.json: roles[1]: unknown role"),
        (
            "graphic",
            {"routes": [{"category": "violent_grafic"}]},
            "graphic.json: routes[0].category: unknown category 'violent_grafic'",
        ),
        (
            "adult",
            {"routes": [{"category": "violent_graphic"}]},
            "graphic.json: routes: violent_graphic all severities is already routed to adult.json",
        ),
        ("graphic", {"sla_minutes": {"1": 10}}, "graphic.json: sla_minutes: no SLA for severity 2"),
        (
            "child-safety",
            {"clearances": []},
            "child-safety.json: clearances: child_safety needs the 'child_safety' clearance",
        ),
        ("escalations", {"routes": [{"category": "spam_scams"}]}, "escalations.json: routes:"),
        ("general", {"colour": "red"}, "general.json: top level: unknown key 'colour'"),
    ],
)
def test_a_bad_queue_file_is_refused_with_file_and_key(
    tmp_path: Path, policies: PolicySet, name: str, changes: dict[str, object], message: str
) -> None:
    folder = _copy(tmp_path)
    _edit(folder, name, **changes)
    with pytest.raises(QueueError) as caught:
        load_queues(folder, policies)
    assert message in str(caught.value)


def test_not_json_names_the_line(tmp_path: Path, policies: PolicySet) -> None:
    folder = _copy(tmp_path)
    (folder / "general.json").write_text('{\n  "schema": 1,\n  oops\n}')
    with pytest.raises(QueueError, match=r"general.json: line 3: not valid JSON"):
        load_queues(folder, policies)
