"""A case's history in words: every event, who did it, what they saw and what they chose.

The analyst workspace shows this timeline; it is read straight from the event log, so it
is the audit trail itself, not a summary kept beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.kinds import EventKind
from app.domain.policies import PolicySet
from app.log.events import EventRecord
from app.log.registry import registry

K = EventKind


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the history."""

    event_id: str
    at: str
    actor: str
    kind: str
    label: str
    text: str
    payload: Mapping[str, Any]


def timeline(events: list[EventRecord], policies: PolicySet) -> list[TimelineEntry]:
    """The events of one case as timeline entries, oldest first."""
    items = _item_numbers(events)
    return [_entry(e, policies, items) for e in events]


def _item_numbers(events: list[EventRecord]) -> dict[str, int]:
    for event in events:
        if event.kind == K.CASE_INGESTED:
            media = event.payload.get("media", [])
            return {m["sha256"]: n + 1 for n, m in enumerate(media)}
    return {}


def _entry(e: EventRecord, policies: PolicySet, items: dict[str, int]) -> TimelineEntry:
    # How a kind reads is its feature's word (app/log/registry.py); an undeclared kind, or
    # a payload that does not describe, shows its fields.
    spec = registry().kinds.get(e.kind)
    label = spec.label if spec is not None else e.kind
    describe = spec.describe if spec is not None and spec.describe is not None else _generic
    try:
        text = describe(e.payload, policies, items)
    except (KeyError, TypeError, ValueError):
        text = _generic(e.payload, policies, items)
    return TimelineEntry(e.event_id, e.created_at, e.actor, e.kind, label, text, e.payload)


Describe = Callable[[Mapping[str, Any], PolicySet, dict[str, int]], str]


def _action_label(p: Mapping[str, Any], policies: PolicySet) -> str:
    category = p.get("category")
    if isinstance(category, str) and category in policies:
        try:
            return policies[category].action(p["action"]).label
        except KeyError:
            pass
    return str(p.get("action"))


def _ingested(p: Mapping[str, Any], _policies: PolicySet, _items: dict[str, int]) -> str:
    media = len(p.get("media", []))
    return (
        f"{p.get('report_count', 1)} report(s), severity {p.get('severity')}, "
        f"{media} media item(s), routed to {p.get('queue')}; "
        f"SLA due {_short(p.get('sla_deadline'))}"
    )


def _leased(p: Mapping[str, Any], _policies: PolicySet, _items: dict[str, int]) -> str:
    via = {"renew": "lease renewed", "resume": "resumed", "take": "took the case"}.get(
        p.get("via", ""), "claimed"
    )
    if p.get("by"):
        via = f"assigned to {p.get('holder')} by {p['by']} ({p.get('reason', '')})"
    rotation = " (rotation: a calmer case after several intense ones)" if p.get("rotation") else ""
    return f"{via}, lease until {_short(p.get('expires_at'))}{rotation}"


def _viewed(p: Mapping[str, Any], _policies: PolicySet, items: dict[str, int]) -> str:
    item = items.get(str(p.get("item")), "?")
    pipeline = p.get("pipeline", "filters")
    return f"item {item} on screen filtered ({pipeline}) for {p.get('seconds', 0)} s"


def _revealed(p: Mapping[str, Any], _policies: PolicySet, items: dict[str, int]) -> str:
    item = items.get(str(p.get("item")), "?")
    share = float(p.get("area_share", 0))
    still = ", ".join(p.get("filters_on", [])) or "none"
    audio = ", with audio" if p.get("audio") else ""
    return (
        f"revealed item {item}: {p.get('mode', 'reveal')} for {p.get('seconds', 0)} s over "
        f"{share:.0%} of the picture (filters still on: {still}){audio}"
    )


def _decided(p: Mapping[str, Any], policies: PolicySet, _items: dict[str, int]) -> str:
    parts = [_action_label(p, policies)]
    if p.get("subcategory"):
        parts.append(str(p["subcategory"]))
    if p.get("severity"):
        parts.append(f"severity {p['severity']}")
    text = " · ".join(parts)
    if p.get("final"):
        text = "final decision: " + text
    if p.get("applied_from"):
        text += " (applied from a near-duplicate's decision)"
    if p.get("rationale"):
        text += f" — {p['rationale']}"
    marks = p.get("evidence_marks", [])
    if marks:
        text += f" [{len(marks)} evidence mark(s)]"
    return text


def _escalated(p: Mapping[str, Any], _policies: PolicySet, _items: dict[str, int]) -> str:
    return (
        f"to {p.get('queue')} at severity {p.get('severity')}, SLA due "
        f"{_short(p.get('sla_deadline'))}: {p.get('reason', '')}"
    )


def _generic(p: Mapping[str, Any], _policies: PolicySet, _items: dict[str, int]) -> str:
    shown = {k: v for k, v in p.items() if k not in ("media",)}
    return ", ".join(f"{k}: {v}" for k, v in sorted(shown.items())) or ""


def _short(moment: object) -> str:
    return str(moment or "?")[:16].replace("T", " ")


def describe_released(p: Mapping[str, Any], _policies: PolicySet, _items: dict[str, int]) -> str:
    """A release: its reason."""
    return str(p.get("reason", "released"))


def describe_skipped(p: Mapping[str, Any], _policies: PolicySet, _items: dict[str, int]) -> str:
    """A skip: its reason."""
    return str(p.get("reason", ""))


def describe_retracted(p: Mapping[str, Any], _policies: PolicySet, _items: dict[str, int]) -> str:
    """A retraction: undo or retract."""
    return f"decision taken back ({p.get('why', 'retract')})"


def describe_note(p: Mapping[str, Any], _policies: PolicySet, _items: dict[str, int]) -> str:
    """A note: its text."""
    return str(p.get("text", p.get("body", "")))


def describe_linked(p: Mapping[str, Any], _policies: PolicySet, _items: dict[str, int]) -> str:
    """A link: the other case and why."""
    return f"related to case #{p.get('other_case_no', '?')}: {p.get('reason', '')}"


describe_ingested = _ingested
describe_leased = _leased
describe_viewed = _viewed
describe_revealed = _revealed
describe_decided = _decided
describe_escalated = _escalated
describe_fields = _generic
