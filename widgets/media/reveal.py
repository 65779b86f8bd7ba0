"""How much of a picture a reveal exposed: the union of every lens position, on a grid."""

from __future__ import annotations

import numpy as np

GRID = 96


class RevealArea:
    """A coarse mask over the picture (GRID x GRID cells); share() is the fraction seen."""

    def __init__(self) -> None:
        self._mask = np.zeros((GRID, GRID), dtype=bool)
        ys, xs = np.mgrid[0:GRID, 0:GRID]
        self._xs = (xs + 0.5) / GRID
        self._ys = (ys + 0.5) / GRID

    def mark_all(self) -> None:
        """The whole picture was revealed."""
        self._mask[:] = True

    def mark_circle(self, cx: float, cy: float, rx: float, ry: float) -> None:
        """Mark an ellipse given in picture fractions (centre and radii)."""
        if rx <= 0 or ry <= 0:
            return
        inside = ((self._xs - cx) / rx) ** 2 + ((self._ys - cy) / ry) ** 2 <= 1.0
        self._mask |= inside

    def share(self) -> float:
        """Fraction of the picture revealed so far (0..1)."""
        return float(self._mask.mean())
