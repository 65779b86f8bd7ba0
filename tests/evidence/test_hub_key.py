"""The hub's media at rest: sealed under the configured key, plain rows sealed in place."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from app.evidence import hub_key
from app.hub.access import Principal
from app.hub.blobs import put_blob
from db.hub.engine import make_engine, read_transaction, upgrade, write_transaction
from db.hub.models import Blob

MEDIA = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def test_hub_blobs_are_sealed_under_the_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(engine)
    plain = b"stored before the key" * 10
    plain_sha = hashlib.sha256(plain).hexdigest()
    with write_transaction(engine) as conn:
        row = {"sha256": plain_sha, "size": len(plain), "data": plain}
        conn.execute(insert(Blob).values(**row, created_at=1, uploaded_at=1))
    key_file = tmp_path / "blob.key"
    key_file.write_text(hub_key.new_key_text())
    key_file.chmod(0o644)
    monkeypatch.setenv(hub_key.KEY_FILE_ENV, str(key_file))
    with pytest.raises(hub_key.HubKeyError, match="owner-only"):
        hub_key.hub_blob_key()
    key_file.chmod(0o600)
    hub_key._load.cache_clear()
    key = hub_key.hub_blob_key()
    assert key is not None
    sha = hashlib.sha256(MEDIA).hexdigest()
    put_blob(engine, Principal("ana", "t1", "analyst", frozenset()), sha, MEDIA, 5)
    seen: list[tuple[int, int]] = []
    assert hub_key.seal_hub_blobs(engine, key, lambda *p: seen.append(p)) == 1
    assert seen[-1] == (2, 2)
    with read_transaction(engine) as conn:
        stored = {r.sha256: bytes(r.data) for r in conn.execute(select(Blob.sha256, Blob.data))}
    assert all(s.startswith(hub_key.MAGIC) for s in stored.values())
    assert b"\x89PNG" not in stored[sha] and bytes(range(64)) not in stored[sha]
    assert hub_key.unseal(key, sha, stored[sha]) == MEDIA
    assert hub_key.unseal(key, plain_sha, stored[plain_sha]) == plain
    with pytest.raises(hub_key.HubKeyError, match="does not decrypt"):
        hub_key.unseal(key, plain_sha, stored[sha])  # a row moved to another hash
    monkeypatch.setenv(hub_key.KEY_ENV, "c2hvcnQ=")
    with pytest.raises(hub_key.HubKeyError, match="32 bytes"):
        hub_key.hub_blob_key()
    engine.dispose()
