"""Investigations: events with a trail (save, pins, notes, verdicts, rejected edges), a
verdict applied to the open cases of a cluster's accounts, access, headless commands and
exports."""

from __future__ import annotations

import csv
import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.audit.trail import AuditTrail, TrailFilter
from app.cli.main import build_parser, run
from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from app.network.commands import Workbench
from app.network.dataset import import_posts
from app.network.engine import build
from app.network.graph import Parameters
from app.network.models import ClusterVerdict, NetworkPin, RejectedEdge
from app.network.synthetic import generate, write_jsonl
from app.review.intake import Intake
from app.review.types import AccessDenied
from db.models import Case, Decision

POSTS = 8_000
ANALYST = Reviewer("ana", "Ana", Role.ANALYST, frozenset())
MODERATOR = Reviewer("mo", "Mo", Role.MODERATOR, frozenset())


@pytest.fixture(scope="module")
def posts_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, set[str]]]:
    platform = generate(POSTS, 2_000, seed=5)
    path = tmp_path_factory.mktemp("posts") / "posts.jsonl"
    write_jsonl(platform.posts, path)
    return path, platform.planted


@pytest.fixture(scope="module")
def imported(
    tmp_path_factory: pytest.TempPathFactory, posts_file: tuple[Path, dict[str, set[str]]]
) -> Path:
    """A store with the posts imported, once; each test gets a copy."""
    folder = tmp_path_factory.mktemp("imported") / "store"
    store = LocalStore(folder)
    report = import_posts(store, "spring", posts_file[0])
    store.close()
    assert report.problems == [] and report.added == POSTS
    return folder


@pytest.fixture
def loaded(imported: Path, tmp_path: Path) -> Iterator[LocalStore]:
    shutil.copytree(imported, tmp_path / "copy")
    store = LocalStore(tmp_path / "copy")
    yield store
    store.close()


def test_imported_posts_build_the_same_network_as_the_platform_they_came_from(
    loaded: LocalStore, posts_file: tuple[Path, dict[str, set[str]]]
) -> None:
    network = Workbench(loaded, ANALYST, "spring").build()
    direct = build(generate(POSTS, 2_000, seed=5).posts, Parameters())
    assert [c.accounts for c in network.clusters] == [c.accounts for c in direct.clusters]
    planted = set().union(*posts_file[1].values())
    shown = set().union(*(set(c.accounts) for c in network.clusters))
    assert len(shown & planted) >= 0.95 * len(planted)


def test_verdicts_pins_notes_and_rejected_edges_are_events_with_a_trail(
    loaded: LocalStore,
) -> None:
    work = Workbench(loaded, ANALYST, "spring")
    network = work.build()
    top = network.clusters[0]
    work.save(work.params, "Spring promo")
    work.pin("cluster", top.cluster_id)
    work.pin("account", top.accounts[0])
    work.pin("account", top.accounts[0], pinned=False)
    work.note("cluster", top.cluster_id, "Same picture re-encoded, bursts of 40 s")
    verdict = work.judge(top, "coordinated", "Twenty bursts of the same media within 40 s")
    a, b = top.accounts[:2]
    work.reject_edge(b, a, "Both are news outlets")
    with loaded.read() as session:
        row = session.get_one(ClusterVerdict, ("spring", top.cluster_id))
        assert (row.verdict, row.event_id) == ("coordinated", verdict.event_id)
        assert json.loads(row.accounts) == list(top.accounts)
        assert [p.target for p in session.query(NetworkPin).all()] == ["cluster"]
        edge = session.query(RejectedEdge).one()
        assert (edge.account_a, edge.account_b) == (a, b)
    trail = AuditTrail(loaded, Reviewer("lee", "Lee", Role.LEAD, frozenset()))
    lines = "\n".join(r.summary for r in trail.rows(trail.ids(TrailFilter())).values())
    assert "rationale=Twenty bursts of the same media within 40 s" in lines
    assert "rationale=Both are news outlets" in lines
    rebuilt = Workbench(loaded, ANALYST, "spring").build()  # the rejected edge is left out
    names = rebuilt.graph.accounts
    pairs = {
        tuple(sorted((names[x], names[y])))
        for x, y in zip(rebuilt.graph.a.tolist(), rebuilt.graph.b.tolist(), strict=True)
    }
    assert (a, b) not in pairs and len(pairs) == len(network.graph) - 1


def test_payloads_are_checked_with_field_and_rule(loaded: LocalStore) -> None:
    work = Workbench(loaded, ANALYST, "spring")
    top = work.build().clusters[0]
    with pytest.raises(ValueError, match="rationale"):
        work.judge(top, "coordinated", "   ")
    with pytest.raises(ValueError, match="verdict"):
        work.judge(top, "guilty", "x")
    with pytest.raises(ValueError, match="account_b"):
        work.reject_edge("a", "a", "same account")


