"""Mark evidence on the filtered media: a region of a picture, a time range of a video.

Only filtered frames are ever painted here: pictures come from `prepare_media` with the
case's pipeline, video keyframes through the same pipeline. Marks are kept in relative
coordinates (0..1) so they fit any display size, travel in the decision and are shown,
filtered, to whoever opens the case later (read-only mode).

Keyboard: arrows move the box, Shift+arrows resize it, Space adds it as a region;
, and . step through a video's keyframes, [ and ] set the start and end of a time range;
Page Up/Down switch media items; Backspace removes the last mark; Enter closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.imaging.pipeline import FilterPipeline
from app.imaging.prep import prepare_media
from app.imaging.video import VideoReader
from app.review.reviewdesk import MediaRef, describe_marks
from db.blobs import BlobStore
from widgets.media.qimage import qimage_from_rgb
from widgets.shell.tasks import TaskRunner

Mark = dict[str, Any]
MAX_SIDE = 900
KEYFRAMES = 12
STEP = 0.02


@dataclass
class FilteredItem:
    """One media item as filtered frames (a picture has one), with their times."""

    ref: MediaRef
    frames: list[np.ndarray] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    error: str = ""


def load_filtered(blobs: BlobStore, ref: MediaRef, pipeline: FilterPipeline) -> FilteredItem:
    """Filtered frames of one item (worker thread): the picture, or a video's keyframes."""
    try:
        if ref.kind != "video":
            return FilteredItem(
                ref, [prepare_media(blobs, ref.sha256, pipeline, MAX_SIDE).filtered]
            )
        with VideoReader(blobs.source(ref.sha256), MAX_SIDE) as reader:
            fps = reader.fps or 25.0
            board = reader.keyframes(KEYFRAMES)
        return FilteredItem(ref, [pipeline.apply(f) for _, f in board], [i / fps for i, _ in board])
    except Exception as exc:  # any failure is shown in place of the picture, never raised
        return FilteredItem(ref, error=str(exc) or type(exc).__name__)


class EvidenceCanvas(QWidget):
    """Paints a filtered frame, the marks on it and the box being placed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(480, 320)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.image: QImage | None = None
        self.message = "Preparing the filtered view…"
        self.box = QRectF(0.35, 0.35, 0.3, 0.3)
        self.regions: list[QRectF] = []
        self.editable = True
        self._drag: QPointF | None = None

    def frame_rect(self) -> QRectF:
        """Where the frame is drawn (aspect kept, centred)."""
        if self.image is None:
            return QRectF()
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) / 2
        y = (self.height() - size.height()) / 2
        return QRectF(x, y, size.width(), size.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Filtered frame, marks in yellow, the current box dashed."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#1e2126"))
        frame = self.frame_rect()
        if self.image is None:
            painter.setPen(QColor("#c9ced6"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
            painter.end()
            return
        painter.drawImage(frame, self.image)
        painter.setPen(QPen(QColor("#f2c94c"), 2))
        for region in self.regions:
            painter.drawRect(_to_widget(region, frame))
        if self.editable:
            painter.setPen(QPen(QColor("#56ccf2"), 2, Qt.PenStyle.DashLine))
            painter.drawRect(_to_widget(self.box, frame))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Start a box where the mouse is."""
        if self.editable and self.image is not None:
            self._drag = self._relative(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Stretch the box."""
        if self._drag is not None:
            end = self._relative(event.position())
            self.box = QRectF(self._drag, end).normalized()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Finish the box (it is added with Space or the button)."""
        self._drag = None

    def nudge(self, dx: float, dy: float, grow: bool) -> None:
        """Move (or resize) the box by a step, kept inside the frame."""
        box = QRectF(self.box)
        if grow:
            box.setWidth(min(1.0, max(0.02, box.width() + dx)))
            box.setHeight(min(1.0, max(0.02, box.height() + dy)))
        else:
            box.translate(dx, dy)
        box.moveLeft(min(max(0.0, box.left()), 1.0 - box.width()))
        box.moveTop(min(max(0.0, box.top()), 1.0 - box.height()))
        self.box = box
        self.update()

    def _relative(self, point: QPointF) -> QPointF:
        frame = self.frame_rect()
        x = (point.x() - frame.left()) / max(1.0, frame.width())
        y = (point.y() - frame.top()) / max(1.0, frame.height())
        return QPointF(min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0))


def _to_widget(region: QRectF, frame: QRectF) -> QRectF:
    return QRectF(
        frame.left() + region.left() * frame.width(),
        frame.top() + region.top() * frame.height(),
        region.width() * frame.width(),
        region.height() * frame.height(),
    )


