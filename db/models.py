"""SQLAlchemy models of the local store: the append-only event log and its projections.

The `events` table is the truth; every other table is a projection folded from it and can
be rebuilt (see app/log/folding.py). The schema is created only by Alembic migrations.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

OPEN_CONDITION = (
    "(status = 'new' OR status = 'leased' OR status = 'escalated' OR status = 'conflict')"
)
"""Cases still waiting for someone: the queue view's partial indexes cover only these.
Equalities, not an IN list: SQLite evaluates an IN list of constants through a temporary
table, which every write of a case would build (migration 0006)."""


class Base(DeclarativeBase):
    """Declarative base of the local store."""


class Event(Base):
    """One immutable event; rows are inserted, never updated except for server_seq."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("device_id", "device_seq", name="uq_events_device_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[str] = mapped_column(String(36))
    device_seq: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    payload: Mapped[str] = mapped_column(Text)
    seen_head: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[str] = mapped_column(String(32), index=True)
    server_seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Device(Base):
    """A hash chain written on this workstation: one per person (actor), with its head and
    that person's sync cursor. The row without an actor is the workstation itself."""

    __tablename__ = "device"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    actor: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    sync_cursor: Mapped[int] = mapped_column(Integer, default=0)


class QuarantinedEvent(Base):
    """A pulled event this workstation could not validate or fold: kept whole (it can be
    moved into `events` by a retry), with why (the field and the rule), and never folded
    into a projection meanwhile. `tried_with` is the build that last tried it, so a store
    opened by another build tries again."""

    __tablename__ = "quarantined_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64))
    device_seq: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(String(64), index=True)
    payload: Mapped[str] = mapped_column(Text)
    seen_head: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(64))
    server_seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(Text)
    quarantined_at: Mapped[str] = mapped_column(String(32))
    tried_at: Mapped[str] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    tried_with: Mapped[str] = mapped_column(String(64))


class User(Base):
    """A local account: role, clearances and a salted scrypt password hash."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    clearances: Mapped[str] = mapped_column(Text, default="[]")
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[str] = mapped_column(String(32))


class Case(Base):
    """Projection: a case's current state, folded from its events."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_queue_status", "queue", "status", "reported_at"),
        Index("ix_cases_status", "status"),
        # Claim next: one index seek per (queue, status, severity), lowest key first.
        Index("ix_cases_claim", "queue", "status", "severity", "priority_key", "case_no"),
        # Earliest deadline per queue (rotation's "would an SLA be missed?"), overdue counts.
        Index("ix_cases_deadline", "queue", "status", "sla_deadline"),
        # Leases: a reviewer's own leases in work order, and the ones that ran out.
        Index("ix_cases_lease", "status", "leased_by", "priority_key"),
        Index("ix_cases_lease_expiry", "status", "lease_expires_at"),
        # The queue view: open cases in work order or deadline order, filters covered.
        Index(
            "ix_cases_open_priority",
            "priority_key",
            "case_no",
            "queue",
            "status",
            "severity",
            "clearance",
            sqlite_where=text(OPEN_CONDITION),
        ),
        Index(
            "ix_cases_open_deadline",
            "sla_deadline",
            "case_no",
            "queue",
            "status",
            "severity",
            "clearance",
            sqlite_where=text(OPEN_CONDITION),
        ),
    )

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Stable small integer (the local id of the ingest event): queue models hold these.
    case_no: Mapped[int] = mapped_column(Integer, unique=True)
    external_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    team: Mapped[str] = mapped_column(String(64), default="default")
    category: Mapped[str] = mapped_column(String(48))
    subcategory: Mapped[str | None] = mapped_column(String(64))
    severity: Mapped[int] = mapped_column(Integer)
    clearance: Mapped[str | None] = mapped_column(String(48))
    queue: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    # Where a released lease sends the case back to: "new", or "escalated" once escalated.
    open_status: Mapped[str] = mapped_column(String(16), default="new")
    title: Mapped[str] = mapped_column(Text, default="")
    report_reason: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[str] = mapped_column(String(32))
    report_count: Mapped[int] = mapped_column(Integer, default=1)
    media_count: Mapped[int] = mapped_column(Integer, default=0)
    leased_by: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[str | None] = mapped_column(String(32))
    decision_event_id: Mapped[str | None] = mapped_column(String(36))
    decision_action: Mapped[str | None] = mapped_column(String(48))
    head_event_id: Mapped[str] = mapped_column(String(36))
    updated_at: Mapped[str] = mapped_column(String(32))
    # SLA and work order (app/domain/priority.py): when the clock started (the report, or the
    # escalation), when it runs out, and the time-independent priority key.
    sla_started_at: Mapped[str] = mapped_column(String(32), server_default="")
    sla_deadline: Mapped[str] = mapped_column(String(32), server_default="")
    priority_key: Mapped[int] = mapped_column(Integer, server_default="0")
    # Who holds a claim on the case since it last left anyone's hands, and since when
    # (JSON object actor -> ISO time; app/qa/projection.py): where handling time starts.
    claim_starts: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")


