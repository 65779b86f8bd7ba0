"""The toy feature's descriptor: its kind, fold, table and timeline line."""

from __future__ import annotations

from app.log.events import EventRecord
from app.log.folding import FoldContext
from app.log.registry import Feature, Fold, Kind, Phase
from db.models import Case

from .kinds import Stamped
from .models import Stamp


def stamp(ctx: FoldContext, case: Case, rec: EventRecord) -> None:
    """Add the stamp to its case's total for the colour."""
    p = ctx.typed(Stamped)
    row = ctx.row(Stamp, (case.case_id, p.colour), case.case_id)
    if row is None:
        row = ctx.new_row(Stamp, case_id=case.case_id, colour=p.colour, total=0)
    row.total += p.count


def describe(payload: Stamped, _policies: object, _items: dict[str, int]) -> str:
    """The stamp in the case timeline (given the typed payload)."""
    return f"{payload.count} {payload.colour} stamp(s)"


FEATURE = Feature(
    name="toy",
    kinds=(Kind("toy.stamped", Stamped, "Stamped", describe=describe),),
    folds=(Fold(Phase.DETAIL, stamp, frozenset({"toy.stamped"})),),
    tables=(Stamp,),
    scoped=(Stamp,),
    own_tables=(Stamp.__table__,),
)
