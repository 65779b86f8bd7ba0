"""Sealing a media cache in place: the plain blobs of a store made before encryption.

One blob at a time, each checked against its hash and replaced atomically by its sealed
copy, so an interrupted run leaves every blob either plain or sealed (never half) and
simply goes on at the next one; reading works throughout (db/blobs.py reads both).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from db.blobs import BlobCorrupt, BlobStore

Progress = Callable[[int, int], None]


@dataclass
class SealReport:
    """What a sealing pass did; `damaged` blobs were left as they are (never read)."""

    sealed: int = 0
    already: int = 0
    damaged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal or the status bar."""
        text = f"{self.sealed} media file(s) encrypted, {self.already} already encrypted"
        return text + (f", {len(self.damaged)} damaged left alone" if self.damaged else "")


def plain_blobs(blobs: BlobStore) -> list[str]:
    """The stored blobs not sealed yet."""
    return [sha for sha in blobs.stored() if not blobs.is_sealed(sha)]


def seal_store(
    blobs: BlobStore, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
) -> SealReport:
    """Seal every plain blob; progress(done, total) after each; stops when cancelled()."""
    every = list(blobs.stored())
    report = SealReport()
    for done, sha in enumerate(every, start=1):
        if cancelled is not None and cancelled():
            break
        try:
            if blobs.seal_in_place(sha):
                report.sealed += 1
            else:
                report.already += 1
        except BlobCorrupt:
            report.damaged.append(sha)
        if progress is not None:
            progress(done, len(every))
    return report
