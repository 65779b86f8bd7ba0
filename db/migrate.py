"""Create and upgrade the local store schema with Alembic; nothing else creates tables.

Opening a store that is already at the newest revision (every start but the first after
an upgrade) needs no Alembic at all: the revision the file is at is one query of
`alembic_version`, and the newest shipped revision is read from the migration scripts'
`revision` / `down_revision` lines. Alembic (about 0.15 s of imports) loads only when a
migration has to run.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

# `revision = "0007"` / `down_revision = None` at the top of a migration script.
_ASSIGNMENT = re.compile(
    r"^(revision|down_revision)\s*(?::[^=]+)?=\s*(?:\"([^\"]*)\"|'([^']*)'|(None))\s*$", re.M
)


class MigrationScriptError(Exception):
    """A migration script whose revision line cannot be read."""


def migrations_dir() -> Path:
    """The Alembic script directory (inside a PyInstaller bundle too)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "db" / "migrations"
    return Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs on this engine's connections."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (head by default)."""
    if revision == "head" and current_revision(engine) == head_revision():
        return  # the usual case when a store opens: Alembic is not even imported
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty file."""
    with engine.connect() as conn:
        try:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        except OperationalError as exc:
            if "no such table" not in str(exc.orig):
                raise
            return None  # no alembic_version table: nothing was ever migrated
    if len(rows) > 1:  # branches: never shipped, but Alembic is the one to sort them out
        from alembic.runtime.migration import MigrationContext

        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    return str(rows[0][0]) if rows else None


@functools.cache
def head_revision() -> str | None:
    """The newest revision shipped with this build (the one no script names as its
    `down_revision`)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in sorted((migrations_dir() / "versions").glob("*.py")):
        if script.name.startswith("_"):
            continue
        found = dict(
            (name, quoted or single or None)
            for name, quoted, single, _none in _ASSIGNMENT.findall(
                script.read_text(encoding="utf-8")
            )
        )
        if "revision" not in found or not found["revision"] or "down_revision" not in found:
            raise MigrationScriptError(
                f'{script}: no `revision = "…"` and `down_revision = …` lines at the top level'
            )
        revisions.add(str(found["revision"]))
        if found["down_revision"]:
            parents.add(str(found["down_revision"]))
    heads = revisions - parents
    if len(heads) > 1:
        raise MigrationScriptError(
            f"{migrations_dir() / 'versions'}: more than one head revision ({sorted(heads)})"
        )
    return next(iter(heads), None)
