"""Fold a batch of events without the ORM's per-row costs: rows loaded up front as plain
objects, new rows and changes written with one executemany per table.

Folding a pulled page event by event through the ORM costs a SELECT (and an autoflush)
for every `session.get` of a row the session has not seen yet, an instrumented object
per new row and the unit of work's bookkeeping to insert it. For a page of thousands of
events that is nearly all of the time. Inside `with fold_scope(session, case_ids, ...)`:

- the cases of the batch and their case-keyed projection rows are loaded with one Core
  query per table, as `PendingRow`s (plain objects with the model's columns as
  attributes), so `case_row` and `get_row` are dictionary look-ups (a row the scope does
  not hold does not exist: every one was loaded or created in the scope);
- `new_row` creates a `PendingRow` too, written with one INSERT per table (in foreign-key
  order); the columns set on rows that are already in the database are written with one
  UPDATE per table and column set, and queue-depth changes are summed and written once;
- before a fold's statement runs (through its `FoldContext`, app/log/folding.py),
  everything pending is written first, so queries see what the folds did, exactly as
  autoflush would make them see it.

Which case-keyed models are loaded comes from the installed features (their `scoped`
models in app/log/registry.py); the kernel names none of them.

The session's identity map never holds the scope's rows, so ORM objects the session had
loaded before are expired when the scope ends (they read the folded state next time).

Outside a scope the same functions use the session directly, so a single event appended
by the store folds exactly as before. The scope never changes what a fold computes. Within
the block nothing may delete the batch's rows except the folds (refolds open their own
scope after their deletes).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.log.registry import registry
from db.models import Base, Case, Event

_KEY = "veil.fold_scope"
CHUNK = 500

_TABLE_ORDER = {table.name: n for n, table in enumerate(Base.metadata.sorted_tables)}
Row = TypeVar("Row")
DepthKey = tuple[str, str, int, str]

_UPSERT_DEPTH = (
    "INSERT INTO queue_depth (queue, status, severity, clearance, cases) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (queue, status, severity, clearance) DO UPDATE SET cases = cases + excluded.cases"
)
_DROP_EMPTY = (
    "DELETE FROM queue_depth WHERE queue = ? AND status = ? AND severity = ? AND clearance = ?"
    " AND cases <= 0"
)


class _Shape:
    """Per model: what a new row starts with, and how rows are keyed."""

    def __init__(self, model: type[Any]) -> None:
        filled: dict[str, Any] = {}
        server: dict[str, None] = {}
        for column in model.__table__.columns:
            if column.default is not None and column.default.is_scalar:
                filled[column.key] = column.default.arg
            elif column.server_default is None:
                filled[column.key] = None
            else:
                server[column.key] = None
        # A new row's attributes: server defaults read None until set, then the scalar
        # defaults (or None); the columns given are the latter plus what the caller set.
        self.start: dict[str, Any] = {**server, **filled}
        self.filled = frozenset(filled)
        self.pk = tuple(c.key for c in model.__table__.primary_key.columns)
        columns = list(model.__table__.columns)
        self.keys = [c.key for c in columns]
        self.flags = [c.key for c in columns if _python_type(c) is bool]  # stored as 0 and 1


_SHAPES: dict[type[Any], _Shape] = {}


def _order_of(model: type[Any]) -> int:
    """Where a model's rows are written: the shared tables in foreign-key order, then a
    feature's own tables (which reference none of them)."""
    return _TABLE_ORDER.get(model.__tablename__, len(_TABLE_ORDER))


def _shape(model: type[Any]) -> _Shape:
    shape = _SHAPES.get(model)
    if shape is None:
        shape = _SHAPES[model] = _Shape(model)
    return shape


