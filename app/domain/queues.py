"""Review queues as data: resources/queues/*.json, validated on load against the policies.

A queue names the categories (and optionally severities) that route to it, who may work
it (roles and clearances) and its SLA per severity. Routing a new case: the most specific
route wins (one that lists severities beats one that names only the category); a slice no
queue file claims goes to the queue its policy names in its `queue` key. A bad file is
refused with the file and key, e.g. `graphic.json: sla_minutes.3: expected a positive
whole number of minutes`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.log.paths import resources_dir

_KEYS = {
    "schema": int,
    "id": str,
    "name": str,
    "description": str,
    "order": int,
    "routes": list,
    "roles": list,
    "clearances": list,
    "escalation": bool,
    "sla_minutes": dict,
}


class QueueError(ValueError):
    """A queue file that cannot be used, with the file and key in the message."""


@dataclass(frozen=True)
class Route:
    """Which cases a queue takes: a category, and optionally only some severities."""

    category: str
    severities: frozenset[int] | None


@dataclass(frozen=True)
class Queue:
    """One review queue."""

    id: str
    name: str
    description: str
    order: int
    routes: tuple[Route, ...]
    roles: frozenset[Role]
    clearances: frozenset[str]
    escalation: bool
    sla_minutes: Mapping[int, int]
    graphic: bool = False

    def may_work(self, reviewer: Reviewer) -> bool:
        """Whether this reviewer's role and clearances let them work the queue."""
        return reviewer.role in self.roles and self.clearances <= reviewer.clearances

    def sla(self, severity: int) -> timedelta:
        """The time a case of this severity may wait in this queue."""
        return timedelta(minutes=self.sla_minutes[severity])


class QueueSet:
    """All queues by id, in their `order`, and the routing table over the policies."""

    def __init__(self, queues: list[Queue], fallback: Mapping[str, str]) -> None:
        self._by_id = {q.id: q for q in sorted(queues, key=lambda q: (q.order, q.id))}
        self._fallback = dict(fallback)
        self._table: dict[tuple[str, int | None], str] = {}
        for queue in self._by_id.values():
            for route in queue.routes:
                for severity in route.severities or (None,):
                    self._table[(route.category, severity)] = queue.id

    def __getitem__(self, queue_id: str) -> Queue:
        return self._by_id[queue_id]

    def __contains__(self, queue_id: object) -> bool:
        return queue_id in self._by_id

    def __iter__(self) -> Iterator[Queue]:
        return iter(self._by_id.values())

    def with_opened(self, opened: list[Queue]) -> QueueSet:
        """This set plus queues a feature opened from the log (they take no intake
        routes; an id already here keeps its file's queue)."""
        if not opened:
            return self
        fresh = [q for q in opened if q.id not in self._by_id and not q.routes]
        return QueueSet([*self._by_id.values(), *fresh], self._fallback)

    def route(self, category: str, severity: int) -> Queue:
        """The queue a new case of this category and severity goes to."""
        queue_id = (
            self._table.get((category, severity))
            or self._table.get((category, None))
            or self._fallback[category]
        )
        return self._by_id[queue_id]

    def escalation_queue(self, queue_id: str | None = None) -> Queue:
        """The named escalation queue, or the first one."""
        if queue_id is not None:
            queue = self._by_id[queue_id]
            if not queue.escalation:
                raise KeyError(f"{queue_id} is not an escalation queue")
            return queue
        return next(q for q in self._by_id.values() if q.escalation)

    def workable(self, reviewer: Reviewer) -> list[Queue]:
        """The queues this reviewer may claim from, in queue order."""
        return [q for q in self._by_id.values() if q.may_work(reviewer)]

    def deadline(self, queue_id: str, severity: int, start: datetime) -> datetime:
        """When a case of this severity that entered the queue at `start` is due."""
        return start + self._by_id[queue_id].sla(severity)


def bundled_queues(policies: PolicySet) -> QueueSet:
    """The queues shipped in resources/queues."""
    return load_queues(resources_dir() / "queues", policies)


