"""Coordinated networks over a real hub: a verdict made offline on one workstation reaches
another after sync, with its rationale in the audit trail; moderators never receive it."""

from __future__ import annotations

from pathlib import Path

from app.audit.trail import AuditTrail, TrailFilter
from app.network.commands import Workbench
from app.network.dataset import import_posts
from app.network.models import ClusterVerdict, RejectedEdge
from app.network.synthetic import generate, write_jsonl

from .conftest import NewStation
from .stations import TeamOnHub

RATIONALE = "Same picture re-encoded, posted in twenty bursts of 40 seconds"


def test_an_offline_verdict_reaches_the_other_workstation_with_its_rationale(
    team: TeamOnHub, new_station: NewStation, tmp_path: Path
) -> None:
    posts = tmp_path / "posts.jsonl"
    write_jsonl(generate(4_000, 1_000, seed=11).posts, posts)
    one, two, floor = new_station("one"), new_station("two"), new_station("floor")
    analyst = one.adopt(team.user("analyst"))
    lead = two.adopt(team.lead)
    moderator = floor.adopt(team.user("moderator"))
    for ws, who in ((one, analyst), (two, lead), (floor, moderator)):
        import_posts(ws.store, "spring", posts)
        ws.sync(who.username)
    # Offline on one: build, judge a cluster, reject an edge.
    work = Workbench(one.store, analyst, "spring")
    top = work.build().clusters[0]
    work.save(work.params, "Spring promo")
    verdict = work.judge(top, "coordinated", RATIONALE)
    work.reject_edge(top.accounts[0], top.accounts[1], "Both are news outlets")
    assert one.pending() == 3
    one.sync(analyst.username), two.sync(lead.username), floor.sync(moderator.username)
    assert one.pending() == 0
    with two.store.read() as session:
        row = session.get_one(ClusterVerdict, ("spring", top.cluster_id))
        assert (row.verdict, row.rationale, row.judged_by) == (
            "coordinated",
            RATIONALE,
            analyst.username,
        )
        assert session.query(RejectedEdge).count() == 1
    trail = AuditTrail(two.store, lead)
    rows = trail.rows(trail.ids(TrailFilter(kind="network.cluster_judged"))).values()
    assert [(r.event_id, r.actor) for r in rows] == [(verdict.event_id, analyst.username)]
    assert f"rationale={RATIONALE}" in next(iter(rows)).summary
    # The lead's workstation builds the same cluster from its own copy of the posts.
    assert Workbench(two.store, lead, "spring").build().clusters[0].cluster_id == top.cluster_id
    with floor.store.read() as session:
        assert session.query(ClusterVerdict).count() == 0  # not for moderators


def test_an_investigation_under_a_clearance_reaches_only_people_holding_it(
    team: TeamOnHub, new_station: NewStation, tmp_path: Path
) -> None:
    posts = tmp_path / "posts.jsonl"
    write_jsonl(generate(4_000, 1_000, seed=11).posts, posts)
    lead_ws, cleared_ws, plain_ws = (
        new_station("lead"),
        new_station("cleared"),
        new_station("plain"),
    )
    lead = lead_ws.adopt(team.lead)  # holds child_safety
    cleared = cleared_ws.adopt(team.user("analyst", ("child_safety",)))
    plain = plain_ws.adopt(team.user("analyst"))
    for ws in (lead_ws, cleared_ws, plain_ws):
        import_posts(ws.store, "sensitive", posts)
    work = Workbench(lead_ws.store, lead, "sensitive")
    top = work.build().clusters[0]
    work.save(work.params, "Sensitive", "child_safety")
    judged = work.judge(top, "coordinated", RATIONALE)
    assert judged.payload["clearance"] == "child_safety"
    lead_ws.sync(lead.username), cleared_ws.sync(cleared.username), plain_ws.sync(plain.username)
    with cleared_ws.store.read() as session:
        assert session.query(ClusterVerdict).count() == 1
    with plain_ws.store.read() as session:
        assert session.query(ClusterVerdict).count() == 0
    assert not [e for e in plain_ws.store.events() if e.kind.startswith("network.")]
    # Someone without the clearance cannot push an event into it either.
    note = {
        "investigation": "sensitive",
        "target": "investigation",
        "target_id": "",
        "text": "a note from outside",
        "clearance": "child_safety",
    }
    with plain_ws.store.transaction() as session:
        plain_ws.store.append(
            session, actor=plain.username, kind="network.noted", case_id=None, payload=note
        )
    report = plain_ws.sync(plain.username)
    assert "no access to 'child_safety' items" in report.refused[plain.username]
    assert plain_ws.pending() == 1
    cleared_ws.sync(cleared.username)
    assert not [e for e in cleared_ws.store.events() if e.kind == "network.noted"]
