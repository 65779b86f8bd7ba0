"""The policy taxonomy as data: resources/policies/*.json, validated on load.

A policy team edits the JSON; Veil refuses a bad file with a message that names the file
and the key (for example `hate_speech.json: actions[2].requires[0]: unknown field
'evidnce'`), so forms never break silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.filter_units import LAYER_SCHEMA, LEGACY_SCHEMA, current_layer, stamped


class PolicyError(ValueError):
    """A policy file that cannot be used, with the file and key in the message."""


@dataclass(frozen=True)
class FieldSpec:
    """A form field an action may require."""

    id: str
    label: str
    type: str
    min_length: int
    help: str


@dataclass(frozen=True)
class Action:
    """One decision a reviewer can take under a policy."""

    id: str
    label: str
    key: str
    requires: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Policy:
    """One policy category: severities, subcategories, actions, form fields, filters."""

    id: str
    name: str
    description: str
    graphic: bool
    clearance: str | None
    queue: str
    severity_labels: dict[int, str]
    subcategories: dict[str, str]
    actions: tuple[Action, ...]
    fields: dict[str, FieldSpec]
    filters: Mapping[str, Any]
    # How hold-to-listen plays a video's sound by default: "muffled" (low-passed) or
    # "clear"; a file without the key gets "muffled" when graphic, else "clear".
    listen_filter: str = "clear"

    def action(self, action_id: str) -> Action:
        """The action with this id, or KeyError."""
        for action in self.actions:
            if action.id == action_id:
                return action
        raise KeyError(f"policy {self.id} has no action {action_id!r}")


SUBCATEGORY = "subcategory"
# Besides its text fields an action may require the subcategory and a confirmed severity.
SEVERITY = "severity"
_TOP_KEYS = {
    "schema": int,
    "id": str,
    "name": str,
    "description": str,
    "graphic": bool,
    "clearance": (str, type(None)),
    "queue": str,
    "severity": list,
    "subcategories": list,
    "actions": list,
    "fields": dict,
    "filters": dict,
}
_OPTIONAL_KEYS = {"listen_filter": str}
LISTEN_FILTERS = ("muffled", "clear")


class _Reader:
    """Reads one JSON document, raising PolicyError that names file and key path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> PolicyError:
        return PolicyError(f"{self.source}: {where or 'top level'}: {message}")

    def get(self, obj: Mapping[str, Any], key: str, kind: Any, where: str) -> Any:
        if key not in obj:
            raise self.fail(where, f"missing key {key!r}")
        value = obj[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(f"{where}.{key}".lstrip("."), f"expected {_kind_name(kind)}")
        return value

    def exact_keys(self, obj: Mapping[str, Any], allowed: set[str], where: str) -> None:
        unknown = sorted(set(obj) - allowed)
        if unknown:
            raise self.fail(where, f"unknown key {unknown[0]!r}")


def _kind_name(kind: Any) -> str:
    names = {str: "a string", int: "an integer", bool: "true or false", list: "a list"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, "null") for k in kind)
    return names.get(kind, "an object")


def parse_policy(doc: Any, source: str) -> Policy:
    """A validated Policy from a decoded JSON document, or PolicyError."""
    r = _Reader(source)
    if not isinstance(doc, dict):
        raise r.fail("top level", "expected an object")
    r.exact_keys(doc, set(_TOP_KEYS) | set(_OPTIONAL_KEYS), "")
    top = {key: r.get(doc, key, kind, "") for key, kind in _TOP_KEYS.items()}
    if top["schema"] not in (LEGACY_SCHEMA, LAYER_SCHEMA):
        raise r.fail(
            "schema",
            f"unsupported schema version {top['schema']} (2: filter sizes are fractions of "
            "the picture's short side; 1: old pixel sizes, migrated on load)",
        )
    fields = _parse_fields(r, top["fields"])
    subcategories = _parse_subcategories(r, top["subcategories"])
    return Policy(
        id=top["id"],
        name=top["name"],
        description=top["description"],
        graphic=top["graphic"],
        clearance=top["clearance"],
        queue=top["queue"],
        severity_labels=_parse_severity(r, top["severity"]),
        subcategories=subcategories,
        actions=_parse_actions(r, top["actions"], fields),
        fields=fields,
        filters=_parse_filters(r, top["filters"], top["schema"]),
        listen_filter=_parse_listen_filter(r, doc, top["graphic"]),
    )


def _parse_listen_filter(r: _Reader, doc: Mapping[str, Any], graphic: bool) -> str:
    if "listen_filter" not in doc:
        return "muffled" if graphic else "clear"
    value = r.get(doc, "listen_filter", str, "")
    if value not in LISTEN_FILTERS:
        raise r.fail("listen_filter", f"expected one of {', '.join(LISTEN_FILTERS)}")
    return str(value)


