"""Veil's storage layer: SQLAlchemy models, the SQLite engine, migrations and blobs."""
