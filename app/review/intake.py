"""Intake: `veil import FILE.jsonl|FILE.csv --media DIR` turns reports into cases.

Each bad line is reported with file, line and field and skipped; the good lines go in.
Re-importing the same external ids creates nothing twice. Media paths must stay inside
the media folder. One JSONL line (or CSV row) looks like:

    {"external_id": "r-1001", "category": "spam_scams", "subcategory": "phishing",
     "severity": 3, "title": "...", "report_reason": "...", "text": "...",
     "reported_at": "2026-01-05T09:00:00Z", "report_count": 4, "media": ["a.jpg"],
     "account_id": "the posting account's platform id (optional)"}

CSV has the same columns; `media` is a `;`-separated list.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.domain.kinds import EventKind
from app.domain.policies import PolicySet
from app.domain.queues import QueueSet, bundled_queues
from app.dupes.phash import media_hashes
from app.imaging.media_types import sniff_media
from app.log.clock import iso, parse_iso
from app.log.events import uuid7
from app.log.store import LocalStore
from db.models import Case

BATCH = 200


@dataclass(frozen=True)
class IntakeProblem:
    """One rejected line: where it is and which field is wrong."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


@dataclass
class IntakeReport:
    """What an import did."""

    created: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    problems: list[IntakeProblem] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the CLI."""
        return (
            f"{len(self.created)} case(s) created, {len(self.duplicates)} already present, "
            f"{len(self.problems)} line(s) rejected"
        )


class _Bad(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | _Bad]]:
    """(line number, row or parse error) for each record of a JSONL or CSV file."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            for row in reader:
                media = [m.strip() for m in (row.get("media") or "").split(";") if m.strip()]
                yield (
                    reader.line_num,
                    {k: v for k, v in row.items() if v not in ("", None)} | {"media": media},
                )
        return
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, _Bad("(line)", f"not valid JSON: {exc.msg} at column {exc.colno}")
                continue
            yield number, row if isinstance(row, dict) else _Bad("(line)", "expected an object")


