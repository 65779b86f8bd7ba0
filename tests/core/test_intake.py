"""Intake: bad lines are named by file, line and field; good ones go in, once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.policies import PolicySet
from app.log.store import LocalStore
from app.review.intake import Intake
from db.models import Case, MediaItem
from tests.conftest import SHARED_MEDIA

GOOD = {
    "external_id": "r-1",
    "category": "spam_scams",
    "severity": 2,
    "reported_at": "2026-01-05T09:00:00Z",
    "report_reason": "scam",
    "media": ["coffee.png"],
}


@pytest.fixture
def media(tmp_path: Path) -> Path:
    folder = tmp_path / "media"
    folder.mkdir()
    shutil.copy(SHARED_MEDIA / "coffee.png", folder)
    return folder


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_good_and_bad_lines(
    store: LocalStore, policies: PolicySet, media: Path, tmp_path: Path
) -> None:
    feed = _jsonl(
        tmp_path / "feed.jsonl",
        [
            GOOD,
            "{not json",
            {**GOOD, "external_id": "r-2", "category": "weather"},
            {**GOOD, "external_id": "r-3", "severity": 9},
            {**GOOD, "external_id": "r-4", "media": ["../secret.png"]},
            {**GOOD, "external_id": "r-5", "media": ["missing.png"]},
            {**GOOD, "external_id": "r-6", "reported_at": "yesterday"},
            {k: v for k, v in GOOD.items() if k != "external_id"},
            {**GOOD, "external_id": "r-7", "media": []},
        ],
    )
    report = Intake(store, policies, "intake").import_file(feed, media)
    assert report.created == ["r-1", "r-7"]
    found = {(p.line, p.field) for p in report.problems}
    assert found == {
        (2, "(line)"),
        (3, "category"),
        (4, "severity"),
        (5, "media[0]"),
        (6, "media[0]"),
        (7, "reported_at"),
        (8, "external_id"),
    }
    assert str(report.problems[0]).startswith("feed.jsonl:2: (line): not valid JSON")
    assert "outside the media folder" in str(report.problems[3])


def test_reimport_creates_nothing_twice(
    store: LocalStore, policies: PolicySet, media: Path, tmp_path: Path
) -> None:
    feed = _jsonl(tmp_path / "feed.jsonl", [GOOD, {**GOOD, "external_id": "r-2"}, GOOD])
    first = Intake(store, policies, "intake").import_file(feed, media)
    second = Intake(store, policies, "intake").import_file(feed, media)
    assert (len(first.created), first.duplicates) == (2, ["r-1"])
    assert (second.created, len(second.duplicates)) == ([], 3)
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 2
        assert session.scalar(select(func.count()).select_from(MediaItem)) == 2
    assert len(list(store.blobs.root.glob("*/*"))) == 1  # same bytes stored once


def test_csv_import(store: LocalStore, policies: PolicySet, media: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "external_id,category,severity,reported_at,report_reason,media\n"
        "c-1,misinformation,3,2026-01-05T10:00:00Z,false cure,coffee.png\n"
        "c-2,misinformation,x,2026-01-05T10:00:00Z,bad severity,\n"
    )
    report = Intake(store, policies, "intake").import_file(feed, media)
    assert report.created == ["c-1"]
    assert [(p.file, p.line, p.field) for p in report.problems] == [("feed.csv", 3, "severity")]


def test_file_that_is_not_media_is_refused(
    store: LocalStore, policies: PolicySet, media: Path, tmp_path: Path
) -> None:
    (media / "notes.png").write_text("just text")
    feed = _jsonl(tmp_path / "f.jsonl", [{**GOOD, "media": ["notes.png"]}])
    report = Intake(store, policies, "intake").import_file(feed, media)
    assert report.created == [] and "not an image or video" in report.problems[0].message
