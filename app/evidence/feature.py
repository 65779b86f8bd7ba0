"""The evidence feature: legal holds and retention purges as events, folded into its
own tables (media encryption at rest lives in db/blobs.py and app/evidence/unlock.py)."""

from __future__ import annotations

from app.evidence import access, folds, kinds, timeline
from app.evidence.models import Fetch, Hold, Packet, Purge, Receipt
from app.log.registry import Feature, Fold, Kind, Phase

FEATURE = Feature(
    name="evidence",
    kinds=(
        Kind(
            kinds.HOLD_PLACED,
            kinds.HoldPlaced,
            "Legal hold",
            author_role=access.HOLD_AUTHOR,
            audience=access.HOLD_AUDIENCE,
            describe=timeline.describe_hold,
        ),
        Kind(
            kinds.HOLD_LIFTED,
            kinds.HoldLifted,
            "Hold lifted",
            author_role=access.LIFT_AUTHOR,
            audience=access.HOLD_AUDIENCE,
            describe=timeline.describe_lift,
        ),
        Kind(
            kinds.MEDIA_PURGED,
            kinds.MediaPurged,
            "Media purged",
            author_role=access.PURGE_AUTHOR,
            audience=access.PURGE_AUDIENCE,
            describe=timeline.describe_purge,
        ),
        Kind(
            kinds.PACKET_BUILT,
            kinds.PacketBuilt,
            "Report packet",
            author_role=access.PACKET_AUTHOR,
            audience=access.PACKET_AUDIENCE,
            describe=timeline.describe_packet,
            max_bytes=256 * 1024,
        ),
        Kind(
            kinds.PACKET_SUBMITTED,
            kinds.PacketSubmitted,
            "Report submitted",
            author_role=access.PACKET_AUTHOR,
            audience=access.PACKET_AUDIENCE,
            describe=timeline.describe_submitted,
        ),
    ),
    folds=(
        Fold(Phase.DETAIL, folds.hold_placed, frozenset({kinds.HOLD_PLACED})),
        Fold(Phase.DETAIL, folds.hold_lifted, frozenset({kinds.HOLD_LIFTED})),
        Fold(Phase.DETAIL, folds.media_purged, frozenset({kinds.MEDIA_PURGED})),
        Fold(Phase.DETAIL, folds.packet_built, frozenset({kinds.PACKET_BUILT})),
        Fold(Phase.DETAIL, folds.packet_submitted, frozenset({kinds.PACKET_SUBMITTED})),
    ),
    tables=(Hold, Purge, Packet),
    scoped=(Hold, Purge, Packet),
    own_tables=(
        Hold.__table__,
        Purge.__table__,
        Packet.__table__,
        Receipt.__table__,
        Fetch.__table__,
    ),
)
