"""Hand-made event logs: chained records of several devices, as a hub would serve them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from app.domain.kinds import EventKind
from app.log.events import GENESIS_HASH, EventRecord, seal, uuid7

K = EventKind
ACTORS = ("mod-a", "mod-b", "mod-c", "ana-a")


class Log:
    """Events of many devices in the order a hub would have stored them."""

    def __init__(self, device: str | None = None) -> None:
        self.records: list[EventRecord] = []
        self._heads: dict[str, tuple[int, str]] = {}
        self._device = device
        self._clock = 0

    def add(
        self,
        actor: str,
        kind: str,
        case_id: str | None,
        payload: dict[str, Any],
        device: str | None = None,
    ) -> EventRecord:
        """The next event of the actor's device (or the given one)."""
        device = device or self._device or f"dev-{actor}"
        seq, prev = self._heads.get(device, (0, GENESIS_HASH))
        self._clock += 1
        record = seal(
            EventRecord(
                event_id=uuid7(),
                device_id=device,
                device_seq=seq + 1,
                actor=actor,
                kind=str(kind),
                case_id=case_id,
                payload=payload,
                seen_head=None,
                created_at=f"2026-01-05T09:{self._clock // 60:02d}:{self._clock % 60:02d}.000Z",
                prev_hash=prev,
            )
        )
        self._heads[device] = (record.device_seq, record.hash)
        self.records.append(record)
        return record

    def decide(
        self,
        actor: str,
        case_id: str,
        prior: str | None,
        action: str = "no_violation",
        device: str | None = None,
    ) -> str:
        """A lease and a decision that saw `prior` as the case's decision; its event id."""
        self.add(
            actor,
            K.CASE_LEASED,
            case_id,
            {"holder": actor, "expires_at": "2026-01-01T00:00:00.000Z"},
            device,
        )
        payload = {"action": action, "category": "spam_scams", "prior_decision": prior}
        return self.add(actor, K.DECISION_RECORDED, case_id, payload, device).event_id

    def adjudicate(self, lead: str, case_id: str, resolves: list[str], action: str) -> str:
        """A lead's adjudication settling resolves; its event id."""
        payload = {"action": action, "category": "spam_scams", "resolves": resolves}
        return self.add(lead, K.CASE_ADJUDICATED, case_id, payload).event_id

    def served(self) -> list[EventRecord]:
        """The records with server_seq 1, 2, ... in log order."""
        return [replace(r, server_seq=n) for n, r in enumerate(self.records, start=1)]

    @classmethod
    def random(cls, draw: Callable[..., Any], cases: int = 3) -> Log:
        """A log of a few cases decided by several people who saw different things."""
        log = cls()
        ids = [spam_case(log) for _ in range(cases)]
        seen: dict[str, list[str | None]] = {c: [None] for c in ids}
        for _ in range(draw(st.integers(0, 12), label="steps")):
            case = draw(st.sampled_from(ids), label="case")
            actor = draw(st.sampled_from(ACTORS), label="actor")
            if draw(st.booleans(), label="adjudicate") and len(seen[case]) > 2:
                resolves = [d for d in seen[case][-2:] if d is not None]
                seen[case].append(log.adjudicate("lead", case, resolves, "remove"))
                continue
            prior = draw(st.sampled_from(seen[case]), label="prior")
            action = draw(st.sampled_from(["no_violation", "restrict", "remove"]), label="act")
            seen[case].append(log.decide(actor, case, prior, action))
        return log


def spam_case(log: Log, actor: str = "lead") -> str:
    """A case.ingested event like the hub's intake writes; the case id."""
    case_id = uuid7()
    payload = {
        "external_id": f"ext-{uuid.uuid4().hex[:10]}",
        "category": "spam_scams",
        "subcategory": "phishing",
        "severity": 2,
        "queue": "general",
        "team": "t",
        "clearance": None,
        "title": "a report",
        "report_reason": "",
        "text": "",
        "reported_at": "2026-01-05T09:00:00.000Z",
        "report_count": 1,
        "media": [],
    }
    log.add(actor, K.CASE_INGESTED, case_id, payload, device="hub-device")
    return case_id
