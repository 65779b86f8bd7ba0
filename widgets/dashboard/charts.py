"""The dashboard's charts as QCharts built from `DashboardData` (no data work happens here).

Each builder returns a chart and the number of data points it shows, so a card can say
"no data for this period" instead of drawing empty axes. The same builders draw the
PDF report, on paper (light) instead of the screen's dark theme.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time

from PySide6.QtCharts import (
    QAbstractAxis,
    QAbstractSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QBoxPlotSeries,
    QBoxSet,
    QChart,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter

from app.qa.dashboard import AgreementPoint, QueueFigures
from app.quality.wellbeing import Distribution, Suppressed

Built = tuple[QChart, int]
ACCENT = QColor("#6fa8dc")
SECOND = QColor("#e0a458")
SCREEN_BACKGROUND = QColor("#23262b")


def new_chart(title: str, dark: bool = True) -> QChart:
    """An empty chart in the screen's (dark) or paper's (light) look."""
    chart = QChart()
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight)
    if dark:
        chart.setBackgroundBrush(SCREEN_BACKGROUND)
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setPointSize(10)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def backlog_chart(
    queues: list[QueueFigures], dark: bool = True, names: Mapping[str, str] | None = None
) -> Built:
    """Open cases per queue now (bars, left axis) and the median age of each queue's
    backlog in hours (points, right axis): a count and a duration never share an axis."""
    chart = new_chart("Backlog by queue (open now)", dark)
    open_set = QBarSet("Open cases")
    age = QScatterSeries()  # a point per queue: ages of different queues are not a line
    age.setName("Median age (hours, right axis)")
    age.setMarkerSize(9.0)
    for i, q in enumerate(queues):
        open_set.append(q.backlog.n_open)
        age.append(i, round((q.backlog.median_s or 0.0) / 3600.0, 1))
    series = QBarSeries()
    series.append(open_set)
    _color(open_set, ACCENT)
    counts = _bars(chart, series, _queue_names(queues, names))
    counts.setTitleText("Cases")
    age.setColor(SECOND)
    age.setBorderColor(SECOND)
    chart.addSeries(age)
    hours = QValueAxis()
    hours.setTitleText("Hours")
    hours.setLabelFormat("%.0f")
    hours.setRange(0.0, max(max((p.y() for p in age.points()), default=1.0) * 1.1, 4.0))
    hours.applyNiceNumbers()
    hours.setGridLineVisible(False)  # the counts' grid is the one to read across
    chart.addAxis(hours, Qt.AlignmentFlag.AlignRight)
    age.attachAxis(chart.axes(Qt.Orientation.Horizontal)[0])
    age.attachAxis(hours)
    return chart, sum(q.backlog.n_open for q in queues)


def sla_chart(
    queues: list[QueueFigures], dark: bool = True, names: Mapping[str, str] | None = None
) -> Built:
    """Share of each queue's decisions made by their deadline, in percent."""
    chart = new_chart("SLA hit rate by queue (period)", dark)
    hits = QBarSet("Decided in time (%)")
    points = 0
    for q in queues:
        rate = q.tally.sla.value
        hits.append(0.0 if rate is None else round(rate * 100.0, 1))
        points += rate is not None
    _color(hits, ACCENT)
    series = QBarSeries()
    series.append(hits)
    axis = _bars(chart, series, _queue_names(queues, names))
    axis.setRange(0.0, 100.0)
    axis.setTickCount(6)
    return chart, points


