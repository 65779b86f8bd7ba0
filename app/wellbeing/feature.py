"""The wellbeing feature: exposure events (views and reveals), breaks and the team's
filter layer. Exposure is personal: besides its author only leads receive it."""

from __future__ import annotations

from app.log.registry import Audience, Feature, Kind
from app.review import timeline as words
from app.wellbeing import kinds

FEATURE = Feature(
    name="wellbeing",
    kinds=(
        Kind(
            "media.viewed",
            kinds.MediaViewed,
            "Viewed",
            audience=Audience.LEADS,
            describe=words.describe_viewed,
        ),
        Kind(
            "media.revealed",
            kinds.MediaRevealed,
            "Revealed",
            audience=Audience.LEADS,
            describe=words.describe_revealed,
        ),
        Kind(
            "break.taken",
            kinds.BreakTaken,
            "Break",
            on_case=False,
        ),
        Kind(
            "team.filters_set",
            kinds.TeamFiltersSet,
            "Team filters",
            on_case=False,
            author_role="lead",
        ),
    ),
)
