"""One sync round: push every person's pending events, pull, fetch the media needed next.

Push: each person's chain in device_seq order, in batches, with that person's token. The
hub stores a batch once and acknowledges it; the acknowledgement is recorded in its own
transaction afterwards. A cut or a crash anywhere in between only means the same batch is
sent again, and the hub acknowledges a resend without storing anything twice.

Pull: pages of events after the person's cursor, each page applied and the hub's cursor
stored in one local transaction, so a crash mid-pull resumes where the last page ended.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from app.evidence.custody import keep_receipt
from app.evidence.offboard import ACCOUNT_DISABLED, offboard, record_fetches
from app.log.store import LocalStore
from app.sync.client import MAX_PUSH_EVENTS, AuthExpired, HubClient, HubRejected, HubUser
from app.sync.faults import crash_point
from app.sync.link import HubLink, LinkError
from app.sync.prefetch import media_to_fetch
from db.models import Case

Progress = Callable[[str, int, int | None], None]
"""(phase, done, total or None): "push", "pull" or "media"; called on the sync thread."""
Connect = Callable[[str], HubClient]
FIRST_PULL_PAGE = 250
"""The first page of a pull (later ones double up to the engine's pull_page)."""


class SyncCancelled(Exception):
    """The person cancelled the sync; what was done so far is kept."""


@dataclass
class SyncReport:
    """What one sync round did, and what it could not do."""

    pushed: int = 0
    pulled: int = 0
    media: int = 0
    waiting: dict[str, int] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    finished_at: datetime | None = None
    # Pulled events this round kept out of the projections (app/log/quarantine.py), and
    # how many the store holds in quarantine in all.
    quarantined: int = 0
    in_quarantine: int = 0

    def summary(self) -> str:
        """One line for the CLI and the status bar."""
        parts = [f"sent {self.pushed}", f"received {self.pulled}", f"media {self.media}"]
        if self.quarantined or self.in_quarantine:
            parts.append(
                f"{self.quarantined} quarantined ({self.in_quarantine} in quarantine:"
                " veil sync quarantine)"
            )
        parts += [f"{n} waiting for {who} to log in" for who, n in self.waiting.items()]
        parts += [f"hub refused {who}'s events: {why}" for who, why in self.refused.items()]
        return ", ".join(parts)


class SyncEngine:
    """Runs sync rounds for one local store against the hub its data dir is bound to."""

    def __init__(
        self,
        store: LocalStore,
        link: HubLink,
        *,
        connect: Connect | None = None,
        push_batch: int = MAX_PUSH_EVENTS,
        pull_page: int = 2000,
        next_cases: int = 20,
        timeout: float = 10.0,
    ) -> None:
        self.store = store
        self.link = link
        self._connect = connect or (lambda url: HubClient(url, timeout=timeout, trust=link.trust))
        self.push_batch = push_batch
        self.pull_page = pull_page
        self.next_cases = next_cases
        self._client: HubClient | None = None
        self._client_url: str | None = None
        self._first_round = True

    def pending(self) -> int:
        """Events written here that the hub has not acknowledged yet."""
        return sum(self.store.pending_by_actor().values())

    def close(self) -> None:
        """Close the hub connection."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def sync(
        self,
        user: str | None,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> SyncReport:
        """Push everyone's pending events, then pull and prefetch as user (if given).

        Raises HubUnreachable when the hub cannot be reached (nothing is lost: try again),
        AuthExpired when user's own token is refused, LinkError when not bound to a hub.
        """
        round_ = _Round(progress, cancel)
        report = SyncReport()
        self.push_all(report, round_)
        self.return_finished_leases()
        if user is not None:
            client = self.authorized(user)
            try:
                self._pull(client, user, report, round_)
            except AuthExpired as exc:
                self.link.forget(user)  # revoked or expired on the hub: log in again
                if ACCOUNT_DISABLED in str(exc):
                    offboard(self.store, user, current=user)
                raise
            if report.pulled or report.pushed or self._first_round:
                # The queue only moves when something happened: idle rounds stay cheap.
                self._prefetch(client, user, report, round_)
            self._first_round = False
        report.finished_at = datetime.now(UTC)
        return report

    # --- push -------------------------------------------------------------------------

    def push_all(self, report: SyncReport, round_: _Round | None = None) -> None:
        """Push the pending events of every person who has a valid token here."""
        round_ = round_ or _Round(None, None)
        pending = self.store.pending_by_actor()
        total, done = sum(pending.values()), 0
        for actor, count in sorted(pending.items()):
            if self.link.token(actor) is None:
                report.waiting[actor] = count
                continue
            try:
                done = self._push_actor(self.authorized(actor), actor, report, round_, done, total)
            except AuthExpired as exc:
                self.link.forget(actor)
                report.waiting[actor] = count
                if ACCOUNT_DISABLED in str(exc):
                    offboard(self.store, actor, current=None)
            except HubRejected as exc:
                report.refused[actor] = exc.reason

    def _push_actor(
        self,
        client: HubClient,
        actor: str,
        report: SyncReport,
        round_: _Round,
        done: int,
        total: int,
    ) -> int:
        device_id = self.store.device_of(actor)
        size = self.push_batch
        while batch := self.store.unsent(actor, size):
            round_.check()
            try:
                acks = client.push(device_id, batch)
            except HubRejected as exc:
                if exc.status == 413 and size > 1:
                    size //= 2  # too large a body: the same events in smaller batches
                    continue
                raise
            crash_point("after_reply_before_record")
            if not acks:
                raise HubRejected(502, "the hub acknowledged nothing of a batch")
            self.store.mark_acked(acks)
            if client.last_receipt is not None:
                keep_receipt(self.store, client.last_receipt)
            report.pushed += len(acks)
            done += len(acks)
            round_.report("push", done, total)
        return done

    def return_finished_leases(self) -> None:
        """Give back hub leases taken for working offline once their case is done here."""
        held = self.link.work_ahead()
        if not held:
            return
        with self.store.transaction() as session:
            rows = session.execute(
                select(Case.case_id, Case.status, Case.leased_by).where(
                    Case.case_id.in_(list(held))
                )
            ).all()
        still = {c for c, status, holder in rows if status == "leased" and holder == held[c]}
        for case_id in sorted(set(held) - still):
            if self.link.token(held[case_id]) is None:
                continue  # the holder gives it back when they next sync
            with contextlib.suppress(HubRejected):
                self.authorized(held[case_id]).release(case_id)
            self.link.drop_work_ahead([case_id])

    # --- pull and media -------------------------------------------------------------

    def _pull(self, client: HubClient, user: str, report: SyncReport, round_: _Round) -> None:
        """Pull pages after the stored cursor; each page is applied in its own transaction.

        A full page means more may follow, so the next page is requested at once, on a
        worker thread, while this one is applied: the hub builds and sends page n+1 while
        the store folds page n. Pages start small and double up to `pull_page`, so the
        first one arrives quickly and each later one is fetched in the time the one
        before it takes to apply. Pages are still applied strictly in order and each stores
        its own cursor, so a crash or a cut anywhere loses nothing and applies nothing
        twice (a page fetched ahead and never applied is simply pulled again).
        """
        cursor = self.store.sync_cursor(user)
        before = self.store.quarantine_count()
        try:
            self._pull_pages(client, user, cursor, report, round_)
        finally:
            report.in_quarantine = self.store.quarantine_count()
            report.quarantined = max(0, report.in_quarantine - before)

    def _pull_pages(
        self, client: HubClient, user: str, cursor: int, report: SyncReport, round_: _Round
    ) -> None:
        with ThreadPoolExecutor(1, thread_name_prefix="veil-pull") as ahead:
            size = min(FIRST_PULL_PAGE, self.pull_page)
            page = ahead.submit(client.pull_page, cursor, size)
            try:
                while True:
                    round_.check()
                    pulled = page.result()
                    if pulled.full:
                        size = min(2 * size, self.pull_page)
                        page = ahead.submit(client.pull_page, pulled.cursor, size)
                    if pulled.events or pulled.cursor != cursor:
                        midway = _mid_pull if pulled.events else None
                        report.pulled += self.store.apply_remote(
                            pulled.events,
                            pulled.cursor,
                            user,
                            midway=midway,
                            payload_json=pulled.payload_json,
                        )
                        round_.report("pull", report.pulled, None)
                    # A page that is not full means the hub showed everything up to its head.
                    if not pulled.full:
                        return
                    cursor = pulled.cursor
            finally:
                # Leave no request in flight on the shared client (cancel, crash, error).
                with contextlib.suppress(Exception):
                    page.result()

    def _prefetch(self, client: HubClient, user: str, report: SyncReport, round_: _Round) -> None:
        wanted = media_to_fetch(self.store, self.who(user), next_cases=self.next_cases)
        report.media += fetch_media(client, self.store, wanted, round_, by=user)

    # --- connection -----------------------------------------------------------------

    def authorized(self, user: str) -> HubClient:
        """The engine's client, carrying user's token (AuthExpired when there is none)."""
        token = self.link.token(user)
        if token is None:
            raise AuthExpired(f"{user} has no valid hub login on this workstation")
        client = self.client()
        client.token = token
        return client

    def who(self, user: str) -> HubUser:
        """What the hub said about user when they last logged in here."""
        credential = self.link.credential(user)
        if credential is None:
            raise AuthExpired(f"{user} has no hub login on this workstation")
        return credential.user

    def client(self) -> HubClient:
        """The keep-alive client of the bound hub (made on first use)."""
        url = self.link.url
        if url is None:
            raise LinkError("this data dir is not connected to a hub")
        if self._client is None or self._client_url != url:
            self.close()
            self._client, self._client_url = self._connect(url), url
        return self._client


def fetch_media(
    client: HubClient,
    store: LocalStore,
    shas: list[str],
    round_: _Round | None = None,
    by: str | None = None,
) -> int:
    """Download and verify each blob into the media cache; how many arrived. With `by`,
    who fetched them is remembered (app/evidence/offboard.py)."""
    arrived: list[str] = []
    try:
        for n, sha in enumerate(shas, start=1):
            if round_ is not None:
                round_.check()
            try:
                arrived.append(store.blobs.put_bytes(client.get_blob(sha)))
            except HubRejected:
                continue  # not visible to this person, or never uploaded: nothing to keep
            if round_ is not None:
                round_.report("media", n, len(shas))
    finally:
        if by is not None:
            record_fetches(store, by, arrived)
    return len(arrived)


def _mid_pull() -> None:
    crash_point("mid_pull_apply")


class _Round:
    """Progress reporting and cancelling for one sync round."""

    def __init__(self, progress: Progress | None, cancel: threading.Event | None) -> None:
        self._progress = progress
        self._cancel = cancel

    def check(self) -> None:
        """Stop here (between batches) when cancelled."""
        if self._cancel is not None and self._cancel.is_set():
            raise SyncCancelled("sync cancelled")

    def report(self, phase: str, done: int, total: int | None) -> None:
        """Tell the listener how far this phase is."""
        if self._progress is not None:
            self._progress(phase, done, total)