class MediaItem(Base):
    """Projection: one media file of a case, stored in the blob store by SHA-256."""

    __tablename__ = "media_items"
    __table_args__ = (UniqueConstraint("case_id", "position", name="uq_media_case_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    mime: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)


class Decision(Base):
    """Projection: every recorded decision (a conflict keeps both), newest last."""

    __tablename__ = "decisions"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.case_id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(64), index=True)
    category: Mapped[str] = mapped_column(String(48))
    subcategory: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    rationale: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[str] = mapped_column(Text, default="{}")
    decided_at: Mapped[str] = mapped_column(String(32))
    retracted: Mapped[bool] = mapped_column(default=False)
    # The reviewer's assessed severity, evidence marks (JSON list of regions / time
    # ranges), the decision this one was applied from (near-duplicate cluster), and
    # whether it is an analyst's final decision that closed an escalation.
    severity: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text, server_default="[]")
    applied_from: Mapped[str | None] = mapped_column(String(36))
    final: Mapped[bool] = mapped_column(server_default="0")


# --- Lead tools: projections the QA and dashboard queries need -------------
# Every row hangs off a case (ON DELETE CASCADE), so refolding a case clears them too.


class DecisionFact(Base):
    """Projection: one handled item (decision or escalation) with what lead metrics need."""

    __tablename__ = "decision_facts"
    __table_args__ = (
        Index("ix_decision_facts_decided", "decided_ts"),
        # Covers the dashboard's per-reviewer and per-queue figures: read in index order,
        # grouped without a sort, never touching the wide rows (see app/qa/ops_sql.py).
        Index(
            "ix_decision_facts_ops",
            "reviewer",
            "queue",
            "decided_ts",
            "claimed_ts",
            "deadline_ts",
            "escalated",
            "retracted",
            "policy",
        ),
    )

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.case_id", ondelete="CASCADE"), index=True
    )
    # "decision" (decision.recorded) or "escalation" (case.escalated).
    kind: Mapped[str] = mapped_column(String(16))
    reviewer: Mapped[str] = mapped_column(String(64), index=True)
    queue: Mapped[str] = mapped_column(String(64))
    policy: Mapped[str] = mapped_column(String(48))
    action: Mapped[str] = mapped_column(String(48))
    severity: Mapped[int] = mapped_column(Integer)
    # Seconds since the Unix epoch (UTC): numeric, so aggregates need no date parsing.
    claimed_ts: Mapped[float] = mapped_column(Float)
    decided_ts: Mapped[float] = mapped_column(Float)
    deadline_ts: Mapped[float | None] = mapped_column(Float)
    escalated: Mapped[bool] = mapped_column(default=False)
    resolves_escalation: Mapped[bool] = mapped_column(default=False)
    unfiltered_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    reveals: Mapped[int] = mapped_column(Integer, default=0)
    retracted: Mapped[bool] = mapped_column(default=False)


class QaAudit(Base):
    """Projection: a decision drawn for QA, the auditor's blind call and the verdict."""

    __tablename__ = "qa_audits"

    decision_event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.case_id", ondelete="CASCADE"), index=True
    )
    reviewer: Mapped[str] = mapped_column(String(64), index=True)
    queue: Mapped[str] = mapped_column(String(64))
    policy: Mapped[str] = mapped_column(String(48))
    original_action: Mapped[str] = mapped_column(String(48))
    reason: Mapped[str] = mapped_column(String(32))
    assigned_at: Mapped[str] = mapped_column(String(32))
    auditor: Mapped[str | None] = mapped_column(String(64))
    blind_policy: Mapped[str | None] = mapped_column(String(48))
    blind_action: Mapped[str | None] = mapped_column(String(48))
    blind_at: Mapped[str | None] = mapped_column(String(32))
    verdict: Mapped[str | None] = mapped_column(String(16))
    corrected_policy: Mapped[str | None] = mapped_column(String(48))
    corrected_action: Mapped[str | None] = mapped_column(String(48))
    note: Mapped[str] = mapped_column(Text, default="")
    verdict_at: Mapped[str | None] = mapped_column(String(32), index=True)