def _parse_severity(r: _Reader, items: list[Any]) -> dict[int, str]:
    labels: dict[int, str] = {}
    for n, item in enumerate(items):
        where = f"severity[{n}]"
        if not isinstance(item, dict):
            raise r.fail(where, "expected an object")
        r.exact_keys(item, {"level", "label", "description"}, where)
        labels[r.get(item, "level", int, where)] = r.get(item, "label", str, where)
    if sorted(labels) != list(range(1, len(labels) + 1)) or not labels:
        raise r.fail("severity", "levels must be 1, 2, 3 … without gaps")
    return labels


def _parse_subcategories(r: _Reader, items: list[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for n, item in enumerate(items):
        where = f"subcategories[{n}]"
        if not isinstance(item, dict):
            raise r.fail(where, "expected an object")
        r.exact_keys(item, {"id", "name"}, where)
        out[r.get(item, "id", str, where)] = r.get(item, "name", str, where)
    return out


def _parse_fields(r: _Reader, fields: dict[str, Any]) -> dict[str, FieldSpec]:
    out: dict[str, FieldSpec] = {}
    for key, spec in fields.items():
        where = f"fields.{key}"
        if not isinstance(spec, dict):
            raise r.fail(where, "expected an object")
        r.exact_keys(spec, {"label", "type", "min_length", "help"}, where)
        if r.get(spec, "type", str, where) != "text":
            raise r.fail(f"{where}.type", "only 'text' fields are supported")
        out[key] = FieldSpec(
            key,
            r.get(spec, "label", str, where),
            "text",
            r.get(spec, "min_length", int, where),
            r.get(spec, "help", str, where),
        )
    return out


def _parse_actions(
    r: _Reader, items: list[Any], fields: dict[str, FieldSpec]
) -> tuple[Action, ...]:
    actions: list[Action] = []
    known = set(fields) | {SUBCATEGORY, SEVERITY}
    for n, item in enumerate(items):
        where = f"actions[{n}]"
        if not isinstance(item, dict):
            raise r.fail(where, "expected an object")
        r.exact_keys(item, {"id", "label", "key", "requires", "description"}, where)
        requires = r.get(item, "requires", list, where)
        for m, name in enumerate(requires):
            if name not in known:
                raise r.fail(f"{where}.requires[{m}]", f"unknown field {name!r}")
        actions.append(
            Action(
                r.get(item, "id", str, where),
                r.get(item, "label", str, where),
                r.get(item, "key", str, where),
                tuple(requires),
                r.get(item, "description", str, where),
            )
        )
    if not actions:
        raise r.fail("actions", "a policy needs at least one action")
    return tuple(actions)


def _parse_filters(r: _Reader, filters: dict[str, Any], schema: int) -> Mapping[str, Any]:
    """The filter block in today's unit, marked with its layer schema.

    A schema 1 file's blur and pixelate sizes are pixels at a 512 px short side; they are
    turned into fractions here (app/domain/filter_units.py), so old files keep loading.
    """
    r.exact_keys(filters, {"default", "by_severity"}, "filters")
    if not isinstance(filters.get("default"), list) or not filters["default"]:
        raise r.fail("filters.default", "expected a non-empty list of filter steps")
    return stamped(current_layer({**filters, "schema": schema}, "filters"))


class PolicySet:
    """All loaded policies, by id, in file-name order."""

    def __init__(self, policies: list[Policy]) -> None:
        self._by_id = {p.id: p for p in policies}

    def __getitem__(self, policy_id: str) -> Policy:
        return self._by_id[policy_id]

    def __contains__(self, policy_id: object) -> bool:
        return policy_id in self._by_id

    def __iter__(self) -> Iterator[Policy]:
        return iter(self._by_id.values())

    def ids(self) -> list[str]:
        """Policy ids in load order."""
        return list(self._by_id)


def load_policies(folder: Path) -> PolicySet:
    """Load and validate every *.json in folder; PolicyError names the first bad file/key."""
    policies = []
    for path in sorted(folder.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise PolicyError(
                f"{path.name}: line {exc.lineno}: not valid JSON ({exc.msg})"
            ) from exc
        policy = parse_policy(doc, path.name)
        if policy.id != path.stem:
            raise PolicyError(f"{path.name}: id: {policy.id!r} does not match the file name")
        policies.append(policy)
    if not policies:
        raise PolicyError(f"{folder}: no policy files found")
    return PolicySet(policies)
