"""The store's cheap schema check agrees with Alembic and leaves Alembic unloaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from db import migrate


def test_head_read_from_the_scripts_is_alembics_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(migrate.migrations_dir()))
    assert migrate.head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_a_script_without_a_revision_line_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "0001_x.py").write_text('revision = "0001"\ndown_revision = None\n')
    (versions / "0002_y.py").write_text("def upgrade() -> None: ...\n")
    monkeypatch.setattr(migrate, "migrations_dir", lambda: tmp_path)
    migrate.head_revision.cache_clear()
    try:
        with pytest.raises(migrate.MigrationScriptError, match="0002_y.py"):
            migrate.head_revision()
    finally:
        migrate.head_revision.cache_clear()


def test_opening_a_store_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from app.log.store import LocalStore;"
        f"LocalStore(Path({str(tmp_path)!r})).close();"  # first open: migrates
        "[sys.modules.pop(m) for m in list(sys.modules) if m.startswith('alembic')];"
        f"LocalStore(Path({str(tmp_path)!r})).close();"
        "print(sorted(m for m in sys.modules if m.startswith('alembic')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]", out.stderr
