"""numpy RGB arrays to QImage without copying the pixels."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def qimage_from_rgb(rgb: np.ndarray) -> QImage:
    """Wrap a C-contiguous HxWx3 uint8 array; the QImage keeps the array alive."""
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected HxWx3 uint8, got {rgb.shape} {rgb.dtype}")
    rgb = np.ascontiguousarray(rgb)
    h, w, _ = rgb.shape
    image = QImage(rgb.data, w, h, rgb.strides[0], QImage.Format.Format_RGB888)
    image._veil_buffer = rgb  # type: ignore[attr-defined]  # keeps the pixels alive
    return image
