"""The near-duplicate contact sheet: every member of a cluster as a filtered thumbnail.

After deciding one case, the reviewer sees its near-duplicates side by side (filtered
like any media, never raw), ticks the ones the same decision fits, and applies it: each
member gets its own decision referring to the one that was looked at.

Keyboard: arrows move, Space ticks or unticks, A ticks all that can take the decision,
Enter applies, Esc closes without applying.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.imaging.pipeline import FilterPipeline
from app.imaging.prep import PreparedMedia, prepare_media
from app.review.reviewdesk import ClusterMember
from db.blobs import BlobStore
from widgets.media.qimage import qimage_from_rgb
from widgets.shell.fit import fit_window
from widgets.shell.tasks import TaskRunner

log = logging.getLogger(__name__)

THUMB = 180
MemberRole = Qt.ItemDataRole.UserRole + 1


class ContactSheet(QDialog):
    """Tick the cluster members the decision applies to; `chosen()` after accept."""

    def __init__(
        self,
        blobs: BlobStore,
        runner: TaskRunner,
        members: Sequence[ClusterMember],
        pipeline_for: Callable[[ClusterMember], FilterPipeline],
        decision_label: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contactSheet")
        self.setWindowTitle("Near-duplicates (filtered)")
        self.grid = QListWidget()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setIconSize(QSize(THUMB, THUMB))
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setSpacing(8)
        self.grid.setAccessibleName("Near-duplicate cases")
        for member in members:
            self.grid.addItem(self._item(member))
            if member.item:
                runner.submit(
                    partial(_thumbnail, blobs, member, pipeline_for),
                    partial(self._thumb, member),
                    partial(_thumb_failed, member),
                    owner=self,
                )
        self.grid.setCurrentRow(0)
        applicable = sum(1 for m in members if m.applicable)
        intro = QLabel(
            f"Apply “{decision_label}” to the ticked cases ({applicable} of {len(members)} can "
            "take it). Space ticks, A ticks all, Enter applies, Esc closes."
        )
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Apply to ticked")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.grid, 1)
        layout.addWidget(buttons)
        fit_window(self, 820, 560)  # cut down to the screen
        self.grid.setFocus()

    def chosen(self) -> list[str]:
        """Case ids of the ticked members."""
        out = []
        for n in range(self.grid.count()):
            item = self.grid.item(n)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(MemberRole).case_id)
        return out

    def tick_all(self) -> None:
        """Tick every member the decision can be applied to."""
        for n in range(self.grid.count()):
            item = self.grid.item(n)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(Qt.CheckState.Checked)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Space toggles the current member, A ticks all."""
        item = self.grid.currentItem()
        if event.key() == Qt.Key.Key_Space and item is not None:
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                checked = item.checkState() == Qt.CheckState.Checked
                item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            return
        if event.key() == Qt.Key.Key_A:
            self.tick_all()
            return
        super().keyPressEvent(event)

    def _item(self, member: ClusterMember) -> QListWidgetItem:
        note = f"distance {member.distance}" if member.applicable else member.why_not
        item = QListWidgetItem(f"#{member.case_no} {member.title}\n{member.category} · {note}")
        item.setData(MemberRole, member)
        item.setToolTip(f"{member.title}\nstatus: {member.status}\n{note}")
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if member.applicable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        item.setFlags(flags)
        item.setCheckState(Qt.CheckState.Checked if member.applicable else Qt.CheckState.Unchecked)
        return item

    def _thumb(self, member: ClusterMember, prepared: PreparedMedia) -> None:
        for n in range(self.grid.count()):
            item = self.grid.item(n)
            if item.data(MemberRole).case_id == member.case_id:
                # Only the filtered frame is ever turned into pixels here.
                pixmap = QPixmap.fromImage(qimage_from_rgb(prepared.filtered))
                item.setIcon(QIcon(pixmap))


def _thumbnail(
    blobs: BlobStore,
    member: ClusterMember,
    pipeline_for: Callable[[ClusterMember], FilterPipeline],
) -> PreparedMedia:
    """A member's filtered thumbnail (worker thread)."""
    return prepare_media(blobs, member.item, pipeline_for(member), THUMB * 2)


def _thumb_failed(member: ClusterMember, exc: BaseException) -> None:
    # The tile keeps its text-only look; the reason goes to the log for support.
    log.warning("no thumbnail for case %s: %s", member.case_id, exc)
