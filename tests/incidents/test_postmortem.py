"""Close and learn: resolve, the post-mortem (figures, timeline, action items), export to
Markdown and PDF headless, cited hash-chain positions that stop verifying when an event
in the store is edited."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.cli.main import build_parser, run
from app.domain.people import Accounts
from app.incidents.cluster import decide_cluster
from app.incidents.commands import IncidentError
from app.incidents.queues import queue_id
from app.log.store import DB_FILENAME
from tests.review.conftest import World

from .conftest import incident_desk
from .test_contain import BASE, _item


def _veil(folder: Path, *argv: str) -> int:
    return run(build_parser().parse_args(["--data-dir", str(folder), *argv]))


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_resolve_post_mortem_export_and_verify(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = Accounts(world.store)
    accounts.add("lee", "password-123", "lead", "Lee", ())
    cases = [
        world.ingest("spam_scams", 2, reports=n + 1, media=[_item(n, BASE ^ n)])
        for n in range(1, 5)
    ]
    lead = incident_desk(world, "lee", "lead")
    incident_id = lead.declare("Flyer wave", 2, "spam_scams", from_case=cases[0])[0].payload[
        "incident_id"
    ]
    with pytest.raises(IncidentError, match="resolve the incident"):
        lead.postmortem(incident_id, "x", "y")
    review = world.desk("ana", "analyst")
    claim = review.claim_next([queue_id(incident_id)])
    assert claim is not None
    world.clock.advance(90)
    source = review.decide(
        claim.detail.row.case_id, "remove", {"rationale": "phishing kit, clause 2"}, "phishing"
    )
    world.clock.advance(30)
    decide_cluster(review, incident_id, source.event_id)
    update = lead.status_update(incident_id, "contained", "cluster removed", "none")
    world.clock.advance(600)
    lead.resolve(incident_id, "all re-uploads removed")
    with pytest.raises(IncidentError, match="resolved"):
        lead.change_severity(incident_id, 1)
    lead.postmortem(incident_id, "seeds caught every copy", "declared late")
    lead.action_item(incident_id, "Add OCR to terms", "sam", due="2026-02-01T00:00:00Z")
    folder = world.store.data_dir
    out_md, out_pdf = tmp_path / "pm.md", tmp_path / "pm.pdf"
    short = incident_id[:12]
    assert (
        _veil(
            folder,
            "incident",
            "export",
            short,
            "--as",
            "lee",
            "--format",
            "md",
            "--out",
            str(out_md),
        )
        == 0
    )
    assert (
        _veil(
            folder,
            "incident",
            "export",
            short,
            "--as",
            "lee",
            "--format",
            "pdf",
            "--out",
            str(out_pdf),
        )
        == 0
    )
    text = _pdf_text(out_pdf)
    assert "Items: 4 cases (4 media items)" in text
    assert "Reach proxy (report counts): 14" in text  # 2 + 3 + 4 + 5
    assert "Time to first action: 1 min 30 s" in text
    assert "Time to containment: 2 min 00 s" in text
    assert "seeds caught every copy" in text and "declared late" in text
    assert "Add OCR to terms - owner sam" in text
    assert "Status update" in text and "Conditions: contained" in text
    markdown = out_md.read_text()
    assert "## Impact" in markdown and update.event_id in markdown
    capsys.readouterr()
    assert _veil(folder, "incident", "verify-export", str(out_md)) == 0
    assert "every cited event verifies" in capsys.readouterr().out
    # Edit the status update in the store (dropping the append-only triggers, as an
    # attacker holding the file would): the audit names it, the export stops verifying.
    conn = sqlite3.connect(folder / DB_FILENAME)
    with conn:
        conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        conn.execute(
            "UPDATE events SET payload = replace(payload, 'contained', 'never happened') "
            "WHERE event_id = ?",
            (update.event_id,),
        )
    conn.close()
    assert _veil(folder, "audit", "verify") == 1
    assert f"event {update.event_id}" in capsys.readouterr().out
    assert _veil(folder, "incident", "verify-export", str(out_md)) == 1
    broken = capsys.readouterr().out
    assert f"BROKEN {update.event_id}: its stored content no longer matches" in broken
    assert broken.count("BROKEN") == 1


def test_the_cli_runs_an_incident_and_refuses_bad_arguments(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    Accounts(world.store).add("ana", "password-123", "analyst", "Ana", ())
    Accounts(world.store).add("mo", "password-123", "moderator", "Mo", ())
    case = world.ingest("spam_scams", 2, media=[_item(1, BASE)])
    folder = world.store.data_dir
    assert (
        _veil(
            folder,
            "incident",
            "declare",
            "--as",
            "ana",
            "--title",
            "Wave",
            "--sev",
            "3",
            "--category",
            "spam_scams",
            "--from-case",
            case,
        )
        == 0
    )
    incident_id = capsys.readouterr().out.strip()
    assert _veil(folder, "incident", "severity", incident_id[:8], "2", "--as", "ana") == 0
    assert (
        _veil(
            folder,
            "incident",
            "update",
            incident_id,
            "--as",
            "ana",
            "--conditions",
            "one case",
            "--actions",
            "watching",
        )
        == 0
    )
    capsys.readouterr()
    assert _veil(folder, "incident", "list", "--as", "ana") == 0
    listed = capsys.readouterr().out
    assert incident_id in listed and "SEV 2" in listed and "matched 1" in listed
    assert _veil(folder, "incident", "show", incident_id, "--as", "ana") == 0
    shown = capsys.readouterr().out
    assert "Status update: Conditions: one case" in shown and "SEV 3 -> SEV 2" in shown
    brief = world.store.data_dir.parent / "brief.pdf"
    assert _veil(folder, "incident", "brief", incident_id, "--as", "ana", "--out", str(brief)) == 0
    assert (
        "Matched 1; decided 0; open 1"
        in PdfReader(io.BytesIO(brief.read_bytes())).pages[0].extract_text()
    )
    assert _veil(folder, "incident", "note", incident_id, "x", "--as", "mo") == 2
    assert "analysts and leads" in capsys.readouterr().err
    assert _veil(folder, "incident", "note", "abc", "x", "--as", "ana") == 2
    assert "at least its first 8 characters" in capsys.readouterr().err
    assert _veil(folder, "incident", "note", incident_id, "x", "--as", "nobody") == 2
    assert "no local account 'nobody'" in capsys.readouterr().err
