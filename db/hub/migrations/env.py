"""Alembic environment of the hub schema: runs on the connection db.hub.engine passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from db.hub.engine import VERSION_TABLE
from db.hub.models import HubBase


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=HubBase.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


_run_online()
