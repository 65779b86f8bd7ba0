"""The lazy queue model: Qt's model tester, paging by SQL pages, SLA colours, error rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.domain.priority import SlaState
from app.log.clock import iso
from app.review.reviewdesk import CaseRow
from widgets.review.queue_model import PAGE, CaseNoRole, QueueModel, SlaStateRole
from widgets.shell.main_window import MainWindow

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _row(n: int) -> CaseRow:
    started = NOW - timedelta(hours=1)
    deadline = NOW + timedelta(minutes=(n % 7) * 20 - 30)  # some overdue, some near, some ok
    return CaseRow(
        f"id{n}",
        n,
        f"case {n}",
        "spam_scams",
        1 + n % 4,
        "new",
        "general",
        iso(started),
        1,
        0,
        iso(started),
        iso(deadline),
        n,
        None,
    )


class FakeSource:
    """Pages like app.review.queue_view.QueueSource, counting how it was asked."""

    def __init__(self, count: int, broken: set[int] = frozenset()) -> None:  # type: ignore[assignment]
        self.total = count
        self.broken = broken
        self.offsets: list[int] = []
        self.keyset = 0

    def count(self) -> int:
        return self.total

    def page(self, offset: int, limit: int, total: int | None = None) -> list[CaseRow]:
        self.offsets.append(offset)
        if any(n in self.broken for n in range(offset, offset + limit)):
            raise OSError("disk I/O error")
        return [_row(n) for n in range(offset, min(self.total, offset + limit))]

    def after(self, last: CaseRow, limit: int) -> list[CaseRow]:
        self.keyset += 1
        return self.page(last.case_no + 1, limit)[:limit]

    def before(self, first: CaseRow, limit: int) -> list[CaseRow]:
        self.keyset += 1
        return self.page(max(0, first.case_no - limit), min(limit, first.case_no))

    def position(self, row: CaseRow) -> int:
        return row.case_no


def _model(source: FakeSource) -> QueueModel:
    model = QueueModel(lambda: source, {"spam_scams": "Spam and scams"}, lambda: NOW)
    model.reload()
    return model


def test_model_passes_qt_model_tester(qapp: object, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(_model(FakeSource(250, broken={130})))


def test_rows_are_fetched_lazily_in_pages_by_keyset_after_the_first(qapp: object) -> None:
    source = FakeSource(1_000_000)
    model = _model(source)
    assert model.rowCount() == 1_000_000 and source.offsets == []
    assert model.row_at(500_000).title == "case 500000"  # type: ignore[union-attr]
    assert model.row_at(500_001).title == "case 500001"  # type: ignore[union-attr]
    assert source.offsets == [500_000]  # one page, by offset
    assert model.row_at(500_000 + PAGE).case_no == 500_000 + PAGE  # type: ignore[union-attr]
    assert source.keyset == 1  # the next page continues from the last key


def test_painting_never_waits_for_sql(qtbot: QtBot) -> None:
    source = FakeSource(1_000)
    model = _model(source)
    index = model.index(250, 2)
    assert model.data(index) is None and source.offsets == []  # blank, page requested
    with qtbot.waitSignal(model.dataChanged, timeout=2000):
        pass
    assert model.data(index) == "#250  case 250" and source.offsets == [200]


def test_a_page_that_fails_to_load_shows_disabled_error_rows(qapp: object) -> None:
    model = _model(FakeSource(300, broken={150}))
    assert model.row_at(150) is None and model.row_at(3) is not None
    assert model.data(model.index(150, 2)) == "(could not load)"
    assert model.flags(model.index(150, 2)) == Qt.ItemFlag.NoItemFlags
    assert model.data(model.index(150, 0), CaseNoRole) is None
    assert model.data(model.index(3, 2)) == "#3  case 3"


def test_sla_column_counts_down_and_colours_by_state(qapp: object) -> None:
    model = _model(FakeSource(10))
    model.row_at(0)  # read the page
    states = {model.data(model.index(n, 0), SlaStateRole) for n in range(7)}
    assert states == {SlaState.OK, SlaState.NEAR, SlaState.OVERDUE}
    overdue = next(n for n in range(7) if model.data(model.index(n, 0), SlaStateRole) == "overdue")
    assert str(model.data(model.index(overdue, 0))).startswith("-")
    assert model.data(model.index(overdue, 0), Qt.ItemDataRole.BackgroundRole) is not None


def test_real_queue_model_over_demo_store(window: MainWindow, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(window.model)
    assert window.model.rowCount() > 150  # demo minus child-safety cases for a moderator
