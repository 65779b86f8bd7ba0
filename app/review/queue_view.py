"""The queue list as SQL pages: count, sort and filter in the database, never a full load.

A `QueueSource` answers what a lazy table model asks: how many rows (from the
`queue_depth` projection, so counting a million cases costs a handful of row reads), and
the rows of one page. Pages come from the partial indexes over open cases
(`ix_cases_open_priority`, `ix_cases_open_deadline`) whose columns cover every filter,
so skipping rows never touches the table: from the neighbouring page's last key when it
is known (keyset), else by OFFSET from whichever end of the list is nearer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.review.types import OPEN_STATUSES, CaseRow
from db.models import OPEN_CONDITION

ORDERS = {"priority": "priority_key", "deadline": "sla_deadline"}
INDEXES = {"priority": "ix_cases_open_priority", "deadline": "ix_cases_open_deadline"}
COLUMNS = (
    "case_id, case_no, title, category, severity, status, queue, reported_at, report_count,"
    " media_count, sla_started_at, sla_deadline, priority_key, leased_by"
)


@dataclass(frozen=True)
class QueueFilter:
    """Which open cases a queue view lists, and in which order."""

    queues: tuple[str, ...]
    clearances: frozenset[str] = frozenset()
    severity: int | None = None
    order: str = "priority"
    statuses: tuple[str, ...] = field(default=OPEN_STATUSES)


class QueueSource:
    """Counts and pages of one filter over a read connection (autocommit, no write lock)."""

    def __init__(self, conn: sqlite3.Connection, view: QueueFilter) -> None:
        if view.order not in ORDERS:
            raise ValueError(f"order {view.order!r}: expected one of {', '.join(ORDERS)}")
        self._conn = conn
        self.view = view
        self._key = ORDERS[view.order]
        self._index = INDEXES[view.order]
        where, params = _where(view)
        self._where = where
        self._params = params

    def count(self) -> int:
        """How many cases the view lists."""
        v = self.view
        if not v.queues or not v.statuses:
            return 0
        sql = (
            "SELECT COALESCE(SUM(cases), 0) FROM queue_depth"
            f" WHERE queue IN ({_marks(v.queues)}) AND status IN ({_marks(v.statuses)})"
            f" AND clearance IN ({_marks(('', *sorted(v.clearances)))})"
        )
        params: list[object] = [*v.queues, *v.statuses, "", *sorted(v.clearances)]
        if v.severity is not None:
            sql += " AND severity = ?"
            params.append(v.severity)
        return int(self._conn.execute(sql, params).fetchone()[0])

    def page(self, offset: int, limit: int, total: int | None = None) -> list[CaseRow]:
        """Rows offset..offset+limit, counting from whichever end of the list is nearer."""
        if not self.view.queues:
            return []
        total = self.count() if total is None else total
        if offset > total // 2 and offset < total:
            tail = max(0, total - offset - limit)
            rows = self._fetch("DESC", limit=min(limit, total - offset), offset=tail)
            return rows[::-1]
        return self._fetch("ASC", limit=limit, offset=offset)

    def after(self, last: CaseRow, limit: int) -> list[CaseRow]:
        """The rows after `last` (keyset: no OFFSET, wherever the list is)."""
        return self._fetch("ASC", limit=limit, offset=0, bound=(">", last))

    def before(self, first: CaseRow, limit: int) -> list[CaseRow]:
        """The rows before `first`, in list order."""
        return self._fetch("DESC", limit=limit, offset=0, bound=("<", first))[::-1]

    def position(self, row: CaseRow) -> int:
        """The row number of a case in this view (it must be listed)."""
        sql = (
            f"SELECT COUNT(*) FROM cases INDEXED BY {self._index}"
            f" WHERE {self._where} AND ({self._key}, case_no) < (?, ?)"
        )
        found = self._conn.execute(sql, [*self._params, _sort_value(row, self._key), row.case_no])
        return int(found.fetchone()[0])

    def plan(self) -> list[str]:
        """EXPLAIN QUERY PLAN of the page query (the benchmark checks it)."""
        sql = self._sql("ASC", None)
        rows = self._conn.execute(f"EXPLAIN QUERY PLAN {sql}", [*self._params, 100, 0])
        return [str(r[-1]) for r in rows]

    def _fetch(
        self,
        direction: str,
        *,
        limit: int,
        offset: int,
        bound: tuple[str, CaseRow] | None = None,
    ) -> list[CaseRow]:
        params: list[object] = list(self._params)
        if bound is not None:
            params += [_sort_value(bound[1], self._key), bound[1].case_no]
        # The page comes back as one JSON array in one row: the reading thread hands the
        # interpreter lock to a sync worker once per page instead of once per row, which
        # kept a 100-row page waiting up to 50 ms while pulled pages were applied.
        page_sql = self._sql(direction, None if bound is None else bound[0])
        sql = f"SELECT json_group_array(json_array({COLUMNS})) FROM ({page_sql})"
        (text,) = self._conn.execute(sql, [*params, limit, offset]).fetchone()
        return [CaseRow(*r) for r in json.loads(text)]

    def _sql(self, direction: str, bound: str | None) -> str:
        keyset = f" AND ({self._key}, case_no) {bound} (?, ?)" if bound else ""
        return (
            f"SELECT {COLUMNS} FROM cases INDEXED BY {self._index} WHERE {self._where}{keyset}"
            f" ORDER BY {self._key} {direction}, case_no {direction} LIMIT ? OFFSET ?"
        )


def _where(view: QueueFilter) -> tuple[str, list[object]]:
    # The literal OPEN_CONDITION lets SQLite use the partial indexes.
    parts = [OPEN_CONDITION, f"queue IN ({_marks(view.queues)})"]
    params: list[object] = list(view.queues)
    if tuple(view.statuses) != OPEN_STATUSES:
        parts.append(f"status IN ({_marks(view.statuses)})")
        params += list(view.statuses)
    if view.clearances:
        parts.append(f"(clearance IS NULL OR clearance IN ({_marks(tuple(view.clearances))}))")
        params += sorted(view.clearances)
    else:
        parts.append("clearance IS NULL")
    if view.severity is not None:
        parts.append("severity = ?")
        params.append(view.severity)
    return " AND ".join(parts), params


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def _sort_value(row: CaseRow, key: str) -> object:
    return row.priority_key if key == "priority_key" else row.sla_deadline