def load_queues(folder: Path, policies: PolicySet) -> QueueSet:
    """Load and validate every *.json in folder against the policies."""
    queues = []
    for path in sorted(folder.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise QueueError(f"{path.name}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc
        queue = parse_queue(doc, path.name, policies)
        if queue.id != path.stem:
            raise QueueError(f"{path.name}: id: {queue.id!r} does not match the file name")
        queues.append(queue)
    if not queues:
        raise QueueError(f"{folder}: no queue files found")
    return check_queue_set(queues, policies)


def parse_queue(doc: Any, source: str, policies: PolicySet) -> Queue:
    """A validated Queue from one decoded JSON document, or QueueError."""
    fail = _failer(source)
    if not isinstance(doc, dict):
        raise fail("top level", "expected an object")
    unknown = sorted(set(doc) - set(_KEYS))
    if unknown:
        raise fail("top level", f"unknown key {unknown[0]!r}")
    for key, kind in _KEYS.items():
        if key not in doc:
            raise fail("top level", f"missing key {key!r}")
        if not isinstance(doc[key], kind) or (kind is int and isinstance(doc[key], bool)):
            raise fail(key, f"expected {kind.__name__}")
    if doc["schema"] != 1:
        raise fail("schema", f"unsupported schema version {doc['schema']}")
    routes = tuple(_route(fail, n, item, policies) for n, item in enumerate(doc["routes"]))
    return Queue(
        id=doc["id"],
        name=doc["name"],
        description=doc["description"],
        order=doc["order"],
        routes=routes,
        roles=_roles(fail, doc["roles"]),
        clearances=_strings(fail, "clearances", doc["clearances"]),
        escalation=doc["escalation"],
        sla_minutes=_sla(fail, doc["sla_minutes"]),
    )


def check_queue_set(queues: list[Queue], policies: PolicySet) -> QueueSet:
    """Cross-file rules: one queue per route, homes exist, SLAs and clearances cover routes."""
    by_id = {q.id: q for q in queues}
    claimed: dict[tuple[str, int | None], str] = {}
    for queue in queues:
        if queue.escalation and queue.routes:
            raise QueueError(f"{queue.id}.json: routes: an escalation queue takes no intake routes")
        for route in queue.routes:
            for severity in route.severities or (None,):
                other = claimed.setdefault((route.category, severity), queue.id)
                if other != queue.id:
                    level = "all severities" if severity is None else f"severity {severity}"
                    raise QueueError(
                        f"{queue.id}.json: routes: {route.category} {level} is already "
                        f"routed to {other}.json"
                    )
    if not any(q.escalation for q in queues):
        raise QueueError('queues: no escalation queue (set "escalation": true on one)')
    fallback = {}
    for policy in policies:
        home = by_id.get(policy.queue)
        if home is None or home.escalation:
            raise QueueError(
                f"{policy.id}.json: queue: {policy.queue!r} is not a review queue "
                "in resources/queues"
            )
        fallback[policy.id] = policy.queue
    result = QueueSet(queues, fallback)
    graphic = _graphic_queues(result, policies)
    result = QueueSet([replace(q, graphic=q.id in graphic) for q in queues], fallback)
    _check_coverage(result, policies)
    return result


def _graphic_queues(queues: QueueSet, policies: PolicySet) -> set[str]:
    graphic = {
        queues.route(p.id, level).id for p in policies if p.graphic for level in p.severity_labels
    }
    if any(p.graphic for p in policies):
        graphic |= {q.id for q in queues if q.escalation}
    return graphic


def _check_coverage(queues: QueueSet, policies: PolicySet) -> None:
    for policy in policies:
        for level in policy.severity_labels:
            targets = [queues.route(policy.id, level)]
            targets += [q for q in queues if q.escalation]
            for queue in targets:
                if level not in queue.sla_minutes:
                    raise QueueError(
                        f"{queue.id}.json: sla_minutes: no SLA for severity {level} "
                        f"({policy.id} routes there)"
                    )
        home = queues.route(policy.id, 1)
        if policy.clearance and policy.clearance not in home.clearances:
            raise QueueError(
                f"{home.id}.json: clearances: {policy.id} needs the {policy.clearance!r} clearance"
            )


def _failer(source: str) -> Any:
    def fail(where: str, message: str) -> QueueError:
        return QueueError(f"{source}: {where}: {message}")

    return fail


def _route(fail: Any, n: int, item: Any, policies: PolicySet) -> Route:
    where = f"routes[{n}]"
    if not isinstance(item, dict):
        raise fail(where, 'expected an object like {"category": "spam_scams"}')
    unknown = sorted(set(item) - {"category", "severities"})
    if unknown:
        raise fail(where, f"unknown key {unknown[0]!r}")
    category = item.get("category")
    if not isinstance(category, str) or category not in policies:
        raise fail(f"{where}.category", f"unknown category {category!r}")
    if "severities" not in item:
        return Route(category, None)
    levels = item["severities"]
    known = set(policies[category].severity_labels)
    if not isinstance(levels, list) or not levels or not set(levels) <= known:
        raise fail(f"{where}.severities", f"expected a list of levels from {sorted(known)}")
    return Route(category, frozenset(levels))


def _roles(fail: Any, roles: list[Any]) -> frozenset[Role]:
    for n, role in enumerate(roles):
        if role not in set(Role):
            raise fail(f"roles[{n}]", f"unknown role {role!r} (known: {', '.join(Role)})")
    if not roles:
        raise fail("roles", "at least one role must be able to work the queue")
    return frozenset(Role(r) for r in roles)


def _strings(fail: Any, key: str, items: list[Any]) -> frozenset[str]:
    for n, item in enumerate(items):
        if not isinstance(item, str) or not item:
            raise fail(f"{key}[{n}]", "expected a non-empty string")
    return frozenset(items)


def _sla(fail: Any, sla: dict[str, Any]) -> dict[int, int]:
    out = {}
    for key, minutes in sla.items():
        if not key.isdigit() or int(key) < 1:
            raise fail(f"sla_minutes.{key}", "severity keys are whole numbers from 1")
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
            raise fail(f"sla_minutes.{key}", "expected a positive whole number of minutes")
        out[int(key)] = minutes
    return out
