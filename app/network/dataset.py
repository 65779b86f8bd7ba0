"""An investigation's posts as columns: loaded from the store (or made by the synthetic
platform) and handed to the graph engine, which never sees a database row.

`import_posts` writes a parsed file into `network_posts` and `network_accounts` in one
transaction; a post id already in the investigation is skipped, so re-importing a file
adds nothing twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.dupes.phash import to_signed, to_unsigned
from app.log.store import LocalStore
from app.network.models import NetworkAccount, NetworkPost
from app.network.posts import LineProblem, PostRow, read_posts

INVESTIGATION_RULE = "1 to 64 letters, digits, '-', '_' or '.'"
_INVESTIGATION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")


@dataclass
class PostTable:
    """Posts as columns: `account` indexes `accounts`; `phash` is valid where `has_media`."""

    accounts: list[str]
    account: np.ndarray  # int32 per post
    ts: np.ndarray  # float64 seconds since the epoch
    texts: list[str]
    links: list[tuple[str, ...]]
    phash: np.ndarray  # uint64
    has_media: np.ndarray  # bool
    reply_to: list[str | None]
    post_ids: list[str] = field(default_factory=list)
    handles: dict[str, str] = field(default_factory=dict)
    media_refs: list[str | None] = field(default_factory=list)  # sha256 of the media, if any

    def __len__(self) -> int:
        return len(self.ts)

    def subset(self, rows: np.ndarray) -> PostTable:
        """The posts at these row numbers (the account list is kept whole)."""
        picked = [int(r) for r in rows]
        return PostTable(
            accounts=self.accounts,
            account=self.account[rows],
            ts=self.ts[rows],
            texts=[self.texts[r] for r in picked],
            links=[self.links[r] for r in picked],
            phash=self.phash[rows],
            has_media=self.has_media[rows],
            reply_to=[self.reply_to[r] for r in picked],
            post_ids=[self.post_ids[r] for r in picked] if self.post_ids else [],
            handles=self.handles,
            media_refs=[self.media_refs[r] for r in picked] if self.media_refs else [],
        )


def from_rows(rows: Sequence[PostRow]) -> PostTable:
    """Columns of parsed rows, accounts numbered in order of first appearance."""
    index: dict[str, int] = {}
    handles: dict[str, str] = {}
    for row in rows:
        if row.account_id not in index:
            index[row.account_id] = len(index)
        handles.setdefault(row.account_id, row.handle)
    return PostTable(
        accounts=list(index),
        account=np.array([index[r.account_id] for r in rows], np.int32),
        ts=np.array([r.posted_ts for r in rows], np.float64),
        texts=[r.text for r in rows],
        links=[r.links for r in rows],
        phash=np.array([r.media_phash or 0 for r in rows], np.uint64),
        has_media=np.array([r.media_phash is not None for r in rows], bool),
        reply_to=[r.reply_to for r in rows],
        post_ids=[r.post_id for r in rows],
        handles=handles,
        media_refs=[r.media_ref for r in rows],
    )


def check_investigation(name: str) -> str:
    """The investigation id, or ValueError naming the rule."""
    if not _INVESTIGATION.match(name):
        raise ValueError(f"investigation {name!r}: {INVESTIGATION_RULE}")
    return name


@dataclass
class ImportReport:
    """What an import did."""

    added: int = 0
    duplicates: int = 0
    accounts: int = 0
    problems: list[LineProblem] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"{self.added} post(s) added, {self.duplicates} already present, "
            f"{self.accounts} new account(s), {len(self.problems)} line(s) rejected"
        )


def import_posts(store: LocalStore, investigation: str, path: Path) -> ImportReport:
    """Parse a posts file and store its good rows in the investigation."""
    check_investigation(investigation)
    parsed = read_posts(path)
    report = ImportReport(problems=parsed.problems)
    with store.transaction() as session:
        _store_rows(session, investigation, parsed.rows, report)
    return report


def _store_rows(
    session: Session, investigation: str, rows: Sequence[PostRow], report: ImportReport
) -> None:
    where = NetworkPost.investigation == investigation
    known = set(session.scalars(select(NetworkPost.post_id).where(where)))
    known_accounts = set(
        session.scalars(
            select(NetworkAccount.account_id).where(NetworkAccount.investigation == investigation)
        )
    )
    next_no = (session.scalar(select(func.max(NetworkPost.post_no)).where(where)) or 0) + 1
    posts: list[dict[str, object]] = []
    accounts: dict[str, dict[str, object]] = {}
    for row in rows:
        if row.post_id in known:
            report.duplicates += 1
            continue
        known.add(row.post_id)
        posts.append(_post_values(investigation, next_no + len(posts), row))
        if row.account_id not in known_accounts and row.account_id not in accounts:
            accounts[row.account_id] = {
                "investigation": investigation,
                "account_id": row.account_id,
                "handle": row.handle,
                "created_at": row.account_created_at,
                "signals": json.dumps(row.signals, sort_keys=True),
            }
    if posts:
        session.execute(insert(NetworkPost), posts)
    if accounts:
        session.execute(insert(NetworkAccount), list(accounts.values()))
    report.added, report.accounts = len(posts), len(accounts)


def _post_values(investigation: str, post_no: int, row: PostRow) -> dict[str, object]:
    return {
        "investigation": investigation,
        "post_no": post_no,
        "post_id": row.post_id,
        "account_id": row.account_id,
        "posted_at": row.posted_at,
        "posted_ts": row.posted_ts,
        "text": row.text,
        "links": json.dumps(list(row.links)),
        "media_ref": row.media_ref,
        "media_phash": None if row.media_phash is None else to_signed(row.media_phash),
        "reply_to": row.reply_to,
    }


def load_posts(session: Session, investigation: str) -> PostTable:
    """An investigation's posts as columns, in import order."""
    query = (
        select(
            NetworkPost.post_id,
            NetworkPost.account_id,
            NetworkPost.posted_ts,
            NetworkPost.text,
            NetworkPost.links,
            NetworkPost.media_phash,
            NetworkPost.reply_to,
            NetworkPost.media_ref,
        )
        .where(NetworkPost.investigation == investigation)
        .order_by(NetworkPost.post_no)
    )
    index: dict[str, int] = {}
    account, ts, texts, links, phash, media, reply, ids = [], [], [], [], [], [], [], []
    refs: list[str | None] = []
    for post_id, acc, posted, text, link_json, ph, reply_to, ref in session.execute(query):
        account.append(index.setdefault(acc, len(index)))
        ts.append(posted)
        texts.append(text)
        links.append(tuple(json.loads(link_json)))
        phash.append(0 if ph is None else to_unsigned(ph))
        media.append(ph is not None)
        reply.append(reply_to)
        ids.append(post_id)
        refs.append(ref)
    handles = {
        acc: handle
        for acc, handle in session.execute(
            select(NetworkAccount.account_id, NetworkAccount.handle).where(
                NetworkAccount.investigation == investigation
            )
        )
    }
    return PostTable(
        accounts=list(index),
        account=np.array(account, np.int32),
        ts=np.array(ts, np.float64),
        texts=texts,
        links=links,
        phash=np.array(phash, np.uint64),
        has_media=np.array(media, bool),
        reply_to=reply,
        post_ids=ids,
        handles=handles,
        media_refs=refs,
    )


def forget_posts(session: Session, investigation: str) -> None:
    """Drop an investigation's imported posts and accounts (not its events)."""
    session.execute(delete(NetworkPost).where(NetworkPost.investigation == investigation))
    session.execute(delete(NetworkAccount).where(NetworkAccount.investigation == investigation))
