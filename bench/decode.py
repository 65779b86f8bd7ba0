"""12 MP JPEG to a filtered 1600 px display frame, against one full cv2.imdecode.

Target: decode_for_display(path, 1600) plus the default filter (blur 24 + grayscale)
costs at most 0.6x one full-size cv2.imdecode of the same bytes. The JPEG is
rocket.jpg upscaled (bicubic) to 4000 x 3000 and saved at quality 90, so it has photo
structure rather than synthetic flat areas. Both sides run interleaved, medians compared.
"""

from __future__ import annotations

import tempfile
from io import BytesIO
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from app.imaging.decode import decode_for_display
from app.imaging.pipeline import DEFAULT_PIPELINE
from app.log.paths import resources_dir
from bench._util import print_table, verdict
from bench.filters import interleaved

SOURCE = str(resources_dir() / "demo" / "rocket.jpg")
SIZE = (4000, 3000)
DISPLAY_SIDE = 1600


def twelve_megapixel_jpeg() -> bytes:
    """The benchmark JPEG's bytes."""
    with Image.open(SOURCE) as im:
        rgb = np.asarray(im.convert("RGB"))
    big = cv2.resize(rgb, SIZE, interpolation=cv2.INTER_CUBIC)
    buf = BytesIO()
    Image.fromarray(big).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def run() -> None:
    """Time both paths; print a table and the verdict line."""
    data = twelve_megapixel_jpeg()
    raw = np.frombuffer(data, np.uint8)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "photo.jpg"
        path.write_bytes(data)
        frame = decode_for_display(path, DISPLAY_SIDE).frames[0]
        t = interleaved(
            {
                "imdecode": lambda: cv2.imdecode(raw, cv2.IMREAD_COLOR),
                "display": lambda: decode_for_display(path, DISPLAY_SIDE),
                "filtered": lambda: DEFAULT_PIPELINE.apply(
                    decode_for_display(path, DISPLAY_SIDE).frames[0]
                ),
            },
            rounds=15,
        )
    ratio = t["filtered"] / t["imdecode"]
    print_table(
        ["JPEG", "bytes", "imdecode ms", "display decode ms", "+ filter ms", "display", "ratio"],
        [
            [
                f"{SIZE[0]}x{SIZE[1]}",
                len(data),
                t["imdecode"] * 1e3,
                t["display"] * 1e3,
                t["filtered"] * 1e3,
                f"{frame.shape[1]}x{frame.shape[0]}",
                ratio,
            ]
        ],
    )
    print(verdict("filtered display frame / full imdecode", ratio, 0.6, at_most=True))
