"""The headless `veil` subcommands, run as a user would (in-process, no Qt)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.cli.main import build_parser, run
from tests.conftest import SHARED_MEDIA


def veil(*argv: str) -> int:
    return run(build_parser().parse_args(list(argv)))


def test_import_reports_bad_lines_and_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(SHARED_MEDIA / "rocket.jpg", tmp_path)
    good = {
        "external_id": "x-1",
        "category": "misinformation",
        "severity": 2,
        "reported_at": "2026-01-05T09:00:00Z",
        "media": ["rocket.jpg"],
    }
    feed = tmp_path / "in.jsonl"
    feed.write_text(
        json.dumps(good) + "\n" + json.dumps({**good, "external_id": "x-2", "severity": 0}) + "\n"
    )
    store_dir = str(tmp_path / "store")
    assert veil("--data-dir", store_dir, "import", str(feed)) == 1
    out = capsys.readouterr()
    assert "in.jsonl:2: severity: 0 is outside 1..4" in out.err
    assert "1 case(s) created" in out.out
    assert veil("--data-dir", store_dir, "import", str(feed), "--media", str(tmp_path)) == 1
    assert "0 case(s) created, 1 already present" in capsys.readouterr().out


def test_user_add_and_verify_names_a_tampered_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_dir = tmp_path / "store"
    assert (
        veil(
            "--data-dir",
            str(store_dir),
            "user",
            "add",
            "omar",
            "--role",
            "analyst",
            "--password",
            "long-password",
        )
        == 0
    )
    assert (
        veil(
            "--data-dir",
            str(store_dir),
            "user",
            "add",
            "omar",
            "--role",
            "analyst",
            "--password",
            "long-password",
        )
        == 2
    )
    assert "already exists" in capsys.readouterr().err
    feed = tmp_path / "in.jsonl"
    rows = [
        {
            "external_id": f"t-{n}",
            "category": "spam_scams",
            "severity": 1,
            "reported_at": "2026-01-05T09:00:00Z",
        }
        for n in range(5)
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert veil("--data-dir", str(store_dir), "import", str(feed)) == 0
    assert veil("--data-dir", str(store_dir), "verify") == 0
    assert "ok: 5 events" in capsys.readouterr().out
    conn = sqlite3.connect(store_dir / "veil.db")
    conn.execute("DROP TRIGGER events_no_update")
    victim = conn.execute("SELECT event_id FROM events WHERE device_seq = 3").fetchone()[0]
    conn.execute("UPDATE events SET payload = replace(payload, 't-2', 't-9') WHERE device_seq = 3")
    conn.commit()
    conn.close()
    assert veil("--data-dir", str(store_dir), "verify") == 1
    assert f"event {victim}: hash does not match content" in capsys.readouterr().out
