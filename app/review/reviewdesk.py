"""What a reviewer does to cases: claim, decide, escalate, skip, release, undo, investigate.

`ReviewDesk` puts together the desk's command groups, each in its own module:
claiming (app/review/claiming.py), deciding (app/review/deciding.py), the analyst workspace
(app/review/analyst.py) and near-duplicate clusters (app/dupes/cluster.py), over the shared
queries and rules in app/review/desk.py. Each command is validated against the lifecycle, the
queues and the policy form, then written as events in one transaction. The UI calls
these; so do the CLI, the smoke check and the tests.
"""

from __future__ import annotations

from app.dupes.cluster import ClusterCommands, ClusterMember
from app.review.analyst import AnalystCommands, Link, MyEscalation, Note
from app.review.claiming import ASSIGN_SECONDS, SKIP_REASONS, Claim, ClaimCommands
from app.review.deciding import UNDO_SECONDS, DecideCommands, UndoExpired, describe_marks
from app.review.desk import ESCALATION_QUEUE, LEASE_SECONDS, fields_json
from app.review.types import (
    OPEN_STATUSES,
    AccessDenied,
    CaseDetail,
    CaseRow,
    EscalationInfo,
    FormError,
    MediaRef,
    QueueChoice,
)

__all__ = [
    "ASSIGN_SECONDS",
    "ESCALATION_QUEUE",
    "LEASE_SECONDS",
    "OPEN_STATUSES",
    "SKIP_REASONS",
    "UNDO_SECONDS",
    "AccessDenied",
    "CaseDetail",
    "CaseRow",
    "Claim",
    "ClusterMember",
    "EscalationInfo",
    "FormError",
    "Link",
    "MediaRef",
    "MyEscalation",
    "QueueChoice",
    "Note",
    "ReviewDesk",
    "UndoExpired",
    "describe_marks",
    "fields_json",
]


class ReviewDesk(ClaimCommands, DecideCommands, AnalystCommands, ClusterCommands):
    """One logged-in reviewer's commands and queries against the local store."""
