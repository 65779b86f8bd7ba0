"""The team's incident severity levels as data: resources/incidents/*.json, validated on load.

Each file holds `{"schema": 1, "levels": [...]}`; every level says what it means, how
often a status update is due (`update_minutes`), the SLA a case pulled into the
incident's surge queue gets (`sla_minutes`) and who must be told (`notify`). Levels 1 to
4 must each be defined exactly once across the files. A bad file is refused naming the
file, the level and the key, e.g. `severities.json: levels[2].update_minutes: expected a
positive whole number of minutes`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.log.paths import resources_dir

LEVELS = (1, 2, 3, 4)
_KEYS = {
    "level": int,
    "name": str,
    "meaning": str,
    "update_minutes": int,
    "sla_minutes": int,
    "notify": list,
}


class SeverityError(ValueError):
    """A severity file that cannot be used, naming the file and key."""


@dataclass(frozen=True)
class SeverityLevel:
    """One SEV level: its meaning, update cadence, surge SLA and who must be told."""

    level: int
    name: str
    meaning: str
    update_minutes: int
    sla_minutes: int
    notify: tuple[str, ...]


class SeveritySet:
    """SEV 1 to 4 by level."""

    def __init__(self, levels: list[SeverityLevel]) -> None:
        self._by_level = {lv.level: lv for lv in sorted(levels, key=lambda lv: lv.level)}

    def __getitem__(self, level: int) -> SeverityLevel:
        return self._by_level[level]

    def __iter__(self) -> Iterator[SeverityLevel]:
        return iter(self._by_level.values())


def bundled_severities() -> SeveritySet:
    """The levels shipped in resources/incidents."""
    return load_severities(resources_dir() / "incidents")


def load_severities(folder: Path) -> SeveritySet:
    """Load and validate every *.json in folder; SeverityError names file and key."""
    levels: list[SeverityLevel] = []
    where: dict[int, str] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise SeverityError(
                f"{path.name}: line {exc.lineno}: not valid JSON ({exc.msg})"
            ) from exc
        for level in parse_levels(doc, path.name):
            if level.level in where:
                raise SeverityError(
                    f"{path.name}: level {level.level} is already defined in {where[level.level]}"
                )
            where[level.level] = path.name
            levels.append(level)
    missing = [n for n in LEVELS if n not in where]
    if missing:
        raise SeverityError(f"{folder.name}: SEV {missing[0]} is not defined in any file")
    return SeveritySet(levels)


def parse_levels(doc: Any, source: str) -> list[SeverityLevel]:
    """The levels of one decoded file, or SeverityError naming the key."""
    if not isinstance(doc, dict):
        raise SeverityError(f"{source}: top level: expected an object")
    unknown = sorted(set(doc) - {"schema", "levels"})
    if unknown:
        raise SeverityError(f"{source}: top level: unknown key {unknown[0]!r}")
    if doc.get("schema") != 1:
        raise SeverityError(f"{source}: schema: expected 1, got {doc.get('schema')!r}")
    items = doc.get("levels")
    if not isinstance(items, list) or not items:
        raise SeverityError(f"{source}: levels: expected a non-empty list")
    return [_level(item, f"{source}: levels[{n}]") for n, item in enumerate(items)]


def _level(item: Any, at: str) -> SeverityLevel:
    if not isinstance(item, dict):
        raise SeverityError(f"{at}: expected an object")
    unknown = sorted(set(item) - set(_KEYS))
    if unknown:
        raise SeverityError(f"{at}: unknown key {unknown[0]!r}")
    for key, kind in _KEYS.items():
        if key not in item:
            raise SeverityError(f"{at}: missing key {key!r}")
        value = item[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SeverityError(f"{at}.{key}: expected {kind.__name__}")
    if item["level"] not in LEVELS:
        raise SeverityError(f"{at}.level: expected one of 1, 2, 3, 4")
    for key in ("update_minutes", "sla_minutes"):
        if item[key] <= 0:
            raise SeverityError(f"{at}.{key}: expected a positive whole number of minutes")
    if not item["name"].strip() or not item["meaning"].strip():
        raise SeverityError(f"{at}: name and meaning must not be empty")
    notify = item["notify"]
    if not notify or not all(isinstance(n, str) and n.strip() for n in notify):
        raise SeverityError(f"{at}.notify: expected a non-empty list of names")
    return SeverityLevel(
        level=item["level"],
        name=item["name"],
        meaning=item["meaning"],
        update_minutes=item["update_minutes"],
        sla_minutes=item["sla_minutes"],
        notify=tuple(notify),
    )
