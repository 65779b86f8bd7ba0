"""The incident feature's projection tables, folded from its events (migration 0009).

Rows keyed by a case (`incident_cases`, and `incident_log` rows of case events) go with
their case when it is folded again; the rest are team rows, cleared only by a rebuild."""

from __future__ import annotations

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base


class Incident(Base):
    """Projection: one incident's current state."""

    __tablename__ = "incidents"

    incident_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(200), default="")
    regions: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    summary: Mapped[str] = mapped_column(Text, default="")
    clearance: Mapped[str | None] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(16), default="open")
    severity: Mapped[int] = mapped_column(Integer)
    # The severity change that stands: the greatest (created_at, event_id) (folds.py).
    severity_key: Mapped[str] = mapped_column(String(128), default="")
    commander: Mapped[str] = mapped_column(String(64), default="")
    declared_by: Mapped[str] = mapped_column(String(64), default="")
    declared_at: Mapped[str] = mapped_column(String(32))
    declared_event: Mapped[str] = mapped_column(String(64))
    from_case: Mapped[str | None] = mapped_column(String(64))
    terms: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    terms_key: Mapped[str] = mapped_column(String(128), default="")
    resolved_at: Mapped[str | None] = mapped_column(String(32))
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str] = mapped_column(Text, default="")
    went_well: Mapped[str] = mapped_column(Text, default="")
    went_badly: Mapped[str] = mapped_column(Text, default="")
    pm_summary: Mapped[str] = mapped_column(Text, default="")
    pm_key: Mapped[str] = mapped_column(String(128), default="")
    # The highest surge-queue depth threshold crossed so far (open linked cases).
    surge_mark: Mapped[int] = mapped_column(Integer, default=0)


class IncidentRole(Base):
    """Projection: a person's role on an incident (the latest assignment or removal)."""

    __tablename__ = "incident_roles"
    __table_args__ = (Index("ix_incident_roles_person", "person", "active"),)

    incident_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    area: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    key: Mapped[str] = mapped_column(String(128), default="")


class IncidentSeed(Base):
    """Projection: one perceptual hash of an incident's seed media."""

    __tablename__ = "incident_seeds"

    incident_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    frame: Mapped[int] = mapped_column(Integer, primary_key=True)
    phash: Mapped[int] = mapped_column(Integer)  # signed 64-bit, as media_hashes
    source_case: Mapped[str | None] = mapped_column(String(64))
    added_at: Mapped[str] = mapped_column(String(32))


class IncidentCase(Base):
    """Projection: a case linked to an incident, and how it matched."""

    __tablename__ = "incident_cases"
    __table_args__ = (Index("ix_incident_cases_case", "case_id"),)

    incident_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    via: Mapped[str] = mapped_column(String(16))
    distance: Mapped[int | None] = mapped_column(Integer)
    seed: Mapped[str | None] = mapped_column(String(64))
    term: Mapped[str | None] = mapped_column(Text)
    linked_at: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(64))


class IncidentLog(Base):
    """Projection: every event of an incident, for its timeline (by time)."""

    __tablename__ = "incident_log"
    __table_args__ = (Index("ix_incident_log_time", "incident_id", "at", "event_id"),)

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    incident_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str | None] = mapped_column(String(64))


class IncidentEntry(Base):
    """Projection: a typed timeline entry (status update, note, external contact), with
    its pin and its latest correction (the entry itself never changes)."""

    __tablename__ = "incident_entries"
    __table_args__ = (Index("ix_incident_entries_incident", "incident_id", "kind", "at"),)

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    incident_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    pin_key: Mapped[str] = mapped_column(String(128), default="")
    corrected_text: Mapped[str | None] = mapped_column(Text)
    corrected_by: Mapped[str | None] = mapped_column(String(64))
    correction_key: Mapped[str] = mapped_column(String(128), default="")


class IncidentAction(Base):
    """Projection: a post-mortem action item with its owner (latest version)."""

    __tablename__ = "incident_actions"

    incident_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(64))
    due: Mapped[str | None] = mapped_column(String(32))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    key: Mapped[str] = mapped_column(String(128), default="")


TABLES = (
    Incident,
    IncidentRole,
    IncidentSeed,
    IncidentCase,
    IncidentLog,
    IncidentEntry,
    IncidentAction,
)
