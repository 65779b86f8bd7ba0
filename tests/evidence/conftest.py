"""Cases with drawn media for the evidence tests: imported, then decided and closed."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from app.domain.policies import PolicySet
from app.log.store import LocalStore
from app.review.intake import Intake
from db.models import Case


def import_cases(
    store: LocalStore, policies: PolicySet, folder: Path, category: str, count: int
) -> list[str]:
    """count cases of category, each with one drawn picture; their case ids."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in range(count):
        picture = np.zeros((48, 64, 3), np.uint8)
        cv2.circle(picture, (32, 24), 6 + n, (40 * n % 255, 120, 200), -1)
        cv2.imwrite(str(folder / f"{category}-{n}.png"), picture)
        rows.append(
            {
                "external_id": f"{category}-{n}",
                "category": category,
                "severity": 2,
                "reported_at": "2026-01-05T09:00:00Z",
                "report_reason": "test",
                "media": [f"{category}-{n}.png"],
            }
        )
    feed = folder / f"{category}.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = Intake(store, policies, "intake").import_file(feed, folder)
    assert len(report.created) == count, report.problems
    with store.read() as session:
        ids = {c.external_id: c.case_id for c in session.query(Case)}
    return [ids[r["external_id"]] for r in rows]


def close_case(store: LocalStore, policies: PolicySet, case_id: str, actor: str = "mo") -> None:
    """Lease, decide and close one case as the events a desk would write."""
    with store.transaction() as session:
        case = session.get(Case, case_id)
        assert case is not None
        action = policies[case.category].actions[0].id
        store.append(session, actor=actor, kind="case.leased", case_id=case_id, payload={})
        store.append(
            session,
            actor=actor,
            kind="decision.recorded",
            case_id=case_id,
            payload={"action": action},
        )
        store.append(session, actor=actor, kind="case.closed", case_id=case_id, payload={})
