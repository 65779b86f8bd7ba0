"""The sealing dialog encrypts a plain cache on a worker thread and closes by itself."""

from __future__ import annotations

from app.evidence.sealing import plain_blobs
from app.evidence.unlock import unlock_media
from app.log.store import LocalStore
from widgets.evidence.unlock import SealingDialog


def test_sealing_dialog_encrypts_every_plain_blob(store: LocalStore, qtbot: object) -> None:
    shas = [store.blobs.put_bytes(f"plain media {i}".encode()) for i in range(30)]
    assert unlock_media(store, "mo", "password-1").unlocked
    assert sorted(plain_blobs(store.blobs)) == sorted(shas)
    dialog = SealingDialog(store)
    report = dialog.run()
    assert report is not None and report.sealed == 30 and plain_blobs(store.blobs) == []
    assert store.blobs.read(shas[3]) == b"plain media 3"
