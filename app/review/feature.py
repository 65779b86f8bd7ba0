"""The review feature: cases, leases, decisions, escalations, adjudication, notes, links
and team settings, with their folds, projection tables and timeline lines."""

from __future__ import annotations

from app.log.registry import Audience, Feature, Fold, Kind, Phase
from app.review import folds, kinds
from app.review import timeline as words
from db.models import (
    CaseLink,
    CaseNote,
    Decision,
    Escalation,
    MediaHash,
    MediaItem,
    TeamSetting,
)

INGESTED = "case.ingested"
LEASED = "case.leased"
REASSIGNED = "case.reassigned"
RELEASED = "case.released"
SKIPPED = "case.skipped"
DECIDED = "decision.recorded"
RETRACTED = "decision.retracted"
ESCALATED = "case.escalated"
CLOSED = "case.closed"
ADJUDICATED = "case.adjudicated"
NOTED = "note.added"
LINKED = "cases.linked"
INCIDENT = "incident.opened"
TEAM_SETTING = "team.setting"


def _on(*names: str) -> frozenset[str]:
    return frozenset(names)


FEATURE = Feature(
    name="review",
    kinds=(
        Kind(
            INGESTED,
            kinds.CaseIngested,
            "Reported",
            creates_case=True,
            author_role="analyst",
            describe=words.describe_ingested,
            max_bytes=256 * 1024,
        ),
        Kind(LEASED, kinds.CaseLeased, "Claimed", describe=words.describe_leased),
        Kind(
            REASSIGNED,
            kinds.CaseLeased,
            "Assigned",
            author_role="lead",
            describe=words.describe_leased,
        ),
        Kind(RELEASED, kinds.CaseReleased, "Released", describe=words.describe_released),
        Kind(SKIPPED, kinds.CaseReleased, "Skipped", describe=words.describe_skipped),
        Kind(DECIDED, kinds.DecisionRecorded, "Decided", describe=words.describe_decided),
        Kind(RETRACTED, kinds.DecisionRetracted, "Retracted", describe=words.describe_retracted),
        Kind(ESCALATED, kinds.CaseEscalated, "Escalated", describe=words.describe_escalated),
        Kind(CLOSED, kinds.CaseClosed, "Closed"),
        Kind(
            ADJUDICATED,
            kinds.CaseAdjudicated,
            "Adjudicated",
            author_role="lead",
        ),
        Kind(
            NOTED,
            kinds.NoteAdded,
            "Note",
            on_case=False,  # a note is usually on a case; a team note names none
            describe=words.describe_note,
            upgrade=kinds.note_upgrade,
            max_bytes=32 * 1024,  # a note is at most MAX_NOTE characters, whatever they are
        ),
        Kind(LINKED, kinds.CasesLinked, "Linked", describe=words.describe_linked),
        Kind(
            INCIDENT,
            kinds.IncidentOpened,
            "Incident",
            on_case=False,
            author_role="analyst",
            audience=Audience.ANALYSTS,
        ),
        Kind(TEAM_SETTING, kinds.TeamSetting, "Team setting", on_case=False, author_role="lead"),
    ),
    folds=(
        Fold(Phase.BEFORE, folds.remember_depth),
        Fold(Phase.CASE, folds.ingest, _on(INGESTED)),
        Fold(Phase.CASE, folds.lease, _on(LEASED, REASSIGNED)),
        Fold(Phase.CASE, folds.release, _on(RELEASED, SKIPPED)),
        Fold(Phase.CASE, folds.decide, _on(DECIDED)),
        Fold(Phase.CASE, folds.retract, _on(RETRACTED)),
        Fold(Phase.CASE, folds.escalate, _on(ESCALATED)),
        Fold(Phase.CASE, folds.close, _on(CLOSED)),
        Fold(Phase.CASE, folds.adjudicate, _on(ADJUDICATED)),
        Fold(Phase.DETAIL, folds.escalation_record, _on(ESCALATED)),
        Fold(Phase.DETAIL, folds.resolve_escalation, _on(DECIDED)),
        Fold(Phase.DETAIL, folds.unresolve_escalation, _on(RETRACTED)),
        Fold(Phase.DETAIL, folds.note, _on(NOTED)),
        Fold(Phase.DETAIL, folds.link, _on(LINKED)),
        Fold(Phase.DETAIL, folds.team_setting, _on(TEAM_SETTING)),
        Fold(Phase.AFTER, folds.track_depth),
    ),
    tables=(Decision, MediaItem, Escalation, CaseNote, CaseLink, MediaHash, TeamSetting),
    scoped=(Decision,),
)
