"""Retention and legal holds: with a 0-day rule, closing a case purges its media within
one worker round, except under hold; lifting the hold purges it; all as events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.evidence.commands import HoldRefused, lift_hold, place_hold
from app.evidence.models import Hold, Purge
from app.evidence.purge import purge_round
from app.evidence.retention import RetentionError, load_retention, parse_retention
from app.log.clock import ManualClock
from app.log.paths import resources_dir
from app.log.store import LocalStore
from db.models import Case, Event, MediaItem
from tests.evidence.conftest import close_case, import_cases

ANA = Reviewer("ana", "Ana", Role.ANALYST, frozenset())
LEE = Reviewer("lee", "Lee", Role.LEAD, frozenset())
MO = Reviewer("mo", "Mo", Role.MODERATOR, frozenset())


def _policy(policies: PolicySet):  # type: ignore[no-untyped-def]
    return load_retention(resources_dir() / "retention" / "retention.json", set(policies.ids()))


def _media(store: LocalStore, case_id: str) -> list[str]:
    with store.read() as session:
        return list(session.scalars(select(MediaItem.sha256).where(MediaItem.case_id == case_id)))


def _kinds(store: LocalStore, case_id: str) -> list[str]:
    with store.read() as session:
        return list(session.scalars(select(Event.kind).where(Event.case_id == case_id)))


def test_zero_day_rule_purges_at_once_except_under_hold(
    store: LocalStore, policies: PolicySet, tmp_path: Path
) -> None:
    plain, held, linked, still_open = import_cases(store, policies, tmp_path, "spam_scams", 4)
    with store.transaction() as session:
        payload = {"other_case_id": linked, "reason": "same sender"}
        store.append(session, actor="ana", kind="cases.linked", case_id=held, payload=payload)
    hold = place_hold(store, ANA, held, "preserve for law enforcement request", scope="linked")
    for case_id in (plain, held, linked):
        close_case(store, policies, case_id)
    report = purge_round(store, _policy(policies), "mo")

    assert list(report.purged) == [plain] and set(report.held) == {held, linked}
    assert not store.blobs.has(_media(store, plain)[0])
    for kept in (held, linked, still_open):
        assert store.blobs.has(_media(store, kept)[0])
    with store.read() as session:
        purge = session.scalars(select(Purge)).one()
        assert (purge.case_id, purge.rule, purge.days, purge.place) == (
            plain,
            "spam_scams",
            0,
            "workstation",
        )
        case = session.get(Case, plain)
        assert case is not None and case.status == "closed" and case.decision_action
    assert "decision.recorded" in _kinds(store, plain) and "evidence.purged" in _kinds(store, plain)
    assert purge_round(store, _policy(policies), "mo").purged == {}  # nothing twice

    with pytest.raises(HoldRefused, match="only a lead"):
        lift_hold(store, ANA, hold.payload["hold_id"], "done")
    with pytest.raises(HoldRefused, match="needs a reason"):
        lift_hold(store, LEE, hold.payload["hold_id"], "  ")
    lift_hold(store, LEE, hold.payload["hold_id"], "the request was withdrawn")
    again = purge_round(store, _policy(policies), "mo")
    assert set(again.purged) == {held, linked} and again.held == []
    assert not store.blobs.has(_media(store, held)[0])
    assert _kinds(store, held).count("evidence.hold_lifted") == 1


def test_days_count_from_the_close_and_holds_need_a_role(
    store: LocalStore, clock: ManualClock, policies: PolicySet, tmp_path: Path
) -> None:
    (graphic,) = import_cases(store, policies, tmp_path, "violent_graphic", 1)
    with pytest.raises(HoldRefused, match="only analysts and leads"):
        place_hold(store, MO, graphic, "keep")
    close_case(store, policies, graphic)
    clock.advance(6 * 86400)
    assert purge_round(store, _policy(policies), "mo").purged == {}
    clock.advance(2 * 86400)
    assert list(purge_round(store, _policy(policies), "mo").purged) == [graphic]
    with store.read() as session:
        assert session.scalars(select(Hold)).all() == []


def test_a_bad_retention_file_names_the_field_and_rule(tmp_path: Path) -> None:
    cats = {"spam_scams", "child_safety"}
    good = {"schema": "veil.retention/1", "default": {"days": 30, "hub_days": None}, "rules": []}
    assert parse_retention(good, cats, "r.json").rule_for("spam_scams").days == 30
    bad_rules = [
        ({"category": "weather", "days": 1}, "rules[0].category: 'weather' is not a policy"),
        ({"category": "spam_scams", "days": -1}, "rules[0].days: -1 is not whole days"),
        ({"category": "spam_scams", "days": 1, "hub_days": 1.5}, "rules[0].hub_days: 1.5"),
    ]
    for rule, message in bad_rules:
        with pytest.raises(RetentionError, match=message.replace("[", r"\[").replace("]", r"\]")):
            parse_retention({**good, "rules": [rule]}, cats, "r.json")
    twice = [{"category": "spam_scams", "days": 0}, {"category": "spam_scams", "days": 0}]
    with pytest.raises(RetentionError, match="has a rule already"):
        parse_retention({**good, "rules": twice}, cats, "r.json")
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({**good, "schema": "v2"}))
    with pytest.raises(RetentionError, match="broken.json: field schema"):
        load_retention(path, cats)
