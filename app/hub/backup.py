"""`veil hub backup DEST`: an online, consistent copy of the hub's database.

The hub keeps everything in its database: events, users, tokens (as hashes), leases and
media blobs (the `blobs` table), so one consistent copy of the database is a whole hub.

- SQLite: sqlite3's online backup API copies hub.db page by page while the hub keeps
  serving; the copy is one snapshot (a write during the copy restarts it from that
  point) and is checked with `PRAGMA quick_check`. DEST is a new file, mode 0600.
- PostgreSQL: `pg_dump -Fc` (a consistent snapshot in one transaction), restored with
  `pg_restore`. pg_dump must be on PATH (the PostgreSQL client tools of the server's
  major version); without it the error says what to run.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from app.hub.admin import sqlite_file
from app.log.paths import private_file

PAGES_PER_STEP = 1024


class BackupError(Exception):
    """The backup could not be made (the message says why and what to do)."""


@dataclass(frozen=True)
class BackupReport:
    """What a backup wrote: where, how (sqlite or pg_dump), its size, what it holds."""

    dest: Path
    method: str
    size: int
    detail: str

    def summary(self) -> str:
        """One line for the operator."""
        return (
            f"hub backup ({self.method}) written to {self.dest}: {self.size} bytes, {self.detail}"
        )


def backup(db_url: str, dest: Path) -> BackupReport:
    """Copy the hub database at db_url into the new file dest."""
    dest = dest.expanduser().resolve()
    if dest.exists():
        raise BackupError(f"DEST: {dest} exists already; a backup goes to a new file")
    if not dest.parent.is_dir():
        raise BackupError(f"DEST: the folder {dest.parent} does not exist")
    source = sqlite_file(db_url)
    if source is not None:
        return _sqlite(source, dest)
    if make_url(db_url).get_backend_name() == "postgresql":
        return _postgres(db_url, dest)
    raise BackupError(f"--db: {db_url} is neither a sqlite:/// file nor a postgresql:// URL")


def _sqlite(source: Path, dest: Path) -> BackupReport:
    if not source.is_file():
        raise BackupError(f"--db: {source} does not exist (is this the hub's database?)")
    # Read-write open (no create): a WAL database needs its -shm to read a snapshot.
    src = sqlite3.connect(f"file:{source}?mode=rw", uri=True, timeout=30)
    private_file(dest)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
            check = dst.execute("PRAGMA quick_check").fetchone()[0]
            events = _count(dst, "events")
            blobs = _count(dst, "blobs")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        dest.unlink(missing_ok=True)
        raise BackupError(f"cannot back up {source}: {exc}") from None
    finally:
        src.close()
    if check != "ok":
        dest.unlink(missing_ok=True)
        raise BackupError(f"the copy of {source} does not check out ({check}); nothing kept")
    detail = f"{events} events, {blobs} media blobs"
    return BackupReport(dest, "sqlite online backup", dest.stat().st_size, detail)


def _count(conn: sqlite3.Connection, table: str) -> int:
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # not a migrated hub database yet


def pg_dump_command(db_url: str, dest: Path) -> tuple[list[str], dict[str, str]]:
    """The pg_dump command line for db_url and the environment it needs (the password
    goes in PGPASSWORD, never on the command line where `ps` would show it)."""
    url = make_url(db_url)
    env = {} if url.password is None else {"PGPASSWORD": str(url.password)}
    plain = url.set(drivername="postgresql", password=None)
    target = plain.render_as_string(hide_password=False)
    return ["pg_dump", "-Fc", "--no-owner", "-f", str(dest), "-d", target], env


def _postgres(db_url: str, dest: Path) -> BackupReport:
    command, env = pg_dump_command(db_url, dest)
    if shutil.which("pg_dump") is None:
        raise BackupError(
            "pg_dump is not on PATH: install the PostgreSQL client tools (the server's "
            f"major version), or run on a machine that has them: {' '.join(command)}"
        )
    private_file(dest)
    done = subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        dest.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    detail = f"restore with: pg_restore --no-owner -d NEW_DATABASE {dest}"
    return BackupReport(dest, "pg_dump -Fc", dest.stat().st_size, detail)
