"""The toy feature's projection table, on its own metadata (it ships no migration)."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class ToyBase(DeclarativeBase):
    """The toy feature's own tables."""


class Stamp(ToyBase):
    """Projection: the stamps of a case, summed per colour."""

    __tablename__ = "toy_stamps"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    colour: Mapped[str] = mapped_column(String(16), primary_key=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
