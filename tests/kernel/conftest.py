"""The kernel tests use the hub suite's engines (SQLite, PostgreSQL) and hub processes."""

from tests.hub.conftest import db_url, hub, hub_engine, pg_url, private_hub

__all__ = ["db_url", "hub", "hub_engine", "pg_url", "private_hub"]
