"""Calibration sessions: a lead picks N cases, the whole team decides each independently.

`calibration.opened` names the cases and the participants; each participant's call is a
`calibration.voted` event; `calibration.closed` ends it. Until a session is closed a
participant sees only their own votes, so nobody is anchored by a colleague's answer.
The result is `app.quality.calibration.calibrate`: the agreement table, each person's
alignment with the majority, Fleiss' kappa and Krippendorff's alpha.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from app.domain.kinds import EventKind
from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.log.events import EventRecord, uuid7
from app.log.folding import record_of
from app.log.registry import PayloadError, registry
from app.log.store import LocalStore
from app.qa.content import CaseContent, DecidedCase, case_content, recent_decided
from app.qa.kinds import CalibrationClosed, CalibrationOpened, CalibrationVoted
from app.qa.rules import require_lead
from app.quality.calibration import CalibrationResult, CalibrationVote, calibrate
from app.review.reviewdesk import AccessDenied, FormError
from db.models import Case, Event

K = EventKind
_KINDS = (K.CALIBRATION_OPENED, K.CALIBRATION_VOTED, K.CALIBRATION_CLOSED)


@dataclass(frozen=True)
class CalibrationSession:
    """One session: its cases, who takes part, the votes visible to the reader."""

    session_id: str
    title: str
    case_ids: tuple[str, ...]
    participants: tuple[str, ...]
    opened_by: str
    opened_at: str
    closed_at: str | None
    votes: tuple[CalibrationVote, ...]

    @property
    def is_open(self) -> bool:
        """Votes are still being taken."""
        return self.closed_at is None

    def voted(self, person: str) -> set[str]:
        """Cases this person has voted on."""
        return {v.case_id for v in self.votes if v.reviewer == person}

    def progress(self) -> str:
        """'12 of 40 votes'."""
        return f"{len(self.votes)} of {len(self.case_ids) * len(self.participants)} votes"


class Calibration:
    """Open, vote in, close and tabulate calibration sessions."""

    def __init__(self, store: LocalStore, policies: PolicySet, person: Reviewer) -> None:
        self._store = store
        self.policies = policies
        self.person = person

    def open_session(
        self, title: str, case_ids: list[str], participants: list[str]
    ) -> CalibrationSession:
        """Start a session (leads only): at least 2 cases and 2 participants."""
        require_lead(self.person, "open calibration sessions")
        problems = {}
        if len(set(case_ids)) < 2:
            problems["cases"] = "pick at least 2 cases"
        if len(set(participants)) < 2:
            problems["participants"] = "pick at least 2 people"
        if not title.strip():
            problems["title"] = "give the session a title"
        if problems:
            raise FormError(problems)
        session_id = uuid7()
        payload = {
            "session": session_id,
            "title": title.strip(),
            "cases": list(dict.fromkeys(case_ids)),
            "participants": sorted(set(participants)),
        }
        self._append(K.CALIBRATION_OPENED, None, payload)
        return self.session(session_id)

    def candidates(self, limit: int = 300) -> list[DecidedCase]:
        """Recently decided cases a lead may put into a session."""
        with self._store.transaction() as db:
            return recent_decided(db, self.person, limit)

    def sessions(self) -> list[CalibrationSession]:
        """Sessions this person runs (leads: all) or takes part in, newest first."""
        found = self._fold()
        visible = [s for s in found if self._is_lead() or self.person.username in s.participants]
        return sorted(visible, key=lambda s: s.opened_at, reverse=True)

    def session(self, session_id: str) -> CalibrationSession:
        """One session; KeyError when unknown or not visible to this person."""
        for found in self.sessions():
            if found.session_id == session_id:
                return found
        raise KeyError(f"no calibration session {session_id}")

    def todo(self) -> list[tuple[CalibrationSession, str]]:
        """(session, case) pairs this person still has to vote on, in open sessions."""
        me = self.person.username
        return [
            (s, case_id)
            for s in self.sessions()
            if s.is_open and me in s.participants
            for case_id in s.case_ids
            if case_id not in s.voted(me)
        ]

    def content(self, session_id: str, case_id: str) -> CaseContent:
        """A session case as the participant decides it (no decision shown)."""
        session = self.session(session_id)
        if case_id not in session.case_ids:
            raise KeyError(f"case {case_id} is not part of this session")
        with self._store.transaction() as db:
            return case_content(db, case_id, self.person)

    def vote(self, session_id: str, case_id: str, action: str) -> EventRecord:
        """Record this participant's own call on one case, once."""
        session = self.session(session_id)
        me = self.person.username
        if me not in session.participants:
            raise AccessDenied("you are not a participant of this session")
        if not session.is_open:
            raise FormError({"session": "this session is closed"})
        if case_id not in session.case_ids:
            raise KeyError(f"case {case_id} is not part of this session")
        if case_id in session.voted(me):
            raise FormError({"action": "you have already decided this case"})
        content = self.content(session_id, case_id)
        try:
            self.policies[content.category].action(action)
        except KeyError:
            raise FormError({"action": f"{action!r} is not an action of this policy"}) from None
        payload = {"session": session_id, "policy": content.category, "action": action}
        return self._append(K.CALIBRATION_VOTED, case_id, payload)

    def close(self, session_id: str) -> EventRecord:
        """End the session (leads only); the table becomes visible to participants."""
        require_lead(self.person, "close calibration sessions")
        if not self.session(session_id).is_open:
            raise FormError({"session": "this session is already closed"})
        return self._append(K.CALIBRATION_CLOSED, None, {"session": session_id})

    def result(self, session_id: str) -> CalibrationResult:
        """The agreement table (leads: any time; participants: once closed)."""
        session = self.session(session_id)
        if session.is_open and not self._is_lead():
            raise AccessDenied("the table is shown when the lead closes the session")
        return calibrate(session.votes)

    # --- internals ----------------------------------------------------------------

    def _is_lead(self) -> bool:
        return self.person.at_least(Role.LEAD)

    def _fold(self) -> list[CalibrationSession]:
        query = select(Event).where(Event.kind.in_([str(k) for k in _KINDS])).order_by(Event.id)
        with self._store.transaction() as db:
            records = [record_of(row) for row in db.scalars(query)]
        states: dict[str, _State] = {}
        for rec in records:
            _apply(states, rec)
        return [self._session(state) for state in states.values()]

    def _session(self, state: _State) -> CalibrationSession:
        mine_only = state.closed_at is None and not self._is_lead()
        votes = [
            v for v in state.votes.values() if not mine_only or v.reviewer == self.person.username
        ]
        return CalibrationSession(
            session_id=state.session_id,
            title=state.title,
            case_ids=state.case_ids,
            participants=state.participants,
            opened_by=state.opened_by,
            opened_at=state.opened_at,
            closed_at=state.closed_at,
            votes=tuple(votes),
        )

    def _append(
        self, kind: EventKind, case_id: str | None, payload: Mapping[str, object]
    ) -> EventRecord:
        with self._store.transaction() as db:
            case = db.get(Case, case_id) if case_id else None
            head = case.head_event_id if case is not None else None
            return self._store.append(
                db,
                actor=self.person.username,
                kind=kind,
                case_id=case_id,
                payload=payload,
                seen_head=head,
            )


