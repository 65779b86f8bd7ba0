"""The lead's dashboard: backlog, SLA, throughput, QA agreement, confusion, scorecards, exposure.

All figures are computed off the UI thread (`TaskRunner`) from one read snapshot; the UI
thread only draws. Filter edits are coalesced (a short timer), and a result that arrives
after a newer request was made is dropped, so dragging through dates never stacks work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.policies import PolicySet
from app.domain.words import Words
from app.log.store import LocalStore
from app.qa.dashboard import DashboardData, build_dashboard
from app.qa.dataset import Scope
from app.quality.records import Rate
from app.quality.wellbeing import MIN_GROUP_SIZE, Suppressed
from widgets.dashboard import charts
from widgets.dashboard.card import ChartCard, set_chart
from widgets.dashboard.filters import FilterBar, local_zone
from widgets.dashboard.heatmap import ConfusionHeatmap
from widgets.dashboard.scorecards import ScorecardModel, SortRole
from widgets.shell.fit import fit_window
from widgets.shell.tasks import TaskRunner

SETTLE_MS = 150
EXPOSURE_NOTE = (
    "Team-wide over the period (queue and policy filters do not apply, so no small "
    "group can be singled out); withheld for fewer than {n} people."
)


class DashboardWindow(QWidget):
    """The lead's dashboard window."""

    updated = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        store: LocalStore,
        policies: PolicySet,
        runner: TaskRunner,
        names: dict[str, str],
        queues: list[str],
        export_menu: Callable[[QWidget], QMenu] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("leadDashboard")
        self.setWindowTitle("Veil — team dashboard")
        self._store = store
        self._policies = policies
        self._runner = runner
        self._graphic = [p.id for p in policies if p.graphic]
        self._generation = 0
        self.data: DashboardData | None = None
        today = datetime.now(local_zone()).date()
        names_by_policy = {p.id: p.name for p in policies}
        self.words = Words(policies, people=names)
        queue_names = {q: self.words.queue(q) for q in queues}
        self.filters = FilterBar(queue_names, names_by_policy, today, local_zone())
        self.filters.changed.connect(self._schedule)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self.refresh)
        self.kpis = QLabel("Computing…")
        self.kpis.setObjectName("dashboardKpis")
        self.kpis.setWordWrap(True)
        self.status = QLabel("")
        self.status.setObjectName("dashboardStatus")
        self.cards = self._make_cards()
        self.scorecards = ScorecardModel(names)
        self.table = self._make_table()
        self.export_button = QPushButton("Export…")
        if export_menu is not None:
            self.export_button.setMenu(export_menu(self))
        self._build_layout()
        fit_window(self, 1280, 900)  # cut down to the screen

    # --- computing ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute every figure for the current filters, off the UI thread."""
        self._generation += 1
        generation = self._generation
        scope = self.filters.scope()
        started = time.perf_counter()
        self.status.setText("Computing…")
        self._runner.submit(
            lambda: build_dashboard(self._store.engine, scope, self._graphic, datetime.now(UTC)),
            lambda data: self._on_done(generation, data, time.perf_counter() - started),
            lambda error: self._on_error(generation, error),
        )

    def scope(self) -> Scope:
        """What the dashboard shows now."""
        return self.filters.scope()

    def _schedule(self) -> None:
        self._timer.start()

    def _on_done(self, generation: int, data: DashboardData, seconds: float) -> None:
        if generation != self._generation:
            return  # a newer request is on its way
        self.data = data
        self._show(data)
        stamp = data.computed_at.astimezone(local_zone()).strftime("%H:%M:%S")
        self.status.setText(f"Updated {stamp}, computed in {seconds:.2f} s off the UI thread")
        self.updated.emit(data)

    def _on_error(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.status.setText(f"The dashboard could not be computed: {error}")
        self.failed.emit(str(error))

    # --- drawing ------------------------------------------------------------------------

    def _show(self, data: DashboardData) -> None:
        self.kpis.setText(kpi_text(data))
        cards = self.cards
        queues = self.words.queue_names()
        backlog = charts.backlog_chart(data.queues, names=queues)
        cards["backlog"].show_chart(*backlog, "No open cases.")
        cards["sla"].show_chart(*charts.sla_chart(data.queues, names=queues))
        cards["throughput"].show_chart(*charts.throughput_chart(data.throughput))
        cards["agreement"].show_chart(
            *charts.agreement_chart(data.agreement), "No blind re-reviews of decisions made then."
        )
        self.heatmap.set_matrix(data.confusion, action_words(self.words, data))
        cards["confusion"].show_points(data.confusion.total, "No audited decisions in this period.")
        points = 0
        for view, value, title in (
            (self.exposure_views[0], data.exposure.graphic_items, "Graphic items per reviewer-day"),
            (
                self.exposure_views[1],
                data.exposure.unfiltered_minutes,
                "Unfiltered minutes per reviewer-day",
            ),
        ):
            chart, n = charts.exposure_chart(title, value)
            set_chart(view, chart)
            points += n
        cards["exposure"].show_points(points, _withheld(data.exposure.graphic_items))
        self.scorecards.set_cards(data.scorecards)
        self.table.resizeColumnsToContents()

    def _make_cards(self) -> dict[str, ChartCard]:
        self.heatmap = ConfusionHeatmap()
        titles = {
            "backlog": "Backlog by queue",
            "sla": "SLA by queue",
            "throughput": "Throughput over time",
            "agreement": "QA agreement over time",
            "confusion": "Confusion matrix (reviewer vs auditor)",
            "exposure": "Team exposure distribution (wellbeing, aggregate only)",
        }
        bodies: dict[str, QWidget] = {"confusion": self.heatmap, "exposure": self._exposure_body()}
        cards = {name: ChartCard(name, title, bodies.get(name)) for name, title in titles.items()}
        note = QLabel(EXPOSURE_NOTE.format(n=MIN_GROUP_SIZE))
        note.setWordWrap(True)
        note.setObjectName("cardNote")
        cards["exposure"].add_note(note)
        return cards

    def _exposure_body(self) -> QWidget:
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        self.exposure_views = (QChartView(), QChartView())
        for view in self.exposure_views:
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(220)
            row.addWidget(view)
        return body

    def _make_table(self) -> QTableView:
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.scorecards)
        proxy.setSortRole(SortRole)
        table = QTableView()
        table.setObjectName("scorecards")
        table.setAccessibleName("Per-reviewer scorecards")
        table.setModel(proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.setMinimumHeight(240)
        return table

    def _build_layout(self) -> None:
        grid = QGridLayout()
        order = ("backlog", "sla", "throughput", "agreement", "confusion", "exposure")
        for n, name in enumerate(order):
            grid.addWidget(self.cards[name], n // 2, n % 2)
        scores = QLabel("Per-reviewer scorecards (no exposure figures: those are team-only)")
        scores.setObjectName("panelTitle")
        grid.addWidget(scores, 3, 0, 1, 2)
        grid.addWidget(self.table, 4, 0, 1, 2)
        inner = QWidget()
        inner.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        top = QGridLayout()
        top.addWidget(self.filters, 0, 0)
        top.addWidget(self.export_button, 0, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.kpis)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)


def kpi_text(data: DashboardData) -> str:
    """The one-paragraph summary above the charts."""
    t, h, b = data.totals, data.handling, data.backlog
    kappa = "–" if data.kappa.value is None else f"{data.kappa.value:.2f}"
    parts = [
        f"Handled {t.decisions}",
        f"median {_duration(h.median_s)} (p90 {_duration(h.p90_s)})",
        f"SLA {_rate(t.sla)}",
        f"escalated {_rate(t.escalation_rate)}",
        f"backlog {b.n_open} open (median age {_duration(b.median_s)})",
        f"QA agreement {_rate(data.confusion.agreement)}, Cohen's kappa {kappa}",
        f"QA pass {_rate(data.qa_pass)}",
        f"gold {_rate(data.gold)}",
    ]
    return " · ".join(parts)


def _rate(rate: Rate) -> str:
    return "–" if rate.value is None else f"{rate.value:.0%} ({rate.hits}/{rate.total})"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _withheld(value: object) -> str:
    if isinstance(value, Suppressed):
        return f"Withheld to protect individuals: {value.reason}."
    return "No exposure recorded in this period."


def action_words(words: Words, data: DashboardData) -> dict[str, str]:
    """The confusion matrix's action ids in the policy files' words."""
    return {action: words.action(action) for action in data.confusion.labels}
