"""Child-safety report packets: 20 scripted cases (text only and with files, with and
without victims) validate against the schema, and "viewed" matches the exposure log."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.evidence.packets import (
    FileFacts,
    PacketError,
    PacketForm,
    build_packet,
    record_receipt,
    report_schema,
    stored_packet,
    to_json,
    to_xml,
)
from app.log.store import LocalStore
from app.review.intake import Intake
from db.models import Case, MediaItem
from tests.evidence.conftest import import_cases

CS = frozenset({"child_safety"})
LEE = Reviewer("lee", "Lee", Role.LEAD, CS)
ANA = Reviewer("ana", "Ana", Role.ANALYST, CS)
TYPE = "Child Pornography (possession, manufacture, and distribution)"


def _escalate(store: LocalStore, case_id: str) -> None:
    with store.transaction() as session:
        store.append(session, actor="mo", kind="case.leased", case_id=case_id, payload={})
        payload = {"reason": "child safety"}
        store.append(session, actor="mo", kind="case.escalated", case_id=case_id, payload=payload)


def _text_only_case(store: LocalStore, policies: PolicySet, folder: Path, n: int) -> str:
    row = {"external_id": f"text-{n}", "category": "child_safety", "severity": 3,
           "reported_at": "2026-01-05T09:00:00Z", "report_reason": "grooming messages",
           "text": "reported chat", "media": []}  # fmt: skip
    feed = folder / f"text-{n}.jsonl"
    feed.write_text(json.dumps(row) + "\n")
    report = Intake(store, policies, "intake").import_file(feed, folder)
    assert len(report.created) == 1, report.problems
    with store.read() as session:
        return session.query(Case.case_id).filter(Case.external_id == f"text-{n}").scalar()


def _expose(store: LocalStore, case_id: str, sha: str, pattern: int) -> set[str]:
    """Write the exposure events of a pattern; which modes the log now holds."""
    writes = [[], [("mo", "media.viewed")], [("mo", "media.viewed"), ("ana", "media.revealed")]]
    with store.transaction() as session:
        for actor, kind in writes[pattern]:
            payload = {"item": sha, "seconds": 2.0}
            store.append(session, actor=actor, kind=kind, case_id=case_id, payload=payload)
    return {"filtered" if k == "media.viewed" else "revealed" for _a, k in writes[pattern]}


def test_twenty_scripted_packets_validate_and_tell_the_truth_about_viewing(
    store: LocalStore, policies: PolicySet, tmp_path: Path
) -> None:
    with_files = import_cases(store, policies, tmp_path / "media", "child_safety", 15)
    text_only = [_text_only_case(store, policies, tmp_path, n) for n in range(5)]
    schema = report_schema()
    for n, case_id in enumerate(with_files + text_only):
        _escalate(store, case_id)
        with store.read() as session:
            shas = list(session.query(MediaItem.sha256).filter(MediaItem.case_id == case_id))
        expected = {sha: _expose(store, case_id, sha, n % 3) for (sha,) in shas}
        form = PacketForm(
            incident_type=TYPE,
            incident_at="2026-01-04T22:10:00Z",
            reported_person={"screenName": f"user{n}", "espIdentifier": f"acct-{n}"},
            files={
                sha: FileFacts(
                    ("A1", "A2", "B1", "B2")[n % 4],
                    ("viral",) if n % 5 == 0 else (),
                    public=n % 2 == 1,
                )
                for sha in expected
            },  # fmt: skip
            victims=({"ageRange": "13-15", "description": "named in chat"},) if n % 2 else (),
            additional_info="scripted case",
        )
        record = build_packet(store, LEE, case_id, form, "Example ESP")
        packet = stored_packet(store, LEE, record.payload["packet_id"])
        assert schema.problems(packet) == []
        assert packet["textOnly"] is (not expected)
        for entry in packet["files"]:
            modes = expected[entry["originalFileHash"]]
            assert entry["fileViewedByEsp"] is bool(modes)
            assert entry["viewedUnfilteredByEsp"] is ("revealed" in modes)
            assert {a["mode"] for a in entry["exposure"]} == modes
        assert bool(packet["victims"]) is bool(n % 2)
        assert json.loads(to_json(packet)) == packet
        tree = ET.fromstring(to_xml(packet).split("?>", 1)[1])
        assert tree.tag == "report" and tree.findtext("caseId") == case_id


def test_who_may_build_and_what_is_refused(
    store: LocalStore, policies: PolicySet, tmp_path: Path
) -> None:
    (case_id,) = import_cases(store, policies, tmp_path / "media", "child_safety", 1)
    (spam,) = import_cases(store, policies, tmp_path / "spam", "spam_scams", 1)
    with store.read() as session:
        sha = session.query(MediaItem.sha256).filter(MediaItem.case_id == case_id).scalar()
    form = PacketForm(TYPE, "2026-01-04T22:10:00Z", {"screenName": "x"}, {sha: FileFacts("B2")})
    with pytest.raises(PacketError, match="never escalated"):
        build_packet(store, LEE, case_id, form, "ESP")
    _escalate(store, case_id)
    for who in (
        Reviewer("mo", "Mo", Role.MODERATOR, CS),
        Reviewer("al", "Al", Role.ANALYST, frozenset()),
    ):
        with pytest.raises(PacketError, match="cleared for child_safety"):
            build_packet(store, who, case_id, form, "ESP")
    with pytest.raises(PacketError, match="a lead must build"):
        build_packet(store, ANA, case_id, form, "ESP")
    with pytest.raises(PacketError, match="not a child-safety case"):
        build_packet(store, LEE, spam, form, "ESP")
    bad = PacketForm("Something else", "yesterday", {}, {sha: FileFacts("C9")})
    with pytest.raises(PacketError) as refused:
        build_packet(store, LEE, case_id, bad, "ESP")
    for field in (
        "incidentType",
        "incidentDateTime",
        "personOrUserReported",
        "industryClassification",
    ):
        assert field in str(refused.value)
    _expose(store, case_id, sha, 1)
    record = build_packet(store, ANA, case_id, form, "ESP")
    packet_id = record.payload["packet_id"]
    record_receipt(store, LEE, packet_id, "CT-2026-000123")
    filed = stored_packet(store, ANA, packet_id)
    assert filed["submission"]["receipt"] == "CT-2026-000123"
    assert report_schema().problems(filed) == []
    with pytest.raises(PacketError, match="already"):
        record_receipt(store, LEE, packet_id, "again")