@dataclass
class _State:
    """A session while its events are folded."""

    session_id: str
    title: str
    case_ids: tuple[str, ...]
    participants: tuple[str, ...]
    opened_by: str
    opened_at: str
    closed_at: str | None = None
    votes: dict[tuple[str, str], CalibrationVote] = field(default_factory=dict)


def _apply(states: dict[str, _State], rec: EventRecord) -> None:
    """Fold one calibration event into the per-session state."""
    try:
        p = registry().decode(rec.kind, rec.payload)
    except PayloadError:
        return  # kept in the log and read as nothing
    if isinstance(p, CalibrationOpened):
        states.setdefault(
            p.session,
            _State(
                p.session,
                p.title,
                tuple(p.cases),
                tuple(p.participants),
                rec.actor,
                rec.created_at,
            ),
        )
        return
    if not isinstance(p, CalibrationVoted | CalibrationClosed):
        return
    state = states.get(p.session)
    if state is None or state.closed_at is not None:
        return
    if isinstance(p, CalibrationClosed):
        state.closed_at = rec.created_at
    elif isinstance(p, CalibrationVoted) and rec.case_id:
        # One vote per person and case: the first counts (an offline resend is ignored).
        vote = CalibrationVote(rec.case_id, rec.actor, p.action)
        state.votes.setdefault((rec.case_id, rec.actor), vote)
