"""The evidence of an edge: each co-action as the two posts side by side (time, text,
links, media). Media is shown only filtered (the default pipeline, decoded off the UI
thread from the local media cache); media this workstation does not hold says so. When
the dialog closes, the time it was open and the media items shown are recorded as
exposure (`network.evidence_viewed`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.imaging.pipeline import DEFAULT_PIPELINE
from app.imaging.prep import MediaUnavailable, PreparedMedia, prepare_media
from app.network.evidence import EdgeEvidence, PostView
from db.blobs import BlobStore
from widgets.media.qimage import qimage_from_rgb
from widgets.shell.tasks import TaskRunner

THUMB = 140
Exposure = Callable[[float, int, str], None]


class EvidenceDialog(QDialog):
    """The co-actions of one edge, filtered; exposure recorded on close."""

    def __init__(
        self,
        evidence: EdgeEvidence,
        blobs: BlobStore,
        runner: TaskRunner,
        on_exposure: Exposure,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("networkEvidence")
        self.setWindowTitle(f"Evidence: {evidence.account_a} and {evidence.account_b}")
        self._opened = time.monotonic()
        self._on_exposure = on_exposure
        self._recorded = False
        self.media_shown = 0
        self.media_labels: dict[str, list[QLabel]] = {}
        shown = len(evidence.items)
        intro = QLabel(
            f"{evidence.total} co-action(s) between {evidence.account_a} and "
            f"{evidence.account_b}"
            + (f"; the first {shown} shown" if shown < evidence.total else "")
            + ". Media is shown filtered."
        )
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(QLabel(f"<b>{evidence.account_a}</b>"), 0, 1)
        grid.addWidget(QLabel(f"<b>{evidence.account_b}</b>"), 0, 2)
        for row, item in enumerate(evidence.items, start=1):
            grid.addWidget(QLabel(f"{item.kind}\n{item.seconds:.0f} s apart"), row, 0)
            grid.addWidget(self._post(item.left, blobs, runner), row, 1)
            grid.addWidget(self._post(item.right, blobs, runner), row, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.finished.connect(lambda _r: self._record())
        self.resize(900, 620)

    def _post(self, post: PostView, blobs: BlobStore, runner: TaskRunner) -> QFrame:
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(frame)
        links = "\n".join(post.links)
        reply = f"\nreply to {post.reply_to}" if post.reply_to else ""
        text = QLabel(f"{post.posted_at}  ·  {post.post_id}\n{post.text}\n{links}{reply}".strip())
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setTextFormat(Qt.TextFormat.PlainText)
        box.addWidget(text)
        if post.phash is not None or post.media_ref is not None:
            box.addWidget(self._media(post, blobs, runner))
        return frame

    def _media(self, post: PostView, blobs: BlobStore, runner: TaskRunner) -> QLabel:
        label = QLabel()
        label.setFixedSize(THUMB, THUMB)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        if post.media_ref is None or not blobs.has(post.media_ref):
            label.setText(f"media not on this workstation\npHash {post.phash or '?'}")
            return label
        label.setText("decoding (filtered)…")
        self.media_labels.setdefault(post.media_ref, []).append(label)
        runner.submit(
            partial(prepare_media, blobs, post.media_ref, DEFAULT_PIPELINE, THUMB),
            partial(self._shown, label),
            partial(self._failed, label),
            owner=self,
        )
        return label

    def _shown(self, label: QLabel, prepared: PreparedMedia) -> None:
        # Only the filtered frame becomes pixels.
        label.setPixmap(QPixmap.fromImage(qimage_from_rgb(prepared.filtered)))
        self.media_shown += 1

    def _failed(self, label: QLabel, error: BaseException) -> None:
        label.setText(str(error) if isinstance(error, MediaUnavailable) else "cannot be shown")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Closing records the exposure."""
        self._record()
        super().closeEvent(event)

    def _record(self) -> None:
        if self._recorded:
            return
        self._recorded = True
        seconds = time.monotonic() - self._opened
        self._on_exposure(seconds, self.media_shown, DEFAULT_PIPELINE.describe())
