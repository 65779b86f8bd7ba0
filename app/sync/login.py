"""Logging in on a hub workstation: the hub decides, the local account is its offline copy.

With the hub reachable, the hub checks the password; the token is kept (app/sync/link.py)
and the person's local account is created or refreshed from what the hub says (role,
clearances) with a hash of the password just used, so the same person can log in later
while the network is gone.
"""

from __future__ import annotations

import contextlib
import json
import os

from app.domain.people import AccountError, Accounts, AuthError, Reviewer, Role, hash_password
from app.log.clock import iso
from app.log.store import LocalStore
from app.sync.client import (
    AuthExpired,
    HubClient,
    HubRejected,
    HubUnreachable,
    HubUntrusted,
    Login,
)
from app.sync.link import HubLink, LinkError
from app.sync.trust import HubTrust
from db.models import User

# A fresh data dir started with this set binds to that hub.
HUB_URL_ENV = "VEIL_HUB_URL"


def hub_workstation(store: LocalStore) -> bool:
    """Whether this data dir syncs with a hub; a fresh one binds to $VEIL_HUB_URL (a data
    dir with offline work stays as it is: the demo is never sent to a hub)."""
    link = HubLink(store.data_dir)
    url = os.environ.get(HUB_URL_ENV)
    if link.url is None and url:
        with contextlib.suppress(LinkError):
            connect(store, link, url)
    return link.url is not None


def accounts_for(store: LocalStore) -> Accounts | HubAccounts:
    """Who checks a login: the hub (offline: its local copy), or the local accounts."""
    link = HubLink(store.data_dir)
    return HubAccounts(store, link) if link.url is not None else Accounts(store)


class HubAccounts:
    """`authenticate` like app.domain.people.Accounts, against the hub the data dir is bound to."""

    def __init__(self, store: LocalStore, link: HubLink, *, timeout: float = 5.0) -> None:
        self.store = store
        self.link = link
        self.timeout = timeout
        self.offline = False

    def authenticate(self, username: str, password: str) -> Reviewer:
        """The Reviewer for a login the hub accepts (or, offline, the local copy does)."""
        url = self.link.url
        if url is None:
            raise LinkError("this data dir is not connected to a hub")
        try:
            with HubClient(url, timeout=self.timeout, trust=self.link.trust) as client:
                login = client.login(username, password)
        except HubUnreachable:
            self.offline = True
            try:
                return Accounts(self.store).authenticate(username, password)
            except AuthError:
                raise AuthError(
                    f"the hub at {url} cannot be reached, and {username} has no offline login "
                    "here yet (or the password is wrong)"
                ) from None
        except HubUntrusted as exc:
            raise AuthError(f"no login was sent: {exc}") from None
        except HubRejected as exc:
            if exc.status == 401:
                raise AuthError("wrong user name or password") from None
            raise AuthError(f"the hub refused the login: {exc.reason}") from None
        self.offline = False
        return remember_login(self.store, self.link, login, password)

    def change_password(self, username: str, current: str, new: str) -> None:
        """Change username's own password on the hub (online only), keep the new token and
        refresh the offline copy with the new password.

        Raises:
            AuthError: the current password is wrong, or sign-in is locked for now.
            AccountError: the hub refused the new password, or cannot be reached now.
        """
        url, token = self.link.url, self.link.token(username)
        if url is None or token is None:
            raise AccountError(f"{username} is not signed in to a hub here; sign in again first")
        try:
            with HubClient(url, timeout=self.timeout, trust=self.link.trust, token=token) as client:
                login = client.change_password(current, new)
        except (HubUnreachable, HubUntrusted) as exc:
            raise AccountError(f"the hub cannot be reached, nothing was changed ({exc})") from None
        except AuthExpired:
            raise AccountError("your hub sign-in has expired: sign in again first") from None
        except HubRejected as exc:
            if exc.status in (403, 429):
                raise AuthError(exc.reason) from None
            raise AccountError(exc.reason) from None
        remember_login(self.store, self.link, login, new)


def connect(store: LocalStore, link: HubLink, url: str, trust: HubTrust | None = None) -> None:
    """Bind the data dir to the hub at url (LinkError if it holds offline work, or if url
    does not pass the trust settings); trust, when given, replaces the link's."""
    link.bind(url, store_has_own_work=store.event_count() > 0, trust=trust)


def remember_login(
    store: LocalStore, link: HubLink, login: Login, password: str | None
) -> Reviewer:
    """Keep the token, refresh the local account (when the password is known, for logging
    in offline later); a changed view of the log restarts the person's pull at 0."""
    user = login.user
    previous = link.credential(user.username)
    link.remember(login)
    seen_before = previous is not None and (previous.team, set(previous.clearances)) == (
        user.team,
        set(user.clearances),
    )
    if not seen_before:
        store.reset_cursor(user.username)  # the hub now shows this person other events
    if password is not None:
        _cache_account(store, login, password)
    return Reviewer(user.username, user.username, Role(user.role), frozenset(user.clearances))


def _cache_account(store: LocalStore, login: Login, password: str) -> None:
    user = login.user
    with store.transaction() as session:
        row = session.get(User, user.username)
        if row is None:
            row = User(username=user.username, display_name=user.username)
            row.created_at = iso(store.clock.now())
            session.add(row)
        row.role = user.role
        row.clearances = json.dumps(sorted(user.clearances))
        row.password_hash = hash_password(password)
        row.disabled = False
