"""Every bundled kind's typed payload: a sample decodes, a malformed one is refused naming
the field, a legacy note reads as its text, and app/ reads payloads through the types."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy import select

from app.domain.policies import PolicySet
from app.log.events import EventRecord
from app.log.registry import (
    PayloadError,
    PayloadTooLarge,
    Registry,
    build,
    decoded,
    feature_modules,
)
from app.log.store import LocalStore
from app.qa.gold_mixing import COPY_DROPS
from app.review.kinds import CaseIngested, NoteAdded, evidence_marks
from app.review.timeline import timeline
from db.models import CaseNote

SHA = "ab" * 32
AT = "2026-01-05T09:00:00.000Z"
INCIDENT = "0190c0de-0000-7000-8000-000000000001"
EVENT = "0190f3a2-0000-7000-8000-000000000001"

# One valid payload per bundled kind, shaped as its writers write it.
SAMPLES: dict[str, dict[str, Any]] = {
    "case.ingested": {
        "external_id": "r-1",
        "category": "spam_scams",
        "subcategory": None,
        "severity": 2,
        "queue": "general",
        "team": "default",
        "clearance": None,
        "title": "spam report r-1",
        "report_reason": "spam",
        "text": "buy now",
        "reported_at": AT,
        "report_count": 1,
        "sla_started_at": AT,
        "sla_deadline": "2026-01-07T09:00:00.000Z",
        "media": [
            {
                "sha256": SHA,
                "kind": "image",
                "mime": "image/png",
                "filename": "a.png",
                "size": 10,
                "phash": [{"frame": 0, "hash": "00ff00ff00ff00ff"}],
            }
        ],
    },
    "case.leased": {"holder": "maya", "expires_at": AT, "via": "claim", "rotation": True},
    "case.reassigned": {"holder": "maya", "expires_at": AT, "by": "lee", "reason": "cover"},
    "case.released": {"reason": "lease expired", "holder": "maya"},
    "case.skipped": {"reason": "Conflict of interest"},
    "decision.recorded": {
        "action": "remove",
        "category": "spam_scams",
        "severity": 2,
        "rationale": "obvious spam",
        "fields": {"note": "x"},
        "evidence_marks": [{"item": SHA, "x": 0.1, "y": 0.2, "w": 0.3, "h": 0.4}],
        "prior_decision": EVENT,
        "final": True,
        "exposure": {"unfiltered_seconds": 2.3, "reveals": 2, "counted_in": EVENT},
    },
    "decision.retracted": {"decision": EVENT, "why": "undo"},
    "case.escalated": {
        "reason": "needs an analyst",
        "queue": "escalations",
        "from_queue": "general",
        "severity": 3,
        "sla_started_at": AT,
        "sla_deadline": AT,
    },
    "case.closed": {"reason": "duplicate"},
    "case.adjudicated": {
        "resolves": [EVENT, "0190f3a2-0000-7000-8000-000000000002"],
        "action": "remove",
        "category": "spam_scams",
        "rationale": "the stricter call stands",
    },
    "note.added": {"text": "seen this account before"},
    "cases.linked": {"other_case_id": "c2", "other_case_no": 7, "reason": "same sender"},
    "incident.opened": {"title": "campaign", "reason": "many reports"},
    "team.setting": {"settings": {"wellbeing.rotation_after": 5}},
    "media.viewed": {"item": SHA, "seconds": 4.5, "pipeline": "blur + greyscale"},
    "media.revealed": {
        "item": SHA,
        "seconds": 3.0,
        "area_share": 0.1,
        "mode": "lens",
        "filters_on": ["greyscale"],
        "audio": False,
    },
    "break.taken": {"started_at": AT, "seconds": 600.0},
    "team.filters_set": {"filters": {"default": [{"filter": "blur", "strength": 0.5}]}},
    "qa.rule_set": {
        "queue": "general",
        "percent": 10.0,
        "all_highest_severity": True,
        "all_escalations": False,
        "highest_severity": 4,
        "gold_rate": 0.05,
        "seed_fingerprint": "0123456789abcdef",
    },
    "qa.assigned": {
        "decision": EVENT,
        "reviewer": "maya",
        "queue": "general",
        "policy": "spam_scams",
        "action": "remove",
        "reason": "random",
    },
    "qa.review": {"decision": EVENT, "policy": "spam_scams", "action": "remove"},
    "qa.verdict": {
        "decision": EVENT,
        "verdict": "disagree",
        "policy": "spam_scams",
        "action": "no_violation",
        "reviewer": "maya",
        "queue": "general",
        "original_policy": "spam_scams",
        "original_action": "remove",
        "note": "not spam: a real shop",
    },
    "gold.marked": {"policy": "spam_scams", "action": "remove", "note": "textbook"},
    "gold.unmarked": {},
    "gold.inserted": {"gold_case": "c1", "queue": "general", "position": 3},
    "calibration.opened": {
        "session": EVENT,
        "title": "March calibration",
        "cases": ["c1", "c2"],
        "participants": ["lee", "maya"],
    },
    "calibration.voted": {"session": EVENT, "policy": "spam_scams", "action": "remove"},
    "calibration.closed": {"session": EVENT},
    "login.locked": {
        "username": "maya",
        "scope": "account",
        "failures": 10,
        "until": AT,
        "address": "203.0.113.7",
    },
    "login.unlocked": {"username": "maya", "address": None},
    **{
        f"incident.{name}": {"incident_id": INCIDENT, "clearance": None, **body}
        for name, body in {
            "declared": {
                "title": "Re-upload wave",
                "severity": 2,
                "category": "violent_graphic",
                "commander": "lee",
                "regions": ["EU"],
                "summary": "",
                "from_case": "c1",
            },
            "severity_changed": {"severity": 1, "previous": 2, "reason": "spreading"},
            "role_assigned": {"person": "maya", "role": "liaison", "area": "legal"},
            "role_removed": {"person": "maya", "role": "scribe", "area": None},
            "case_linked": {
                "via": "seed",
                "queue": f"incident-{INCIDENT}",
                "from_queue": "general",
                "sla_deadline": AT,
                "distance": 3,
                "seed": SHA,
                "term": None,
            },
            "seed_added": {
                "sha256": SHA,
                "hashes": [{"frame": 0, "hash": "00ff00ff00ff00ff"}],
                "source_case": "c1",
            },
            "terms_set": {"terms": ["attack video"]},
            "status_update": {"conditions": "spreading", "actions": "surge queue", "needs": ""},
            "note": {"text": "hub mirrors found"},
            "external_contact": {"party": "GIFCT", "channel": "hash sharing", "summary": "sent"},
            "entry_pinned": {"entry": EVENT, "pinned": True},
            "entry_corrected": {"entry": EVENT, "text": "mirrors on two hosts"},
            "resolved": {"summary": "contained"},
            "postmortem": {"went_well": "seeds", "went_badly": "late", "summary": ""},
            "surge_depth": {"open": 12, "threshold": 10},
            "case_returned": {"queue": "general"},
            "action_item": {
                "item_id": "a1",
                "title": "OCR terms",
                "owner": "lee",
                "due": AT,
                "done": False,
            },
        }.items()
    },
    "network.investigation_saved": {
        "investigation": "spring-promo",
        "title": "Spring promo",
        "settings": '{"window": 60.0}',
        "clearance": None,
        "posts": 100000,
    },
    "network.pinned": {
        "investigation": "spring-promo",
        "target": "account",
        "target_id": "a-17",
        "pinned": True,
    },
    "network.noted": {
        "investigation": "spring-promo",
        "target": "cluster",
        "target_id": "c-0123456789abcdef",
        "text": "Same picture, bursts of 40 s",
    },
    "network.cluster_judged": {
        "investigation": "spring-promo",
        "cluster": "c-0123456789abcdef",
        "verdict": "coordinated",
        "rationale": "Twenty bursts of the same media",
        "accounts": ["a-17", "a-18", "a-19"],
        "settings": '{"window": 60.0}',
    },
    "network.edge_rejected": {
        "investigation": "spring-promo",
        "account_a": "a-17",
        "account_b": "a-18",
        "rationale": "Both are news outlets",
    },
    "network.evidence_viewed": {
        "investigation": "spring-promo",
        "account_a": "a-17",
        "account_b": "a-18",
        "seconds": 12.5,
        "media_items": 4,
        "pipeline": "blur 24 + gray",
    },
    "evidence.hold_placed": {
        "hold_id": "0b6a3e52-6d0e-4c3a-9d6f-3f1f6b2a9c10",
        "scope": "linked",
        "reason": "preservation request",
    },
    "evidence.hold_lifted": {
        "hold_id": "0b6a3e52-6d0e-4c3a-9d6f-3f1f6b2a9c10",
        "reason": "request withdrawn",
    },
    "evidence.purged": {
        "sha256s": [SHA],
        "where": "workstation",
        "device_id": "d1",
        "rule": "spam_scams",
        "days": 0,
        "closed_at": AT,
        "reason": "retention",
    },
    "evidence.packet_built": {
        "packet_id": "0b6a3e52-6d0e-4c3a-9d6f-3f1f6b2a9c11",
        "packet": {"caseId": "c1", "files": []},
    },
    "evidence.packet_submitted": {
        "packet_id": "0b6a3e52-6d0e-4c3a-9d6f-3f1f6b2a9c11",
        "receipt": "CT-1",
        "submitted_at": AT,
    },
}

# Malformed payloads: (kind, payload, the field PayloadError names).
MALFORMED: list[tuple[str, dict[str, Any], str]] = [
    ("case.ingested", {**SAMPLES["case.ingested"], "severity": "high"}, "severity"),
    ("case.ingested", {**SAMPLES["case.ingested"], "severity": 12}, "severity"),
    ("case.ingested", {**SAMPLES["case.ingested"], "reported_at": "yesterday"}, "reported_at"),
    ("case.ingested", {"category": "spam_scams", "severity": 2}, "queue"),
    (
        "case.ingested",
        {
            **SAMPLES["case.ingested"],
            "media": [{**SAMPLES["case.ingested"]["media"][0], "sha256": "x"}],
        },
        "media[0].sha256",
    ),
    ("case.leased", {"expires_at": 5}, "expires_at"),
    ("decision.recorded", {"category": "spam_scams", "rationale": "no action"}, "action"),
    ("decision.recorded", {"action": "remove", "severity": 0}, "severity"),
    ("decision.recorded", {"action": "remove", "exposure": {"reveals": -1}}, "exposure.reveals"),
    ("decision.retracted", {"why": "undo"}, "decision"),
    ("note.added", {}, "text"),
    ("media.revealed", {"item": SHA, "area_share": 1.5}, "area_share"),
    ("media.viewed", {"item": SHA, "seconds": -1}, "seconds"),
    ("break.taken", {"started_at": "after lunch"}, "started_at"),
    ("qa.rule_set", {**SAMPLES["qa.rule_set"], "gold_rate": 0.9}, "gold_rate"),
    ("qa.rule_set", {**SAMPLES["qa.rule_set"], "percent": 101}, "percent"),
    ("qa.verdict", {**SAMPLES["qa.verdict"], "verdict": "maybe"}, "verdict"),
    ("qa.verdict", {"verdict": "agree"}, "decision"),
    ("gold.inserted", {**SAMPLES["gold.inserted"], "position": "3"}, "position"),
    ("calibration.opened", {**SAMPLES["calibration.opened"], "cases": "c1"}, "cases"),
    ("team.setting", {}, "settings"),
    ("login.locked", {**SAMPLES["login.locked"], "scope": "everything"}, "scope"),
    ("login.locked", {**SAMPLES["login.locked"], "until": "later"}, "until"),
    ("login.locked", {**SAMPLES["login.locked"], "failures": -1}, "failures"),
    ("login.unlocked", {}, "username"),
    ("incident.declared", {**SAMPLES["incident.declared"], "severity": 5}, "severity"),
    ("incident.role_assigned", {**SAMPLES["incident.role_assigned"], "role": "boss"}, "role"),
    ("incident.seed_added", {**SAMPLES["incident.seed_added"], "hashes": []}, "hashes"),
    ("incident.status_update", {"incident_id": INCIDENT, "actions": "x"}, "conditions"),
    (
        "network.cluster_judged",
        {**SAMPLES["network.cluster_judged"], "verdict": "guilty"},
        "verdict",
    ),
    ("network.cluster_judged", {**SAMPLES["network.cluster_judged"], "rationale": ""}, "rationale"),
    ("network.cluster_judged", {**SAMPLES["network.cluster_judged"], "accounts": []}, "accounts"),
    (
        "network.edge_rejected",
        {**SAMPLES["network.edge_rejected"], "account_b": "a-17"},
        "account_b",
    ),
    (
        "network.pinned",
        {**SAMPLES["network.pinned"], "investigation": "no spaces"},
        "investigation",
    ),
    ("evidence.hold_placed", {**SAMPLES["evidence.hold_placed"], "reason": ""}, "reason"),
    ("evidence.hold_lifted", {**SAMPLES["evidence.hold_lifted"], "reason": ""}, "reason"),
    ("evidence.purged", {**SAMPLES["evidence.purged"], "sha256s": []}, "sha256s"),
    ("evidence.purged", {**SAMPLES["evidence.purged"], "days": -1}, "days"),
    (
        "evidence.packet_submitted",
        {**SAMPLES["evidence.packet_submitted"], "receipt": ""},
        "receipt",
    ),
]


@pytest.fixture(scope="module")
def bundled() -> Registry:
    """The bundled features' registry (built afresh: no test's toy feature in it)."""
    return build(feature_modules())


def test_every_bundled_kind_has_a_sample(bundled: Registry) -> None:
    assert sorted(bundled.kinds) == sorted(SAMPLES)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_sample_round_trips(bundled: Registry, kind: str) -> None:
    typed = bundled.decode(kind, SAMPLES[kind])
    assert isinstance(typed, bundled.kind(kind).payload)
    # What the typed payload holds encodes back and decodes to the same value.
    again = bundled.decode(kind, msgspec.to_builtins(typed))
    assert again == typed
    # Every field sent is read back as sent (keys a newer writer adds are ignored).
    for name, value in SAMPLES[kind].items():
        if name in typed.__struct_fields__:
            assert _as_sent(msgspec.to_builtins(getattr(typed, name)), value), name


def _as_sent(got: Any, sent: Any) -> bool:
    if isinstance(got, dict) and isinstance(sent, dict):
        return all(k in sent and _as_sent(v, sent[k]) for k, v in got.items())
    if isinstance(got, list) and isinstance(sent, list):
        return len(got) == len(sent) and all(map(_as_sent, got, sent))
    return bool(got == sent and type(got) is type(sent))


@pytest.mark.parametrize(("kind", "payload", "field"), MALFORMED)
def test_malformed_payload_names_the_field(
    bundled: Registry, kind: str, payload: dict[str, Any], field: str
) -> None:
    with pytest.raises(PayloadError) as caught:
        bundled.decode(kind, payload)
    assert caught.value.kind == kind
    assert caught.value.where == field
    assert field in str(caught.value)


def test_every_required_field_is_required(bundled: Registry) -> None:
    # Dropping any required field of a sample is refused, naming that field.
    for kind, sample in SAMPLES.items():
        spec = bundled.kind(kind).payload
        for info in msgspec.structs.fields(spec):
            if info.required:
                missing = {k: v for k, v in sample.items() if k != info.encode_name}
                with pytest.raises(PayloadError) as caught:
                    bundled.decode(kind, missing)
                assert caught.value.where == info.encode_name, (kind, info.name)


def test_decoded_reads_a_kind_as_its_type_or_nothing() -> None:
    assert decoded("note.added", {"text": "hi"}, NoteAdded) == NoteAdded(text="hi")
    assert decoded("note.added", {"text": 5}, NoteAdded) is None  # kept, read as nothing
    assert decoded("note.added", {"text": "hi"}, CaseIngested) is None  # another kind's
    assert decoded("no.such.kind", {}, NoteAdded) is None


def test_gold_copies_drop_fields_the_ingest_payload_spells() -> None:
    # The gold copy drops, and the gold mixer's SQL reads ($.queue), typed field names.
    assert set(COPY_DROPS) <= set(CaseIngested.__struct_fields__)
    assert "queue" in CaseIngested.__struct_fields__


# --- one spelling for a note's text ------------------------------------------------------


def test_legacy_note_body_reads_as_text(store: LocalStore, policies: PolicySet) -> None:
    ingest = SAMPLES["case.ingested"] | {"media": []}
    with store.transaction() as session:
        store.append(session, actor="intake", kind="case.ingested", case_id="c1", payload=ingest)
        store.append(
            session,
            actor="ana",
            kind="note.added",
            case_id="c1",
            payload={"body": "an older workstation's note"},
        )
    # The log keeps the older spelling; the timeline and the notes projection read text.
    events = store.events("c1")
    assert events[-1].payload == {"body": "an older workstation's note"}
    (line,) = [e for e in timeline(events, policies) if e.kind == "note.added"]
    assert (line.label, line.text) == ("Note", "an older workstation's note")
    assert line.typed == NoteAdded(text="an older workstation's note")
    with store.read() as session:
        notes = list(session.scalars(select(CaseNote.body).where(CaseNote.case_id == "c1")))
    assert notes == ["an older workstation's note"]


def test_timeline_shows_the_fields_of_a_payload_that_does_not_decode(
    policies: PolicySet,
) -> None:
    record = EventRecord(
        event_id=EVENT,
        device_id="d",
        device_seq=1,
        actor="maya",
        kind="decision.recorded",
        case_id="c1",
        payload={"rationale": "no action named", "severity": 2},
        seen_head=None,
        created_at=AT,
        prev_hash="0" * 64,
    )
    (line,) = timeline([record], policies)
    assert line.typed is None
    assert line.text == "rationale: no action named, severity: 2"


def test_a_decisions_evidence_marks_come_from_its_typed_payload(policies: PolicySet) -> None:
    sample = SAMPLES["decision.recorded"]
    record = EventRecord(
        event_id=EVENT,
        device_id="d",
        device_seq=1,
        actor="maya",
        kind="decision.recorded",
        case_id="c1",
        payload=sample,
        seen_head=None,
        created_at=AT,
        prev_hash="0" * 64,
    )
    (line,) = timeline([record], policies)
    assert evidence_marks(line.typed) == sample["evidence_marks"]
    assert line.text.startswith("final decision: ")
    assert line.text.endswith("— obvious spam [1 evidence mark(s)]")
    assert evidence_marks(NoteAdded(text="x")) == []


# --- readers read the typed payload -------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
# A raw read of a payload's key: `payload.get(`, `p["x"]`, `.payload["x"]`,
# `json.loads(row.payload)["x"]` / `.get(`. Setting a key (`payload["x"] = ...`) is a writer.
RAW_READ = re.compile(
    r"""(?:\b(?:payload|p)|\.payload|json\.loads\([\w.]*payload\))"""
    r"""(?:\.get\(|\[["'])"""
)
WRITE = re.compile(r"""\[["'][\w.]+["']\]\s*=[^=]""")
# The few raw reads that stay, and why. (The kinds' `upgrade` functions rewrite a stored
# payload's older spellings before decoding: they set keys, so they are writers here.)
ALLOWED: dict[str, tuple[int, str]] = {
    "app/review/intake.py": (
        4,
        "intake checks the external ids of the payloads it is building (a writer's own dict)",
    ),
}


def _raw_reads() -> dict[str, int]:
    found: dict[str, int] = {}
    for top in ("app", "widgets"):
        for path in sorted((ROOT / top).rglob("*.py")):
            for line in path.read_text(encoding="utf-8").splitlines():
                code = line.split("#", 1)[0]
                if RAW_READ.search(code) and not WRITE.search(code):
                    rel = path.relative_to(ROOT).as_posix()
                    found[rel] = found.get(rel, 0) + 1
    return found


def test_readers_use_the_typed_payload() -> None:
    found = _raw_reads()
    over = {path: count for path, count in found.items() if count > ALLOWED.get(path, (0, ""))[0]}
    assert not over, f"raw payload reads (read the kind's typed payload instead): {over}"
    assert sum(found.values()) <= sum(n for n, _ in ALLOWED.values())


def test_payload_sizes_are_capped_per_kind(bundled: Registry, store: LocalStore) -> None:
    assert bundled.kind("note.added").max_bytes == 32 * 1024
    assert all(k.max_bytes <= 256 * 1024 for k in bundled.kinds.values())
    fits = {"text": "n" * 1000}
    assert bundled.check_size("note.added", fits) == len('{"text":""}') + 1000
    with pytest.raises(PayloadTooLarge) as over:
        bundled.check_size("note.added", {"text": "é" * (16 * 1024)})  # 2 bytes each in UTF-8
    assert (over.value.kind, over.value.limit) == ("note.added", 32 * 1024)
    assert over.value.size == len('{"text":""}') + 32 * 1024
    assert "note.added" in str(over.value) and "32768" in str(over.value)
    assert isinstance(over.value, PayloadError), "callers that refuse payloads refuse it too"
    # The workstation's store refuses it before writing anything, as the hub does.
    ingest = SAMPLES["case.ingested"] | {"media": []}
    with store.transaction() as session:
        store.append(session, actor="intake", kind="case.ingested", case_id="c1", payload=ingest)
    count = store.event_count()
    with pytest.raises(PayloadTooLarge), store.transaction() as session:
        big = {"text": "n" * (40 * 1024)}
        store.append(session, actor="ana", kind="note.added", case_id="c1", payload=big)
    assert store.event_count() == count
