"""Perceptual hashes, the distance threshold, and deciding a near-duplicate cluster once."""

from __future__ import annotations

import itertools
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.demo.cases import standin_image, write_video
from app.demo.review import SAFE_PHOTOS, photo
from app.dupes.phash import NEAR_DUPLICATE_DISTANCE, distance, media_hashes, phash
from app.log.clock import ManualClock
from app.log.store import LocalStore
from app.review.reviewdesk import AccessDenied, FormError

from .conftest import World


def _variants(img: np.ndarray) -> dict[str, np.ndarray]:
    h, w = img.shape[:2]
    ok, jpeg = cv2.imencode(
        ".jpg", np.ascontiguousarray(img[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, 40]
    )
    assert ok
    noisy = img.astype(np.int16) + np.random.default_rng(1).normal(0, 12, img.shape).astype(
        np.int16
    )
    return {
        "crop 2% each side": img[int(h * 0.02) : int(h * 0.98), int(w * 0.02) : int(w * 0.98)],
        "noise": noisy.clip(0, 255).astype(np.uint8),
        "jpeg 40": cv2.imdecode(jpeg, cv2.IMREAD_COLOR)[:, :, ::-1],
        "half size": cv2.resize(img, (w // 2, h // 2), interpolation=cv2.INTER_AREA),
        "brighter": np.clip(img.astype(np.int16) + 25, 0, 255).astype(np.uint8),
    }


def test_the_threshold_separates_re_uploads_from_different_pictures() -> None:
    pictures = [photo(name) for name in SAFE_PHOTOS]
    pictures += [standin_image(np.random.default_rng(n), 1 + n % 4) for n in range(12)]
    for picture in pictures:
        for name, variant in _variants(picture).items():
            assert distance(phash(picture), phash(variant)) <= NEAR_DUPLICATE_DISTANCE, name
    hashes = [phash(p) for p in pictures]
    closest = min(distance(a, b) for a, b in itertools.combinations(hashes, 2))
    assert closest > NEAR_DUPLICATE_DISTANCE


def test_images_get_one_hash_and_videos_one_per_keyframe(tmp_path: Path) -> None:
    still = tmp_path / "a.png"
    cv2.imwrite(str(still), photo(SAFE_PHOTOS[0])[:, :, ::-1])
    clip = tmp_path / "b.mp4"
    write_video(clip, red=False, seed=3)
    assert [frame for frame, _ in media_hashes(still, "image")] == [0]
    frames = [frame for frame, _ in media_hashes(clip, "video")]
    assert len(frames) == 5 and frames[0] == 0 and frames == sorted(frames)
    (tmp_path / "c.png").write_bytes(b"not a picture")
    assert media_hashes(tmp_path / "c.png", "image") == []


def _item(n: int, value: int) -> dict[str, object]:
    return {
        "sha256": f"{n:064x}",
        "kind": "image",
        "mime": "image/png",
        "filename": f"{n}.png",
        "size": 1,
        "phash": [{"frame": 0, "hash": f"{value:016x}"}],
    }


BASE = phash(photo(SAFE_PHOTOS[1]))


def _cluster(world: World, size: int, category: str = "spam_scams") -> list[str]:
    cases = []
    for n in range(size):
        flipped = BASE ^ ((1 << (n % 5)) - 1 if n else 0)  # within a few bits of the base
        cases.append(world.ingest(category, 1 + n % 4, media=[_item(n, flipped)]))
    return cases


def test_neighbours_exclude_far_pictures_and_report_what_blocks_a_member(world: World) -> None:
    cases = _cluster(world, 3)
    far = world.ingest("spam_scams", 1, media=[_item(99, BASE ^ 0xFFFF_FFFF)])
    other_policy = world.ingest("hate_speech", 1, media=[_item(98, BASE)])
    desk = world.desk("maya")
    found = {m.case_id: m for m in desk.near_duplicates(cases[0], "suspend_account")}
    assert far not in found and set(cases[1:]) <= set(found)
    assert found[other_policy].why_not.endswith("decide it alone")
    assert all(found[c].applicable for c in cases[1:])


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(size=st.integers(2, 7), picks=st.lists(st.integers(1, 6), unique=True, max_size=6))
def test_a_cluster_decision_creates_one_decision_per_member(
    tmp_path_factory, policies, queues, size, picks
) -> None:
    world = World(LocalStore(tmp_path_factory.mktemp("dupes"), ManualClock()), policies, queues)
    cases = _cluster(world, size)
    desk = world.desk("maya")
    looked_at = None
    while (claim := desk.claim_next()) is not None and looked_at is None:
        looked_at = claim.detail.row.case_id
    assert looked_at is not None
    source = desk.decide(looked_at, "remove", {"rationale": "phishing kit, clause 2"}, "phishing")
    members = [c for c in cases if c != looked_at]
    chosen = [members[p % len(members)] for p in picks]
    records = desk.apply_to_cluster(source.event_id, chosen)
    assert sorted(r.case_id for r in records) == sorted(set(chosen))
    for record in records:
        assert record.kind == "decision.recorded"
        assert record.payload["applied_from"] == source.event_id
        assert record.payload["action"] == "remove"
        assert record.payload["exposure"] == {
            "unfiltered_seconds": 0.0,
            "reveals": 0,
            "counted_in": source.event_id,
        }
        assert [d.action for d in desk.decisions(record.case_id or "")] == ["remove"]
    decided = [e for e in world.store.events() if e.kind == "decision.recorded"]
    assert len(decided) == 1 + len(set(chosen))
    world.store.close()


def test_a_cluster_decision_refuses_foreign_sources_and_strangers(world: World) -> None:
    cases = _cluster(world, 3)
    stranger = world.ingest("spam_scams", 1, media=[_item(50, BASE ^ 0xFFFF_0000_FFFF)])
    desk = world.desk("maya")
    claim = desk.claim_next()
    assert claim is not None
    source = desk.decide(claim.detail.row.case_id, "no_violation", {})
    with pytest.raises(AccessDenied):
        world.desk("omar").apply_to_cluster(source.event_id, cases)
    with pytest.raises(FormError, match="not a near-duplicate"):
        desk.apply_to_cluster(source.event_id, [stranger])
    held = next(c for c in cases if c != claim.detail.row.case_id)
    world.desk("omar").open_case(held)
    with pytest.raises(FormError, match="leased to omar"):
        desk.apply_to_cluster(source.event_id, [held])
