"""`veil import FILE --hub URL` and `veil hub demo`: bring cases into the team hub.

The file is checked line by line exactly as a local import does (app/review/intake.py), and its
media is copied into this workstation's cache. The media goes up first as blobs, then the
cases through the hub's intake (which skips external ids the team already has), then a
sync brings the new cases back down as the hub recorded them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.policies import PolicySet
from app.review.intake import Intake, IntakeReport
from app.sync.client import HubUser
from app.sync.engine import SyncEngine

INTAKE_BATCH = 500


@dataclass
class HubImportReport:
    """What an import into the hub did."""

    local: IntakeReport
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    blobs: int = 0

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"{len(self.created)} case(s) created on the hub, {len(self.skipped)} already "
            f"there, {len(self.local.duplicates)} already here, {self.blobs} media uploaded, "
            f"{len(self.local.problems)} line(s) rejected"
        )


def import_to_hub(
    engine: SyncEngine, policies: PolicySet, user: str, path: Path, media_dir: Path | None
) -> HubImportReport:
    """Check path's lines, upload their media, create the cases on the hub, sync them down."""
    who = engine.who(user)
    report = HubImportReport(IntakeReport())
    intake = Intake(engine.store, policies, actor=user)
    batch: list[dict[str, Any]] = []
    for payload in intake.payloads(path, media_dir, report.local):
        batch.append(_spec(payload, who))
        if len(batch) >= INTAKE_BATCH:
            _send(engine, user, batch, report)
            batch = []
    _send(engine, user, batch, report)
    engine.sync(user)
    return report


def _spec(payload: dict[str, Any], user: HubUser) -> dict[str, Any]:
    # The hub files cases under the importer's team; a local import's default means nothing.
    return {**payload, "team": user.team}


def _send(
    engine: SyncEngine, user: str, specs: list[dict[str, Any]], report: HubImportReport
) -> None:
    if not specs:
        return
    client = engine.authorized(user)
    for sha in sorted({m["sha256"] for spec in specs for m in spec["media"]}):
        report.blobs += client.put_blob(sha, engine.store.blobs.read(sha))
    answer = client.intake(specs)
    report.created += [c["external_id"] for c in answer["created"]]
    report.skipped += list(answer["skipped"])
