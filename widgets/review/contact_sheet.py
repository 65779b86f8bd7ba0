"""The near-duplicate contact sheet: every member of a cluster as a filtered thumbnail.

After deciding one case, the reviewer sees its near-duplicates side by side (filtered
like any media, never raw), ticks the ones the same decision fits, and applies it: each
member gets its own decision referring to the one that was looked at.

Every case starts unticked. Keyboard: arrows move, Space ticks or unticks, A ticks all
that can take the decision, Enter applies, Esc closes without applying. The policy reads
as its name from the policy files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from PySide6.QtCore import QEvent, QObject, QSize, Qt
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
        policy_names: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._policy_names = policy_names
        self.setObjectName("contactSheet")
        self.setWindowTitle("Near-duplicates (filtered)")
        self.grid = QListWidget()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setIconSize(QSize(THUMB, THUMB))
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setSpacing(8)
        self.grid.setAccessibleName("Near-duplicate cases")
        self.grid.installEventFilter(self)  # Space and A before the list's type-ahead
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
            f"Apply “{decision_label}” to the cases you tick ({applicable} of {len(members)} "
            "can take it; none is ticked yet). Space ticks or unticks the selected case, "
            f"A ticks all {applicable}, Enter applies to the ticked ones, Esc closes."
        )
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.grid.itemChanged.connect(lambda _item: self._count())
        self._count()
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

    def toggle_current(self) -> None:
        """Tick the selected member, or untick it."""
        item = self.grid.currentItem()
        if item is not None and item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Space and A in the grid: the list would toggle twice or search for an "a"."""
        if watched is self.grid and event.type() == QEvent.Type.KeyPress:
            return self._key(event) if isinstance(event, QKeyEvent) else False
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Space toggles the current member, A ticks all (when the grid lacks the focus)."""
        if not self._key(event):
            super().keyPressEvent(event)

    def _key(self, event: QKeyEvent) -> bool:
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if event.key() == Qt.Key.Key_Space:
            self.toggle_current()
            return True
        if event.key() == Qt.Key.Key_A:
            self.tick_all()
            return True
        return False

    def _count(self) -> None:
        self.apply.setText(f"Apply to ticked ({len(self.chosen())})")

    def _item(self, member: ClusterMember) -> QListWidgetItem:
        note = f"distance {member.distance}" if member.applicable else member.why_not
        policy = self._policy_names.get(member.category, member.category)
        item = QListWidgetItem(f"#{member.case_no} {member.title}\n{policy} · {note}")
        item.setData(MemberRole, member)
        item.setToolTip(f"{member.title}\nstatus: {member.status}\n{note}")
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if member.applicable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        item.setFlags(flags)
        item.setCheckState(Qt.CheckState.Unchecked)  # nothing is applied unless ticked
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
