"""The evidence feature's projection tables, on its own metadata (created when a store
opens without them, filled by folding the log)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class EvidenceBase(DeclarativeBase):
    """The evidence feature's own tables."""


class Hold(EvidenceBase):
    """Projection: a legal hold on a case (or its linked cases) and whether it is lifted."""

    __tablename__ = "evidence_holds"

    hold_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    scope: Mapped[str] = mapped_column(String(16))
    placed_by: Mapped[str] = mapped_column(String(64))
    placed_at: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    lifted_by: Mapped[str | None] = mapped_column(String(64))
    lifted_at: Mapped[str | None] = mapped_column(String(32))
    lift_reason: Mapped[str | None] = mapped_column(Text)


class Purge(EvidenceBase):
    """Projection: one purge of a case's media, from a workstation or the hub."""

    __tablename__ = "evidence_purges"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(16))
    sha256s: Mapped[str] = mapped_column(Text)  # JSON list
    rule: Mapped[str] = mapped_column(String(64))
    days: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(32))
    purged_at: Mapped[str] = mapped_column(String(32))


class Receipt(EvidenceBase):
    """The hub's latest signed receipt of one device chain head (kept, never folded: a
    rebuild leaves it alone)."""

    __tablename__ = "evidence_receipts"

    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_seq: Mapped[int] = mapped_column()
    hash: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[str] = mapped_column(String(64))
    receipt: Mapped[str] = mapped_column(Text)  # the signed JSON as received


class Packet(EvidenceBase):
    """Projection: a child-safety report packet and its submission receipt."""

    __tablename__ = "evidence_packets"

    packet_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    built_by: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[str] = mapped_column(String(32))
    packet: Mapped[str] = mapped_column(Text)  # canonical JSON
    receipt: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[str | None] = mapped_column(String(32))


class Fetch(EvidenceBase):
    """Who fetched a blob into this cache from the hub (kept, never folded): when a person
    is disabled, what only they fetched is purged."""

    __tablename__ = "evidence_fetches"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