class GoldCaseRow(Base):
    """Projection: a case a lead marked as gold, with the expected decision."""

    __tablename__ = "gold_cases"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.case_id", ondelete="CASCADE"), primary_key=True
    )
    policy: Mapped[str] = mapped_column(String(48))
    expected_action: Mapped[str] = mapped_column(String(48))
    note: Mapped[str] = mapped_column(Text, default="")
    marked_by: Mapped[str] = mapped_column(String(64))
    marked_at: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)


class GoldCopy(Base):
    """Projection: a gold case mixed into a queue as an ordinary-looking case."""

    __tablename__ = "gold_copies"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.case_id", ondelete="CASCADE"), primary_key=True
    )
    gold_case_id: Mapped[str] = mapped_column(String(36), index=True)
    queue: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    inserted_at: Mapped[str] = mapped_column(String(32))


class ExposureCaseDay(Base):
    """Projection: one reviewer's exposure to one case on one UTC day (zeros included)."""

    __tablename__ = "exposure_case_days"
    __table_args__ = (
        # Team exposure per reviewer-day over a period: an index-only, sort-free scan.
        Index(
            "ix_exposure_day",
            "day",
            "reviewer",
            "category",
            "items_viewed",
            "unfiltered_seconds",
        ),
    )

    reviewer: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.case_id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # The case's policy, so team exposure needs no join to tell graphic items apart.
    category: Mapped[str] = mapped_column(String(48))
    # Distinct media items viewed (a JSON list of their hashes, and its length).
    items: Mapped[str] = mapped_column(Text, default="[]")
    items_viewed: Mapped[int] = mapped_column(Integer, default=0)
    unfiltered_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    decisions: Mapped[int] = mapped_column(Integer, default=0)


# --- Review workflow: queue depth, escalations, notes, links, hashes -------


class QueueDepth(Base):
    """Projection: how many cases sit in each (queue, status, severity, clearance)."""

    __tablename__ = "queue_depth"

    queue: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    severity: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "" for cases that need no clearance (a primary key column cannot be NULL).
    clearance: Mapped[str] = mapped_column(String(48), primary_key=True)
    cases: Mapped[int] = mapped_column(Integer)


class Escalation(Base):
    """Projection: one escalation and, once an analyst decided, its outcome."""

    __tablename__ = "escalations"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.case_id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    severity: Mapped[int] = mapped_column(Integer)
    from_queue: Mapped[str] = mapped_column(String(64))
    to_queue: Mapped[str] = mapped_column(String(64))
    escalated_at: Mapped[str] = mapped_column(String(32))
    resolution_event_id: Mapped[str | None] = mapped_column(String(36))
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolution_action: Mapped[str | None] = mapped_column(String(48))
    resolution_rationale: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[str | None] = mapped_column(String(32))


class CaseNote(Base):
    """Projection: an investigation note on a case."""

    __tablename__ = "case_notes"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.case_id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))


class CaseLink(Base):
    """Projection: an analyst linked two cases as related (stored once, read both ways)."""

    __tablename__ = "case_links"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.case_id", ondelete="CASCADE"), index=True
    )
    other_case_id: Mapped[str] = mapped_column(String(36), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))


class MediaHash(Base):
    """Projection: the perceptual hash of an image, or of one keyframe of a video."""

    __tablename__ = "media_hashes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.case_id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    frame: Mapped[int] = mapped_column(Integer)
    # The 64-bit hash as a signed integer (SQLite integers are signed).
    phash: Mapped[int] = mapped_column(Integer)


class TeamSetting(Base):
    """Projection: a team-wide setting a lead made (for example mandatory breaks)."""

    __tablename__ = "team_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[str] = mapped_column(String(32))


PROJECTION_TABLES = (
    "decision_facts",
    "qa_audits",
    "gold_cases",
    "gold_copies",
    "exposure_case_days",
    "queue_depth",
    "escalations",
    "case_notes",
    "case_links",
    "media_hashes",
    "team_settings",
    "decisions",
    "media_items",
    "cases",
)
"""Projection tables, children first, in the order a rebuild clears them."""
