"""Frame controls under the media canvas, for videos and animated pictures alike: opens
paused, filtered storyboard, stepping by key (, and .), no audio.

Frames are decoded and filtered on a worker thread a few frames ahead; the UI thread only
hands finished frames to the canvas on a timer. Stepping reads through one frame source
kept open for the item (on workers, one at a time), so stepping through an animation or
a video that cannot seek never decodes from the start again. Audio is never played here:
the panel says whether the item has an audio track, and `add_section` takes the listening
panel.
"""

from __future__ import annotations

import logging
import queue
import threading

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.imaging.frames import FrameSource, open_frames
from app.imaging.media import MediaError, MediaInput
from app.imaging.pipeline import FilterPipeline
from app.imaging.video import PlaybackFilter
from widgets.media.media_view import MediaView
from widgets.media.qimage import qimage_from_rgb
from widgets.shell.tasks import TaskRunner

log = logging.getLogger(__name__)

SPEEDS = (0.5, 1.0, 1.5, 2.0, 4.0)
STORYBOARD_FRAMES = 8
THUMB_SIDE = 120
# The keyframe strip scrolls sideways: its height is fixed, its width never sets the window's.
STORYBOARD_HEIGHT = THUMB_SIDE + 24
PLAY_MAX_SIDE = 1280
Frame = tuple[int, np.ndarray, np.ndarray]


class _Item:
    """What the panel plays: where the frames come from, their kind and count."""

    def __init__(self, path: MediaInput, kind: str, frame_count: int) -> None:
        self.path, self.kind, self.frame_count = path, kind, frame_count

    def open(self, max_side: int) -> FrameSource:
        return open_frames(self.path, self.kind, max_side, self.frame_count)


class _Stepper:
    """One frame source for stepping, opened on first use; worker tasks take turns."""

    def __init__(self, item: _Item) -> None:
        self._item = item
        self._lock = threading.Lock()
        self._source: FrameSource | None = None
        self._closed = False

    def frame(self, pipeline: FilterPipeline, index: int) -> Frame:
        with self._lock:
            if self._closed:
                raise MediaError("the item was closed")
            if self._source is None:
                self._source = self._item.open(PLAY_MAX_SIDE)
            raw = self._source.read(index)
        return index, pipeline.apply(raw), raw

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._source is not None:
                self._source.close()
                self._source = None


class _Playback(threading.Thread):
    """Decodes and filters frames from `start` into a small queue until stopped."""

    def __init__(self, item: _Item, pipeline: FilterPipeline, start: int) -> None:
        super().__init__(daemon=True)
        self.frames: queue.Queue[Frame | BaseException | None] = queue.Queue(maxsize=6)
        self.stop = threading.Event()
        self._item, self._pipeline, self._start = item, pipeline, start

    def run(self) -> None:
        try:
            with self._item.open(PLAY_MAX_SIDE) as reader:
                playback = PlaybackFilter(self._pipeline)
                for index in range(self._start, reader.frame_count):
                    raw = reader.read(index)
                    if not self._put((index, playback(index, raw), raw)):
                        return
            self._put(None)
        except (MediaError, IndexError) as exc:
            self._put(exc)

    def _put(self, item: Frame | BaseException | None) -> bool:
        while not self.stop.is_set():
            try:
                self.frames.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False


