"""People of the local store as the core sees them (for headless tools and the demo)."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.people import Reviewer, reviewer_of
from app.domain.policies import PolicySet
from app.domain.words import Words
from app.log.store import LocalStore
from db.models import User


def person(store: LocalStore, username: str) -> Reviewer:
    """The account `username` as a Reviewer; KeyError when there is none."""
    with store.transaction() as session:
        user = session.get(User, username)
        if user is None:
            raise KeyError(f"no user {username!r}")
        return _reviewer(user)


def team(store: LocalStore) -> list[Reviewer]:
    """Every enabled account, by name."""
    query = select(User).where(User.disabled.is_(False)).order_by(User.username)
    with store.transaction() as session:
        return [_reviewer(u) for u in session.scalars(query)]


def display_names(store: LocalStore) -> dict[str, str]:
    """Username -> display name, for charts and reports."""
    with store.transaction() as session:
        return dict(session.execute(select(User.username, User.display_name)).all())


def team_words(store: LocalStore, policies: PolicySet) -> Words:
    """The team's words: policy, action and queue names, people by their display names."""
    return Words(policies, people=display_names(store))


_reviewer = reviewer_of
