"""The media canvas: paints only filtered pixels, from the very first paint.

Decoding and filtering run in a worker; until the filtered frame arrives the canvas shows
a neutral placeholder, never the raw image. Broken media shows its reason in place.
A reveal (lens around the cursor, or the whole item while held) is momentary: it ends on
release or after a timeout, and reports how long and how much of the area was seen.
Zoom (Ctrl+wheel) and pan (drag) keep the filters. The safe screen hides everything.
"""

from __future__ import annotations

import time
from enum import Enum

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.imaging.filters import grayscale
from app.imaging.pipeline import FilterPipeline
from app.imaging.prep import MediaUnavailable, PreparedMedia, prepare_media, refine
from db.blobs import BlobStore
from widgets.media.qimage import qimage_from_rgb
from widgets.media.reveal import RevealArea
from widgets.shell.tasks import TaskRunner


class CanvasState(Enum):
    """What the canvas is showing."""

    EMPTY = "empty"
    LOADING = "loading"
    READY = "ready"
    ERROR = "error"


BACKGROUND = QColor("#1e2126")
TEXT = QColor("#c9ced6")
LENS_RADIUS = 90
# Filters run at the canvas's size, never below this (a canvas not yet laid out is tiny).
MIN_FILTER_SIZE = (640, 480)
SAFE_SCREEN_TEXT = "Media hidden (safe screen).\nPress Esc to bring back the filtered view."


