"""The evidence feature's event kinds: legal holds placed and lifted, media purged."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from app.log.fields import TEXT_MAX, Count, Sha256, Time
from app.log.registry import Payload

HOLD_PLACED = "evidence.hold_placed"
HOLD_LIFTED = "evidence.hold_lifted"
MEDIA_PURGED = "evidence.purged"
PACKET_BUILT = "evidence.packet_built"
PACKET_SUBMITTED = "evidence.packet_submitted"

Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=TEXT_MAX)]
HoldId = Annotated[str, msgspec.Meta(pattern="^[0-9a-f-]{36}$")]


class HoldPlaced(Payload, frozen=True):
    """`evidence.hold_placed`: media of the case (scope "case") or of the case and every
    case linked to it (scope "linked", the data model's cluster) must not be purged."""

    hold_id: HoldId
    scope: Literal["case", "linked"]
    reason: Reason


class HoldLifted(Payload, frozen=True):
    """`evidence.hold_lifted`: a lead lifts a hold, saying why."""

    hold_id: HoldId
    reason: Reason


class MediaPurged(Payload, frozen=True):
    """`evidence.purged`: media of a closed case removed from one place (`where`: this
    workstation's cache, or the hub) by a retention rule (`rule`: the category, or
    "default"), `days` after the case closed at `closed_at`; or, with reason
    account_disabled, the media only a person disabled on the hub had fetched (`rule`
    account_disabled, `closed_at` the time the workstation learnt it)."""

    sha256s: Annotated[list[Sha256], msgspec.Meta(min_length=1, max_length=500)]
    where: Literal["workstation", "hub"]
    device_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    rule: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    days: Count
    closed_at: Time
    reason: Literal["retention", "account_disabled"] = "retention"


class PacketBuilt(Payload, frozen=True):
    """`evidence.packet_built`: a child-safety report packet (the CyberTipline report
    structure, resources/reports), validated when built; kept as it was filed."""

    packet_id: HoldId
    packet: dict[str, Any]


class PacketSubmitted(Payload, frozen=True):
    """`evidence.packet_submitted`: the team's submission system took the packet; its
    receipt (the report number it was given)."""

    packet_id: HoldId
    receipt: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    submitted_at: Time
