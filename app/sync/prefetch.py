"""Which media a reviewer will need next, so the sync worker fetches it before they do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select

from app.domain.people import cleared_sql
from app.log.store import LocalStore
from app.review.reviewdesk import ESCALATION_QUEUE, OPEN_STATUSES
from app.sync.client import HubUser
from db.models import Case, MediaItem


def media_to_fetch(
    store: LocalStore, user: HubUser, case_ids: Sequence[str] = (), next_cases: int = 20
) -> list[str]:
    """SHA-256s missing from the media cache: of case_ids, the user's leased cases, then
    the first next_cases of their queue (in work order)."""
    with store.transaction() as session:
        ids = list(case_ids)
        ids += session.scalars(
            select(Case.case_id)
            .where(Case.leased_by == user.username, Case.status == "leased")
            .order_by(Case.case_no)
        )
        ids += session.scalars(_queue_head(user, next_cases))
    return [sha for sha in media_of(store, ids) if not store.blobs.has(sha)]


def media_of(store: LocalStore, case_ids: Sequence[str]) -> list[str]:
    """The SHA-256s of these cases' media, in the order of the cases, each once."""
    wanted = dict.fromkeys(case_ids)
    with store.transaction() as session:
        rows = session.execute(
            select(MediaItem.case_id, MediaItem.sha256).where(MediaItem.case_id.in_(list(wanted)))
        ).all()
    order = {case_id: n for n, case_id in enumerate(wanted)}
    shas = [sha for _, sha in sorted(rows, key=lambda r: order[r[0]])]
    return list(dict.fromkeys(shas))


def _queue_head(user: HubUser, count: int) -> Select[Any]:
    visible = cleared_sql(Case.clearance, user.clearances)
    query = select(Case.case_id).where(Case.status.in_(OPEN_STATUSES), visible)
    if user.role == "moderator":
        query = query.where(Case.queue != ESCALATION_QUEUE)
    return query.order_by(Case.severity.desc(), Case.reported_at, Case.case_no).limit(count)