def test_moderators_and_people_without_the_clearance_are_refused(loaded: LocalStore) -> None:
    with pytest.raises(AccessDenied, match="analysts and leads"):
        Workbench(loaded, MODERATOR, "spring")
    lead = Reviewer("lee", "Lee", Role.LEAD, frozenset({"child_safety"}))
    Workbench(loaded, lead, "spring").save(
        Workbench(loaded, lead, "spring").params, "Sensitive", "child_safety"
    )
    with pytest.raises(AccessDenied, match="needs the child_safety clearance"):
        Workbench(loaded, ANALYST, "spring")


def test_a_coordinated_verdict_is_applied_to_open_cases_once_each(
    loaded: LocalStore, policies: PolicySet, tmp_path: Path
) -> None:
    work = Workbench(loaded, ANALYST, "spring")
    top = work.build().clusters[0]
    reports = tmp_path / "reports.jsonl"
    rows = [
        {
            "external_id": f"r-{n}",
            "category": "misinformation",
            "severity": 2,
            "reported_at": "2026-03-02T09:00:00Z",
            "account_id": account,
        }
        for n, account in enumerate([*top.accounts[:3], "someone-else"])
    ]
    reports.write_text("".join(json.dumps(r) + "\n" for r in rows))
    Intake(loaded, policies, "intake").import_file(reports)
    with pytest.raises(AccessDenied, match="no 'coordinated' verdict"):
        work.apply_verdict(policies, top.cluster_id, "label")
    verdict = work.judge(top, "coordinated", "Same media in bursts")
    report = work.apply_verdict(policies, top.cluster_id, "label")
    assert len(report.decided) == 3 and report.skipped == []
    with loaded.read() as session:
        decisions = session.query(Decision).all()
        assert {d.applied_from for d in decisions} == {verdict.event_id}
        assert all("investigation spring" in json.loads(d.fields)["rationale"] for d in decisions)
        other = session.query(Case).filter(Case.status == "new").one()
        assert other.external_id == "r-3"  # not an account of the cluster
    again = work.apply_verdict(policies, top.cluster_id, "label")
    assert again.decided == []  # decided cases are no longer open


def veil(*argv: str) -> int:
    return run(build_parser().parse_args(list(argv)))


def test_headless_build_clusters_and_export(
    tmp_path: Path,
    posts_file: tuple[Path, dict[str, set[str]]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = str(tmp_path / "store")
    base = ["--data-dir", data, "network"]
    assert (
        veil(
            "--data-dir",
            data,
            "user",
            "add",
            "ana",
            "--role",
            "analyst",
            "--password",
            "long-password-1",
        )
        == 0
    )
    assert veil(*base, "import", str(posts_file[0]), "--investigation", "spring") == 0
    assert (
        veil(
            *base,
            "build",
            "--investigation",
            "spring",
            "--actor",
            "ana",
            "--save",
            "--window",
            "45",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"{POSTS} posts" in out and "investigation spring saved" in out
    assert veil(*base, "clusters", "--investigation", "spring", "--actor", "ana", "--top", "3") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[0].split()[0] == "1"
    folder = tmp_path / "out"
    assert (
        veil(*base, "export", "--investigation", "spring", "--actor", "ana", "--to", str(folder))
        == 0
    )
    params = json.loads((folder / "parameters.json").read_text())
    assert params["window"] == 45.0  # the saved parameters
    gexf = ET.parse(folder / "network.gexf").getroot()
    ns = {"g": "http://gexf.net/1.3"}
    edges = gexf.findall(".//g:edge", ns)
    graphml = ET.parse(folder / "network.graphml").getroot()
    gm = {"m": "http://graphml.graphdrawing.org/xmlns"}
    with (folder / "edges.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(edges) == len(graphml.findall(".//m:edge", gm)) == len(rows) > 0
    with (folder / "clusters.csv").open() as f:
        clusters = list(csv.DictReader(f))
    assert clusters[0]["rank"] == "1" and int(clusters[0]["accounts"]) >= 3
    assert veil(*base, "clusters", "--investigation", "spring", "--actor", "nobody") == 2
    assert "no user 'nobody'" in capsys.readouterr().err
    assert veil(*base, "build", "--investigation", "spring", "--actor", "ana", "--window", "0") == 2
    assert "parameter window: seconds, more than 0" in capsys.readouterr().err
    assert veil(*base, "build", "--investigation", "empty", "--actor", "ana") == 2
    assert "investigation empty: no posts imported" in capsys.readouterr().err
