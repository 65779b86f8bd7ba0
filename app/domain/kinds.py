"""The bundled features' event kinds by name, for code that names a kind.

Each kind is declared, with its typed payload and rules, by its feature's descriptor
(app/<feature>/feature.py); the stored strings never change.
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    """Kinds of events; the string values are stored and synced, so never rename one."""

    CASE_INGESTED = "case.ingested"
    CASE_LEASED = "case.leased"
    CASE_RELEASED = "case.released"
    CASE_SKIPPED = "case.skipped"
    CASE_REASSIGNED = "case.reassigned"
    MEDIA_VIEWED = "media.viewed"
    MEDIA_REVEALED = "media.revealed"
    DECISION_RECORDED = "decision.recorded"
    DECISION_RETRACTED = "decision.retracted"
    CASE_ESCALATED = "case.escalated"
    CASE_CLOSED = "case.closed"
    CASE_ADJUDICATED = "case.adjudicated"
    NOTE_ADDED = "note.added"
    CASES_LINKED = "cases.linked"
    QA_VERDICT = "qa.verdict"
    INCIDENT_OPENED = "incident.opened"
    TEAM_FILTERS_SET = "team.filters_set"
    # Review workflow: a reviewer's break, and team-wide settings a lead makes.
    BREAK_TAKEN = "break.taken"
    TEAM_SETTING = "team.setting"
    # Lead tools: QA sampling rules, blind re-review, gold sets, calibration.
    QA_RULE_SET = "qa.rule_set"
    QA_ASSIGNED = "qa.assigned"
    QA_REVIEW = "qa.review"
    GOLD_MARKED = "gold.marked"
    GOLD_UNMARKED = "gold.unmarked"
    GOLD_INSERTED = "gold.inserted"
    CALIBRATION_OPENED = "calibration.opened"
    CALIBRATION_VOTED = "calibration.voted"
    CALIBRATION_CLOSED = "calibration.closed"
