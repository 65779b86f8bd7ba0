"""A dashboard card: a titled chart (or heat map) with an 'Export PNG…' button.

When a chart has nothing to show, or a figure is withheld, the card says why in words
instead of drawing empty axes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)


class ChartCard(QFrame):
    """One exportable chart of the dashboard."""

    exported = Signal(str)

    def __init__(self, name: str, title: str, body: QWidget | None = None) -> None:
        super().__init__()
        self.setObjectName(f"card-{name}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name = name
        self.points = 0
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(220)
        self.body = body or self.view
        self.message = QLabel("Computing…")
        self.message.setObjectName("cardMessage")
        self.message.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.body)
        self.title = QLabel(title)
        self.title.setObjectName("panelTitle")
        self.export_button = QPushButton("Export PNG…")
        self.export_button.setAccessibleName(f"Export {title} as PNG")
        self.export_button.clicked.connect(self._ask_export)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.export_button)
        self._column = QVBoxLayout(self)
        self._column.addLayout(head)
        self._column.addWidget(self.stack, 1)

    def add_note(self, note: QWidget) -> None:
        """A line under the chart (what it leaves out, and why)."""
        self._column.addWidget(note)

    def show_chart(
        self, chart: QChart, points: int, empty: str = "No data for this period."
    ) -> None:
        """Show a chart (its title becomes the card's), or `empty` when it has no points."""
        if chart.title():
            self.title.setText(chart.title())
            chart.setTitle("")
        set_chart(self.view, chart)
        self.show_points(points, empty)

    def show_points(self, points: int, empty: str = "No data for this period.") -> None:
        """Switch between the body and a message, by whether there is anything to show."""
        self.points = points
        self.message.setText(empty)
        self.stack.setCurrentWidget(self.body if points else self.message)
        self.export_button.setEnabled(points > 0)

    def export_png(self, path: Path) -> bool:
        """Save the card's chart as a PNG; True on success."""
        return self.body.grab().save(str(path), "PNG")

    def _ask_export(self) -> None:
        suggested = str(Path.home() / f"veil-{self.name}.png")
        path, _ = QFileDialog.getSaveFileName(self, "Export chart", suggested, "PNG image (*.png)")
        if path and self.export_png(Path(path)):
            self.exported.emit(path)


def set_chart(view: QChartView, chart: QChart) -> None:
    """Put a chart in a view and free the one it replaces."""
    old = view.chart()
    view.setChart(chart)
    if old is not None:
        old.deleteLater()
