"""Owner-only files: another account on the machine reads nothing of a workstation's data
dir (store, media cache, logs) nor of a SQLite hub's database.

Every test runs under umask 022, the common default, under which files come out
world-readable unless Veil says otherwise.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.hub.admin import open_hub_engine
from app.log.logs import setup_logging, stop_logging
from app.log.paths import private_dir, private_file
from app.log.store import LocalStore
from app.sync.link import HubLink


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_data_dir_is_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    setup_logging(folder)  # the command line sets logging up before it opens the store
    try:
        store = LocalStore(folder)
        try:
            sha = store.blobs.put_bytes(b"some media")
            with store.transaction():
                pass
            assert (folder / "veil.db-wal").exists()
            assert mode(folder) == 0o700
            for name in ("veil.db", "veil.db-wal", "veil.db-shm"):
                assert mode(folder / name) == 0o600, name
            assert mode(folder / "media") == 0o700
            blob = store.blobs.path_of(sha)
            assert mode(blob.parent) == 0o700 and mode(blob) == 0o600
            logging_file = folder / "logs" / "veil.log"
            assert mode(logging_file.parent) == 0o700 and mode(logging_file) == 0o600
        finally:
            store.close()
    finally:
        stop_logging()


def test_looser_permissions_are_tightened_on_open(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = LocalStore(folder)
    sha = store.blobs.put_bytes(b"some media")
    store.close()
    setup_logging(folder)
    stop_logging()
    fan_out = store.blobs.path_of(sha).parent
    loose = [folder, folder / "media", fan_out, folder / "logs"]
    for path in loose:
        os.chmod(path, 0o755)
    files = [folder / "veil.db", folder / "logs" / "veil.log"]
    (folder / "veil.db-wal").write_bytes(b"")
    (folder / "logs" / "veil.log.1").write_text("rotated\n", encoding="utf-8")
    files += [folder / "veil.db-wal", folder / "logs" / "veil.log.1"]
    for path in files:
        os.chmod(path, 0o644)
    (folder / "hub.json").write_text("{}", encoding="utf-8")
    files.append(folder / "hub.json")
    os.chmod(folder / "hub.json", 0o644)
    setup_logging(folder)
    store = LocalStore(folder)
    HubLink(folder)
    try:
        for path in loose:
            assert mode(path) == 0o700, path
        for path in files:
            assert mode(path) == 0o600, path
    finally:
        store.close()
        stop_logging()


def test_the_helpers_keep_the_owners_bits(tmp_path: Path) -> None:
    made = private_dir(tmp_path / "a" / "b")
    assert mode(made) == 0o700
    text = tmp_path / "note.txt"
    text.write_text("kept", encoding="utf-8")
    os.chmod(text, 0o444)
    private_file(text)
    assert mode(text) == 0o400 and text.read_text(encoding="utf-8") == "kept"
    fresh = private_file(tmp_path / "fresh")
    assert mode(fresh) == 0o600 and fresh.read_bytes() == b""


def test_a_sqlite_hub_database_is_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "hubdata"
    engine = open_hub_engine(f"sqlite:///{folder / 'hub.db'}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x)")
        assert mode(folder) == 0o700
        for name in ("hub.db", "hub.db-wal", "hub.db-shm"):
            assert mode(folder / name) == 0o600, name
    finally:
        engine.dispose()
    os.chmod(folder / "hub.db", 0o644)
    (folder / "hub.db-wal").write_bytes(b"")  # left by a hub that did not stop cleanly
    os.chmod(folder / "hub.db-wal", 0o666)
    engine = open_hub_engine(f"sqlite:///{folder / 'hub.db'}")
    try:
        assert mode(folder / "hub.db") == 0o600 and mode(folder / "hub.db-wal") == 0o600
    finally:
        engine.dispose()
