"""Dashboard figures: the SQL path agrees with app.quality on the same records; filters;
team exposure only for 5 or more people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.domain.kinds import EventKind
from app.domain.policies import PolicySet
from app.log.clock import ManualClock
from app.log.store import LocalStore
from app.qa.dashboard import DashboardData, build_dashboard
from app.qa.dataset import Scope, audits, blind_verdicts, decisions, read_snapshot
from app.quality.agreement import audit_confusion, cohen_kappa
from app.quality.operations import (
    by_reviewer,
    escalation_rate,
    group_by,
    handling_time,
    sla_hit_rate,
    throughput_per_day,
)
from app.quality.wellbeing import Distribution, Suppressed
from tests.lead._events import append, handled

BERLIN = ZoneInfo("Europe/Berlin")


def _scope(**filters: str) -> Scope:
    today = datetime.now(BERLIN).date()
    return Scope.days(today - timedelta(days=30), today, BERLIN, **filters)


def _build(store: LocalStore, policies: PolicySet, scope: Scope) -> DashboardData:
    graphic = [p.id for p in policies if p.graphic]
    return build_dashboard(store.engine, scope, graphic, datetime.now(UTC))


def test_operations_agree_with_the_reference_metrics(
    lead_store: LocalStore, policies: PolicySet
) -> None:
    scope = _scope()
    data = _build(lead_store, policies, scope)
    with read_snapshot(lead_store.engine) as cur:
        records = decisions(cur, scope)
    assert data.totals.decisions == len(records) > 300
    assert data.throughput == throughput_per_day(records, BERLIN)
    reference = handling_time(records)
    assert data.handling.n == reference.n
    assert data.handling.median_s == pytest.approx(reference.median_s)
    assert data.handling.p90_s == pytest.approx(reference.p90_s)
    assert data.totals.sla == sla_hit_rate(records)
    assert data.totals.escalation_rate == escalation_rate(records)
    per_reviewer = group_by(records, by_reviewer)
    for card in data.scorecards:
        mine = handling_time(per_reviewer[card.reviewer])
        assert card.handling.median_s == pytest.approx(mine.median_s)
        assert card.tally.sla == sla_hit_rate(per_reviewer[card.reviewer])


def test_agreement_and_kappa_come_from_the_blind_calls(
    lead_store: LocalStore, policies: PolicySet
) -> None:
    scope = _scope()
    data = _build(lead_store, policies, scope)
    with read_snapshot(lead_store.engine) as cur:
        rows = audits(cur, scope)
    blind = [r for r in rows if r.blind_action is not None]
    assert len(blind) >= 20, "the demo's lead has re-reviewed weeks of draws"
    assert data.confusion.counts.tolist() == audit_confusion(blind_verdicts(rows)).counts.tolist()
    kappa = cohen_kappa([r.original_action for r in blind], [r.blind_label or "" for r in blind])
    assert data.kappa.value == pytest.approx(kappa.value)
    assert sum(p.n for p in data.agreement) == len(blind)
    assert {c.reviewer for c in data.scorecards} >= {"amara", "bruno", "analyst"}


def test_filters_narrow_the_figures_but_never_the_exposure_group(
    lead_store: LocalStore, policies: PolicySet
) -> None:
    everything = _build(lead_store, policies, _scope())
    graphic = _build(lead_store, policies, _scope(queue="graphic"))
    spam = _build(lead_store, policies, _scope(policy="spam_scams"))
    by_queue = {q.queue: q.tally.decisions for q in everything.queues}
    assert graphic.totals.decisions == by_queue["graphic"] < everything.totals.decisions
    assert 0 < spam.totals.decisions < everything.totals.decisions
    assert {q.queue for q in graphic.queues} == {"graphic"}
    assert graphic.exposure == everything.exposure
    assert isinstance(everything.exposure.graphic_items, Distribution)
    assert everything.exposure.graphic_items.n_reviewers >= 6
    today = datetime.now(BERLIN).date()
    future = Scope.days(today + timedelta(days=30), today + timedelta(days=40), BERLIN)
    assert _build(lead_store, policies, future).totals.decisions == 0


def test_team_exposure_is_withheld_for_fewer_than_five_people(
    store: LocalStore, policies: PolicySet, clock: ManualClock
) -> None:
    for n, who in enumerate(("ana", "ben", "cai", "dan")):
        case_id, _ = handled(
            store, clock, who, "remove", category="violent_graphic", queue="graphic"
        )
        append(store, who, EventKind.MEDIA_VIEWED, case_id, {"item": f"{n:064d}", "seconds": 3.0})
    scope = Scope(clock.now() - timedelta(days=1), clock.now() + timedelta(days=1))
    data = _build(store, policies, scope)
    assert isinstance(data.exposure.graphic_items, Suppressed)
    assert "fewer than 5 people" in data.exposure.graphic_items.reason
    assert data.totals.decisions == 4  # operations are per person and not withheld
