"""The queue's columns fit the pane: the most useful ones first, Title takes the rest.

However narrow the queue pane is, its table never needs a horizontal scrollbar: columns are
shown in order of use as long as they fit next to a readable Title, which stretches over what
is left (long titles are elided; the tooltip and the case view show them whole). Widening the
pane brings the other columns back.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

STRETCH = "Title"
TITLE_MIN = 150
# Width of each column, in the order they are given room (the SLA clock and severity first).
WIDTHS: dict[str, int] = {
    "SLA": 72,
    "Sev": 38,
    "Policy": 84,
    "Queue": 100,
    "Status": 76,
    "Reports": 58,
    "Media": 48,
    "Reported": 112,
}


class QueueColumns(QObject):
    """Keeps a queue table's visible columns within its width (on every resize)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.viewport().installEventFilter(self)
        model = view.model()
        model.modelReset.connect(self.fit)
        model.columnsInserted.connect(self.fit)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Fit again whenever the table's viewport changes width."""
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def names(self) -> list[str]:
        """The column titles, in model order."""
        model = self.view.model()
        horizontal = Qt.Orientation.Horizontal
        return [str(model.headerData(i, horizontal)) for i in range(model.columnCount())]

    def shown(self) -> list[str]:
        """The columns now visible."""
        header = self.view.horizontalHeader()
        return [n for i, n in enumerate(self.names()) if not header.isSectionHidden(i)]

    def fit(self) -> None:
        """Show what fits beside a readable Title; Title stretches over the rest."""
        header = self.view.horizontalHeader()
        names = self.names()
        room = self.view.viewport().width() - TITLE_MIN
        # A column this table does not know (added later) keeps its width and comes first.
        order = [n for n in names if n not in WIDTHS and n != STRETCH] + list(WIDTHS)
        keep = {STRETCH}
        for name in order:
            if name not in names:
                continue
            width = WIDTHS.get(name) or header.sectionSize(names.index(name)) or 60
            if width > room:
                break  # strictly in order: a less useful column never shows before this one
            keep.add(name)
            room -= width
        for index, name in enumerate(names):
            header.setSectionHidden(index, name not in keep)
            if name == STRETCH:
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
            elif name in WIDTHS:
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Fixed)
                header.resizeSection(index, WIDTHS[name])
