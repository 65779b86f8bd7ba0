"""Posts and their accounts as data: one validated row per post of a bulk posts table.

A row of `veil network import posts.csv|posts.jsonl|posts.parquet` (JSONL shown; CSV and
parquet have the same columns, `links` and `signals` as below):

    {"post_id": "p-1", "account_id": "a-17", "handle": "@sunny",
     "account_created_at": "2026-01-02T00:00:00Z", "posted_at": "2026-03-01T10:00:05Z",
     "text": "...", "links": ["https://ex.org/a?utm_source=x"], "media_phash": "f0e1d2c3b4a59687",
     "media_ref": "<sha256 of the media>", "reply_to": "t-99",
     "signals": {"device": "raw fingerprint", "network": "sha256:<64 hex>"}}

Required: account_id and posted_at. In CSV, `links` is `;`-separated and `signals` is
`name=value;name=value`. Signals are kept only as opaque hashes: a value already written
`sha256:<64 hex>` is kept, any other is hashed on import (with its name) and the raw value
is dropped. Raw signals of low entropy can be guessed back from an unsalted hash, so
sources should hash with their own secret before export where they can.

In parquet, `links` is a list of strings and `signals` a map (or struct) of strings; the
times are strings or timestamps; ids are strings or integers. A value of another type is
rejected on its row, like a JSON value of the wrong type. Parquet rows are numbered from 1
and read in record batches, so the file is never decoded at once.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from app.log.clock import parse_iso
from app.log.fields import TIME_RULE, time_problem

ID_MAX = 200
TEXT_MAX = 20_000
LINKS_MAX = 50
SIGNALS_MAX = 20
_HASHED = re.compile(r"^sha256:[0-9a-f]{64}\Z")
_PHASH = re.compile(r"^[0-9a-fA-F]{16}\Z")
_SHA256 = re.compile(r"^[0-9a-f]{64}\Z")
_SIGNAL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}\Z")
# Query parameters that say where a click came from, not what was linked.
_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|igshid|mc_cid|mc_eid|ref|ref_src|si)\Z")


@dataclass(frozen=True)
class PostRow:
    """One post as imported: the account's fields ride along on every row."""

    post_id: str
    account_id: str
    handle: str
    account_created_at: str | None
    signals: dict[str, str]
    posted_at: str
    posted_ts: float
    text: str
    links: tuple[str, ...]
    media_ref: str | None
    media_phash: int | None
    reply_to: str | None


@dataclass(frozen=True)
class LineProblem:
    """One rejected line: file, line, field and the rule it broke."""

    file: str
    line: int
    field: str
    rule: str
    unit: str = ""  # "row " for parquet, whose rows are not lines

    def __str__(self) -> str:
        return f"{self.file}:{self.unit}{self.line}: {self.field}: {self.rule}"


@dataclass
class ParseReport:
    """The good rows of a file and its rejected lines."""

    rows: list[PostRow] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)


class BadField(ValueError):
    """A field that breaks its rule."""

    def __init__(self, name: str, rule: str) -> None:
        super().__init__(f"{name}: {rule}")
        self.field, self.rule = name, rule


