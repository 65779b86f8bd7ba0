"""How evidence events read in the case timeline and the audit trail."""

from __future__ import annotations

from app.evidence import kinds


def describe_hold(p: kinds.HoldPlaced, _policies: object, _items: dict[str, int]) -> str:
    """'Legal hold (case and linked cases): reason'."""
    where = "case and linked cases" if p.scope == "linked" else "case"
    return f"legal hold on the {where}: {p.reason}"


def describe_lift(p: kinds.HoldLifted, _policies: object, _items: dict[str, int]) -> str:
    """'Hold lifted: reason'."""
    return f"legal hold lifted: {p.reason}"


def describe_purge(p: kinds.MediaPurged, _policies: object, items: dict[str, int]) -> str:
    """'2 media file(s) purged from a workstation (rule spam_scams, 0 days after close)'."""
    numbers = sorted(f"#{items[s]}" for s in p.sha256s if s in items)
    which = f" ({', '.join(numbers)})" if numbers else ""
    why = (
        "the account was disabled"
        if p.reason == "account_disabled"
        else (f"rule {p.rule}: {p.days} day(s) after the case closed")
    )
    return f"{len(p.sha256s)} media file(s){which} purged from the {p.where}; {why}"


def describe_packet(p: kinds.PacketBuilt, _policies: object, _items: dict[str, int]) -> str:
    """'child-safety report packet built (2 files)'."""
    files = p.packet.get("files")
    count = len(files) if isinstance(files, list) else 0
    return f"child-safety report packet built ({count} file(s){', text only' if not count else ''})"


def describe_submitted(p: kinds.PacketSubmitted, _policies: object, _items: dict[str, int]) -> str:
    """'report submitted, receipt 12345'."""
    return f"child-safety report submitted, receipt {p.receipt}"
