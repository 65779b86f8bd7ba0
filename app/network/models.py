"""The network feature's tables: imported posts and accounts of an investigation, and the
projections of its events (investigations, pins, notes, verdicts, rejected edges).

Posts and accounts are imported data, not folded from events: a rebuild of the
projections leaves them alone. They stay on the workstation that imported them; what is
judged about them (the events) syncs. Migration 0010 creates every table here.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base


class NetworkAccount(Base):
    """An account seen in an investigation's posts; signals only as opaque hashes."""

    __tablename__ = "network_accounts"

    investigation: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    handle: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[str | None] = mapped_column(String(40))
    signals: Mapped[str] = mapped_column(Text, default="{}")  # JSON name -> sha256:<hex>


class NetworkPost(Base):
    """One imported post; `post_no` keeps the import order."""

    __tablename__ = "network_posts"
    __table_args__ = (Index("ux_network_posts_post_id", "investigation", "post_id", unique=True),)

    investigation: Mapped[str] = mapped_column(String(64), primary_key=True)
    post_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[str] = mapped_column(String(200))
    posted_at: Mapped[str] = mapped_column(String(40))
    posted_ts: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of normalized URLs
    media_ref: Mapped[str | None] = mapped_column(String(64))
    media_phash: Mapped[int | None] = mapped_column(BigInteger)  # signed, as SQLite stores
    reply_to: Mapped[str | None] = mapped_column(String(200))


class Investigation(Base):
    """Projection: a saved investigation, with the parameters of its last build."""

    __tablename__ = "network_investigations"

    investigation: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    parameters: Mapped[str] = mapped_column(Text, default="{}")
    clearance: Mapped[str | None] = mapped_column(String(64))
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[str] = mapped_column(String(32))


class NetworkPin(Base):
    """Projection: an account or cluster pinned into an investigation."""

    __tablename__ = "network_pins"

    investigation: Mapped[str] = mapped_column(String(64), primary_key=True)
    target: Mapped[str] = mapped_column(String(16), primary_key=True)  # account | cluster
    target_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    pinned_by: Mapped[str] = mapped_column(String(64))
    pinned_at: Mapped[str] = mapped_column(String(32))


class NetworkNote(Base):
    """Projection: a note on an investigation (or one of its accounts or clusters)."""

    __tablename__ = "network_notes"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    investigation: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[str] = mapped_column(String(32))


class ClusterVerdict(Base):
    """Projection: the latest verdict on a cluster of an investigation."""

    __tablename__ = "network_verdicts"

    investigation: Mapped[str] = mapped_column(String(64), primary_key=True)
    cluster: Mapped[str] = mapped_column(String(64), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(24))
    rationale: Mapped[str] = mapped_column(Text)
    accounts: Mapped[str] = mapped_column(Text)  # JSON list of account ids
    judged_by: Mapped[str] = mapped_column(String(64))
    judged_at: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(36))


class RejectedEdge(Base):
    """Projection: an edge an analyst rejected as coincidence (accounts in sorted order)."""

    __tablename__ = "network_rejected_edges"

    investigation: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_a: Mapped[str] = mapped_column(String(200), primary_key=True)
    account_b: Mapped[str] = mapped_column(String(200), primary_key=True)
    rationale: Mapped[str] = mapped_column(Text)
    rejected_by: Mapped[str] = mapped_column(String(64))
    rejected_at: Mapped[str] = mapped_column(String(32))


class NetworkCaseAccount(Base):
    """Projection: the posting account a case was brought in with (`veil import`)."""

    __tablename__ = "network_case_accounts"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(200), index=True)


EVENT_TABLES = (
    Investigation,
    NetworkPin,
    NetworkNote,
    ClusterVerdict,
    RejectedEdge,
    NetworkCaseAccount,
)