class VideoPanel(QWidget):
    """Play, pause, step, speed and a storyboard for the video or animation shown in a
    MediaView."""

    position_changed = Signal(int)
    loaded = Signal(object)  # the video's source, once its controls show
    unloaded = Signal()

    def __init__(self, media: MediaView, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoPanel")
        self.setAccessibleName("Video controls")
        self._media, self._runner = media, runner
        self._item: _Item | None = None
        self._stepper: _Stepper | None = None
        self._pipeline: FilterPipeline | None = None
        self._playback: _Playback | None = None
        # The frame asked for and not yet shown: steps count from it, late frames drop.
        self._wanted: int | None = None
        self.position = 0
        self.kind = "video"
        self.frame_count = 0
        self.fps = 12.0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._build()
        self.hide()

    @property
    def playing(self) -> bool:
        """True while frames are being played."""
        return self._playback is not None

    def load(
        self,
        path: MediaInput,
        pipeline: FilterPipeline,
        fps: float | None,
        frames: int,
        audio: bool | None,
        kind: str = "video",
    ) -> None:
        """Show controls for a video or animation; it starts paused on its first frame."""
        self.unload()
        item = _Item(path, kind, frames)
        self._item, self._stepper, self._pipeline = item, _Stepper(item), pipeline
        self.position, self.frame_count, self.fps = 0, frames, fps or 12.0
        self._wanted = None
        self.kind = kind
        self.audio.setText("Animation: no sound" if kind == "animation" else _audio_text(audio))
        self._update_position()
        self._clear_storyboard()
        self._runner.submit(
            lambda: _storyboard(item, pipeline),
            lambda board: self._show_storyboard(board) if item is self._item else None,
            _no_storyboard,
            owner=self,
        )
        self.show()
        if kind == "video":  # an animation has no sound to listen to
            self.loaded.emit(path)

    def unload(self) -> None:
        """No video: stop and hide."""
        self.stop()
        self._item = None
        if self._stepper is not None:
            # Closing waits for a step in progress: on a worker, never on the UI thread.
            self._runner.submit(self._stepper.close, _ignore, _ignore)
            self._stepper = None
        self.hide()
        self.unloaded.emit()

    def add_section(self, widget: QWidget) -> None:
        """Show a feature's widget under the controls, above the storyboard."""
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(layout.indexOf(self.storyboard_area), widget)

    def toggle(self) -> None:
        """Play or pause."""
        if self.playing:
            self.stop()
        else:
            self.play()

    def play(self) -> None:
        """Play from the current frame, filtered, at the chosen speed."""
        if self._item is None or self._pipeline is None or self.playing:
            return
        start = 0 if self.position >= self.frame_count - 1 else self.position
        self._wanted = None
        self._playback = _Playback(self._item, self._pipeline, start)
        self._playback.start()
        self._timer.start(max(5, int(1000 / (self.fps * self.speed()))))
        self.play_button.setText("Pause  (P)")

    def stop(self) -> None:
        """Pause: the last frame stays on screen (filtered), the decoder stops."""
        self._timer.stop()
        if self._playback is not None:
            self._playback.stop.set()
            self._playback = None
        self.play_button.setText("Play  (P)")

    def step(self, delta: int) -> None:
        """Pause and move one frame (or more) forward or back."""
        self.seek((self.position if self._wanted is None else self._wanted) + delta)

    def seek(self, index: int) -> None:
        """Pause and show frame `index` (filtered)."""
        if self._stepper is None or self._pipeline is None:
            return
        self.stop()
        index = max(0, min(index, self.frame_count - 1))
        if index == self._wanted:
            return
        self._wanted = index
        stepper, pipeline = self._stepper, self._pipeline
        self._runner.submit(
            lambda: stepper.frame(pipeline, index),
            lambda frame: self._show_step(stepper, frame),
            lambda error: self._failed(error) if stepper is self._stepper else None,
            owner=self,
        )

    def speed(self) -> float:
        """The chosen playback speed."""
        return float(self.speed_box.currentData())

    def _tick(self) -> None:
        if self._playback is None:
            return
        try:
            item = self._playback.frames.get_nowait()
        except queue.Empty:
            return  # the decoder is behind: keep the last frame
        if item is None or isinstance(item, BaseException):
            self.stop()
            if isinstance(item, BaseException):
                self._failed(item)
            return
        self._show_frame(item)

    def _show_step(self, stepper: _Stepper, frame: Frame) -> None:
        if stepper is not self._stepper or frame[0] != self._wanted:
            return  # another item is shown now, or a later step was asked for meanwhile
        self._wanted = None
        self._show_frame(frame)

    def _show_frame(self, frame: Frame) -> None:
        index, filtered, raw = frame
        self.position = index
        self._media.show_frame(filtered, raw)
        self._update_position()

    def _failed(self, error: BaseException) -> None:
        self._wanted = None
        reason = error.reason if isinstance(error, MediaError) else str(error)
        self.status.setText(f"Playback stopped: {reason}")

    def _update_position(self) -> None:
        seconds = self.position / self.fps if self.fps else 0.0
        self.status.setText(f"frame {self.position + 1} / {self.frame_count} · {seconds:.1f} s")
        self.position_changed.emit(self.position)

    def _build(self) -> None:
        self.play_button = QPushButton("Play  (P)")
        self.play_button.clicked.connect(self.toggle)
        back, forward = QPushButton("◀ Step"), QPushButton("Step ▶")
        back.clicked.connect(lambda: self.step(-1))
        forward.clicked.connect(lambda: self.step(1))
        self.speed_box = QComboBox()
        self.speed_box.setAccessibleName("Playback speed")
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed:g}x", speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.status, self.audio = QLabel(""), QLabel("")
        self.audio.setObjectName("audioNotice")
        self.audio.setWordWrap(True)
        # The position text changes with every frame: it must not move the layout's minimum.
        self.status.setMinimumWidth(150)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        controls = QHBoxLayout()
        for widget in (self.play_button, back, forward, self.speed_box, self.status):
            controls.addWidget(widget)
        controls.addStretch(1)
        strip = QWidget()
        strip.setObjectName("storyboard")
        self.storyboard = QHBoxLayout(strip)
        self.storyboard.setContentsMargins(0, 0, 0, 0)
        self.storyboard.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.storyboard_area = QScrollArea()
        self.storyboard_area.setObjectName("storyboardArea")
        self.storyboard_area.setAccessibleName("Keyframes")
        self.storyboard_area.setWidget(strip)
        self.storyboard_area.setWidgetResizable(True)
        self.storyboard_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.storyboard_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.storyboard_area.setFixedHeight(STORYBOARD_HEIGHT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.audio)
        layout.addWidget(self.storyboard_area)

    def _clear_storyboard(self) -> None:
        while self.storyboard.count():
            item = self.storyboard.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _show_storyboard(self, board: list[tuple[int, np.ndarray]]) -> None:
        self._clear_storyboard()
        buttons = []
        for index, thumb in board:
            button = QToolButton()
            buttons.append(button)
            button.setIcon(QIcon(QPixmap.fromImage(qimage_from_rgb(thumb))))
            button.setIconSize(QSize(thumb.shape[1], thumb.shape[0]))
            button.setToolTip(f"frame {index + 1}: click to jump here")
            button.setAccessibleName(f"Keyframe {index + 1}")
            button.clicked.connect(lambda _=False, i=index: self.seek(i))
            self.storyboard.addWidget(button)
        self.storyboard.addStretch(1)
        # As tall as the keyframes (never taller than the fixed strip): no empty band.
        tallest = max((b.sizeHint().height() for b in buttons), default=0)
        bar = self.storyboard_area.horizontalScrollBar().sizeHint().height()
        self.storyboard_area.setFixedHeight(min(STORYBOARD_HEIGHT, tallest + bar + 2))

    def storyboard_size(self) -> int:
        """How many keyframes are shown."""
        items = (self.storyboard.itemAt(i) for i in range(self.storyboard.count()))
        return sum(1 for item in items if item is not None and item.widget() is not None)


def _storyboard(item: _Item, pipeline: FilterPipeline) -> list[tuple[int, np.ndarray]]:
    with item.open(THUMB_SIDE) as reader:
        return [(i, pipeline.apply(frame)) for i, frame in reader.keyframes(STORYBOARD_FRAMES)]


def _ignore(_: object) -> None:
    return None


def _audio_text(audio: bool | None) -> str:
    if audio is None:
        return "Audio: unknown (never played)"
    return "Audio track present: muted, never played" if audio else "No audio track"


def _no_storyboard(exc: BaseException) -> None:
    # The video still plays frame by frame; only the keyframe strip is missing.
    log.warning("no storyboard for the video: %s", exc)
