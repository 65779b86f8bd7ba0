"""The graph view: accounts as dots coloured by cluster, co-action edges as lines whose
width follows the score. Wheel zooms, a click selects, a double-click on an edge opens
its evidence, `expand` adds an account's neighbours. Positions come laid out already
(app/network/layout.py, off the UI thread): the view only adds items and paints."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

NODE = 9.0
CHUNK = 150  # items added per turn of the event loop: the UI never waits on a big graph
ROLE_ACCOUNT = 0
ROLE_EDGE = 1
_PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#edc948"]


class GraphView(QGraphicsView):
    """Accounts and edges of a built network; emits what the analyst points at."""

    account_selected = Signal(str)
    edge_opened = Signal(str, str)
    drawn = Signal()  # every item of the last show_graph is in the scene

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkGraph")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.setAccessibleName("Co-action graph")
        self.nodes: dict[str, QGraphicsEllipseItem] = {}
        self.edges: dict[tuple[str, str], QGraphicsLineItem] = {}
        self.scene().selectionChanged.connect(self._selection_changed)
        self._queue: deque[Callable[[], None]] = deque()
        self._feeder = QTimer(self)
        self._feeder.setInterval(0)
        self._feeder.timeout.connect(self._feed)
        self._bounds = QRectF()

    @property
    def pending(self) -> int:
        """Items still to be added to the scene."""
        return len(self._queue)

    def show_graph(
        self,
        positions: dict[str, tuple[float, float]],
        colours: dict[str, int],
        edges: list[tuple[str, str, float]],
    ) -> None:
        """Replace the scene with these accounts (id -> position) and edges (a, b, score),
        added CHUNK items per turn of the event loop; `drawn` when all are in."""
        self._queue.clear()
        self.scene().clear()
        self.nodes, self.edges = {}, {}
        for a, b, score in edges:
            if a in positions and b in positions:
                self._queue.append(partial(self._edge, a, b, score, positions))
        for account, (x, y) in positions.items():
            self._queue.append(partial(self._node, account, x, y, colours.get(account, -1)))
        if positions:
            xs = [x for x, _ in positions.values()]
            ys = [y for _, y in positions.values()]
            self._bounds = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        self._feeder.start()

    def _feed(self) -> None:
        for _ in range(min(CHUNK, len(self._queue))):
            self._queue.popleft()()
        if self._queue:
            return
        self._feeder.stop()
        self.scene().setSceneRect(self._bounds.adjusted(-40, -40, 40, 40))
        self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self.drawn.emit()

    def expand(self, account: str, neighbours: list[tuple[str, float]]) -> int:
        """Add an account's neighbours not shown yet, on a circle around it; how many."""
        centre = self.nodes.get(account)
        if centre is None:
            return 0
        here = centre.pos()
        positions = {name: (item.pos().x(), item.pos().y()) for name, item in self.nodes.items()}
        new = [(n, s) for n, s in neighbours if n not in self.nodes]
        for k, (name, _score) in enumerate(new):
            theta = 2 * math.pi * k / max(1, len(new))
            positions[name] = (here.x() + 60 * math.cos(theta), here.y() + 60 * math.sin(theta))
            self._node(name, *positions[name], -1)
        for name, score in neighbours:
            key = tuple(sorted((account, name)))
            if key not in self.edges:
                self._edge(key[0], key[1], score, positions)
        return len(new)

    def select_account(self, account: str) -> None:
        """Select an account's dot and centre on it."""
        item = self.nodes.get(account)
        if item is not None:
            self.scene().clearSelection()
            item.setSelected(True)
            self.centerOn(item)

    def zoom(self, factor: float) -> None:
        """Scale the view by factor."""
        self.scale(factor, factor)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        """The wheel zooms around the cursor."""
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.zoom(1.25 if event.angleDelta().y() > 0 else 0.8)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """A double-click on an edge opens its evidence."""
        item = self.itemAt(event.position().toPoint())
        if isinstance(item, QGraphicsLineItem):
            a, b = item.data(ROLE_EDGE)
            self.edge_opened.emit(a, b)
            return
        super().mouseDoubleClickEvent(event)

    def _node(self, account: str, x: float, y: float, colour: int) -> None:
        item = QGraphicsEllipseItem(-NODE / 2, -NODE / 2, NODE, NODE)
        item.setPos(QPointF(x, y))
        fill = QColor(_PALETTE[colour % len(_PALETTE)] if colour >= 0 else "#9a9a9a")
        item.setBrush(QBrush(fill))
        item.setPen(QPen(Qt.PenStyle.NoPen))
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        item.setData(ROLE_ACCOUNT, account)
        item.setToolTip(account)
        item.setZValue(1)
        self.scene().addItem(item)
        self.nodes[account] = item

    def _edge(
        self, a: str, b: str, score: float, positions: dict[str, tuple[float, float]]
    ) -> None:
        (x1, y1), (x2, y2) = positions[a], positions[b]
        line = QGraphicsLineItem(x1, y1, x2, y2)
        pen = QPen(QColor(120, 120, 120, 110))
        pen.setWidthF(min(4.0, 0.5 + math.log1p(score) / 2))
        pen.setCosmetic(True)
        line.setPen(pen)
        line.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        line.setData(ROLE_EDGE, (a, b))
        line.setToolTip(f"{a} – {b}: score {score:.1f} (double-click for the evidence)")
        self.scene().addItem(line)
        self.edges[(a, b)] = line

    def _selection_changed(self) -> None:
        for item in self.scene().selectedItems():
            account = item.data(ROLE_ACCOUNT)
            if isinstance(account, str):
                self.account_selected.emit(account)
                return