class MediaView(QWidget):
    """Shows one media item (or video frame) of a case, filtered; reveals on request."""

    ready = Signal()
    failed = Signal(str)
    reveal_ended = Signal(str, float, float)  # mode, seconds, share of the area revealed

    def __init__(self, blobs: BlobStore, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mediaView")
        self.setAccessibleName("Media, filtered")
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self._blobs = blobs
        self._runner = runner
        self._generation = 0
        self._state = CanvasState.EMPTY
        self._message = "No media: this is a text-only report."
        self._image: QImage | None = None
        self._raw: np.ndarray | None = None
        self._revealed: QImage | None = None
        self.prepared: PreparedMedia | None = None
        self.hidden = False
        self.reveal_seconds = 3.0
        self.reveal_keeps_grayscale = True
        self._zoom = 1.0
        self._pan = QPointF(0, 0)
        self._drag_from: QPointF | None = None
        self._reveal_mode: str | None = None
        self._reveal_started = 0.0
        self._cursor = QPointF(-1, -1)
        self._area = RevealArea()
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self.end_reveal)

    # --- content ------------------------------------------------------------------

    @property
    def state(self) -> CanvasState:
        """The current display state."""
        return self._state

    @property
    def message(self) -> str:
        """The text shown when there is no picture (placeholder, error, safe screen)."""
        return SAFE_SCREEN_TEXT if self.hidden else self._message

    @property
    def reveal_mode(self) -> str | None:
        """'lens' or 'hold' while a reveal is on, else None."""
        return self._reveal_mode

    def show_item(self, sha256: str, pipeline: FilterPipeline, name: str | None = None) -> None:
        """Start preparing an item; the placeholder shows until the filtered frame is ready.

        `name` is the file name it was reported under (a lying name is noted)."""
        self._generation += 1
        generation = self._generation
        self._set(CanvasState.LOADING, "Preparing the filtered view…")
        display = self.display_size()
        self._runner.submit(
            lambda: prepare_media(
                self._blobs, sha256, pipeline, display=display, wait_for_faces=False, name=name
            ),
            lambda result: self._on_ready(generation, result),
            lambda error: self._on_error(generation, error),
            owner=self,
        )

    def display_size(self) -> tuple[int, int]:
        """The canvas in device pixels: the size the filters run at."""
        ratio = self.devicePixelRatioF()
        return (
            round(max(self.width(), MIN_FILTER_SIZE[0]) * ratio),
            round(max(self.height(), MIN_FILTER_SIZE[1]) * ratio),
        )

    def show_frame(self, filtered: np.ndarray, raw: np.ndarray | None) -> None:
        """Paint a frame that is already filtered (video playback, stepping)."""
        self.end_reveal()
        self._image = qimage_from_rgb(filtered)
        self._raw = raw
        self._revealed = None
        self._state = CanvasState.READY
        self.update()

    def clear(self, message: str = "No media: this is a text-only report.") -> None:
        """Show nothing but a message."""
        self._generation += 1
        self._set(CanvasState.EMPTY, message)

    def filtered_image(self) -> QImage | None:
        """The filtered frame being painted (tests compare the grab with it)."""
        return self._image

    def set_hidden(self, hidden: bool) -> None:
        """The safe screen: hide all media until brought back."""
        self.end_reveal()
        self.hidden = hidden
        self.update()

    def _on_ready(self, generation: int, result: PreparedMedia) -> None:
        if generation != self._generation:
            return
        if self._state is CanvasState.READY and self.prepared is not None:
            # The final frame after a provisional one: same item, view and reveal kept.
            self.prepared = result
            self._image = qimage_from_rgb(result.filtered)
            self.update()
            return
        self.prepared = result
        self._image = qimage_from_rgb(result.filtered)
        self._raw = result.raw
        self._set(CanvasState.READY, "")
        if not result.final:
            # Painted at once with every spot blurred like a face; the faces come next.
            self._runner.submit(
                lambda: refine(result),
                lambda final: self._on_ready(generation, final),
                lambda error: self._on_error(generation, error),
                owner=self,
            )
        self.ready.emit()

    def _on_error(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        if isinstance(error, MediaUnavailable):
            reason = str(error)
        else:
            reason = f"unexpected error while preparing the media ({type(error).__name__})"
        self._set(CanvasState.ERROR, f"This media cannot be shown: {reason}")
        self.failed.emit(reason)

    def _set(self, state: CanvasState, message: str) -> None:
        self.end_reveal()
        self._state = state
        self._message = message
        self._zoom, self._pan = 1.0, QPointF(0, 0)
        if state is not CanvasState.READY:
            self._image = None
            self._raw = None
            self.prepared = None
        self._revealed = None
        self.update()

    # --- reveal -------------------------------------------------------------------

    def can_reveal(self) -> bool:
        """A reveal needs a shown picture with its raw frame, and no safe screen."""
        return self._state is CanvasState.READY and self._raw is not None and not self.hidden

    def begin_reveal(self, mode: str, at: QPointF | None = None) -> bool:
        """Start a lens ('lens') or whole-item ('hold') reveal; False when not possible."""
        if self._reveal_mode is not None or not self.can_reveal():
            return False
        self._reveal_mode = mode
        self._reveal_started = time.monotonic()
        self._area = RevealArea()
        if at is not None:
            self._cursor = at
        self._mark_area()
        self._timeout.start(int(self.reveal_seconds * 1000))
        self.update()
        return True

    def end_reveal(self) -> None:
        """Re-filter now; report the reveal's seconds and revealed share of the area."""
        if self._reveal_mode is None:
            return
        mode, self._reveal_mode = self._reveal_mode, None
        self._timeout.stop()
        seconds = time.monotonic() - self._reveal_started
        self.update()
        self.reveal_ended.emit(mode, seconds, self._area.share())

    def _mark_area(self) -> None:
        rect = self.image_rect()
        if self._reveal_mode == "hold" or rect.isEmpty():
            self._area.mark_all()
            return
        cx = (self._cursor.x() - rect.x()) / rect.width()
        cy = (self._cursor.y() - rect.y()) / rect.height()
        self._area.mark_circle(cx, cy, LENS_RADIUS / rect.width(), LENS_RADIUS / rect.height())

    def _revealed_image(self) -> QImage | None:
        if self._revealed is None and self._raw is not None:
            raw = grayscale(self._raw) if self.reveal_keeps_grayscale else self._raw
            self._revealed = qimage_from_rgb(np.ascontiguousarray(raw))
        return self._revealed

    # --- geometry, zoom and pan ---------------------------------------------------

    def image_rect(self) -> QRect:
        """Where the frame is drawn (aspect kept, centred, then zoomed and panned)."""
        if self._image is None:
            return QRect()
        size = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        w, h = size.width() * self._zoom, size.height() * self._zoom
        x = (self.width() - w) / 2 + self._pan.x()
        y = (self.height() - h) / 2 + self._pan.y()
        return QRectF(x, y, w, h).toRect()

    def set_zoom(self, zoom: float) -> None:
        """Zoom between 1x and 8x; the picture stays filtered."""
        self._zoom = min(8.0, max(1.0, zoom))
        if self._zoom == 1.0:
            self._pan = QPointF(0, 0)
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        """Ctrl+wheel zooms."""
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.set_zoom(self._zoom * (1.25 if event.angleDelta().y() > 0 else 0.8))
            event.accept()
        else:
            super().wheelEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Right button: lens while held. Left button: pan when zoomed."""
        if event.button() == Qt.MouseButton.RightButton:
            self.begin_reveal("lens", event.position())
        elif event.button() == Qt.MouseButton.LeftButton and self._zoom > 1.0:
            self._drag_from = event.position()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Move the lens, or pan."""
        self._cursor = event.position()
        if self._reveal_mode == "lens":
            self._mark_area()
            self.update()
        if self._drag_from is not None:
            self._pan += event.position() - self._drag_from
            self._drag_from = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Releasing the right button ends the lens."""
        if event.button() == Qt.MouseButton.RightButton:
            self.end_reveal()
        self._drag_from = None

    def cursor_position(self) -> QPointF:
        """Where the lens would open for a key press."""
        inside = self.rect().contains(self._cursor.toPoint())
        return self._cursor if inside else QPointF(self.width() / 2, self.height() / 2)

    # --- painting -----------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Filtered frame (plus the momentary reveal), or the message."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        if self._state is CanvasState.READY and self._image is not None and not self.hidden:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            rect = self.image_rect()
            painter.drawImage(rect, self._image)
            self._paint_reveal(painter, rect)
        else:
            painter.setPen(TEXT)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(self.rect().adjusted(24, 24, -24, -24), flags, self.message)
        painter.end()

    def _paint_reveal(self, painter: QPainter, rect: QRect) -> None:
        revealed = self._revealed_image() if self._reveal_mode else None
        if revealed is None:
            return
        if self._reveal_mode == "lens":
            lens = QPainterPath()
            lens.addEllipse(self._cursor, LENS_RADIUS, LENS_RADIUS)
            painter.setClipPath(lens)
        painter.drawImage(rect, revealed)
        painter.setClipping(False)
        painter.setPen(QColor("#d8b36a"))
        if self._reveal_mode == "lens":
            painter.drawEllipse(self._cursor, LENS_RADIUS, LENS_RADIUS)
