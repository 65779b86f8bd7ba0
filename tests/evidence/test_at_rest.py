"""Media encrypted at rest: a copied data dir shows no media; each person's own password
opens the same cases; a wrong one opens nothing."""

from __future__ import annotations

import io
import shutil
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from app.demo.cases import DemoLogin
from app.domain.people import Accounts, AuthError
from app.evidence.sealing import plain_blobs, seal_store
from app.evidence.unlock import Unlocked, UnlockingAccounts, unlock_media
from app.imaging.pipeline import FilterPipeline, FilterStep
from app.imaging.prep import MediaUnavailable, prepare_media
from app.log.store import LocalStore
from db.blobs import BlobLocked
from db.keyring import KeyringError
from db.models import MediaItem

MAGIC = (b"\x89PNG\r\n\x1a\n", b"JFIF\x00", b"Exif\x00\x00", b"ftypisom", b"ftypmp4")
PIPELINE = FilterPipeline((FilterStep("blur", 0.016), FilterStep("grayscale", 1)))


def _sample(store: LocalStore) -> list[tuple[str, str]]:
    """Two pictures and a video of the demo, (sha256, kind)."""
    with store.read() as session:
        rows = session.execute(select(MediaItem.sha256, MediaItem.kind)).all()
    pictures = sorted({r.sha256 for r in rows if r.kind == "image"})[:2]
    videos = sorted({r.sha256 for r in rows if r.kind == "video"})[:1]
    assert pictures and videos
    return [(s, "image") for s in pictures] + [(s, "video") for s in videos]


def _frames(store: LocalStore, sample: list[tuple[str, str]]) -> list[np.ndarray]:
    return [prepare_media(store.blobs, sha, _pipeline(), 400).raw for sha, _ in sample]


def _pipeline() -> FilterPipeline:
    return PIPELINE


def _login(store: LocalStore, who: DemoLogin) -> UnlockingAccounts:
    accounts = UnlockingAccounts(store, Accounts(store))
    accounts.authenticate(who.username, who.password)
    return accounts


def _no_media_in(folder: Path, originals: list[bytes], decode: list[str]) -> None:
    """No file holds media magic or a piece of the originals; the sampled blobs (a
    picture of each type and a video) do not decode as a picture or play as video."""
    windows = [o[len(o) // 2 : len(o) // 2 + 48] for o in originals]
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for magic in MAGIC:
            assert magic not in data, f"{path} holds {magic!r}"
        for window in windows:
            assert window not in data, f"{path} holds plain media bytes"
        assert not data.startswith(b"\xff\xd8\xff"), f"{path} starts like a JPEG"
        if path.parent.name + path.name in decode:
            _undecodable(path, data)


def _undecodable(path: Path, data: bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception):  # noqa: B017 - any refusal will do; a picture fails
            Image.open(io.BytesIO(data)).load()
        assert cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) is None
        capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
        assert not capture.isOpened() or not capture.read()[0], f"{path} plays as video"
        capture.release()


def test_a_copied_data_dir_shows_no_media_and_logins_open_it(
    demo_dir: Path, demo_logins: dict[str, DemoLogin], tmp_path: Path
) -> None:
    moderator, lead = demo_logins["moderator"], demo_logins["lead"]
    store = LocalStore(demo_dir)
    sample = _sample(store)
    originals = [store.blobs.read(sha) for sha, _ in sample]
    before = _frames(store, sample)
    accounts = _login(store, moderator)
    assert accounts.last is not None and accounts.last.outcome is Unlocked.CREATED
    seen: list[tuple[int, int]] = []
    report = seal_store(store.blobs, lambda done, total: seen.append((done, total)))
    assert report.sealed > 0 and not report.damaged and plain_blobs(store.blobs) == []
    assert seen[-1] == (report.sealed, report.sealed)
    store.close()

    stolen = tmp_path / "stolen"
    shutil.copytree(demo_dir, stolen)
    _no_media_in(stolen, originals, [sha for sha, _ in sample])

    copy = LocalStore(stolen)
    with pytest.raises(BlobLocked):
        copy.blobs.source(sample[0][0])
    with pytest.raises(MediaUnavailable, match="log in"):
        prepare_media(copy.blobs, sample[0][0], _pipeline())
    with pytest.raises(AuthError):
        _login(copy, DemoLogin(moderator.username, moderator.role, "not-the-password"))
    assert copy.blobs.keyring is not None
    with pytest.raises(KeyringError, match="does not unlock"):
        copy.blobs.keyring.unlock(moderator.username, "not-the-password")
    assert not copy.blobs.unlocked
    _login(copy, moderator)
    after = _frames(copy, sample)
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))

    # The lead is new to this workstation and nobody holding the key is logged in.
    copy.blobs.lock()
    report_lead = unlock_media(copy, lead.username, lead.password)
    assert report_lead.outcome is Unlocked.WAITING and not copy.blobs.unlocked
    granted = unlock_media(copy, moderator.username, moderator.password)
    assert granted.granted == [lead.username]
    copy.blobs.lock()
    assert unlock_media(copy, lead.username, lead.password).outcome is Unlocked.CLAIMED
    assert np.array_equal(_frames(copy, sample)[0], before[0])
    copy.close()


def test_a_newcomer_is_enrolled_while_a_holder_is_logged_in(
    demo_dir: Path, demo_logins: dict[str, DemoLogin]
) -> None:
    store = LocalStore(demo_dir)
    accounts = _login(store, demo_logins["moderator"])
    sha = _sample(store)[0][0]
    seal_store(store.blobs)
    accounts.authenticate(demo_logins["analyst"].username, demo_logins["analyst"].password)
    assert accounts.last is not None and accounts.last.outcome is Unlocked.ENROLLED
    assert store.blobs.keyring is not None
    assert demo_logins["analyst"].username in store.blobs.keyring.holders()
    store.blobs.lock()
    unlock_media(store, demo_logins["analyst"].username, demo_logins["analyst"].password)
    assert store.blobs.read(sha)[:4] in {b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1"}
    store.close()