class EvidenceDialog(QDialog):
    """Place evidence marks on a case's filtered media, or look at marks made before."""

    def __init__(
        self,
        blobs: BlobStore,
        runner: TaskRunner,
        media: Sequence[MediaRef],
        pipeline: FilterPipeline,
        marks: Sequence[Mark] = (),
        *,
        editable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceDialog")
        self.setWindowTitle("Evidence (filtered)" if editable else "Evidence of the decision")
        self.items = [FilteredItem(ref) for ref in media]
        self._marks: list[Mark] = [dict(m) for m in marks]
        self._item = 0
        self._frame = 0
        self._start: float | None = None
        self.canvas = EvidenceCanvas()
        self.canvas.editable = editable
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        help_text = (
            "Arrows move the box, Shift+arrows resize, Space adds it. Video: , and . step, "
            "[ and ] mark a time range. Page Up/Down: other item. Backspace: remove last."
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.summary)
        if editable:
            layout.addWidget(QLabel(help_text))
        layout.addWidget(buttons)
        self.editable = editable
        for n, ref in enumerate(media):
            runner.submit(
                partial(load_filtered, blobs, ref, pipeline),
                partial(self._loaded, n),
                partial(self._failed, n, ref),
                owner=self,
            )
        self._render()
        self.canvas.setFocus()

    def marks(self) -> list[Mark]:
        """The marks placed (and kept) in this dialog."""
        return [dict(m) for m in self._marks]

    def add_region(self) -> None:
        """Add the current box as a region mark on the shown item."""
        if not self.editable or not self.items or self.canvas.image is None:
            return
        box = self.canvas.box
        ref = self.items[self._item].ref
        self._marks.append(
            {
                "item": ref.sha256,
                "kind": "region",
                "x": box.x(),
                "y": box.y(),
                "w": box.width(),
                "h": box.height(),
            }
        )
        self._render()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """The keyboard map in the module docstring."""
        key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        moves: dict[int, tuple[float, float]] = {
            Qt.Key.Key_Left: (-STEP, 0.0),
            Qt.Key.Key_Right: (STEP, 0.0),
            Qt.Key.Key_Up: (0.0, -STEP),
            Qt.Key.Key_Down: (0.0, STEP),
        }
        if key in moves and self.editable:
            self.canvas.nudge(*moves[key], grow=shift)
        elif key == Qt.Key.Key_Space:
            self.add_region()
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete) and self.editable and self._marks:
            self._marks.pop()
            self._render()
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp) and self.items:
            step = 1 if key == Qt.Key.Key_PageDown else -1
            self._item = (self._item + step) % len(self.items)
            self._frame, self._start = 0, None
            self._render()
        elif event.text() in (",", ".", "[", "]"):
            self._video_key(event.text())
        else:
            super().keyPressEvent(event)

    def _video_key(self, text: str) -> None:
        item = self.items[self._item] if self.items else None
        if item is None or not item.times:
            return
        if text in ",.":
            self._frame = max(
                0, min(len(item.frames) - 1, self._frame + (1 if text == "." else -1))
            )
        elif text == "[":
            self._start = item.times[self._frame]
        elif text == "]" and self.editable and self._start is not None:
            end = item.times[self._frame]
            start, end = min(self._start, end), max(self._start, end)
            if end <= start:
                end = start + 1.0 / 25
            self._marks.append(
                {"item": item.ref.sha256, "kind": "time", "start": start, "end": end}
            )
            self._start = None
        self._render()

    def _loaded(self, n: int, item: FilteredItem) -> None:
        self.items[n] = item
        self._render()

    def _failed(self, n: int, ref: MediaRef, exc: BaseException) -> None:
        self._loaded(n, FilteredItem(ref, error=str(exc)))

    def _render(self) -> None:
        if not self.items:
            self.canvas.image, self.canvas.message = None, "This case has no media to mark."
            self.canvas.update()
            return
        item = self.items[self._item]
        if item.frames:
            self._frame = min(self._frame, len(item.frames) - 1)
            self.canvas.image = qimage_from_rgb(item.frames[self._frame])
        else:
            self.canvas.image = None
            self.canvas.message = item.error or "Preparing the filtered view…"
        self.canvas.regions = [
            QRectF(m["x"], m["y"], m["w"], m["h"])
            for m in self._marks
            if m["item"] == item.ref.sha256 and m["kind"] == "region"
        ]
        self.canvas.update()
        where = f"Item {self._item + 1} of {len(self.items)} ({item.ref.kind})"
        if item.times:
            at = item.times[self._frame]
            where += f" · keyframe {self._frame + 1}/{len(item.frames)} at {at:.1f} s"
            if self._start is not None:
                where += f" · range from {self._start:.1f} s (] to end it)"
        self.status.setText(f"{where} · filtered")
        self.summary.setText(describe_marks(self._marks) if self._marks else "No marks yet.")
