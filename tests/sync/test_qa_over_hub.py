"""QA across workstations: a lead audits a moderator's decision on their own workstation;
the verdict reaches that moderator as feedback and nobody else; the draw never leaves the
leads."""

from __future__ import annotations

from sqlalchemy import func, select

from app.domain.kinds import EventKind
from app.qa.assign import AuditDraw
from app.qa.blind import BlindReview
from app.qa.feedback import feedback_for
from app.qa.rules import QaRules
from app.quality.sampling import SamplingRule
from db.models import Event, QaAudit

from .conftest import NewStation
from .stations import TeamOnHub

SEED = b"lead-seed-for-sync-tests-0123456"
QA_KINDS = {
    EventKind.QA_RULE_SET,
    EventKind.QA_ASSIGNED,
    EventKind.QA_REVIEW,
    EventKind.GOLD_INSERTED,
}


def test_a_verdict_reaches_the_audited_moderator_only(
    team: TeamOnHub, new_station: NewStation
) -> None:
    lead_ws, one, two = new_station("lead"), new_station("one"), new_station("two")
    lead = lead_ws.adopt(team.lead)
    maya, noor = one.adopt(team.user("moderator")), two.adopt(team.user("moderator"))
    QaRules(lead_ws.store).set_rule(lead, SamplingRule("general", 100.0), 0.0, SEED)
    first, second = team.cases(2)
    for ws, who in ((lead_ws, lead), (one, maya), (two, noor)):
        ws.sync(who.username)
    decision = one.decide(maya, first)
    two.decide(noor, second)
    one.sync(maya.username), two.sync(noor.username), lead_ws.sync(lead.username)

    assert AuditDraw(lead_ws.store, lead, SEED).run().assigned == 2
    desk = BlindReview(lead_ws.store, lead_ws.policies, lead)
    desk.record_call(decision.event_id, "spam_scams", "no_violation")
    desk.submit_verdict(decision.event_id, agree=True, note="clear call")
    lead_ws.sync(lead.username), one.sync(maya.username), two.sync(noor.username)

    mine = feedback_for(one.store, maya)
    assert [(i.verdict, i.case_id, i.your_action) for i in mine.items] == [
        ("agree", first, "no_violation")
    ]
    assert feedback_for(two.store, noor).items == []
    for ws in (one, two):
        with ws.store.transaction() as session:
            kinds = set(session.scalars(select(Event.kind).distinct()))
            audits = session.scalar(select(func.count()).select_from(QaAudit))
        assert not kinds & {str(k) for k in QA_KINDS}, kinds
        assert audits == (1 if ws is one else 0)
