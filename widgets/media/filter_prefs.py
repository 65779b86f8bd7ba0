"""The filter preferences dialog: a reviewer's own filters, or (for a lead) the team's.

A live preview shows a safe sample photo through the chosen filters. For graphic
categories the policy's filters stay a floor: a preference can only add or strengthen.
"""

from __future__ import annotations

import logging
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from app.domain.filter_units import current_layer, stamped
from app.imaging.pipeline import FilterPipeline, parse_preset
from app.log.paths import resources_dir
from widgets.media.qimage import qimage_from_rgb

log = logging.getLogger(__name__)

# Slider range, default and the slider step's worth of strength: blur and pixelate in
# tenths of a percent of the picture's short side, outline in tenths of its 0..1 range.
BASES = {
    "blur": (5, 125, 47, 0.001),
    "pixelate": (5, 125, 47, 0.001),
    "outline": (1, 10, 5, 0.1),
}


class FilterPrefsDialog(QDialog):
    """Build a filter layer `{"default": [...]}` with a live preview."""

    def __init__(
        self, title: str, layer: dict[str, Any] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("filterPrefsDialog")
        self.setWindowTitle(title)
        self.base = QComboBox()
        for name in BASES:
            self.base.addItem(name, name)
        self.strength = QSlider(Qt.Orientation.Horizontal)
        self.grayscale = QCheckBox("Grayscale")
        self.mute_red = QCheckBox("Mute red tones (blood reads as gray)")
        self.faces = QCheckBox("Blur faces")
        self.preview = QLabel()
        self.preview.setAccessibleName("Preview of the chosen filters")
        self.error = QLabel("")
        self._sample = _sample_picture()
        self._build()
        self._load(layer)
        for signal in (
            self.base.currentIndexChanged,
            self.strength.valueChanged,
            self.grayscale.toggled,
            self.mute_red.toggled,
            self.faces.toggled,
        ):
            signal.connect(self._update)
        self._update()

    def layer(self) -> dict[str, Any]:
        """The chosen filters as a resolve_pipeline layer."""
        unit = BASES[self.base.currentData()][3]
        steps: list[dict[str, Any]] = [
            {"filter": self.base.currentData(), "strength": round(self.strength.value() * unit, 4)}
        ]
        if self.grayscale.isChecked():
            steps.append({"filter": "grayscale"})
        if self.mute_red.isChecked():
            steps.append({"filter": "mute_red", "strength": 1.0})
        if self.faces.isChecked():
            steps.append({"filter": "face_blur", "strength": 1.0})
        return stamped({"default": steps})

    def pipeline(self) -> FilterPipeline:
        """The chosen filters as a pipeline (ValueError when they would not obscure)."""
        return parse_preset(self.layer()["default"], "preferences")

    def _update(self) -> None:
        low, high, _, _ = BASES[self.base.currentData()]
        self.strength.setRange(low, high)
        try:
            shown = self.pipeline().apply(self._sample)
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        pixmap = QPixmap.fromImage(qimage_from_rgb(shown))
        self.preview.setPixmap(
            pixmap.scaledToWidth(320, Qt.TransformationMode.SmoothTransformation)
        )

    def _load(self, layer: dict[str, Any] | None) -> None:
        try:
            steps = current_layer(layer or {}, "filters").get("default")
        except ValueError:
            log.warning("unreadable filter layer ignored: %r", layer)
            steps = None
        steps = steps or [{"filter": "blur", "strength": 0.047}, {"filter": "grayscale"}]
        names = {step["filter"]: step for step in steps}
        base = next((n for n in BASES if n in names), "blur")
        self.base.setCurrentIndex(self.base.findData(base))
        low, high, default, unit = BASES[base]
        self.strength.setRange(low, high)
        strength = names.get(base, {}).get("strength")
        known = isinstance(strength, int | float) and not isinstance(strength, bool)
        self.strength.setValue(round(strength / unit) if known else default)
        self.grayscale.setChecked("grayscale" in names)
        self.mute_red.setChecked("mute_red" in names)
        self.faces.setChecked("face_blur" in names)

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("Main filter", self.base)
        form.addRow("Strength", self.strength)
        for box in (self.grayscale, self.mute_red, self.faces):
            form.addRow("", box)
        note = QLabel("Graphic categories keep at least their policy's filters.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)


def _sample_picture() -> np.ndarray:
    """The bundled preview photo as RGB; a plain gray card if the bundle lacks it."""
    path = resources_dir() / "demo" / "chelsea.png"
    picture = cv2.imread(str(path))
    if picture is None:
        log.warning("filter preview picture missing or unreadable: %s", path)
        return np.full((240, 320, 3), 128, dtype=np.uint8)
    return cv2.cvtColor(picture, cv2.COLOR_BGR2RGB)
