"""The case lifecycle: which command may move a case from which status to which.

new -> leased -> decided / escalated -> closed, plus conflict (two decisions that did not
see each other, found at sync) which a lead adjudicates back to decided. A leased case can
also be released or skipped back to its queue, and a lead can assign an open case.
"""

from __future__ import annotations

from enum import StrEnum

# A decision's author may take it back (undo) for this long after recording it; the hub
# holds every retraction to the same window.
UNDO_SECONDS = 10


class CaseStatus(StrEnum):
    """Where a case is in its life."""

    NEW = "new"
    LEASED = "leased"
    DECIDED = "decided"
    ESCALATED = "escalated"
    CONFLICT = "conflict"
    CLOSED = "closed"


class Command(StrEnum):
    """What a person can do to a case."""

    LEASE = "lease"
    RELEASE = "release"
    SKIP = "skip"
    REASSIGN = "reassign"
    DECIDE = "decide"
    RETRACT = "retract"
    ESCALATE = "escalate"
    CLOSE = "close"
    ADJUDICATE = "adjudicate"


S, C = CaseStatus, Command
TRANSITIONS: dict[tuple[CaseStatus, Command], CaseStatus] = {
    (S.NEW, C.LEASE): S.LEASED,
    (S.ESCALATED, C.LEASE): S.LEASED,
    (S.LEASED, C.LEASE): S.LEASED,
    (S.LEASED, C.RELEASE): S.NEW,
    (S.LEASED, C.SKIP): S.NEW,
    (S.NEW, C.REASSIGN): S.LEASED,
    (S.LEASED, C.REASSIGN): S.LEASED,
    (S.ESCALATED, C.REASSIGN): S.LEASED,
    (S.LEASED, C.DECIDE): S.DECIDED,
    (S.LEASED, C.ESCALATE): S.ESCALATED,
    (S.DECIDED, C.RETRACT): S.LEASED,
    # An analyst's final decision closes the case; undo within the window reopens it.
    (S.CLOSED, C.RETRACT): S.LEASED,
    (S.DECIDED, C.CLOSE): S.CLOSED,
    (S.DECIDED, C.ESCALATE): S.ESCALATED,
    (S.CONFLICT, C.ADJUDICATE): S.DECIDED,
}

_HINTS = {
    C.DECIDE: "open (lease) it first",
    C.ESCALATE: "open (lease) it first",
    C.RELEASE: "only a leased case can be released",
    C.SKIP: "only a case you hold can be skipped",
    C.REASSIGN: "only an open case can be assigned to someone",
    C.CLOSE: "only a decided case can be closed",
    C.RETRACT: "only a decided case can have its decision retracted",
    C.ADJUDICATE: "only a case in conflict is adjudicated",
    C.LEASE: "it is no longer open for review",
}


class IllegalTransition(Exception):
    """A command that the case's current status does not allow."""

    def __init__(self, status: CaseStatus, command: Command) -> None:
        super().__init__(f"cannot {command.value} a case that is {status.value}: {_HINTS[command]}")
        self.status = status
        self.command = command


def next_status(status: str, command: Command) -> CaseStatus:
    """The status after `command`, or IllegalTransition."""
    current = CaseStatus(status)
    try:
        return TRANSITIONS[(current, command)]
    except KeyError:
        raise IllegalTransition(current, command) from None
