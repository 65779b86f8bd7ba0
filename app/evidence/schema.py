"""A small validator for the report schema kept in resources/reports (a JSON-Schema-like
subset: object, string, boolean, array; required, enum, pattern, lengths, references,
datetime, "atLeastOne"). Unknown fields are refused; each problem names its path."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

SCHEMA = "veil.report-schema/1"


class SchemaError(ValueError):
    """A schema file that cannot be used."""


class ReportSchema:
    """The types of one report schema; `problems(value)` lists what a packet breaks."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise SchemaError(f"{where}: field schema must be {SCHEMA!r}")
        types = data.get("types")
        if not isinstance(types, dict) or data.get("root") not in types:
            raise SchemaError(f"{where}: types must be an object holding the root type")
        self.types: dict[str, dict[str, Any]] = types
        self.root = str(data["root"])

    @classmethod
    def load(cls, path: Path) -> ReportSchema:
        """Read a schema file."""
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")), str(path))
        except (OSError, ValueError) as exc:
            if isinstance(exc, SchemaError):
                raise
            raise SchemaError(f"{path}: cannot be read as JSON ({exc})") from None

    def problems(self, value: Any) -> list[str]:
        """Every rule the value breaks, as 'path: what is wrong'."""
        found: list[str] = []
        self._check(value, {"ref": self.root}, self.root, found)
        return found

    def _check(self, value: Any, rule: dict[str, Any], at: str, found: list[str]) -> None:
        if "ref" in rule:
            rule = self.types[rule["ref"]]
        kind = str(rule.get("type"))
        if kind == "object" and isinstance(value, dict):
            self._object(value, rule, at, found)
        elif kind == "array" and isinstance(value, list):
            if len(value) > rule.get("maxItems", len(value)):
                found.append(f"{at}: at most {rule['maxItems']} items")
            for n, item in enumerate(value):
                self._check(item, rule["items"], f"{at}[{n}]", found)
        elif kind == "string" and isinstance(value, str):
            self._string(value, rule, at, found)
        elif not (kind == "boolean" and isinstance(value, bool)):
            found.append(f"{at}: must be a {kind}")

    def _object(
        self, value: dict[str, Any], rule: dict[str, Any], at: str, found: list[str]
    ) -> None:
        props = rule.get("properties", {})
        for name in rule.get("required", []):
            if name not in value:
                found.append(f"{at}.{name}: is required")
        for name in sorted(set(value) - set(props)):
            found.append(f"{at}.{name}: is not a field of this report")
        some = rule.get("atLeastOne")
        if some and not any(value.get(name) for name in some):
            found.append(f"{at}: needs at least one of {', '.join(some)}")
        for name, item in value.items():
            if name in props:
                self._check(item, props[name], f"{at}.{name}", found)

    @staticmethod
    def _string(value: str, rule: dict[str, Any], at: str, found: list[str]) -> None:
        if "enum" in rule and value not in rule["enum"]:
            found.append(f"{at}: {value!r} is not one of {', '.join(rule['enum'])}")
        if len(value) < rule.get("minLength", 0) or len(value) > rule.get("maxLength", len(value)):
            found.append(
                f"{at}: length must be {rule.get('minLength', 0)}..{rule.get('maxLength')}"
            )
        if "pattern" in rule and not re.search(rule["pattern"], value):
            found.append(f"{at}: {value!r} does not match {rule['pattern']}")
        if rule.get("format") == "datetime":
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                found.append(f"{at}: {value!r} is not an ISO 8601 time")
