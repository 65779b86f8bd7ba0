"""Case numbers on the command line and in the audit filter: #1042, 1042 or a case id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.audit.trail import AuditTrail, TrailFilter
from app.cli.main import build_parser, run
from app.cli.passwords import PASSWORD_ENV
from app.domain.case_refs import UnknownCase, case_ref
from app.domain.people import Accounts
from app.log.store import LocalStore
from db.models import Case

PASSWORD = "long-password"


def veil(*argv: str) -> int:
    return run(build_parser().parse_args(list(argv)))


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with three spam cases (#1-#3) and a lead who may see them all."""
    folder = tmp_path / "store"
    feed = tmp_path / "in.jsonl"
    rows = [
        {
            "external_id": f"n-{n}",
            "category": "spam_scams",
            "severity": 1,
            "title": f"Report {n}",
            "reported_at": "2026-01-05T09:00:00Z",
        }
        for n in range(3)
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert veil("--data-dir", str(folder), "import", str(feed)) == 0
    assert veil("--data-dir", str(folder), "user", "add", "lee", "--role", "lead",
                "--password", PASSWORD) == 0  # fmt: skip
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    return folder


def case_ids(folder: Path) -> dict[int, str]:
    store = LocalStore(folder)
    try:
        with store.read() as session:
            return {c.case_no: c.case_id for c in session.scalars(select(Case))}
    finally:
        store.close()


def test_cases_list_starts_with_the_case_number(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert veil("--data-dir", str(data), "cases", "list", "--user", "lee") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["#1", "#2", "#3"]
    assert veil("--data-dir", str(data), "cases", "list", "--user", "lee", "--json") == 0
    assert [json.loads(x)["case_no"] for x in capsys.readouterr().out.splitlines()] == [1, 2, 3]


def test_decide_takes_a_number_with_or_without_hash_or_a_case_id(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = case_ids(data)
    for ref in ("#1", "2", ids[3]):
        assert veil("--data-dir", str(data), "cases", "decide", ref, "no_violation",
                    "--user", "lee") == 0, capsys.readouterr().err  # fmt: skip
    capsys.readouterr()
    assert veil("--data-dir", str(data), "cases", "list", "--user", "lee",
                "--status", "decided", "--json") == 0  # fmt: skip
    decided = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {d["case_no"] for d in decided} == {1, 2, 3}


def test_an_unknown_or_malformed_case_is_named(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    decide = ("--data-dir", str(data), "cases", "decide")
    assert veil(*decide, "#1042", "no_violation", "--user", "lee") == 1
    assert "case #1042: no such case in this store" in capsys.readouterr().err
    assert veil(*decide, "case-9", "no_violation", "--user", "lee") == 1
    assert "expected a case number (#1042 or 1042) or a case id" in capsys.readouterr().err
    settle = ("cases", "adjudicate", "99", "remove", "--rationale", "the link is phishing")
    assert veil("--data-dir", str(data), *settle, "--user", "lee") == 1
    assert "case #99: no such case" in capsys.readouterr().err


def test_case_ref_reads_the_three_spellings() -> None:
    uid = "0190f2a0-1b2c-7d3e-8f40-123456789abc"
    assert case_ref("#1042") == 1042 and case_ref(" 1042 ") == 1042
    assert case_ref(uid.upper()) == uid
    with pytest.raises(UnknownCase):
        case_ref("#12a")


def test_the_audit_filter_takes_a_case_number(data: Path) -> None:
    ids = case_ids(data)
    store = LocalStore(data)
    try:
        trail = AuditTrail(store, Accounts(store).authenticate("lee", PASSWORD))
        every = trail.rows(trail.ids(TrailFilter()))
        expected = {i for i, row in every.items() if row.case_id == ids[2]}
        assert expected
        for ref in ("#2", "2", ids[2]):
            assert set(trail.ids(TrailFilter(case_id=ref))) == expected
        assert list(trail.ids(TrailFilter(case_id="#1042"))) == []
    finally:
        store.close()
