"""A person disabled on the hub, seen at the next contact: what their workstation drops.

The hub answers a disabled person's token with 401 "account disabled". Their workstation
then forgets their hub token, removes their wrapped copy (and any request) of the media
key, locks the media if it was their session, marks their local account disabled (no
offline login), and purges the media only they fetched from the hub (held media stays),
recording an `evidence.purged` event per case (reason account_disabled) in their chain:
it stays in this workstation's audit trail, since the hub takes no more of their events.
Other people's tokens, key copies and media are untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.evidence import kinds
from app.evidence.models import Fetch
from app.evidence.purge import held_cases
from app.log.clock import iso
from app.log.store import LocalStore
from db.models import MediaItem, User

log = logging.getLogger(__name__)

ACCOUNT_DISABLED = "account disabled"


@dataclass
class Offboarding:
    """What a disabled person's workstation dropped."""

    username: str
    key_removed: bool = False
    purged: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the log."""
        files = sum(len(s) for s in self.purged.values())
        key = "key copy removed" if self.key_removed else "no key copy here"
        return f"{self.username} disabled on the hub: token dropped, {key}, {files} media purged"


def record_fetches(store: LocalStore, username: str, shas: Iterable[str]) -> None:
    """Remember that username fetched these blobs from the hub."""
    rows = [{"sha256": sha, "username": username} for sha in shas]
    if not rows:
        return
    with store.transaction() as session:
        for row in rows:
            if session.get(Fetch, (row["sha256"], username)) is None:
                session.add(Fetch(**row))


def offboard(store: LocalStore, username: str, current: str | None) -> Offboarding:
    """Drop what a disabled person had here (the caller has forgotten their token);
    `current` is who is logged in now (their session's media is locked)."""
    done = Offboarding(username)
    ring = store.blobs.keyring
    if ring is not None and ring.exists():
        done.key_removed = ring.remove(username)
    if current == username:
        store.blobs.lock()
    with store.transaction() as session:
        user = session.get(User, username)
        if user is not None:
            user.disabled = True
    done.purged = _purge_their_media(store, username)
    log.warning(done.summary())
    return done


def _purge_their_media(store: LocalStore, username: str) -> dict[str, list[str]]:
    with store.read() as session:
        fetchers = dict(
            session.execute(
                select(Fetch.sha256, func.count(Fetch.username)).group_by(Fetch.sha256)
            ).all()
        )
        theirs = set(session.scalars(select(Fetch.sha256).where(Fetch.username == username)))
        only = {sha for sha in theirs if fetchers.get(sha) == 1 and store.blobs.has(sha)}
        held = held_cases(session)
        uses = session.execute(
            select(MediaItem.case_id, MediaItem.sha256).where(MediaItem.sha256.in_(sorted(only)))
        ).all()
    kept = {sha for case_id, sha in uses if case_id in held}
    by_case: dict[str, list[str]] = {}
    for case_id, sha in uses:
        if sha not in kept:
            by_case.setdefault(case_id, []).append(sha)
    if not by_case:
        return {}
    with store.transaction() as session:
        for case_id, shas in sorted(by_case.items()):
            payload = {
                "sha256s": sorted(set(shas)),
                "where": "workstation",
                "device_id": store.device_id,
                "rule": "account_disabled",
                "days": 0,
                "closed_at": iso(store.clock.now()),
                "reason": "account_disabled",
            }
            store.append(
                session, actor=username, kind=kinds.MEDIA_PURGED, case_id=case_id, payload=payload
            )
        session.query(Fetch).filter(Fetch.username == username).delete()
    for shas in by_case.values():
        for sha in shas:
            store.blobs.remove(sha)
    return {case: sorted(set(shas)) for case, shas in by_case.items()}
