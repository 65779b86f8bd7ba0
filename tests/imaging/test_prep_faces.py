"""Preparing an item: filters at the display size, face blur's stand-in, remembered faces."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.imaging import prep
from app.imaging.pipeline import parse_preset
from db.blobs import BlobStore

FACES = parse_preset(
    [{"filter": "blur", "strength": 0.02}, {"filter": "grayscale"}, {"filter": "face_blur"}], "t"
)


@pytest.fixture
def item(tmp_path: Path, astronaut: np.ndarray) -> tuple[BlobStore, str]:
    blobs = BlobStore(tmp_path / "media")
    buf = BytesIO()
    Image.fromarray(astronaut).save(buf, "PNG")
    return blobs, blobs.put_bytes(buf.getvalue())


def test_filters_run_at_the_display_size(item: tuple[BlobStore, str]) -> None:
    blobs, sha = item
    shown = prep.prepare_media(blobs, sha, FACES.without("face_blur"), display=(300, 200))
    assert shown.filtered.shape == (200, 200, 3)  # 512 px square fitted into 300 x 200
    assert shown.raw.shape == (512, 512, 3)  # the reveal keeps the decoded frame


def test_face_blur_paints_a_stronger_stand_in_then_the_final_frame(
    item: tuple[BlobStore, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blobs, sha = item
    monkeypatch.setattr(prep, "FACES", prep.FaceMemory())
    first = prep.prepare_media(blobs, sha, FACES, wait_for_faces=False)
    assert not first.final
    final = prep.refine(first)
    assert final.final and prep.FACES.known(sha)

    def detail(img: np.ndarray) -> float:
        return float(np.abs(np.diff(img.astype(int), axis=1)).mean())

    assert detail(first.filtered) <= detail(final.filtered)  # never less filtered
    # Faces are remembered: the next preparation of the item is final at once, and a
    # different display size reuses them.
    again = prep.prepare_media(blobs, sha, FACES, display=(256, 256), wait_for_faces=False)
    assert again.final
    assert again.filtered.shape == (256, 256, 3)
