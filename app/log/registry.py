"""The open kernel's registry: every feature says here what it adds to the event log.

A feature is one package with a `FEATURE` descriptor (a `Feature`) naming:

- its event kinds (`Kind`), each with a typed payload (a msgspec `Struct`) that is checked
  when an event is written, when the hub receives it and when one is pulled; who may
  author the kind and who receives it from the hub; how it reads in the case timeline;
- its folds (`Fold`), each with an explicit `Phase`, taking a fold context (the batch
  writer) instead of a session;
- its projection tables (cleared and refolded by a rebuild) and the case-keyed ones the
  batch writer loads up front for a page of events.

The feature list is one module of the composition root, `app/features.py`: a list of the
descriptor modules' names, loaded by name here so that the kernel imports no feature and
every entry point (the workstation, the CLI, the hub, the tests) folds with the same set.
`VEIL_EXTRA_FEATURES` (comma-separated module names) appends features to that list, for a
hub or a workstation that runs a feature outside the bundled list.
"""

from __future__ import annotations

import importlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from app.log.events import canonical_json
from app.log.fields import INT_RULE, check_times, int_problem

if TYPE_CHECKING:
    from app.log.events import EventRecord
    from app.log.folding import FoldContext

FEATURE_LIST = "app.features"
ENV_EXTRA_FEATURES = "VEIL_EXTRA_FEATURES"
ROLE_ORDER = ("moderator", "analyst", "lead")
# Every node pulls every event it may see: a payload's size is capped per kind, by default
# at this (its canonical JSON, in UTF-8 bytes).
DEFAULT_MAX_BYTES = 64 * 1024

P = TypeVar("P", bound=msgspec.Struct)


