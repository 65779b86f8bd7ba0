"""The wellbeing feature's event kinds: what a reviewer saw, revealed, and their breaks."""

from __future__ import annotations

from typing import Any

from app.log.fields import Seconds, Share, Time
from app.log.registry import Payload


class MediaViewed(Payload, frozen=True):
    """`media.viewed`: an item was on screen, filtered, for some seconds."""

    item: str
    seconds: Seconds = 0.0
    pipeline: str = ""


class MediaRevealed(Payload, frozen=True):
    """`media.revealed`: a momentary reveal (lens, hold, audio) and how much it showed."""

    item: str
    seconds: Seconds = 0.0
    area_share: Share = 0.0
    mode: str = "reveal"
    filters_on: list[str] = []
    audio: bool = False


def weighted_seconds(reveal: MediaRevealed) -> float:
    """A reveal's unfiltered exposure, area-weighted: seconds x share of the picture."""
    return reveal.seconds * reveal.area_share


class BreakTaken(Payload, frozen=True):
    """`break.taken`: a reviewer's break."""

    started_at: Time
    seconds: Seconds = 0.0


class TeamFiltersSet(Payload, frozen=True):
    """`team.filters_set`: the team's filter layer a lead sets."""

    filters: dict[str, Any]
