"""What a committed write changed: the cases and event kinds, told to listeners after commit.

A command or a pulled page writes in one transaction; the store notes each event's case
and kind as it is appended or applied, and only once the transaction has committed does
it tell its listeners (the UI's one store-changed signal). A rolled-back transaction
tells nobody, so a listener never repaints from a write that did not happen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """The cases and event kinds one committed transaction touched."""

    case_ids: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.case_ids or self.kinds)

    def __or__(self, other: Change) -> Change:
        return Change(self.case_ids | other.case_ids, self.kinds | other.kinds)


Listener = Callable[[Change], None]


@dataclass
class _Pending:
    """What an open transaction has changed so far."""

    case_ids: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)

    def change(self) -> Change:
        return Change(frozenset(self.case_ids), frozenset(self.kinds))


class ChangeFeed:
    """Per-transaction change notes and the listeners told after each commit.

    Transactions are keyed by their session: each thread writes through its own, so
    notes from a sync worker and a command never mix.
    """

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._open: dict[object, _Pending] = {}
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` after every committed change; returns the unsubscribe call."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def begin(self, session: object) -> None:
        """Start collecting for a write transaction."""
        self._open[session] = _Pending()

    def note(self, session: object, case_ids: Iterable[str | None], kinds: Iterable[str]) -> None:
        """Record cases and kinds written in this transaction (ignored outside one)."""
        pending = self._open.get(session)
        if pending is not None:
            pending.case_ids.update(c for c in case_ids if c is not None)
            pending.kinds.update(kinds)

    def end(self, session: object) -> Change:
        """Stop collecting; what the transaction changed (published only if it commits)."""
        pending = self._open.pop(session, None)
        return Change() if pending is None else pending.change()

    def publish(self, change: Change) -> None:
        """Tell every listener about a committed change (nothing for an empty one).

        The write is already committed: a failing listener is logged, never raised into
        the command that wrote."""
        if not change:
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:
                log.exception("a store-change listener failed on %s", change)