def throughput_chart(per_day: dict[date, int], dark: bool = True) -> Built:
    """Decisions and escalations handled per day."""
    chart = new_chart("Throughput per day", dark)
    series = QLineSeries()
    series.setName("Handled")
    dots = QScatterSeries()
    dots.setMarkerSize(6.0)
    dots.setName("")
    for day, n in per_day.items():
        ms = datetime.combine(day, time(12)).timestamp() * 1000.0
        series.append(ms, n)
        dots.append(ms, n)
    series.setColor(ACCENT)
    dots.setColor(ACCENT)
    chart.addSeries(series)
    chart.addSeries(dots)
    chart.legend().setVisible(False)
    x = QDateTimeAxis()
    x.setFormat("MMM d")
    x.setTickCount(min(max(len(per_day), 2), 8))
    y = QValueAxis()
    y.setLabelFormat("%d")
    y.setRange(0, max(max(per_day.values(), default=1) * 1.1, 4.0))
    y.applyNiceNumbers()
    _attach(chart, [series, dots], x, y)
    return chart, len(per_day)


def agreement_chart(points: list[AgreementPoint], dark: bool = True) -> Built:
    """QA agreement and Cohen's kappa (reviewer vs blind auditor) per ISO week."""
    chart = new_chart("QA agreement per week (blind re-review)", dark)
    share, kappa = QLineSeries(), QLineSeries()
    share.setName("Agreement")
    kappa.setName("Cohen's kappa")
    weeks = []
    for i, p in enumerate(points):
        weeks.append(f"{p.week[-3:]} ({p.n})")
        if p.percent is not None:
            share.append(i, p.percent)
        if p.kappa is not None:
            kappa.append(i, p.kappa)
    share.setColor(ACCENT)
    kappa.setColor(SECOND)
    for s in (share, kappa):
        s.setPointsVisible(True)
        chart.addSeries(s)
    x = QBarCategoryAxis()
    x.append(weeks or ["-"])
    y = QValueAxis()
    low = min([0.0, *(p.kappa for p in points if p.kappa is not None)])
    y.setRange(low, 1.0)
    y.setTickCount(6)
    y.setLabelFormat("%.1f")
    _attach(chart, [share, kappa], x, y)
    return chart, share.count()


def exposure_chart(title: str, value: Distribution | Suppressed, dark: bool = True) -> Built:
    """A box plot of one exposure figure per reviewer-day (never for < 5 people)."""
    chart = new_chart(title, dark)
    chart.legend().setVisible(False)
    if isinstance(value, Suppressed):
        return chart, 0
    box = QBoxSet(value.minimum, value.p25, value.median, value.p75, value.maximum)
    box.setLabel(f"{value.n_reviewers} people, {value.n_days} reviewer-days")
    box.setBrush(ACCENT)
    series = QBoxPlotSeries()
    series.append(box)
    chart.addSeries(series)
    x = QBarCategoryAxis()
    x.append([box.label()])
    y = QValueAxis()
    y.setRange(0.0, max(value.maximum * 1.1, 1.0))
    y.applyNiceNumbers()
    _attach(chart, [series], x, y)
    return chart, 1


def _queue_names(queues: list[QueueFigures], names: Mapping[str, str] | None) -> list[str]:
    return [(names or {}).get(q.queue, q.queue) for q in queues]


def _bars(chart: QChart, series: QBarSeries, names: list[str]) -> QValueAxis:
    chart.addSeries(series)
    x = QBarCategoryAxis()
    x.append(names or ["-"])
    x.setLabelsAngle(-90)
    y = QValueAxis()
    y.setLabelFormat("%d")
    top = max((s.at(i) for s in series.barSets() for i in range(s.count())), default=1.0)
    y.setRange(0.0, max(top * 1.1, 4.0))
    y.applyNiceNumbers()
    _attach(chart, [series], x, y)
    return y


def _attach(
    chart: QChart, series: list[QAbstractSeries], x: QAbstractAxis, y: QAbstractAxis
) -> None:
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    for s in series:
        s.attachAxis(x)
        s.attachAxis(y)


def _color(bar_set: QBarSet, color: QColor) -> None:
    bar_set.setColor(color)
    bar_set.setBorderColor(color)


def antialiased(painter: QPainter) -> None:
    """Smooth lines and text for a chart drawn onto a painter (PNG, PDF)."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
