"""The demo reads like a real queue, and `veil demo` keeps its logins where it says."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from app.cli.main import build_parser, policies, run
from app.demo.cases import CASE_COUNT, DemoLogin, write_demo_feed
from app.demo.texts import report_words
from app.domain.people import Accounts
from app.domain.priority import SlaState, sla_state
from app.log.store import LocalStore
from app.review.reviewdesk import ReviewDesk
from db.models import Case


def veil(*argv: str) -> int:
    return run(build_parser().parse_args(list(argv)))


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def demo_cases(demo_template: tuple[Path, list[DemoLogin]]) -> tuple[datetime, list[Case]]:
    store = LocalStore(demo_template[0])
    try:
        with store.read() as session:
            cases = list(session.scalars(select(Case).where(Case.external_id.like("demo-%"))))
            session.expunge_all()
        return store.clock.now(), cases
    finally:
        store.close()


def test_titles_vary_and_every_text_only_case_has_text(
    demo_cases: tuple[datetime, list[Case]],
) -> None:
    _now, cases = demo_cases
    assert len(cases) == CASE_COUNT
    assert len({c.title for c in cases}) >= 150
    assert not any(" · " in c.title for c in cases)
    text_only = [c for c in cases if c.media_count == 0]
    assert text_only and all(c.body_text.strip() for c in text_only)


def test_the_report_reason_agrees_with_the_report_count(
    demo_cases: tuple[datetime, list[Case]],
) -> None:
    for case in demo_cases[1]:
        said = re.match(r"(\d+) reports?: \S", case.report_reason)
        assert said and int(said.group(1)) == case.report_count, case.report_reason


def test_sla_clocks_mostly_run_and_the_first_claim_is_on_time(
    demo_cases: tuple[datetime, list[Case]],
    demo_template: tuple[Path, list[DemoLogin]],
) -> None:
    now, cases = demo_cases
    states = [sla_state(now, when(c.sla_started_at), when(c.sla_deadline)) for c in cases]
    overdue = states.count(SlaState.OVERDUE)
    assert 1 <= overdue <= 0.08 * len(cases)  # a handful, not a fifth of the queue
    assert states.count(SlaState.NEAR) >= 10
    assert states.count(SlaState.OK) >= 0.6 * len(cases)
    store = LocalStore(demo_template[0])
    try:
        login = next(d for d in demo_template[1] if d.role == "moderator")
        mod = Accounts(store).authenticate(login.username, login.password)
        first = ReviewDesk(store, policies(), mod).peek_next()
        assert first is not None
        with store.read() as session:
            case = session.get_one(Case, first.case_id)
            assert when(case.sla_deadline) > store.clock.now()
    finally:
        store.close()


def test_the_demo_words_follow_the_seed(tmp_path: Path) -> None:
    def feed(folder: Path, seed: int) -> list[dict]:
        folder.mkdir()
        path = write_demo_feed(folder, policies(), datetime(2026, 3, 2, 9), seed, count=12)
        return [json.loads(line) for line in path.read_text().splitlines()]

    first, again = feed(tmp_path / "a", 7), feed(tmp_path / "b", 7)
    assert first == again
    other = report_words("spam_scams", np.random.default_rng(8), True)
    assert other != report_words("spam_scams", np.random.default_rng(9), True)


def test_veil_demo_saves_the_logins_it_prints_owner_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "store"
    assert veil("--data-dir", str(data), "demo", "--cases", "12", "--days", "1") == 0
    out = capsys.readouterr().out
    saved = data / "demo-logins.txt"
    assert saved.stat().st_mode & 0o777 == 0o600
    assert str(saved) in out and "shown once" not in out
    assert "demo reports: 12 written" in out and "intake: 12 case(s) created" in out
    printed = [line for line in out.splitlines() if re.search(r" user \S+ +password ", line)]
    assert len(printed) == 3
    kept = saved.read_text().splitlines()
    assert all(line in kept for line in printed)
    assert any("veil user passwd" in line for line in kept)
    user, password = re.findall(r"user (\S+) +password (\S+)", printed[0])[0]
    store = LocalStore(data)
    try:
        assert Accounts(store).authenticate(user, password).username == user
    finally:
        store.close()
    assert veil("--data-dir", str(data), "demo") == 1  # only ever into an empty store