def normalize_url(url: str) -> str:
    """The link as compared: lower-case scheme and host, no `www.`, no fragment, no
    tracking parameters, the rest of the query sorted, no trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BadField("links", f"not an http(s) URL: {url[:80]!r}")
    host = parts.hostname.lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k.lower()))
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("https", host, path, urlencode(query), ""))


def hash_signal(name: str, value: str) -> str:
    """A signal as an opaque hash: kept when already `sha256:<hex>`, else hashed here."""
    if _HASHED.match(value):
        return value
    digest = hashlib.sha256(f"{name}\x00{value}".encode()).hexdigest()
    return f"sha256:{digest}"


def parse_row(raw: dict[str, Any]) -> PostRow:
    """A validated post; BadField naming the first field that breaks its rule."""
    account = _ident(raw, "account_id", required=True)
    posted_at = _time(raw, "posted_at", required=True)
    assert account is not None and posted_at is not None
    links = tuple(dict.fromkeys(normalize_url(u) for u in _list(raw, "links")))
    if len(links) > LINKS_MAX:
        raise BadField("links", f"at most {LINKS_MAX} links per post")
    return PostRow(
        post_id=_ident(raw, "post_id") or "",
        account_id=account,
        handle=_text(raw, "handle", ID_MAX),
        account_created_at=_time(raw, "account_created_at"),
        signals=_signals(raw),
        posted_at=posted_at,
        posted_ts=parse_iso(posted_at).timestamp(),
        text=_text(raw, "text", TEXT_MAX),
        links=links,
        media_ref=_media_ref(raw),
        media_phash=_phash(raw),
        reply_to=_ident(raw, "reply_to"),
    )


def read_posts(path: Path) -> ParseReport:
    """Every post of a CSV, JSONL or parquet file; each bad line (row) is named and skipped.

    A file that cannot be read at all raises BadField("file", ...)."""
    report = ParseReport()
    unit = "row " if path.suffix.lower() == ".parquet" else ""
    for number, raw in _raw_rows(path):
        if isinstance(raw, BadField):
            report.problems.append(LineProblem(path.name, number, raw.field, raw.rule, unit))
            continue
        try:
            row = parse_row(raw)
        except BadField as bad:
            report.problems.append(LineProblem(path.name, number, bad.field, bad.rule, unit))
            continue
        if not row.post_id:
            row = _with_id(row, f"{path.name}:{number}")
        report.rows.append(row)
    return report


def _with_id(row: PostRow, post_id: str) -> PostRow:
    values = dict(row.__dict__)
    values["post_id"] = post_id
    return PostRow(**values)


def _raw_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadField]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _csv_rows(path)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_rows(path)
    elif suffix == ".parquet":
        yield from _parquet_rows(path)
    else:
        raise BadField("file", f"{path.name}: expected a .csv, .jsonl or .parquet file")


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadField]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for row in reader:
            values: dict[str, Any] = {k: v for k, v in row.items() if k and v not in ("", None)}
            if "links" in values:
                values["links"] = [u for u in values["links"].split(";") if u.strip()]
            if "signals" in values:
                try:
                    values["signals"] = _csv_signals(values["signals"])
                except BadField as bad:
                    yield reader.line_num, bad
                    continue
            yield reader.line_num, values


def _csv_signals(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep:
            raise BadField("signals", "expected name=value pairs separated by ';'")
        found[name.strip()] = value.strip()
    return found


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadField]]:
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, BadField("(line)", f"not valid JSON: {exc.msg} at column {exc.colno}")
                continue
            yield number, row if isinstance(row, dict) else BadField("(line)", "expected an object")


PARQUET_BATCH = 10_000


def _parquet_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadField]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    number = 0
    try:
        with pq.ParquetFile(path) as table:
            for batch in table.iter_batches(batch_size=PARQUET_BATCH):
                for row in batch.to_pylist():
                    number += 1
                    yield (
                        number,
                        {k: _parquet_value(v) for k, v in row.items() if v is not None and v != ""},
                    )
    except (pa.ArrowException, OSError) as exc:
        where = f" after row {number}" if number else ""
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BadField(
            "file", f"{path.name}: not a readable parquet file{where} ({reason})"
        ) from exc


def _parquet_value(value: Any) -> Any:
    """A parquet value in the shape a JSON line would give it."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        text = value.strftime("%Y-%m-%dT%H:%M:%S")
        if value.microsecond:
            text += f".{value.microsecond:06d}"
        return text + ("Z" if value.tzinfo is not None else "")
    pairs = isinstance(value, list) and all(isinstance(v, tuple) and len(v) == 2 for v in value)
    if pairs and value:  # a map column: a list of (key, value) pairs
        return dict(value)
    if isinstance(value, dict):  # a struct column: a field per signal, null where absent
        return {k: v for k, v in value.items() if v is not None}
    return value


def _text(raw: dict[str, Any], name: str, limit: int) -> str:
    value = raw.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadField(name, "expected text")
    if len(value) > limit:
        raise BadField(name, f"at most {limit} characters")
    return value


def _ident(raw: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = raw.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or value == "":
        if required:
            raise BadField(name, "required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadField(name, "expected a non-empty id")
    if len(value) > ID_MAX:
        raise BadField(name, f"at most {ID_MAX} characters")
    return value.strip()


def _time(raw: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = raw.get(name)
    if value is None or value == "":
        if required:
            raise BadField(name, "required")
        return None
    if not isinstance(value, str) or time_problem(value) is not None:
        raise BadField(name, TIME_RULE)
    return value


def _list(raw: dict[str, Any], name: str) -> list[str]:
    value = raw.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadField(name, "expected a list of text")
    return value


def _signals(raw: dict[str, Any]) -> dict[str, str]:
    value = raw.get("signals") or {}
    if not isinstance(value, dict):
        raise BadField("signals", "expected an object of name: value")
    if len(value) > SIGNALS_MAX:
        raise BadField("signals", f"at most {SIGNALS_MAX} signals")
    found: dict[str, str] = {}
    for name, item in value.items():
        if not isinstance(name, str) or not _SIGNAL_NAME.match(name):
            raise BadField("signals", f"name {name!r}: lower-case letters, digits and _")
        if not isinstance(item, str) or not item:
            raise BadField(f"signals.{name}", "expected non-empty text")
        found[name] = hash_signal(name, item)
    return found


def _media_ref(raw: dict[str, Any]) -> str | None:
    value = raw.get("media_ref")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _SHA256.match(value):
        raise BadField("media_ref", "the media's sha256, 64 lower-case hex digits")
    return value


def _phash(raw: dict[str, Any]) -> int | None:
    value = raw.get("media_phash")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _PHASH.match(value):
        raise BadField("media_phash", "a 64-bit perceptual hash, 16 hex digits")
    return int(value, 16)
