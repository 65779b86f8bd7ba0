"""Video frames at display size, a filtered storyboard, and filtered playback.

OpenCV's FFmpeg backend decodes; frames come back RGB uint8, C-contiguous, longest side
at most max_side. FFmpeg has no reduced-size decode through OpenCV, so each frame is
decoded full size and shrunk at once, before colour conversion. Face detection during
playback runs only on every k-th frame and its boxes are reused in between.
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import cv2
import numpy as np

from app.imaging import sniff
from app.imaging.faces import Box, detect_faces
from app.imaging.media import (
    MAX_COUNTED_FRAMES,
    FrameCache,
    MediaError,
    MediaInput,
    check_pixels,
    open_media,
    spread,
)
from app.imaging.pipeline import FilterPipeline
from app.imaging.scale import fit_size, shrink_to

# Frames kept for stepping back in a video that cannot seek (about 40 frames at 720p).
_RECENT_BYTES = 112 * 1024 * 1024


class VideoReader:
    """One open video file: frame count, fps, audio flag, frames by index or in order.

    One user at a time: the decoder has a single read position (filtered_frames owns it
    while it runs). Raises MediaError when the file cannot be played at all.

    A container that gives no length (a browser-recorded WebM, a live MKV) can neither
    say how many frames it holds nor seek: it is read to its end once, here, to count
    them (at most MAX_COUNTED_FRAMES, with a note in `notes` either way), and frames are
    then reached by reading forward, recent ones kept for stepping back. Pass the count
    (`frame_count`) when it is already known to skip the counting.
    """

    def __init__(
        self, path: MediaInput, max_side: int = 2048, frame_count: int | None = None
    ) -> None:
        self.path = path
        self._stream: BinaryIO | None = None
        self._cap = self._open()
        self._recent = FrameCache(_RECENT_BYTES)
        self.notes: tuple[str, ...] = ()
        try:
            self._probe(max_side, frame_count)
        except BaseException:
            self.close()
            raise

    def _open(self) -> cv2.VideoCapture:
        if isinstance(self.path, Path):
            return cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG)
        # An encrypted blob: FFmpeg reads the in-memory decrypting reader directly.
        if self._stream is not None:
            self._stream.close()
        self._stream = open_media(self.path)
        return cv2.VideoCapture(self._stream, cv2.CAP_FFMPEG, [])  # type: ignore[call-overload]

    def _rewind(self) -> None:
        """Back to frame 0 by opening again (a stream without a length cannot seek)."""
        self._cap.release()
        self._cap = self._open()
        self._next = 0

    def _probe(self, max_side: int, frame_count: int | None) -> None:
        if not self._cap.isOpened():
            raise MediaError("corrupt video: the container cannot be opened")
        w, h = self._count(cv2.CAP_PROP_FRAME_WIDTH), self._count(cv2.CAP_PROP_FRAME_HEIGHT)
        if w <= 0 or h <= 0:
            raise MediaError("corrupt video: no video stream")
        check_pixels(w, h)
        self.source_size = (w, h)
        self._display = fit_size(w, h, max_side)
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps: float | None = fps if math.isfinite(fps) and 0 < fps < 1000 else None
        self._next = 0
        # Frame 0 is decoded now, to prove the file plays; read(0) hands it out once.
        self._first = self._grab()
        if self._first is None:
            raise MediaError("video has no frames")
        # The container's count can be missing or an estimate; at least one frame decoded.
        container = self._count(cv2.CAP_PROP_FRAME_COUNT)
        self.seekable = container > 0
        if frame_count is not None:
            self.frame_count = max(1, frame_count)
        elif container:
            self.frame_count = container
        else:
            self.frame_count = self._count_to_end()
        self.has_audio = _probe_audio(self.path)

    def _count_to_end(self) -> int:
        counted = 1  # frame 0, decoded by the probe
        while counted < MAX_COUNTED_FRAMES and self._cap.grab():
            counted += 1
        more = counted >= MAX_COUNTED_FRAMES and self._cap.grab()
        self._rewind()
        if more:
            self.notes = (
                f"no length in the container: counting stopped at the {MAX_COUNTED_FRAMES:,}"
                "-frame cap, later frames are not shown",
            )
        else:
            self.notes = (f"no length in the container: {counted:,} frames counted to the end",)
        return counted

    def _count(self, prop: int) -> int:
        value = self._cap.get(prop)
        # Damaged headers give NaN, negative or absurd values; 0 means "unknown" here.
        return int(value) if math.isfinite(value) and 0 < value < 2**31 else 0

    @property
    def duration_s(self) -> float | None:
        """Length in seconds, or None when the frame rate is unknown."""
        return self.frame_count / self.fps if self.fps else None

    def read(self, index: int) -> np.ndarray:
        """Frame `index` (0-based); MediaError when the file breaks off before it."""
        if not 0 <= index < self.frame_count:
            raise IndexError(f"frame {index} is outside 0..{self.frame_count - 1}")
        if index == 0 and self._first is not None:
            first, self._first = self._first, None
            return first
        if (kept := self._recent.get(index)) is not None:
            return kept
        self._seek(index)
        frame = self._grab() if self._next == index else None
        if frame is None:
            raise MediaError(f"corrupt video: frame {index} of {self.frame_count} cannot be read")
        if not self.seekable:
            self._recent.put(index, frame)
        return frame

    def frames(self) -> Iterator[np.ndarray]:
        """Every frame from the first, in order, until the stream ends."""
        return self._frames(rgb=True)

    def _frames(self, *, rgb: bool) -> Iterator[np.ndarray]:
        frame, self._first = self._first, None
        if frame is None or self._next != 1:
            self._seek(0)
            frame = self._grab(rgb=rgb)
        elif not rgb:
            frame = cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)
        while frame is not None:
            yield frame
            frame = self._grab(rgb=rgb)

    def keyframes(self, n: int) -> list[tuple[int, np.ndarray]]:
        """A storyboard: up to n (index, frame) pairs spread evenly over the video."""
        board = []
        for index in spread(self.frame_count, n):
            try:
                board.append((index, self.read(index)))
            except MediaError:
                break  # the container's count was optimistic; keep what decodes
        return board

    def close(self) -> None:
        """Release the decoder (safe to call twice)."""
        self._cap.release()
        if self._stream is not None:
            self._stream.close()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _seek(self, index: int) -> None:
        if index == self._next:
            return
        if self.seekable:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, index)
            self._next = index
            return
        if index < self._next:
            self._rewind()
        # Forward by decoding without converting (grab); a failed grab leaves _next short
        # of index, and the read that follows reports the frame as unreadable.
        while self._next < index and self._cap.grab():
            self._next += 1

    def _grab(self, *, rgb: bool = True) -> np.ndarray | None:
        ok, bgr = self._cap.read()
        if not ok or bgr is None:
            return None
        self._next += 1
        small = shrink_to(bgr, self._display)
        return cv2.cvtColor(small, cv2.COLOR_BGR2RGB) if rgb else small


def _probe_audio(path: MediaInput) -> bool | None:
    try:
        with open_media(path) as f:
            return sniff.probe_audio(f, sniff.sniff_bytes(f.read(sniff.HEAD_BYTES)))
    except OSError:
        return None


class PlaybackFilter:
    """Filters successive playback frames, detecting faces only every `detect_every`."""

    def __init__(self, pipeline: FilterPipeline, detect_every: int = 6) -> None:
        self.pipeline = pipeline
        self.detect_every = max(1, detect_every)
        self._boxes: Sequence[Box] = ()
        self._found_at: int | None = None

    def __call__(self, index: int, frame: np.ndarray, *, bgr: bool = False) -> np.ndarray:
        """The filtered RGB frame; index is the frame's position, bgr its channel order."""
        if not self.pipeline.uses("face_blur"):
            return self.pipeline.apply(frame, bgr=bgr)
        stale = self._found_at is None or not 0 <= index - self._found_at < self.detect_every
        if stale:
            rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) if bgr else frame
            self._boxes, self._found_at = detect_faces(rgb), index
        return self.pipeline.apply(frame, faces=self._boxes, bgr=bgr)


