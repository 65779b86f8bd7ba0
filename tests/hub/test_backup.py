"""`veil hub backup DEST`: taken while the hub serves and writes, the copy restores to a hub
that serves the same events and media (SQLite: online backup API; PostgreSQL: pg_dump -Fc
restored with pg_restore)."""

from __future__ import annotations

import hashlib
import stat
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from app.audit.hub_check import verify_hub_db
from app.hub.process import HubProcess
from app.sync.client import HubClient
from db.hub.engine import make_engine, read_transaction
from widgets.shell.main import main as veil

from .hubproc import create_pg_database, drop_pg_database
from .world import PASSWORD, Team, head_seq


def media(data: bytes) -> dict[str, Any]:
    """A media reference for data."""
    sha = hashlib.sha256(data).hexdigest()
    return {"sha256": sha, "kind": "image", "mime": "image/png", "filename": "a.png",
            "size": len(data)}  # fmt: skip


def pulled(client: HubClient) -> list[tuple[int, str, str]]:
    """Every event the client's user sees: (server_seq, event_id, hash)."""
    seen, cursor = [], 0
    while True:
        events, cursor = client.pull(cursor, 1000)
        seen += [(e.server_seq or 0, e.event_id, e.hash) for e in events]
        if not events:
            return seen


def restore(db_url: str, dump: Path, tmp_path: Path) -> str:
    """The database URL the backup restores to: the copied file, or a new PostgreSQL
    database pg_restore filled."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{dump}"
    url = create_pg_database()
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run(["pg_restore", "--no-owner", "-d", libpq, str(dump)], check=True)
    return url


def test_a_backup_taken_while_the_hub_writes_restores_to_the_same_hub(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, hub: HubProcess, team: Team
) -> None:
    lead = team.member("lead")
    data = b"evidence " * 100
    ref = media(data)
    lead.client.put_blob(ref["sha256"], data)
    (case,) = team.cases(lead, media=[ref])
    lead.client.push(lead.device.device_id, lead.device.notes(20, case))
    writer = team.member("moderator")
    stop = threading.Event()

    def keep_writing() -> None:  # another user's events arrive during the backup
        while not stop.is_set():
            writer.client.push(writer.device.device_id, writer.device.notes(5))

    thread = threading.Thread(target=keep_writing)
    thread.start()
    dump = tmp_path / "hub-backup.db"
    try:
        status = veil(["hub", "backup", str(dump), "--db", hub.db_url])
    finally:
        stop.set()
        thread.join()
    out, err = capsys.readouterr()
    assert status == 0, err
    assert str(dump) in out
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    restored_url = restore(hub.db_url, dump, tmp_path)
    engine = make_engine(restored_url)
    restored = HubProcess(restored_url, tmp_path).start()
    try:
        with read_transaction(engine) as conn:
            assert verify_hub_db(conn).findings == []  # one consistent snapshot
        copied_head = head_seq(engine)
        with HubClient(restored.base_url) as client:
            client.login(lead.username, PASSWORD)
            assert client.get_blob(ref["sha256"]) == data
            again = pulled(client)
        live = [e for e in pulled(lead.client) if e[0] <= copied_head]
        assert again == live
        assert len(again) >= 21  # the case and the 20 notes at least
        assert veil(["hub", "backup", str(dump), "--db", hub.db_url]) == 1
        assert "exists already" in capsys.readouterr().err
    finally:
        restored.stop()
        engine.dispose()
        if not restored_url.startswith("sqlite"):
            drop_pg_database(restored_url)


def test_without_pg_dump_the_error_says_what_to_run(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    hub: HubProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    status = veil(["hub", "backup", str(tmp_path / "dump"), "--db", hub.db_url])
    err = capsys.readouterr().err
    if hub.db_url.startswith("sqlite"):
        assert status == 0  # SQLite needs no tool
        return
    assert status == 1
    assert "pg_dump is not on PATH" in err and "pg_dump -Fc" in err
    assert "PGPASSWORD" not in err
