"""The hub's Alembic head and its SQLAlchemy models agree on both engines."""

from __future__ import annotations

from pathlib import Path

import httpx
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from db.hub.engine import VERSION_TABLE, make_engine, upgrade
from db.hub.models import HubBase

from .hubproc import HubProcess


def differences(engine: Engine) -> list[object]:
    """What autogenerate would change to make the database match the models."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE, "compare_type": True}
        )
        return list(compare_metadata(context, HubBase.metadata))


def test_migration_head_matches_models(hub: HubProcess, hub_engine: Engine) -> None:
    upgrade(hub_engine)  # a second upgrade is a no-op
    assert differences(hub_engine) == []


def test_fresh_sqlite_database_migrates_to_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        upgrade(engine)
        assert differences(engine) == []
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        engine.dispose()


def test_openapi_lists_every_endpoint(hub: HubProcess) -> None:
    with httpx.Client(base_url=hub.base_url) as http:
        paths = http.get("/openapi.json").json()["paths"]
    assert set(paths) == {
        "/v1/auth/login",
        "/v1/events/push",
        "/v1/events/pull",
        "/v1/blobs/{sha256}",
        "/v1/leases",
        "/v1/leases/{case_id}",
        "/v1/intake",
        "/v1/users",
        "/v1/users/{username}/disable",
        "/v1/teams/{team}/lease-limits",
        "/v1/users/{username}/unlock",
        "/v1/me/password",
        "/v1/receipts/{device_id}",
    }
    assert set(paths["/v1/blobs/{sha256}"]) == {"get", "put"}
    assert set(paths["/v1/teams/{team}/lease-limits"]) == {"get", "put"}
