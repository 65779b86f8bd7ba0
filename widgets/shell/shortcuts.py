"""The `?` overlay: the keyboard map, generated from the window's action table."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from widgets.shell.actions import OverlaySection


def overlay_html(sections: Sequence[OverlaySection]) -> str:
    """One column of the overlay: each section's heading, then its keys and what they do."""
    parts = []
    for section in sections:
        rows = "".join(
            f"<tr><td><b>{html.escape(key)}</b></td><td>&nbsp;&nbsp;{html.escape(text)}</td></tr>"
            for key, text in section.lines
        )
        parts.append(f"<h3>{html.escape(section.title)}</h3><table>{rows}</table>")
    return "".join(parts)


def split_columns(sections: Sequence[OverlaySection]) -> list[list[OverlaySection]]:
    """Sections in order, cut in two where the taller column is shortest (it must fit 768 px)."""
    heights = [len(s.lines) + 2 for s in sections]  # a heading takes about two lines
    cut = min(range(len(sections) + 1), key=lambda i: max(sum(heights[:i]), sum(heights[i:])))
    return [list(sections[:cut]), list(sections[cut:])]


class ShortcutOverlay(QWidget):
    """A translucent panel over the main window listing this person's keys."""

    def __init__(self, parent: QWidget, sections: Callable[[], Sequence[OverlaySection]]) -> None:
        super().__init__(parent)
        self._host = parent
        self._sections = sections
        self.setObjectName("shortcutOverlay")
        self.setAccessibleName("Keyboard shortcuts")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._columns = [QLabel(), QLabel()]
        row = QHBoxLayout()
        row.addStretch(1)
        for label in self._columns:
            label.setObjectName("shortcutText")
            label.setAlignment(Qt.AlignmentFlag.AlignTop)
            row.addWidget(label)
        row.addStretch(1)
        row.setSpacing(48)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(QLabel("<h2>Keyboard</h2>"), alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addLayout(row)
        closing = QLabel("Press ? or Esc to close.")
        layout.addWidget(closing, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        self.hide()

    def text(self) -> str:
        """Every column's text, as shown."""
        return "".join(label.text() for label in self._columns)

    def render_sections(self) -> None:
        """Write the lists again from the table (features may have added entries)."""
        for label, column in zip(self._columns, split_columns(self._sections()), strict=True):
            label.setText(overlay_html(column))

    def toggle(self) -> None:
        """Show over the whole parent, or hide."""
        if self.isVisible():
            self.hide()
            return
        self.render_sections()
        self.setGeometry(self._host.rect())
        self.raise_()
        self.show()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Dim what is below."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(10, 12, 16, 225))
        painter.end()