class Intake:
    """Validates report rows against the policies and writes case.ingested events."""

    def __init__(
        self, store: LocalStore, policies: PolicySet, actor: str, queues: QueueSet | None = None
    ) -> None:
        self._store = store
        self._policies = policies
        self._actor = actor
        self._queues = queues or bundled_queues(policies)

    def import_file(self, path: Path, media_dir: Path | None = None) -> IntakeReport:
        """Import every good line of path; see the module docstring for the format."""
        report = IntakeReport()
        pending: list[dict[str, Any]] = []
        for payload in self.payloads(path, media_dir, report):
            pending.append(payload)
            if len(pending) >= BATCH:
                report.created += self._write(pending)
                pending = []
        report.created += self._write(pending)
        return report

    def payloads(
        self, path: Path, media_dir: Path | None, report: IntakeReport
    ) -> Iterator[dict[str, Any]]:
        """The case.ingested payloads of path's good, new lines (media copied into the blob
        store); bad lines and known external ids are noted in report. Writes no event."""
        media_root = (media_dir or path.parent).resolve()
        seen = self._known_external_ids()
        for number, row in read_rows(path):
            try:
                if isinstance(row, _Bad):
                    raise row
                payload = self._payload(row, media_root)
            except _Bad as bad:
                report.problems.append(IntakeProblem(path.name, number, bad.field, bad.message))
                continue
            if payload["external_id"] in seen:
                report.duplicates.append(payload["external_id"])
                continue
            seen.add(payload["external_id"])
            yield payload

    def _known_external_ids(self) -> set[str]:
        with self._store.transaction() as session:
            return {e for e in session.scalars(select(Case.external_id)) if e is not None}

    def _write(self, payloads: list[dict[str, Any]]) -> list[str]:
        if not payloads:
            return []
        with self._store.transaction() as session:
            for payload in payloads:
                self._store.append(
                    session,
                    actor=self._actor,
                    kind=EventKind.CASE_INGESTED,
                    case_id=uuid7(),
                    payload=payload,
                )
        return [p["external_id"] for p in payloads]

    def _payload(self, row: dict[str, Any], media_root: Path) -> dict[str, Any]:
        external_id = _text(row, "external_id", required=True)
        category = _text(row, "category", required=True)
        if category not in self._policies:
            known = ", ".join(self._policies.ids())
            raise _Bad("category", f"unknown category {category!r} (known: {known})")
        policy = self._policies[category]
        subcategory = _text(row, "subcategory") or None
        if subcategory is not None and subcategory not in policy.subcategories:
            raise _Bad("subcategory", f"{subcategory!r} is not a subcategory of {category}")
        severity = _severity(row, max(policy.severity_labels))
        reported_at = _reported_at(row)
        # Routed by the queue files (app/domain/queues.py); the SLA clock starts at the report.
        queue = self._queues.route(category, severity)
        deadline = self._queues.deadline(queue.id, severity, parse_iso(reported_at))
        account = _text(row, "account_id")[:200]
        return ({"account_id": account} if account else {}) | {
            "external_id": external_id,
            "category": category,
            "subcategory": subcategory,
            "severity": severity,
            "queue": queue.id,
            "sla_started_at": reported_at,
            "sla_deadline": iso(deadline),
            "clearance": policy.clearance,
            "team": _text(row, "team") or "default",
            "title": _text(row, "title") or f"{policy.name} report {external_id}",
            "report_reason": _text(row, "report_reason"),
            "text": _text(row, "text"),
            "reported_at": reported_at,
            "report_count": _count(row),
            "media": [self._media(media_root, ref, n) for n, ref in enumerate(_media(row))],
        }

    def _media(self, root: Path, ref: str, n: int) -> dict[str, Any]:
        where = f"media[{n}]"
        candidate = (root / ref).resolve()
        if not candidate.is_relative_to(root):
            raise _Bad(where, f"{ref!r} is outside the media folder {root}")
        if not candidate.is_file():
            raise _Bad(where, f"{ref!r} not found in {root}")
        kind, mime = sniff_media(candidate)
        if kind == "unknown":
            raise _Bad(where, f"{ref!r} is not an image or video Veil can read")
        sha256, size = self._store.blobs.put_file(candidate)
        return {
            "sha256": sha256,
            "kind": kind,
            "mime": mime,
            "filename": Path(ref).name,
            "size": size,
            # Perceptual hashes for near-duplicate clusters (app/dupes): the image, or
            # the video's keyframes.
            "phash": [
                {"frame": frame, "hash": f"{value:016x}"}
                for frame, value in media_hashes(candidate, kind)
            ],
        }


def _text(row: dict[str, Any], key: str, required: bool = False) -> str:
    value = row.get(key)
    if value is None or value == "":
        if required:
            raise _Bad(key, "missing")
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise _Bad(key, "expected text")
    return str(value).strip()


def _severity(row: dict[str, Any], top: int) -> int:
    try:
        level = int(row.get("severity", ""))
    except (TypeError, ValueError):
        raise _Bad("severity", f"expected a whole number from 1 to {top}") from None
    if not 1 <= level <= top:
        raise _Bad("severity", f"{level} is outside 1..{top}")
    return level


def _reported_at(row: dict[str, Any]) -> str:
    raw = row.get("reported_at")
    if raw in (None, ""):
        raise _Bad("reported_at", "missing (ISO 8601, e.g. 2026-01-05T09:00:00Z)")
    try:
        return iso(parse_iso(str(raw)))
    except ValueError:
        raise _Bad("reported_at", f"{raw!r} is not an ISO 8601 time") from None


def _count(row: dict[str, Any]) -> int:
    try:
        count = int(row.get("report_count", 1))
    except (TypeError, ValueError):
        raise _Bad("report_count", "expected a whole number") from None
    if count < 1:
        raise _Bad("report_count", "must be at least 1")
    return count


def _media(row: dict[str, Any]) -> list[str]:
    media = row.get("media", [])
    if not isinstance(media, list) or not all(isinstance(m, str) for m in media):
        raise _Bad("media", "expected a list of file names")
    return media
