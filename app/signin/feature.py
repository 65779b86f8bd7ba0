"""The sign-in feature: lockout events the hub writes for the team of the account that
was tried. Only leads receive them; only the hub (or a lead) writes them."""

from __future__ import annotations

from app.log.registry import Audience, Feature, Kind
from app.signin import kinds

FEATURE = Feature(
    name="signin",
    kinds=(
        Kind(
            kinds.LOGIN_LOCKED,
            kinds.LoginLocked,
            "Sign-in locked",
            on_case=False,
            author_role="lead",
            audience=Audience.LEADS,
        ),
        Kind(
            kinds.LOGIN_UNLOCKED,
            kinds.LoginUnlocked,
            "Sign-in unlocked",
            on_case=False,
            author_role="lead",
            audience=Audience.LEADS,
        ),
    ),
)