def _values_of(columns: Sequence[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A function from a row's attribute dict to the tuple of these columns' values."""
    if len(columns) == 1:
        only = columns[0]
        return lambda state: (state[only],)
    return cast(Callable[[dict[str, Any]], tuple[Any, ...]], itemgetter(*columns))


class PendingRow:
    """A projection row of a scope: the model's columns as plain attributes.

    A new row's columns not given take the model's scalar default, or the database's
    server default when it has one (then the attribute reads None until it is set). Once
    the row is in the database (written, or loaded by the scope), attributes set to a new
    value are remembered, and the row is handed to its scope to write by the next
    `FoldScope.write`.
    """

    _model: type[Any]
    _given: set[str]
    _dirty: set[str] | None
    _sink: list[PendingRow]

    def __init__(self, model: type[Any], values: dict[str, Any], sink: list[PendingRow]) -> None:
        shape = _shape(model)
        state = self.__dict__
        state.update(shape.start)
        state.update(values)
        state["_model"] = model
        given = set(shape.filled)
        given.update(values)
        state["_given"] = given
        state["_dirty"] = None  # None until written; then the attributes changed since
        state["_sink"] = sink

    @classmethod
    def stored(cls, model: type[Any], values: dict[str, Any], sink: list[PendingRow]) -> PendingRow:
        """A row read from the database (every column given, nothing changed yet)."""
        row = cls.__new__(cls)
        row.__dict__.update(values)
        row.__dict__["_model"] = model
        row.__dict__["_given"] = set(values)
        row.__dict__["_dirty"] = set()
        row.__dict__["_sink"] = sink
        return row

    def __setattr__(self, name: str, value: Any) -> None:
        state = self.__dict__
        dirty = state["_dirty"]
        if dirty is None:
            state[name] = value
            state["_given"].add(name)
            return
        if name in state and state[name] == value and type(state[name]) is type(value):
            return  # unchanged: nothing to write
        state[name] = value
        if not dirty:
            state["_sink"].append(self)
        dirty.add(name)


class FoldScope:
    """A batch's cases, their case-keyed rows, new rows and queue-depth changes."""

    def __init__(self, session: Session, case_ids: Iterable[str], ingest_ids: Iterable[str]):
        ids = sorted(set(case_ids))
        self.declared = frozenset(ids)
        self.cases: dict[str, Any] = {}
        self.rows: dict[tuple[type[Any], tuple[Any, ...]], Any] = {}
        self.case_nos: dict[str, int] = {}
        self.pending: list[PendingRow] = []  # created, not written yet
        self.changed: list[PendingRow] = []  # in the database, with columns set since
        self.depth: Counter[DepthKey] = Counter()
        self.writing = False
        # Projection rows that hang off a case and that folds look up by key.
        self.scoped = registry().scoped_models()
        session.flush()  # what the session holds is in the database before it is read
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for case in self._load(session, Case, chunk):
                self.cases[case.__dict__["case_id"]] = case
            known = [c for c in chunk if c in self.cases]  # new cases have no rows yet
            if not known:
                continue
            for model in self.scoped:
                for row in self._load(session, model, known):
                    self.rows[(model, _pk_of(model, row.__dict__))] = row
        found = select_in(session, Event.__tablename__, ["event_id", "id"], "event_id", ingest_ids)
        self.case_nos.update({str(e): int(i) for e, i in found})

    def _load(self, session: Session, model: type[Any], case_ids: list[str]) -> list[PendingRow]:
        """The model's rows of these cases, as stored rows of this scope."""
        shape = _shape(model)
        rows = []
        for values in select_in(session, model.__tablename__, shape.keys, "case_id", case_ids):
            state = dict(zip(shape.keys, values, strict=True))
            for key in shape.flags:
                if state[key] is not None:
                    state[key] = bool(state[key])
            rows.append(PendingRow.stored(model, state, self.changed))
        return rows

    @property
    def unwritten(self) -> bool:
        """Whether anything waits to be written."""
        return bool(self.pending or self.changed or self.depth)

    def write_pending(self, session: Session) -> None:
        """Write what waits, before a statement that must see it (unless writing)."""
        if not self.writing and self.unwritten:
            self.write(session)

    def write(self, session: Session) -> None:
        """Write new rows (one INSERT per table and column set), then changed columns
        (one UPDATE per table and column set), then queue depths."""
        self.writing = True
        try:
            inserts: dict[tuple[int, type[Any], frozenset[str]], list[dict[str, Any]]] = {}
            for row in self.pending:
                state = row.__dict__
                model = state["_model"]
                group = (_order_of(model), model, frozenset(state["_given"]))
                inserts.setdefault(group, []).append(state)
                state["_dirty"] = set()
            self.pending = []
            raw = session.connection().connection.driver_connection
            for (_order, model, keys), states in sorted(inserts.items(), key=_by_order):
                insert_rows(raw, model.__tablename__, sorted(keys), states)
            updates: dict[tuple[int, type[Any], frozenset[str]], list[PendingRow]] = {}
            for row in self.changed:
                model = row._model
                order = _order_of(model)
                updates.setdefault((order, model, frozenset(row._dirty or ())), []).append(row)
            self.changed.clear()  # the list every row of the scope reports its changes to
            for (_order, model, keys), rows in sorted(updates.items(), key=_by_order):
                update_rows(raw, model, sorted(keys), rows)
            for key, delta in self.depth.items():
                if delta:
                    _write_depth(raw, key, delta)
            self.depth.clear()
        finally:
            self.writing = False


def select_in(
    session: Session,
    table: str,
    columns: list[str],
    key: str,
    values: Iterable[Any],
    group_by: str = "",
) -> list[tuple[Any, ...]]:
    """`SELECT columns FROM table WHERE key IN values [GROUP BY group_by]`, in chunks of
    keys (a group must not span chunks: group by the key), on the transaction's
    sqlite3 connection: the IN lists of a page cost SQLAlchemy more to render than the
    database to answer. What the session holds is flushed first (as autoflush would)."""
    _write_pending(session)
    session.flush()
    wanted = sorted(set(values))
    if not wanted:
        return []
    raw: Any = session.connection().connection.driver_connection
    names = ", ".join(columns)
    grouping = f" GROUP BY {group_by}" if group_by else ""
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT {names} FROM {table} WHERE {key} IN ({marks}){grouping}"
        out += raw.execute(sql, chunk)
    return out


def _python_type(column: Any) -> type[Any] | None:
    try:
        return cast(type[Any], column.type.python_type)
    except NotImplementedError:
        return None


def insert_rows(raw: Any, table: str, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """One executemany INSERT on the sqlite3 connection (no per-row statement work);
    each row a dict holding at least these columns."""
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    raw.executemany(sql, map(_values_of(columns), rows))


def update_rows(raw: Any, model: type[Any], columns: list[str], rows: list[PendingRow]) -> None:
    """One executemany UPDATE of these columns, by primary key, on the sqlite3 connection."""
    keys = _shape(model).pk
    assignments = ", ".join(f"{c} = ?" for c in columns)
    where = " AND ".join(f"{k} = ?" for k in keys)
    values = _values_of([*columns, *keys])
    raw.executemany(
        f"UPDATE {model.__tablename__} SET {assignments} WHERE {where}",
        [values(row.__dict__) for row in rows],
    )
    for row in rows:
        row.__dict__["_dirty"] = set()


def _by_order(item: tuple[tuple[int, type[Any], frozenset[str]], Any]) -> int:
    return item[0][0]


def _write_pending(session: Session) -> None:
    """Write what the session's scope holds unwritten (unless it is writing already)."""
    scope = current(session)
    if scope is not None:
        scope.write_pending(session)


def _pk_of(model: type[Any], values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple([values[key] for key in _shape(model).pk])


def _key(pk: Any) -> tuple[Any, ...]:
    return tuple(pk) if isinstance(pk, tuple) else (pk,)


def current(session: Session) -> FoldScope | None:
    """The scope open on this session, if any."""
    return cast(FoldScope | None, session.info.get(_KEY))  # only fold_scope sets it


@contextmanager
def fold_scope(
    session: Session, case_ids: Iterable[str], ingest_ids: Iterable[str] = ()
) -> Iterator[FoldScope]:
    """Fold inside the block with these cases' rows loaded; write everything at the end."""
    if current(session) is not None:
        raise RuntimeError("fold scopes do not nest")
    scope = FoldScope(session, case_ids, ingest_ids)
    session.info[_KEY] = scope
    try:
        yield scope
        scope.write(session)
    finally:
        session.info.pop(_KEY, None)
    # Objects loaded before the scope may have been folded past: read them again.
    session.flush()
    session.expire_all()


def new_row(session: Session, model: type[Row], **values: Any) -> Row:
    """A new projection row: a `PendingRow` in a scope, else an ORM object added to the
    session. Either way the caller reads and sets its columns as attributes."""
    scope = current(session)
    if scope is None:
        obj = model(**values)
        session.add(obj)
        return obj
    row = PendingRow(model, values, scope.changed)
    scope.pending.append(row)
    if model is Case:
        scope.cases[values["case_id"]] = row
    elif model in scope.scoped:
        scope.rows[(model, _pk_of(model, row.__dict__))] = row
    return cast(Row, row)


def case_row(session: Session, case_id: str) -> Case | None:
    """The case's projection row (from the scope when the scope covers it)."""
    scope = current(session)
    if scope is not None and case_id in scope.declared:
        return cast(Case | None, scope.cases.get(case_id))
    return session.get(Case, case_id)


def case_no_of(session: Session, event_id: str) -> int | None:
    """The local id of an ingest event (the case's stable number)."""
    scope = current(session)
    if scope is not None and event_id in scope.case_nos:
        return scope.case_nos[event_id]
    return session.scalar(select(Event.id).where(Event.event_id == event_id))


def get_row(session: Session, model: type[Row], pk: Any, case_id: str) -> Row | None:
    """A case-keyed projection row by primary key (`session.get` outside a scope)."""
    scope = current(session)
    if scope is not None and case_id in scope.declared:
        return cast(Row | None, scope.rows.get((model, _key(pk))))
    return session.get(model, pk)


def add_depth(session: Session, key: DepthKey, delta: int) -> None:
    """Add delta to a queue_depth bucket; a bucket that reaches zero is removed (as a
    rebuild has none). Runs on the transaction's sqlite3 connection: it happens on every
    status change, and through the driver it costs microseconds, not a statement build.
    In a scope the deltas are summed and written once."""
    scope = current(session)
    if scope is not None:
        scope.depth[key] += delta
        return
    _write_depth(session.connection().connection.driver_connection, key, delta)


def _write_depth(raw: Any, key: DepthKey, delta: int) -> None:
    """Upsert the bucket on the sqlite3 connection; drop it when it reached zero."""
    raw.execute(_UPSERT_DEPTH, (*key, delta))
    if delta < 0:
        raw.execute(_DROP_EMPTY, key)


def depth_key(case: Any) -> DepthKey:
    """Which queue_depth bucket a case counts in."""
    return (case.queue, case.status, case.severity, case.clearance or "")


def depth_keys_of(session: Session, case_ids: Iterable[str]) -> list[DepthKey]:
    """The queue_depth buckets these cases count in, one entry per case."""
    columns = ["queue", "status", "severity", "coalesce(clearance, '')"]
    return [
        (str(q), str(s), int(v), str(c))
        for q, s, v, c in select_in(session, Case.__tablename__, columns, "case_id", case_ids)
    ]
