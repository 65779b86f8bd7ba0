"""Evidence bundles: verify passes on a fresh bundle and fails on a changed media byte,
a removed access record, and a forged hub receipt."""

from __future__ import annotations

import base64
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.evidence.commands import place_hold
from app.evidence.custody import BundleError, build_bundle, keep_receipt
from app.evidence.receipts import public_text, sign_receipt
from app.evidence.unlock import unlock_media
from app.evidence.verify import verify_bundle
from app.log.store import LocalStore
from db.models import Event, MediaItem
from tests.evidence.conftest import import_cases

PHRASE = "correct horse battery staple"
ANA = Reviewer("ana", "Ana", Role.ANALYST, frozenset())
HUB = Ed25519PrivateKey.generate()


def _receipt_all(store: LocalStore, key: Ed25519PrivateKey = HUB) -> None:
    """What the hub's push answers would have brought: a receipt per device head."""
    with store.read() as session:
        heads = session.execute(
            select(Event.device_id, Event.actor, func.max(Event.device_seq)).group_by(
                Event.device_id, Event.actor
            )
        ).all()
        for device, actor, seq in heads:
            hash_ = session.scalar(
                select(Event.hash).where(Event.device_id == device, Event.device_seq == seq)
            )
            receipt = sign_receipt(key, device, seq, hash_, actor, "2026-01-05T10:00:00.000Z")
            assert keep_receipt(store, receipt)


@pytest.fixture
def bundle(store: LocalStore, policies: PolicySet, tmp_path: Path) -> Path:
    held, _other = import_cases(store, policies, tmp_path / "in", "spam_scams", 2)
    unlock_media(store, "lee", "lead-password")
    with store.read() as session:
        sha = session.scalar(select(MediaItem.sha256).where(MediaItem.case_id == held))
    place_hold(store, ANA, held, "preservation request")
    viewed = {"item": sha, "seconds": 4.5, "pipeline": "blur + greyscale"}
    revealed = {"item": sha, "seconds": 1.5, "area_share": 0.1, "mode": "lens"}
    with store.transaction() as session:
        for actor, kind, payload in (
            ("mo", "media.viewed", viewed),
            ("ana", "media.revealed", revealed),
            ("mo", "media.viewed", viewed),
        ):
            store.append(session, actor=actor, kind=kind, case_id=held, payload=payload)
    _receipt_all(store)
    out = tmp_path / "bundle.zip"
    manifest = build_bundle(store, "lee", PHRASE, out)
    assert len(manifest["items"]) == 1 and len(manifest["accesses"]) == 3
    assert {a["mode"] for a in manifest["accesses"]} == {"filtered", "revealed"}
    return out


def _rewrite(path: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    change(parts)
    changed = path.with_name("changed.zip")
    with zipfile.ZipFile(changed, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)
    return changed


def _manifest(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, bytes]], None]:
    def apply(parts: dict[str, bytes]) -> None:
        manifest = json.loads(parts["manifest.json"])
        change(manifest)
        parts["manifest.json"] = json.dumps(manifest).encode()

    return apply


TRUSTED = public_text(HUB.public_key())


def test_a_fresh_bundle_verifies_and_a_wrong_passphrase_does_not(bundle: Path) -> None:
    verdict = verify_bundle(bundle, PHRASE, TRUSTED)
    assert verdict.ok, verdict.problems
    assert (verdict.items, verdict.accesses) == (1, 3)
    assert not verify_bundle(bundle, "another passphrase!", TRUSTED).ok


def test_one_changed_media_byte_fails(bundle: Path) -> None:
    def flip(parts: dict[str, bytes]) -> None:
        name = next(n for n in parts if n.startswith("media/"))
        data = bytearray(parts[name])
        data[len(data) // 2] ^= 0x01
        parts[name] = bytes(data)

    verdict = verify_bundle(_rewrite(bundle, flip), PHRASE, TRUSTED)
    assert any("does not decrypt" in p for p in verdict.problems)


def test_a_removed_access_record_fails(bundle: Path) -> None:
    def drop_record(manifest: dict[str, Any]) -> None:
        manifest["accesses"].pop(1)

    verdict = verify_bundle(_rewrite(bundle, _manifest(drop_record)), PHRASE, TRUSTED)
    assert any("missing from the access records" in p for p in verdict.problems)

    def drop_everywhere(manifest: dict[str, Any]) -> None:
        gone = manifest["accesses"].pop(0)
        chain = manifest["chains"][gone["device_id"]]
        chain[:] = [e for e in chain if e["event_id"] != gone["event_id"]]

    verdict = verify_bundle(_rewrite(bundle, _manifest(drop_everywhere)), PHRASE, TRUSTED)
    assert any("the chain breaks" in p for p in verdict.problems)


def test_a_forged_hub_receipt_fails(bundle: Path) -> None:
    def later_head(manifest: dict[str, Any]) -> None:
        manifest["receipts"][0]["acknowledged_at"] = "2027-01-01T00:00:00.000Z"

    verdict = verify_bundle(_rewrite(bundle, _manifest(later_head)), PHRASE, None)
    assert any("signature does not verify" in p for p in verdict.problems)

    forger = Ed25519PrivateKey.generate()

    def resigned(manifest: dict[str, Any]) -> None:
        r = manifest["receipts"][0]
        fields = (r["device_id"], r["device_seq"], r["hash"], r["actor"], r["acknowledged_at"])
        manifest["receipts"][0] = sign_receipt(forger, *fields)

    verdict = verify_bundle(_rewrite(bundle, _manifest(resigned)), PHRASE, TRUSTED)
    assert any("another key than the trusted" in p for p in verdict.problems)


def test_receipts_are_checked_before_kept_and_only_held_media_is_bundled(
    store: LocalStore, policies: PolicySet, tmp_path: Path
) -> None:
    (case,) = import_cases(store, policies, tmp_path / "in", "spam_scams", 1)
    with store.read() as session:
        device, seq = session.execute(select(Event.device_id, Event.device_seq)).first()  # type: ignore[misc]
    wrong = sign_receipt(HUB, device, seq, "f" * 64, "intake", "2026-01-05T10:00:00.000Z")
    assert not keep_receipt(store, wrong)
    bad_signature = {**sign_receipt(HUB, device, seq, "f" * 64, "intake", "x"), "hash": "0" * 64}
    bad_signature["signature"] = base64.b64encode(b"x" * 64).decode()
    assert not keep_receipt(store, bad_signature)
    with pytest.raises(BundleError, match="not under a legal hold"):
        build_bundle(store, "lee", PHRASE, tmp_path / "b.zip", [case])
