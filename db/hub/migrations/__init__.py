"""Alembic migrations of the hub schema (version table hub_alembic_version)."""
