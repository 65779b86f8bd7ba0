"""The store's known-failure type, in a module of its own: the login window and the error
boxes name it without loading SQLAlchemy (db.engine re-exports it)."""

from __future__ import annotations


class StoreError(Exception):
    """A known database problem (locked, corrupt, full disk) as opposed to a bug."""
