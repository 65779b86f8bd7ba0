"""Calibration sessions: independent calls, hidden until closed, the agreement table."""

from __future__ import annotations

import pytest

from app.domain.people import Role
from app.domain.policies import PolicySet
from app.log.clock import ManualClock
from app.log.store import LocalStore
from app.qa.calibration_sessions import Calibration
from app.quality.calibration import CalibrationVote, calibrate
from app.review.reviewdesk import AccessDenied, FormError
from tests.lead._events import handled
from tests.lead.conftest import make_person

LEE = make_person("lee", Role.LEAD)
TEAM = [make_person(name, Role.MODERATOR) for name in ("ana", "ben", "cai")]
CALLS = {  # person -> call on each of the three cases
    "ana": ("remove", "restrict", "no_violation"),
    "ben": ("remove", "remove", "no_violation"),
    "cai": ("remove", "restrict", "restrict"),
}


@pytest.fixture
def cases(store: LocalStore, clock: ManualClock) -> list[str]:
    """Three decided hate-speech cases."""
    return [handled(store, clock, "maya", "remove")[0] for _ in range(3)]


def _open(store: LocalStore, policies: PolicySet, cases: list[str]) -> str:
    desk = Calibration(store, policies, LEE)
    return desk.open_session("Borderline slurs", cases, [p.username for p in TEAM]).session_id


def test_everyone_decides_alone_and_the_table_follows_the_votes(
    store: LocalStore, policies: PolicySet, cases: list[str]
) -> None:
    session_id = _open(store, policies, cases)
    for person in TEAM:
        desk = Calibration(store, policies, person)
        assert [case for _s, case in desk.todo()] == cases
        for case_id, action in zip(cases, CALLS[person.username], strict=True):
            desk.vote(session_id, case_id, action)
            others = {v.reviewer for v in desk.session(session_id).votes}
            assert others == {person.username}, "colleagues' calls stay hidden while open"
        assert desk.todo() == []
        with pytest.raises(AccessDenied):
            desk.result(session_id)
    lead = Calibration(store, policies, LEE)
    lead.close(session_id)
    votes = [
        CalibrationVote(case_id, who, calls[n])
        for who, calls in CALLS.items()
        for n, case_id in enumerate(cases)
    ]
    expected = calibrate(votes)
    result = Calibration(store, policies, TEAM[0]).result(session_id)
    assert result == expected
    assert [row.majority for row in result.cases] == [row.majority for row in expected.cases]
    assert result.fleiss.value is not None and result.alpha.value is not None


def test_votes_are_checked(store: LocalStore, policies: PolicySet, cases: list[str]) -> None:
    session_id = _open(store, policies, cases)
    ana = Calibration(store, policies, TEAM[0])
    with pytest.raises(FormError):
        ana.vote(session_id, cases[0], "age_gate")  # not a hate-speech action
    ana.vote(session_id, cases[0], "remove")
    with pytest.raises(FormError):
        ana.vote(session_id, cases[0], "restrict")  # once per case
    outsider = Calibration(store, policies, make_person("zoe", Role.MODERATOR))
    with pytest.raises(KeyError):
        outsider.vote(session_id, cases[0], "remove")  # not a participant: cannot see it
    Calibration(store, policies, LEE).close(session_id)
    with pytest.raises(FormError):
        Calibration(store, policies, TEAM[1]).vote(session_id, cases[1], "remove")


def test_a_session_needs_cases_people_and_a_lead(
    store: LocalStore, policies: PolicySet, cases: list[str]
) -> None:
    with pytest.raises(FormError) as problems:
        Calibration(store, policies, LEE).open_session("", cases[:1], ["ana"])
    assert set(problems.value.problems) == {"cases", "participants", "title"}
    with pytest.raises(AccessDenied):
        Calibration(store, policies, TEAM[0]).open_session("x", cases, ["ana", "ben"])
