"""The PDF QA report: period, team, headline figures, charts and tables, via Qt's PDF writer.

Drawn from `DashboardData` with the dashboard's own chart builders (in the light, paper
theme) and heat map. `export_report_command` is the headless `veil export report`; it
runs offscreen, so it works on a server without a display.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCharts import QChart
from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QGraphicsScene

from app.domain.words import Words
from app.qa.dashboard import DashboardData
from app.quality.records import Rate
from app.quality.wellbeing import Suppressed
from widgets.dashboard import charts
from widgets.dashboard.heatmap import paint_matrix
from widgets.dashboard.window import action_words, kpi_text

DPI = 96
MARGIN = 36.0
LINE = 16.0


class _Pages:
    """A painter on a PDF with a cursor that moves down the page and starts new ones."""

    def __init__(self, writer: QPdfWriter) -> None:
        self.writer = writer
        self.painter = QPainter(writer)
        charts.antialiased(self.painter)
        rect = writer.pageLayout().paintRectPixels(DPI)
        self.width = float(rect.width())
        self.height = float(rect.height())
        self.y = 0.0

    def need(self, height: float) -> None:
        """Start a new page unless `height` still fits on this one."""
        if self.y + height > self.height:
            self.writer.newPage()
            self.y = 0.0

    def text(
        self, line: str, size: float = 9.0, bold: bool = False, gap: float = 4.0, keep: float = 0.0
    ) -> None:
        """A line (or wrapped paragraph); `keep` is room to keep free below it (headings)."""
        font = QFont("Helvetica")
        font.setPointSizeF(size)
        font.setBold(bold)
        self.painter.setFont(font)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        bounds = self.painter.boundingRect(QRectF(0, 0, self.width, 1000), flags, line)
        self.need(bounds.height() + keep)
        self.painter.drawText(QRectF(0, self.y, self.width, bounds.height()), flags, line)
        self.y += bounds.height() + gap

    def chart(self, chart: QChart, height: float = 230.0) -> None:
        """A QChart drawn into the page at full width."""
        self.need(height)
        scene = QGraphicsScene()
        scene.addItem(chart)
        chart.resize(QSizeF(self.width, height))
        target = QRectF(0, self.y, self.width, height)
        scene.render(self.painter, target, QRectF(0, 0, self.width, height))
        self.y += height + 8.0

    def table(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], first: float = 0.2
    ) -> None:
        """A plain table: the first column `first` of the width, the rest evenly."""
        widths = [self.width * first] + [self.width * (1 - first) / (len(header) - 1)] * (
            len(header) - 1
        )
        for n, row in enumerate([header, *rows]):
            self.need(LINE)
            font = QFont("Helvetica")
            font.setPointSizeF(7.5)
            font.setBold(n == 0)
            self.painter.setFont(font)
            x = 0.0
            for cell, width in zip(row, widths, strict=True):
                rect = QRectF(x, self.y, width - 4, LINE)
                self.painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter, str(cell))
                x += width
            self.y += LINE
        self.y += 8.0

    def end(self) -> None:
        """Finish the document."""
        self.painter.end()


def write_report(data: DashboardData, path: Path, words: Words, team: str = "") -> None:
    """Write the QA report for data's scope as a PDF at path, in the team's words (policy,
    action and queue names from the files, people by their display names)."""
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setTitle(f"Veil QA report {data.scope.label()}")
    writer.setCreator("Veil")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN, MARGIN, MARGIN, MARGIN),
            QPageLayout.Unit.Point,
        )
    )
    pages = _Pages(writer)
    try:
        _summary(pages, data, team)
        _quality(pages, data, words)
        _operations(pages, data, words)
        _scorecards(pages, data, words)
    finally:
        pages.end()


def _summary(pages: _Pages, data: DashboardData, team: str) -> None:
    pages.text("Veil QA report", 18, bold=True)
    pages.text(f"Team: {team or 'all teams on this workstation'}", 10)
    pages.text(f"Period: {data.scope.label()} ({data.scope.tz})", 10)
    made = data.computed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    pages.text(f"Generated {made} from the local event log.", 8, gap=10)
    pages.text("Summary", 12, bold=True, keep=LINE * 2)
    pages.text(kpi_text(data), 9, gap=10)


def _quality(pages: _Pages, data: DashboardData, words: Words) -> None:
    pages.text("Quality", 12, bold=True, keep=120)
    pages.text(
        "Agreement and Cohen's kappa compare each audited decision with the auditor's blind "
        "call, recorded before the original was shown.",
        8,
    )
    pages.chart(charts.agreement_chart(data.agreement, dark=False)[0])
    pages.need(300)
    area = QRectF(0, pages.y, pages.width, 290)
    paint_matrix(pages.painter, area, data.confusion, False, action_words(words, data))
    pages.y += 300
    rows = [
        [words.policy(policy), _num(k.value), str(k.n_items), k.reason or ""]
        for policy, k in data.kappa_by_policy.items()
    ]
    pages.text("Cohen's kappa by policy", 10, bold=True, keep=LINE * 3)
    pages.table(("Policy", "Kappa", "Audited", "Note"), rows, first=0.3)


def _operations(pages: _Pages, data: DashboardData, words: Words) -> None:
    pages.text("Operations", 12, bold=True, keep=200)
    pages.chart(charts.throughput_chart(data.throughput, dark=False)[0], 200)
    queues = words.queue_names()
    pages.chart(charts.backlog_chart(data.queues, False, queues)[0], 220)
    pages.chart(charts.sla_chart(data.queues, False, queues)[0], 220)
    pages.text("Team wellbeing (aggregate, team-wide)", 12, bold=True, keep=LINE * 3)
    for title, value in (
        ("Graphic items per reviewer-day", data.exposure.graphic_items),
        ("Unfiltered minutes per reviewer-day", data.exposure.unfiltered_minutes),
    ):
        if isinstance(value, Suppressed):
            pages.text(f"{title}: withheld ({value.reason}).", 9)
            continue
        pages.text(
            f"{title}: median {value.median:.2f}, middle half {value.p25:.2f} to {value.p75:.2f}, "
            f"range {value.minimum:.2f} to {value.maximum:.2f} "
            f"({value.n_reviewers} people, {value.n_days} reviewer-days).",
            9,
        )


def _scorecards(pages: _Pages, data: DashboardData, words: Words) -> None:
    pages.text("Per-reviewer scorecards", 12, bold=True, keep=LINE * 3)
    header = ("Reviewer", "Handled", "Median", "p90", "SLA", "Escal.", "Audited", "Agree",
              "Kappa", "QA pass", "Gold")  # fmt: skip
    rows = [
        [
            words.person(c.reviewer),
            str(c.tally.decisions),
            _duration(c.handling.median_s),
            _duration(c.handling.p90_s),
            _pct(c.tally.sla),
            _pct(c.tally.escalation_rate),
            str(c.audited),
            _pct(c.agreement),
            _num(c.kappa),
            _pct(c.qa_pass),
            _pct(c.gold),
        ]
        for c in data.scorecards
    ]
    pages.table(header, rows, first=0.2)


def _pct(rate: Rate) -> str:
    return "–" if rate.value is None else f"{rate.value:.0%}"


def _duration(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds / 60:.1f} min"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def export_report_command(args: argparse.Namespace) -> int:
    """`veil export report`: compute the figures and write the PDF, offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.cli.exports import scope_from_args
    from app.cli.main import open_store, policies
    from app.qa.dashboard import build_dashboard
    from app.qa.people import display_names
    from widgets.shell.application import make_app

    if args.out == "-":
        print("veil: the PDF report needs a file: --out report.pdf", file=sys.stderr)
        return 2
    make_app()
    scope = scope_from_args(args)
    store = open_store(args)
    policy_set = policies()
    try:
        graphic = [p.id for p in policy_set if p.graphic]
        data = build_dashboard(store.engine, scope, graphic, datetime.now(UTC))
        words = Words(policy_set, people=display_names(store))
    finally:
        store.close()
    out = Path(args.out)
    write_report(data, out, words, args.team)
    print(f"QA report for {scope.label()} written to {out}")
    return 0
