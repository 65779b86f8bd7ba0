"""A case's history in words: every event, who did it, what they saw and what they chose.

The analyst workspace shows this timeline; it is read straight from the event log, so it
is the audit trail itself, not a summary kept beside it. Each kind's line is its feature's
`describe` (app/log/registry.py), given the kind's typed payload; an undeclared kind, or a
payload that does not decode, shows its stored fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import msgspec

from app.domain.kinds import EventKind
from app.domain.policies import PolicySet
from app.domain.words import words_for
from app.log.events import EventRecord
from app.log.registry import PayloadError, registry
from app.review.kinds import (
    CaseEscalated,
    CaseIngested,
    CaseLeased,
    CaseReleased,
    CasesLinked,
    DecisionRecorded,
    DecisionRetracted,
    NoteAdded,
)
from app.wellbeing.kinds import MediaRevealed, MediaViewed

K = EventKind


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the history: the stored payload and, when it decodes, the typed one."""

    event_id: str
    at: str
    actor: str
    kind: str
    label: str
    text: str
    payload: Mapping[str, Any]
    typed: Any = None  # the kind's typed payload; None when it does not decode


def timeline(events: list[EventRecord], policies: PolicySet) -> list[TimelineEntry]:
    """The events of one case as timeline entries, oldest first."""
    items = _item_numbers(events)
    return [_entry(e, policies, items) for e in events]


def _item_numbers(events: list[EventRecord]) -> dict[str, int]:
    for event in events:
        if event.kind == K.CASE_INGESTED:
            p = _typed(event)
            media = p.media if isinstance(p, CaseIngested) else []
            return {m.sha256: n + 1 for n, m in enumerate(media)}
    return {}


def _typed(e: EventRecord) -> Any:
    try:
        return registry().decode(e.kind, e.payload)
    except PayloadError:
        return None


def _entry(e: EventRecord, policies: PolicySet, items: dict[str, int]) -> TimelineEntry:
    # How a kind reads is its feature's word (app/log/registry.py), given the typed
    # payload; an undeclared kind, or a payload that does not decode, shows its fields.
    spec = registry().kinds.get(e.kind)
    label = spec.label if spec is not None else e.kind
    typed = _typed(e)
    text = _generic(e.payload, policies, items)
    if typed is not None and spec is not None and spec.describe is not None:
        # A describe that cannot word this payload leaves its fields standing.
        with suppress(KeyError, TypeError, ValueError):
            text = spec.describe(typed, policies, items)
    return TimelineEntry(e.event_id, e.created_at, e.actor, e.kind, label, text, e.payload, typed)


Describe = Callable[[Any, PolicySet, dict[str, int]], str]


def _action_label(category: str | None, action: str, policies: PolicySet) -> str:
    if category is not None and category in policies:
        try:
            return policies[category].action(action).label
        except KeyError:
            pass
    return action


def _ingested(p: CaseIngested, policies: PolicySet, _items: dict[str, int]) -> str:
    return (
        f"{p.report_count} report(s), severity {p.severity}, "
        f"{len(p.media)} media item(s), routed to {words_for(policies).queue(p.queue)}; "
        f"SLA due {_short(p.sla_deadline)}"
    )


def _leased(p: CaseLeased, _policies: PolicySet, _items: dict[str, int]) -> str:
    via = {"renew": "lease renewed", "resume": "resumed", "take": "took the case"}.get(
        p.via or "", "claimed"
    )
    if p.by:
        via = f"assigned to {p.holder} by {p.by} ({p.reason})"
    rotation = " (rotation: a calmer case after several intense ones)" if p.rotation else ""
    return f"{via}, lease until {_short(p.expires_at)}{rotation}"


def _viewed(p: MediaViewed, _policies: PolicySet, items: dict[str, int]) -> str:
    item = items.get(p.item, "?")
    return f"item {item} on screen filtered ({p.pipeline or 'filters'}) for {p.seconds} s"


def _revealed(p: MediaRevealed, _policies: PolicySet, items: dict[str, int]) -> str:
    item = items.get(p.item, "?")
    still = ", ".join(p.filters_on) or "none"
    if p.mode == "listen":  # hold-to-listen: the sound, no share of the picture
        return f"listened to item {item}'s sound for {p.seconds} s (filters on: {still})"
    audio = ", with audio" if p.audio else ""
    return (
        f"revealed item {item}: {p.mode} for {p.seconds} s over "
        f"{p.area_share:.0%} of the picture (filters still on: {still}){audio}"
    )


def _decided(p: DecisionRecorded, policies: PolicySet, _items: dict[str, int]) -> str:
    parts = [_action_label(p.category, p.action, policies)]
    if p.subcategory:
        parts.append(words_for(policies).subcategory(p.category, p.subcategory))
    if p.severity:
        parts.append(f"severity {p.severity}")
    text = " · ".join(parts)
    if p.final:
        text = "final decision: " + text
    if p.applied_from:
        text += " (applied from a near-duplicate's decision)"
    if p.rationale:
        text += f" — {p.rationale}"
    if p.evidence_marks:
        text += f" [{len(p.evidence_marks)} evidence mark(s)]"
    return text


def _escalated(p: CaseEscalated, policies: PolicySet, _items: dict[str, int]) -> str:
    queue = words_for(policies).queue(p.queue)
    return f"to {queue} at severity {p.severity}, SLA due {_short(p.sla_deadline)}: {p.reason}"


def _generic(p: Any, _policies: PolicySet, _items: dict[str, int]) -> str:
    # The stored fields as written (the one reader that lists a payload's raw keys); a
    # typed payload lists all its fields.
    fields = p if isinstance(p, Mapping) else msgspec.to_builtins(p)
    shown = {k: v for k, v in fields.items() if k not in ("media",)}
    return ", ".join(f"{k}: {v}" for k, v in sorted(shown.items())) or ""


def _short(moment: object) -> str:
    return str(moment or "?")[:16].replace("T", " ")


def describe_released(p: CaseReleased, _policies: PolicySet, _items: dict[str, int]) -> str:
    """A release: its reason."""
    return p.reason or "released"


def describe_skipped(p: CaseReleased, _policies: PolicySet, _items: dict[str, int]) -> str:
    """A skip: its reason."""
    return p.reason


def describe_retracted(p: DecisionRetracted, _policies: PolicySet, _items: dict[str, int]) -> str:
    """A retraction: undo or retract."""
    return f"decision taken back ({p.why})"


def describe_note(p: NoteAdded, _policies: PolicySet, _items: dict[str, int]) -> str:
    """A note: its text (older notes spelled it `body`; the kind's upgrade reads that)."""
    return p.text


def describe_linked(p: CasesLinked, _policies: PolicySet, _items: dict[str, int]) -> str:
    """A link: the other case and why."""
    number = "?" if p.other_case_no is None else p.other_case_no
    return f"related to case #{number}: {p.reason}"


describe_ingested = _ingested
describe_leased = _leased
describe_viewed = _viewed
describe_revealed = _revealed
describe_decided = _decided
describe_escalated = _escalated
describe_fields = _generic