def filtered_frames(
    reader: VideoReader, pipeline: FilterPipeline, detect_every: int = 6, ahead: int = 4
) -> Generator[tuple[int, np.ndarray], None, None]:
    """(index, filtered frame) for every frame, decoding on a worker thread ahead of use.

    Close the generator (or let it end) to stop the worker; playback can stop any time.

    FFmpeg and OpenCV release the GIL, so decoding the next frame overlaps with filtering
    this one. Frames stay in the decoder's BGR order until the filter: a pipeline that
    starts with blur + grayscale then never converts a full frame (see FilterPipeline).
    """
    decoded: queue.Queue[np.ndarray | BaseException | None] = queue.Queue(maxsize=ahead)
    stop = threading.Event()
    worker = threading.Thread(target=_decode_into, args=(reader, decoded, stop), daemon=True)
    worker.start()
    playback = PlaybackFilter(pipeline, detect_every)
    try:
        index = 0
        while (item := decoded.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield index, playback(index, item, bgr=True)
            index += 1
    finally:
        stop.set()
        while worker.is_alive():
            _drain(decoded)
            worker.join(timeout=0.05)


def _decode_into(
    reader: VideoReader, out: queue.Queue[np.ndarray | BaseException | None], stop: threading.Event
) -> None:
    try:
        for frame in reader._frames(rgb=False):
            while not stop.is_set():
                try:
                    out.put(frame, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if stop.is_set():
                return
        out.put(None)
    except BaseException as exc:  # handed to the consumer, who re-raises it
        out.put(exc)


def _drain(q: queue.Queue[np.ndarray | BaseException | None]) -> None:
    while True:
        try:
            q.get_nowait()
        except queue.Empty:
            return
