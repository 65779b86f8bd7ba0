"""Review commands: the lifecycle, forms, clearances, and projections rebuilt from the log."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.domain.lifecycle import IllegalTransition
from app.domain.people import Accounts, Reviewer, Role
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from app.review.reviewdesk import AccessDenied, FormError, ReviewDesk

INGEST = {
    "category": "spam_scams",
    "severity": 2,
    "queue": "general",
    "media": [],
    "reported_at": "2026-01-05T09:00:00.000Z",
}


def _desk(
    store: LocalStore,
    policies: PolicySet,
    name: str,
    role: str = "moderator",
    clearances: tuple[str, ...] = (),
) -> ReviewDesk:
    return ReviewDesk(store, policies, Reviewer(name, name, Role(role), frozenset(clearances)))


def _ingest(store: LocalStore, case_id: str, **extra: object) -> None:
    with store.transaction() as session:
        store.append(
            session,
            actor="intake",
            kind="case.ingested",
            case_id=case_id,
            payload={**INGEST, **extra},
        )


def test_decide_requires_a_lease(store: LocalStore, policies: PolicySet) -> None:
    _ingest(store, "c1")
    desk = _desk(store, policies, "maya")
    with pytest.raises(IllegalTransition, match="cannot decide a case that is new: open"):
        desk.decide("c1", "no_violation", {})
    desk.open_case("c1")
    desk.decide("c1", "no_violation", {})
    assert desk.detail("c1").row.status == "decided"
    with pytest.raises(IllegalTransition, match="cannot decide a case that is decided"):
        desk.decide("c1", "remove", {"rationale": "x" * 20}, "phishing")


def test_form_requires_policy_fields(store: LocalStore, policies: PolicySet) -> None:
    _ingest(store, "c1")
    desk = _desk(store, policies, "maya")
    desk.open_case("c1")
    with pytest.raises(FormError) as caught:
        desk.decide("c1", "remove", {"rationale": "short"})
    assert set(caught.value.problems) == {"rationale", "subcategory"}
    with pytest.raises(FormError, match="not an action"):
        desk.decide("c1", "delete_everything", {})
    assert store.events("c1")[-1].kind == "case.leased"  # nothing saved


def test_another_reviewers_lease_is_respected(store: LocalStore, policies: PolicySet) -> None:
    _ingest(store, "c1")
    _desk(store, policies, "maya").open_case("c1")
    other = _desk(store, policies, "omar")
    assert other.open_case("c1").leased_by == "maya"
    with pytest.raises(AccessDenied, match="leased to maya"):
        other.decide("c1", "no_violation", {})


def test_clearance_gates_child_safety(store: LocalStore, policies: PolicySet) -> None:
    _ingest(store, "cs", category="child_safety", clearance="child_safety", queue="child-safety")
    _ingest(store, "sp")
    plain = _desk(store, policies, "maya")
    cleared = _desk(store, policies, "ari", "analyst", ("child_safety",))
    assert len(plain.queue_ids()) == 1 and len(cleared.queue_ids()) == 2
    with pytest.raises(AccessDenied, match="child_safety clearance"):
        plain.open_case("cs")


def test_escalation_goes_to_analysts(store: LocalStore, policies: PolicySet) -> None:
    _ingest(store, "c1")
    mod, analyst = _desk(store, policies, "maya"), _desk(store, policies, "ari", "analyst")
    mod.open_case("c1")
    with pytest.raises(FormError):
        mod.escalate("c1", "hm")
    mod.escalate("c1", "possible coordinated scam ring", severity=3)
    assert len(mod.queue_ids()) == 0 and len(analyst.queue_ids()) == 1
    assert analyst.open_case("c1").leased_by == "ari"
    analyst.release("c1")
    assert analyst.detail("c1").row.status == "escalated"


def test_retract_is_a_compensating_event(store: LocalStore, policies: PolicySet) -> None:
    _ingest(store, "c1")
    desk = _desk(store, policies, "maya")
    desk.open_case("c1")
    decision = desk.decide("c1", "no_violation", {})
    desk.retract("c1", decision.event_id)
    assert desk.detail("c1").row.status == "leased"
    assert [d.retracted for d in desk.decisions("c1")] == [True]
    assert [e.kind for e in store.events("c1")][-2:] == ["decision.recorded", "decision.retracted"]


def test_decision_survives_reopening_the_store(tmp_path, policies: PolicySet) -> None:  # type: ignore[no-untyped-def]
    store = LocalStore(tmp_path)
    Accounts(store).add("maya", "s3cret-pass", "moderator")
    _ingest(store, "c1")
    desk = _desk(store, policies, "maya")
    desk.open_case("c1")
    desk.decide("c1", "no_violation", {})
    store.close()
    again = LocalStore(tmp_path)
    assert _desk(again, policies, "maya").detail("c1").decision_action == "no_violation"
    again.close()


# --- projections: a full rebuild equals the incremental state --------------------------

ACTORS = ("maya", "omar", "ari")
commands = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "open",
                "decide",
                "remove",
                "escalate",
                "release",
                "retract",
                "close_lease",
                "claim",
                "skip",
                "note",
                "link",
                "final",
                "undo",
                "setting",
            ]
        ),
        st.integers(0, 3),
        st.sampled_from(ACTORS),
    ),
    max_size=40,
)


def _snapshot(store: LocalStore) -> dict[str, list[tuple[object, ...]]]:
    with store.engine.connect() as conn:
        return {
            table: sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {table}")))
            for table in (
                "cases",
                "media_items",
                "decisions",
                "queue_depth",
                "escalations",
                "case_notes",
                "case_links",
                "media_hashes",
                "team_settings",
            )
        }


def _run(desk: ReviewDesk, verb: str, case_id: str) -> None:
    if verb in _REVIEW_VERBS:
        _REVIEW_VERBS[verb](desk, case_id)
    elif verb == "open":
        desk.open_case(case_id)
    elif verb == "decide":
        desk.decide(case_id, "no_violation", {})
    elif verb == "remove":
        desk.decide(case_id, "remove", {"rationale": "phishing link to a fake bank"}, "phishing")
    elif verb == "escalate":
        desk.escalate(case_id, "looks like part of a scam ring")
    elif verb in ("release", "close_lease"):
        desk.release(case_id)
    elif verb == "retract":
        decisions = [d for d in desk.decisions(case_id) if not d.retracted]
        if decisions:
            desk.retract(case_id, decisions[-1].event_id)


def _undo(desk: ReviewDesk, case_id: str) -> None:
    record = desk.decide(case_id, "no_violation", {})
    desk.undo([(case_id, record.event_id)])


_REVIEW_VERBS = {
    "claim": lambda desk, _case: desk.claim_next(),
    "skip": lambda desk, case: desk.skip(case, "Conflict of interest"),
    "note": lambda desk, case: desk.add_note(case, "checked the sender's other posts"),
    "link": lambda desk, case: desk.link_cases(case, (int(case[1:]) + 1) % 4 + 1, "same sender"),
    "final": lambda desk, case: desk.decide(case, "no_violation", {"rationale": "satire, no harm"}),
    "undo": _undo,
    "setting": lambda desk, _case: desk.set_wellbeing_rules(rotation_after=3),
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=commands)
def test_rebuild_equals_incremental(tmp_path_factory, policies: PolicySet, script) -> None:  # type: ignore[no-untyped-def]
    store = LocalStore(tmp_path_factory.mktemp("prop"))
    for n in range(4):
        _ingest(store, f"c{n}")
    desks = {a: _desk(store, policies, a, "lead" if a == "ari" else "analyst") for a in ACTORS}
    for verb, n, actor in script:
        with contextlib.suppress(IllegalTransition, AccessDenied, FormError):
            _run(desks[actor], verb, f"c{n}")
    incremental = _snapshot(store)
    store.rebuild_projections()
    assert _snapshot(store) == incremental
    store.close()
