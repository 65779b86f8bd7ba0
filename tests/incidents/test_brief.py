"""The one-page stakeholder brief: figures and the latest status update, thumbnails of
linked items that are filtered (blurred, grayscale), never the items as reported."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from pypdf import PdfReader

from app.incidents.brief import brief_pdf
from app.review.intake import Intake
from db.models import Case
from tests.review.conftest import World

from .conftest import incident_desk, person
from .drill import picture, re_upload, write_intake


def _sharpness(gray: np.ndarray) -> float:
    return float(cv2.Laplacian(gray.astype(np.float32), cv2.CV_32F).var())


def test_the_brief_has_figures_and_filtered_thumbnails_only(world: World, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    seed = picture(rng)
    rows = [("b-0", seed, 4, "2026-01-05T09:00:00Z")]
    rows += [(f"b-{n}", re_upload(seed, n, rng), 1, "2026-01-05T09:00:00Z") for n in (1, 2)]
    Intake(world.store, world.policies, "intake").import_file(
        write_intake(tmp_path / "in", "in", rows)
    )
    with world.store.read() as s:
        origin = s.query(Case.case_id).filter(Case.external_id == "b-0").scalar()
    desk = incident_desk(world, "lee", "lead")
    incident_id = desk.declare("Attack video", 1, "violent_graphic", from_case=origin)[0].payload[
        "incident_id"
    ]
    desk.status_update(incident_id, "three copies", "surge queue", "partner contact")
    data = brief_pdf(world.store, person("lee", "lead"), incident_id, world.policies)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Brief: Attack video" in text and "SEV 1" in text
    assert "Matched 3; decided 0; open 3" in text
    assert "Reach proxy (report counts): 6" in text
    assert "Conditions: three copies" in text
    assert "3 thumbnail(s), blurred and in grayscale" in text
    images = list(reader.pages[0].images)
    assert len(images) == 3
    original = _sharpness(cv2.cvtColor(seed, cv2.COLOR_BGR2GRAY))
    for image in images:
        rgb = np.asarray(Image.open(io.BytesIO(image.data)).convert("RGB")).astype(int)
        # Grayscale (JPEG keeps channels within a few levels) and far softer than the item.
        assert np.abs(rgb[:, :, 0] - rgb[:, :, 2]).max() <= 6
        assert _sharpness(rgb[:, :, 1]) < original / 20
