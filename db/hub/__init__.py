"""The team hub's storage: SQLAlchemy models, engine helpers and Alembic migrations."""
