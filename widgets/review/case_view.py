"""The case in the middle: what was reported, why, its text, and its media (filtered).

It also keeps the exposure clock: how long each item was on screen filtered (reported by
`item_left`), and it masks listed terms in the text until the reviewer reveals them.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from app.domain.policies import Policy
from app.domain.words import case_number
from app.imaging.check import frame_count_text
from app.imaging.frames import MULTI_FRAME_KINDS
from app.imaging.pipeline import FilterPipeline
from app.review.reviewdesk import CaseDetail, MediaRef
from app.wellbeing.masking import TermMask
from db.blobs import BlobStore
from widgets.media.media_view import CanvasState, MediaView
from widgets.media.video_panel import VideoPanel
from widgets.shell.tasks import TaskRunner


class CaseView(QWidget):
    """Metadata, report reason, text and the media canvas of one case."""

    item_left = Signal(str, str, float, str)  # case_id, sha256, seconds filtered, pipeline
    text_revealed = Signal(str, float)  # case_id, seconds

    def __init__(
        self,
        blobs: BlobStore,
        runner: TaskRunner,
        parent: QWidget | None = None,
        mask: TermMask | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("caseView")
        self.setAccessibleName("Case")
        self._blobs = blobs
        self.term_mask = mask or TermMask([])
        self.mask_enabled = True
        self.detail: CaseDetail | None = None
        self.pipeline: FilterPipeline | None = None
        self.item_index = 0
        self._view_started: float | None = None
        self._text_reveal_started: float | None = None
        # Set by a window whose minimum must not follow the case shown (video, text…).
        self.fixed_minimum: QSize | None = None
        self._build(runner)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """The fixed minimum when one is set, else what the content needs."""
        return self.fixed_minimum or super().minimumSizeHint()

    # --- showing a case -----------------------------------------------------------

    def show_case(self, detail: CaseDetail, policy: Policy, pipeline: FilterPipeline) -> None:
        """Fill the view; the first media item starts preparing (filtered) at once."""
        self.leave_item()
        self.detail, self.pipeline = detail, pipeline
        row = detail.row
        self.title.setText(f"{case_number(row.case_no)}  {row.title}")
        severity = policy.severity_labels.get(row.severity, str(row.severity))
        sub = policy.subcategories.get(detail.subcategory or "", "")
        reported = row.reported_at[:16].replace("T", " ")
        self.meta.setText(
            f"{policy.name}{' · ' + sub if sub else ''} · severity {row.severity} ({severity}) · "
            f"{row.status} · {row.report_count} report(s) · reported {reported}"
        )
        self.reason.setText(f"Report reason: {detail.report_reason or '(none given)'}")
        self._show_text(masked=self.mask_enabled)
        self.show_item(0)

    def show_item(self, index: int) -> None:
        """Show media item `index` of the open case (filtered)."""
        if self.detail is None or self.pipeline is None:
            return
        self.leave_item()
        self.video.unload()
        media = self.detail.media
        if not media:
            self.item_index = 0
            self.filters.setText("")
            self.item_nav.setVisible(False)
            self.media.clear()
            return
        self.item_index = max(0, min(index, len(media) - 1))
        item = media[self.item_index]
        self.item_nav.setVisible(len(media) > 1)
        self.item_label.setText(f"item {self.item_index + 1} of {len(media)}")
        self.filters.setText(f"Filtered: {self.pipeline.describe()} · {item.kind}")
        self.media.show_item(item.sha256, self.pipeline, item.filename)

    def current_item(self) -> MediaRef | None:
        """The media item on screen, if any."""
        if self.detail is None or not self.detail.media:
            return None
        return self.detail.media[self.item_index]

    def clear(self) -> None:
        """Back to the empty state."""
        self.leave_item()
        self.detail = None
        self.video.unload()
        self.title.setText("Queue is empty: nothing to review.")
        for label in (self.meta, self.reason, self.filters):
            label.setText("")
        self.text_box.setVisible(False)
        self.item_nav.setVisible(False)
        self.media.clear("")

    # --- safe screen and the exposure clock ---------------------------------------

    def set_safe_screen(self, hidden: bool) -> None:
        """Hide (or bring back) all media and text at once."""
        if hidden:
            self.leave_item()
            self.video.stop()
        self.media.set_hidden(hidden)
        self.text.setVisible(not hidden)
        if not hidden and self.media.state is CanvasState.READY:
            self._view_started = time.monotonic()

    def leave_item(self) -> None:
        """Report how long the current item was on screen filtered, and reset the clock."""
        item, started = self.current_item(), self._view_started
        self._view_started = None
        if item is not None and started is not None and self.detail and self.pipeline:
            seconds = time.monotonic() - started
            self.item_left.emit(
                self.detail.row.case_id, item.sha256, seconds, self.pipeline.describe()
            )

    def _on_media_ready(self) -> None:
        if not self.media.hidden:
            self._view_started = time.monotonic()
        prepared, item = self.media.prepared, self.current_item()
        if prepared is None or item is None:
            return
        decoded = prepared.decoded
        # The header names what the file really is, how many frames it holds, and any
        # finding (a lying name, a length counted because the container had none).
        what = decoded.kind
        if decoded.kind in MULTI_FRAME_KINDS:
            what += f", {frame_count_text(decoded.frame_count)}"
        line = " · ".join([f"Filtered: {prepared.pipeline.describe()}", what, *decoded.notes])
        self.filters.setText(line)
        if decoded.kind in MULTI_FRAME_KINDS and prepared.source is not None:
            self.video.load(
                prepared.source,
                prepared.pipeline,
                decoded.fps,
                decoded.frame_count,
                decoded.has_audio,
                decoded.kind,
            )

    # --- text masking -------------------------------------------------------------

    def reveal_text(self, seconds: float) -> None:
        """Show the unmasked text for a moment (reported as a text reveal)."""
        if self.detail is None or not self.detail.body_text or self.media.hidden:
            return
        self._show_text(masked=False)
        self._text_reveal_started = time.monotonic()
        self._text_timer.start(int(seconds * 1000))

    def _end_text_reveal(self) -> None:
        if self._text_reveal_started is None or self.detail is None:
            return
        seconds = time.monotonic() - self._text_reveal_started
        self._text_reveal_started = None
        self._show_text(masked=self.mask_enabled)
        self.text_revealed.emit(self.detail.row.case_id, seconds)

    def _show_text(self, masked: bool) -> None:
        body = self.detail.body_text if self.detail else ""
        shown, hits = self.term_mask.apply(body) if masked else (body, 0)
        self.text.setPlainText(shown)
        self.text_box.setVisible(bool(body))
        self.reveal_text_button.setVisible(hits > 0)
        self.mask_note.setText(f"{hits} listed term(s) masked" if hits else "")

    # --- building -----------------------------------------------------------------

    def _build(self, runner: TaskRunner) -> None:
        layout = QVBoxLayout(self)
        self.title = QLabel("Open a case from the queue (J / K, or click)")
        self.title.setObjectName("caseTitle")
        self.title.setWordWrap(True)
        self.meta = QLabel("")
        self.meta.setObjectName("caseMeta")
        self.meta.setWordWrap(True)
        self.reason = QLabel("")
        self.reason.setWordWrap(True)
        self.text_box = self._build_text()
        self.media = MediaView(self._blobs, runner)
        self.media.ready.connect(self._on_media_ready)
        self.video = VideoPanel(self.media, runner)
        self.item_nav = self._build_item_nav()
        self.filters = QLabel("")
        self.filters.setObjectName("filterLine")
        self.filters.setWordWrap(True)
        for widget in (self.title, self.meta, self.reason, self.text_box, self.media):
            layout.addWidget(widget)
        for widget in (self.video, self.item_nav, self.filters):
            layout.addWidget(widget)
        layout.setStretchFactor(self.media, 1)
        self.text_box.setVisible(False)
        self.item_nav.setVisible(False)

    def _build_text(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Reported text")
        self.text.setMaximumHeight(90)
        row = QHBoxLayout()
        self.mask_note = QLabel("")
        self.reveal_text_button = QPushButton("Show masked terms for a moment  (T)")
        self.reveal_text_button.clicked.connect(lambda: self.reveal_text(self.media.reveal_seconds))
        row.addWidget(self.mask_note)
        row.addStretch(1)
        row.addWidget(self.reveal_text_button)
        column.addWidget(self.text)
        column.addLayout(row)
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.timeout.connect(self._end_text_reveal)
        return box

    def _build_item_nav(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        previous, following = QPushButton("◀ Previous item  ([)"), QPushButton("Next item  (]) ▶")
        previous.clicked.connect(lambda: self.show_item(self.item_index - 1))
        following.clicked.connect(lambda: self.show_item(self.item_index + 1))
        self.item_label = QLabel("")
        for widget in (previous, self.item_label, following):
            row.addWidget(widget)
        row.addStretch(1)
        return box
