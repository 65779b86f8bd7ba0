"""Hold-to-listen as exposure: how a video's sound plays and how listening is recorded.

Listening is recorded on the reveal path (a `media.revealed` event) with a mode of its
own, `listen`: the seconds heard, no share of the picture (nothing was shown), the
filter still on (`muffled`, or none) and `audio: true`. So the custody log, the audit
trail and the lead's figures treat it as access to the item, like a reveal.
"""

from __future__ import annotations

from app.domain.policies import PolicySet
from app.log.events import EventRecord
from app.wellbeing.exposure import ExposureLedger

LISTEN_MODE = "listen"
# The loudest sample listening ever plays, as a fraction of full scale (about -6 dBFS),
# before the system volume: a scream or a gunshot never comes out at full level.
LISTEN_VOLUME = 0.5


def muffled_by_default(policies: PolicySet, category: str | None) -> bool:
    """Whether listening starts muffled for a case of this category (muffled if unknown)."""
    if category is None or category not in policies:
        return True
    return policies[category].listen_filter == "muffled"


def record_listen(
    ledger: ExposureLedger, case_id: str, sha256: str, seconds: float, *, muffled: bool
) -> EventRecord:
    """A hold-to-listen ended: `seconds` of the item's sound were played."""
    return ledger.record_reveal(
        case_id,
        sha256,
        seconds=seconds,
        area_share=0.0,
        mode=LISTEN_MODE,
        filters_on=["muffled"] if muffled else [],
        audio=True,
    )
