"""The incident drill's demo data, drawn procedurally: a seed picture, re-uploads of it
(crops, re-encodes at other sizes and qualities, text overlays) and unrelated pictures.
No real media: shapes and gradients only."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

SIZE = (240, 320)  # height, width


def picture(rng: np.random.Generator) -> np.ndarray:
    """A procedural picture (BGR): a gradient with random shapes."""
    h, w = SIZE
    ramp = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    low, high = rng.integers(0, 255, 3), rng.integers(0, 255, 3)
    img = (low + (high - low) * ramp).repeat(h, 0).clip(0, 255).astype(np.uint8)
    img = np.ascontiguousarray(img)
    for _ in range(int(rng.integers(6, 14))):
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        if rng.random() < 0.5:
            cv2.circle(img, (x, y), int(rng.integers(10, 70)), colour, -1)
        else:
            x2, y2 = int(rng.integers(0, w)), int(rng.integers(0, h))
            cv2.rectangle(img, (x, y), (x2, y2), colour, -1)
    return img


def re_upload(img: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """A re-upload of img: a slight crop, a re-encode at another size and quality, or a
    caption drawn over it (n picks which)."""
    h, w = img.shape[:2]
    kind = n % 3
    if kind == 0:
        top, left = rng.uniform(0.005, 0.02), rng.uniform(0.005, 0.02)
        bottom, right = rng.uniform(0.005, 0.02), rng.uniform(0.005, 0.02)
        return img[int(h * top) : int(h * (1 - bottom)), int(w * left) : int(w * (1 - right))]
    if kind == 1:
        scale = rng.uniform(0.5, 1.3)
        out = cv2.resize(img, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
        quality = int(rng.integers(25, 85))
        ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        return cv2.imdecode(data, cv2.IMREAD_COLOR)
    out = img.copy()
    y = int(rng.uniform(0.1, 0.95) * h)
    cv2.putText(
        out,
        f"WATCH {n}",
        (int(rng.uniform(0.02, 0.3) * w), y),
        cv2.FONT_HERSHEY_SIMPLEX,
        rng.uniform(0.5, 1.0),
        (255, 255, 255),
        2,
    )
    return out


def write_intake(folder: Path, name: str, rows: list[tuple[str, np.ndarray, int, str]]) -> Path:
    """A JSONL intake file with one PNG per row: (external_id, picture, reports, time)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for external_id, img, reports, at in rows:
        filename = f"{external_id}.png"
        cv2.imwrite(str(folder / filename), img)
        lines.append(
            json.dumps(
                {
                    "external_id": external_id,
                    "category": "violent_graphic",
                    "severity": 2,
                    "title": f"report {external_id}",
                    "report_reason": "graphic violence",
                    "reported_at": at,
                    "report_count": reports,
                    "media": [filename],
                }
            )
        )
    path = folder / f"{name}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