class Payload(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every typed payload: immutable; fields a newer writer adds are ignored.
    Every Time field must name a real moment (a pattern alone admits 2026-02-30)."""

    def __post_init__(self) -> None:
        check_times(self)


class PayloadError(ValueError):
    """A payload that does not match its kind's schema; names the kind, field and rule."""

    def __init__(self, kind: str, where: str, rule: str) -> None:
        self.kind, self.where, self.rule = kind, where, rule
        super().__init__(f"{kind}: {where}: {rule}" if where else f"{kind}: {rule}")


class PayloadTooLarge(PayloadError):
    """A payload over its kind's size limit (its canonical JSON, in UTF-8 bytes)."""

    def __init__(self, kind: str, size: int, limit: int) -> None:
        self.size, self.limit = size, limit
        super().__init__(kind, "payload", f"{size} bytes, over the limit of {limit} bytes")


class UnknownKind(PayloadError):
    """An event kind no installed feature declares."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind, "kind", "no installed feature declares this event kind")


class Phase(IntEnum):
    """When a fold runs among the folds of one event; the same order on every node.

    BEFORE sees the case as it was before the event (e.g. the queue a decision was
    handled in); CASE moves the case row itself (status, lease, decision); DETAIL writes
    rows beside the case (escalations, notes, links); AFTER watches every event once the
    case has moved (queue depth, claim starts).
    """

    BEFORE = 10
    CASE = 20
    DETAIL = 30
    AFTER = 40


class Audience(IntEnum):
    """Who receives an event of a kind from the hub (besides its author, who always does)."""

    EVERYONE = 0  # everyone who may see the case (or the team, for team events)
    ANALYSTS = 1  # analysts and leads
    LEADS = 2  # leads only (and the event's `audience`, when the kind names one)
    # Analysts and leads, and anyone an event of the same subject (an incident) was
    # addressed to: a moderator the incident names in a role.
    MEMBERS = 3


# A fold: (context, the case row, the event). The case row is None only for team events
# and for the kind that creates the case; folds of other kinds may take it as a Case.
FoldFn = Callable[["FoldContext", Any, "EventRecord"], None]
# A kind's line in the case timeline: (the kind's typed payload, the policy set, item
# numbers by sha256). A payload that does not decode shows its stored fields instead.
Describe = Callable[[Any, Any, dict[str, int]], str]


@dataclass(frozen=True)
class Kind:
    """One event kind: its stored name (never renamed), typed payload and rules."""

    name: str
    payload: type[msgspec.Struct]
    label: str
    on_case: bool = True  # the event must name a case (else a case is optional)
    creates_case: bool = False  # folding it creates the case row
    author_role: str = "moderator"  # the least role that may author it
    audience: Audience = Audience.EVERYONE
    # The one person besides leads and the author who receives a LEADS kind (a verdict's
    # reviewer), read from the payload.
    addressee: Callable[[Any], str | None] | None = None
    # The clearance an event of a kind that names no case needs, read from its typed
    # payload (a child-safety incident's events): the hub stores it with the event, so
    # only the cleared receive it, and refuses it from a pusher who lacks it.
    clearance: Callable[[Any], str | None] | None = None
    # What an event naming no case belongs to (an incident's events: the incident), read
    # from its typed payload: the hub keeps it with the event, and a MEMBERS kind reaches
    # whoever an event of the same subject was addressed to.
    subject: Callable[[Any], str | None] | None = None
    describe: Describe | None = None  # its line in the case timeline; None: the fields
    # Older spellings of the same payload, rewritten before the check (events are
    # immutable, so old events keep them on disk).
    upgrade: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    max_bytes: int = DEFAULT_MAX_BYTES  # the payload's canonical JSON, in UTF-8 bytes

    def may_author(self, role: str) -> bool:
        """Whether a person of this role may write events of this kind."""
        return _rank(role) >= _rank(self.author_role)


@dataclass(frozen=True)
class Fold:
    """A fold of a feature: runs for these kinds (None: every case event) in its phase."""

    phase: Phase
    fn: FoldFn
    kinds: frozenset[str] | None = None


@dataclass(frozen=True)
class Feature:
    """What one feature package adds to the kernel."""

    name: str
    kinds: Sequence[Kind] = ()
    folds: Sequence[Fold] = ()
    tables: Sequence[type[Any]] = ()  # projection models: cleared and refolded by a rebuild
    # Projection models keyed by case (a case_id column) that folds read by primary key:
    # the batch writer loads a page's rows of them up front.
    scoped: Sequence[type[Any]] = ()
    # Tables the kernel creates when a store opens without them (a feature's own metadata,
    # for a feature that ships no migration).
    own_tables: Sequence[Any] = ()
    # Review queues the feature opens while the log says so (an open incident's own
    # queue): `queues(session, reviewer, desk)` gives the app.domain Queues this person
    # may list, beside the desk's `base_queues` (the files in resources/queues).
    # `queue_kinds`: the kinds after which a desk asks again (it keeps the answer until
    # one of them is written).
    queues: Callable[[Any, Any, Any], Sequence[Any]] | None = None
    queue_kinds: frozenset[str] = frozenset()


@dataclass
class Registry:
    """Every installed feature's kinds, folds and tables, looked up by the kernel."""

    features: list[Feature] = field(default_factory=list)
    kinds: dict[str, Kind] = field(default_factory=dict)
    _by_kind: dict[str, tuple[Fold, ...]] = field(default_factory=dict)
    _every: list[Fold] = field(default_factory=list)
    _decoders: dict[str, Callable[[Any], Any]] = field(default_factory=dict)

    def add(self, feature: Feature) -> None:
        """Install a feature; a kind declared twice is a programming error."""
        if any(f.name == feature.name for f in self.features):
            raise ValueError(f"feature {feature.name!r} is installed twice")
        for kind in feature.kinds:
            if kind.name in self.kinds:
                raise ValueError(f"event kind {kind.name!r} is declared twice")
            self.kinds[kind.name] = kind
        self.features.append(feature)
        self._order_folds()

    def _order_folds(self) -> None:
        # Folds run by phase, then in feature-list order, then in declaration order.
        ranked = [
            (fold.phase, n, m, fold)
            for n, feature in enumerate(self.features)
            for m, fold in enumerate(feature.folds)
        ]
        ranked.sort(key=lambda item: item[:3])
        ordered = [item[3] for item in ranked]
        self._every = [f for f in ordered if f.kinds is None]
        self._by_kind = {
            name: tuple(f for f in ordered if f.kinds is None or name in f.kinds)
            for name in self.kinds
        }

    def folds_for(self, kind: str) -> tuple[Fold, ...]:
        """The folds an event of this kind runs through, in order."""
        found = self._by_kind.get(kind)
        return found if found is not None else ()

    def kind(self, name: str) -> Kind:
        """The declared kind; UnknownKind when no feature declares it."""
        found = self.kinds.get(name)
        if found is None:
            raise UnknownKind(name)
        return found

    def decode(self, kind: str, payload: Mapping[str, Any]) -> Any:
        """The typed payload of an event; PayloadError naming the field and rule."""
        spec = self.kind(kind)
        data: Any = payload
        if spec.upgrade is not None:
            data = spec.upgrade(dict(payload))
        decoder = self._decoders.get(kind)
        if decoder is None:
            decoder = self._decoders[kind] = _decoder(spec.payload)
        try:
            return decoder(data)
        except msgspec.ValidationError as exc:
            raise _payload_error(kind, str(exc)) from None

    def check(self, kind: str, case_id: str | None, payload: Mapping[str, Any]) -> Any:
        """Everything the log requires of a new event's kind, case and payload."""
        spec = self.kind(kind)
        if spec.on_case and not case_id:
            raise PayloadError(kind, "case_id", "this kind is about a case and names none")
        too_big = int_problem(payload)
        if too_big is not None:
            raise PayloadError(kind, too_big, INT_RULE)
        return self.decode(kind, payload)

    def check_size(self, kind: str, payload: Mapping[str, Any] | str) -> int:
        """The payload's size (its canonical JSON in UTF-8 bytes; payload may be that JSON
        already); PayloadTooLarge naming kind, size and limit when over the kind's limit.
        Cheap, so it runs before the payload is decoded (UnknownKind for an unknown kind)."""
        spec = self.kind(kind)
        text = payload if isinstance(payload, str) else canonical_json(payload)
        size = len(text.encode("utf-8"))
        if size > spec.max_bytes:
            raise PayloadTooLarge(kind, size, spec.max_bytes)
        return size

    def tables(self) -> list[type[Any]]:
        """Every feature's projection models."""
        return [model for feature in self.features for model in feature.tables]

    def scoped_models(self) -> tuple[type[Any], ...]:
        """Every feature's case-keyed models the batch writer loads up front."""
        return tuple(model for feature in self.features for model in feature.scoped)

    def queue_sources(self) -> list[Callable[[Any, Any, Any], Sequence[Any]]]:
        """Every feature's hook for the review queues it opens (see `Feature.queues`)."""
        return [f.queues for f in self.features if f.queues is not None]

    def queue_kinds(self) -> frozenset[str]:
        """The kinds after which the opened queues may have changed."""
        return frozenset(kind for f in self.features for kind in f.queue_kinds)

    def own_tables(self) -> list[Any]:
        """Tables features bring without a migration."""
        return [table for feature in self.features for table in feature.own_tables]

    def kinds_for(self, audience: Audience) -> frozenset[str]:
        """The kinds sent to exactly this audience."""
        return frozenset(k.name for k in self.kinds.values() if k.audience == audience)


def team_clearance(kind: str, payload: Mapping[str, Any]) -> str | None:
    """The clearance a team event (one naming no case) needs: its kind's `clearance` read
    from the payload; None for kinds without one. PayloadError when it does not decode."""
    reg = registry()
    spec = reg.kind(kind)
    if spec.clearance is None:
        return None
    return spec.clearance(reg.decode(kind, payload))


def decoded(kind: str, payload: Mapping[str, Any], as_type: type[P]) -> P | None:
    """An event's typed payload as `as_type`; None when it does not decode (such an event
    is kept in the log and read as nothing, as the folds do) or is another kind's."""
    reg = registry()
    spec = reg.kinds.get(kind)
    if spec is None or not issubclass(spec.payload, as_type):
        return None
    try:
        typed = reg.decode(kind, payload)
    except PayloadError:
        return None
    return typed if isinstance(typed, as_type) else None


def _decoder(payload: type[msgspec.Struct]) -> Callable[[Any], Any]:
    def decode(data: Any) -> Any:
        return msgspec.convert(data, payload, strict=True)

    return decode


def _payload_error(kind: str, message: str) -> PayloadError:
    # msgspec: "Expected `int`, got `str` - at `$.severity`" (or "... - at `$`").
    rule, _, where = message.partition(" - at `")
    where = where.rstrip("`").removeprefix("$").lstrip(".")
    if rule.startswith("Object missing required field"):
        missing = rule.split("`")[1]
        where = f"{where}.{missing}" if where else missing
        rule = "required"
    named = _NAMED_RULE.match(rule)
    if named is not None:  # a field check of __post_init__: "field: rule"
        where = f"{where}.{named[1]}" if where else named[1]
        rule = named[2]
    rule = rule[:1].lower() + rule[1:]
    return PayloadError(kind, where or "payload", rule)


_NAMED_RULE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*): (.+)\Z", re.DOTALL)


def _rank(role: str) -> int:
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else -1


_lock = threading.Lock()
_registry: Registry | None = None


def feature_modules() -> list[str]:
    """The descriptor modules of the installed features, in fold order."""
    listed: list[str] = list(importlib.import_module(FEATURE_LIST).FEATURES)
    extra = [m.strip() for m in os.environ.get(ENV_EXTRA_FEATURES, "").split(",") if m.strip()]
    return listed + [m for m in extra if m not in listed]


def registry() -> Registry:
    """The registry of the installed features (loaded once, on first use)."""
    global _registry
    if _registry is None:
        with _lock:
            if _registry is None:
                _registry = build(feature_modules())
    return _registry


def build(modules: Iterable[str]) -> Registry:
    """A registry of these descriptor modules' `FEATURE`s."""
    made = Registry()
    for name in modules:
        made.add(importlib.import_module(name).FEATURE)
    return made


def install(feature: Feature) -> None:
    """Add a feature to the loaded registry (a test's toy feature, in this process)."""
    current = registry()
    with _lock:
        current.add(feature)


def reset() -> None:
    """Forget the loaded registry (the next use loads the feature list again)."""
    global _registry
    with _lock:
        _registry = None
