"""Retention policies as data: how long media is kept after its case closes, per category.

`resources/retention/retention.json` (or a team's own file) is validated on load: every
rule names a known policy category once, `days` (workstation cache) and `hub_days` (the
hub, or null: never by the worker) are whole days from 0 to 36,500. A bad file is refused
with an error naming the file, the field and the rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = "veil.retention/1"
MAX_DAYS = 36_500
DEFAULT_RULE = "default"


class RetentionError(ValueError):
    """A retention file that does not follow the rules."""


@dataclass(frozen=True)
class Rule:
    """How long one category's media stays after its case closes."""

    name: str  # the category, or "default"
    days: int
    hub_days: int | None


@dataclass(frozen=True)
class RetentionPolicy:
    """The rules by category, and the default for categories without one."""

    default: Rule
    by_category: dict[str, Rule]

    def rule_for(self, category: str) -> Rule:
        """The rule a case of this category follows."""
        return self.by_category.get(category, self.default)


def load_retention(path: Path, categories: set[str]) -> RetentionPolicy:
    """Read and validate a retention file against the known policy categories."""
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RetentionError(f"{where}: cannot be read as JSON ({exc})") from None
    return parse_retention(data, categories, where)


def parse_retention(data: Any, categories: set[str], where: str) -> RetentionPolicy:
    """Validate parsed JSON (see the module docstring)."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise RetentionError(f"{where}: field schema must be {SCHEMA!r}")
    default = _rule(data.get("default"), DEFAULT_RULE, f"{where}: default")
    rules = data.get("rules")
    if not isinstance(rules, list):
        raise RetentionError(f"{where}: field rules must be a list")
    by_category: dict[str, Rule] = {}
    for n, item in enumerate(rules):
        at = f"{where}: rules[{n}]"
        category = item.get("category") if isinstance(item, dict) else None
        if category not in categories:
            known = ", ".join(sorted(categories))
            raise RetentionError(f"{at}.category: {category!r} is not a policy category ({known})")
        if category in by_category:
            raise RetentionError(f"{at}.category: {category!r} has a rule already")
        by_category[category] = _rule(item, category, at)
    return RetentionPolicy(default, by_category)


def _rule(item: Any, name: str, at: str) -> Rule:
    if not isinstance(item, dict):
        raise RetentionError(f"{at}: must be an object with days and hub_days")
    days = _days(item.get("days"), f"{at}.days", allow_none=False)
    assert days is not None
    return Rule(name, days, _days(item.get("hub_days"), f"{at}.hub_days", allow_none=True))


def _days(value: Any, at: str, *, allow_none: bool) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        rule = f"whole days from 0 to {MAX_DAYS}" + (", or null" if allow_none else "")
        raise RetentionError(f"{at}: {value!r} is not {rule}")
    return value
