"""The confusion matrix as a heat map: the reviewer's action (rows) against the auditor's.

Each cell is shaded by its share of the row (how a reviewer's "remove" calls were judged),
with the count written in it; the diagonal is agreement. `paint_matrix` draws onto any
painter, so the PDF report uses the same drawing as the screen.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.quality.confusion import ConfusionMatrix

LABEL_SHARE = 0.2
MAX_LABEL_SHARE = 0.5
MIN_POINTS = 6.0
LABEL_GAP = 6.0


def paint_matrix(
    painter: QPainter,
    area: QRectF,
    matrix: ConfusionMatrix | None,
    dark: bool = True,
    words: Mapping[str, str] | None = None,
) -> None:
    """Draw the heat map inside area, its axes labelled with the policy files' words
    (`words`: action id -> label); the label column is as wide as its longest label."""
    ink = QColor("#d6dae0") if dark else QColor("#202020")
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(ink)
    if matrix is None or matrix.total == 0:
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(area, flags, "No audited decisions in this period.")
        painter.restore()
        return
    n = len(matrix.labels)
    texts = tuple(axis_label(label, words) for label in matrix.labels)
    font = QFont(painter.font())
    font.setPointSizeF(max(5.0, min(9.0, area.height() / n * 0.2)))
    painter.setFont(font)
    line = painter.fontMetrics().height()
    top = line * 3 + 6  # the caption, then two lines of column labels
    cell_h = (area.height() - top) / n
    left = fit_row_labels(painter, texts, area.width())
    cell_w = (area.width() - left) / n
    _labels(painter, area, texts, left, top, cell_w, cell_h)
    rows = matrix.row_totals
    for i in range(n):
        for j in range(n):
            count = int(matrix.counts[i, j])
            share = count / rows[i] if rows[i] else 0.0
            cell = QRectF(
                area.left() + left + j * cell_w, area.top() + top + i * cell_h, cell_w, cell_h
            )
            painter.fillRect(cell.adjusted(1, 1, -1, -1), _shade(share, i == j, dark))
            if count:
                painter.setPen(QColor("#ffffff") if share > 0.45 or dark else ink)
                painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, str(count))
    painter.setPen(QPen(ink))
    caption = "rows: reviewer's action · columns: auditor's blind call"
    painter.drawText(
        QRectF(area.left(), area.top(), area.width(), painter.fontMetrics().height()),
        Qt.AlignmentFlag.AlignLeft,
        caption,
    )
    painter.restore()


def _labels(
    painter: QPainter,
    area: QRectF,
    labels: tuple[str, ...],
    left: float,
    top: float,
    cell_w: float,
    cell_h: float,
) -> None:
    align_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    metrics = painter.fontMetrics()
    elide = Qt.TextElideMode.ElideRight
    for i, text in enumerate(labels):
        row = QRectF(area.left(), area.top() + top + i * cell_h, left - LABEL_GAP, cell_h)
        painter.drawText(row, align_right, metrics.elidedText(text, elide, int(row.width())))
        line = metrics.height()
        col = QRectF(area.left() + left + i * cell_w, area.top() + line + 2, cell_w, line * 2 + 2)
        painter.drawText(col, Qt.AlignmentFlag.AlignCenter, _fitted(metrics, text, cell_w - 4))


def fit_row_labels(painter: QPainter, texts: tuple[str, ...], width: float) -> float:
    """The row labels' column, as wide as the longest label within limits; past them the
    painter's font shrinks (to MIN_POINTS at the least) so the longest label still fits."""
    widest = max(painter.fontMetrics().horizontalAdvance(t) for t in texts)
    left = min(max(width * LABEL_SHARE, widest + LABEL_GAP + 2), width * MAX_LABEL_SHARE)
    room = left - LABEL_GAP - 2
    if widest > room:
        font = QFont(painter.font())
        font.setPointSizeF(max(MIN_POINTS, font.pointSizeF() * room / widest))
        painter.setFont(font)
    return left


def axis_label(action_id: str, words: Mapping[str, str] | None) -> str:
    """An action's label from the policy files (its id, spaced, when none names it)."""
    return (words or {}).get(action_id) or action_id.replace("_", " ")


def _fitted(metrics: QFontMetrics, text: str, width: float) -> str:
    # A column label that does not fit on one line keeps its words: first word, then the
    # rest, each elided only if a single word is still too wide.
    if metrics.horizontalAdvance(text) <= width:
        return text
    elide = Qt.TextElideMode.ElideRight
    head, _, tail = text.partition(" ")
    return "\n".join(metrics.elidedText(part, elide, int(width)) for part in (head, tail) if part)


def _shade(share: float, diagonal: bool, dark: bool) -> QColor:
    base = QColor("#4f8f6a") if diagonal else QColor("#b05a4a")
    empty = QColor("#2c3036") if dark else QColor("#f1f1f1")
    mix = 0.15 + 0.85 * share if share > 0 else 0.0
    return QColor(
        round(empty.red() + (base.red() - empty.red()) * mix),
        round(empty.green() + (base.green() - empty.green()) * mix),
        round(empty.blue() + (base.blue() - empty.blue()) * mix),
    )


class ConfusionHeatmap(QWidget):
    """A widget showing one confusion matrix."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionHeatmap")
        self.setAccessibleName("Confusion matrix heat map")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.matrix: ConfusionMatrix | None = None
        self.words: dict[str, str] = {}

    def set_matrix(
        self, matrix: ConfusionMatrix | None, words: Mapping[str, str] | None = None
    ) -> None:
        """Show this matrix (None: nothing audited), its axes in these words."""
        self.matrix = matrix
        self.words = dict(words or {})
        labels = [axis_label(a, self.words) for a in (matrix.labels if matrix else ())]
        self.setToolTip("Actions: " + ", ".join(labels) if labels else "")
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        """Room for about eight labels."""
        return QSize(460, 300)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        """Draw the matrix over the whole widget."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#23262b"))
        area = QRectF(self.rect()).adjusted(6, 6, -6, -6)
        paint_matrix(painter, area, self.matrix, words=self.words)
        painter.end()
