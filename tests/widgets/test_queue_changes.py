"""The queue follows the one store-changed signal: changed rows repaint, the rest stays."""

from __future__ import annotations

import threading
from dataclasses import replace

from PySide6.QtCore import QModelIndex, QThread
from pytestqt.qtbot import QtBot

from app.log.changes import Change
from app.log.store import LocalStore
from app.review.reviewdesk import CaseRow, ReviewDesk
from tests.widgets.test_queue_model import NOW, FakeSource, _row
from widgets.review.queue_model import PAGE, QueueModel
from widgets.shell.main_window import MainWindow
from widgets.shell.store_signal import StoreSignals


class ChangingSource(FakeSource):
    """FakeSource whose rows can be edited in place, or the queue made deeper."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.edited: dict[int, CaseRow] = {}

    def page(self, offset: int, limit: int, total: int | None = None) -> list[CaseRow]:
        rows = super().page(offset, limit, total)
        return [self.edited.get(r.case_no, r) for r in rows]


def _model(source: FakeSource) -> QueueModel:
    model = QueueModel(lambda: source, {"spam_scams": "Spam and scams"}, lambda: NOW)
    model.reload()
    return model


def _changed_rows(model: QueueModel) -> list[int]:
    rows: list[int] = []

    def heard(first: QModelIndex, last: QModelIndex, _roles: object = None) -> None:
        rows.extend(range(first.row(), last.row() + 1))

    model.dataChanged.connect(heard)
    return rows


def test_a_case_changed_in_place_repaints_only_its_row(qtbot: QtBot) -> None:
    source = ChangingSource(500)
    model = _model(source)
    model.row_at(0), model.row_at(PAGE * 2)  # two pages cached
    source.edited[PAGE * 2 + 7] = replace(_row(PAGE * 2 + 7), status="leased", leased_by="ana")
    rows = _changed_rows(model)
    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.assertNotEmitted(model.modelAboutToBeReset),
    ):
        model.refresh_cases({f"id{PAGE * 2 + 7}"})
    assert rows == [PAGE * 2 + 7]
    assert model.data(model.index(PAGE * 2 + 7, 5)) == "with ana"
    assert model.row_at(3) == _row(3)  # the other page kept its rows


def test_a_deeper_queue_reloads(qtbot: QtBot) -> None:
    source = ChangingSource(300)
    model = _model(source)
    model.row_at(0)
    source.total = 301
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.refresh_cases({"id5"})
    assert model.rowCount() == 301


def test_a_change_outside_the_cached_pages_reloads(qtbot: QtBot) -> None:
    model = _model(ChangingSource(300))
    model.row_at(0)  # only page 0 is cached
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.refresh_cases({"id250"})


def test_a_case_that_moved_reloads(qtbot: QtBot) -> None:
    source = ChangingSource(300)
    model = _model(source)
    model.row_at(0)
    source.edited[3], source.edited[4] = _row(4), _row(3)  # the two swapped places
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.refresh_cases({"id3"})
    assert model.row_at(3) == _row(4)


def test_a_change_without_cases_leaves_the_queue_alone(qtbot: QtBot) -> None:
    model = _model(ChangingSource(300))
    model.row_at(0)
    rows = _changed_rows(model)
    with qtbot.assertNotEmitted(model.modelReset):
        model.refresh_cases(set())
    assert rows == []


def test_the_window_repaints_a_row_another_desk_leased(window: MainWindow, qtbot: QtBot) -> None:
    model = window.model
    shown = window.loop.shown.row.case_id if window.loop.shown else None
    listed = [model.row_at(n) for n in range(min(model.rowCount(), PAGE))]
    target = next(r for r in listed if r and r.status == "new" and r.case_id != shown)
    row = model.row_of(target)
    other = ReviewDesk(window.desk.store, window.desk.policies, window.desk.reviewer)
    rows = _changed_rows(model)
    heard: list[Change] = []
    window.store_signals.changed.connect(heard.append)
    with qtbot.assertNotEmitted(model.modelReset):
        other.open_case(target.case_id)  # leased to the same person elsewhere: "yours"
    other.close()
    assert heard == [Change(frozenset({target.case_id}), frozenset({"case.leased"}))]
    assert row in rows
    assert model.data(model.index(row, 5)) == "yours"


def test_a_write_on_another_thread_is_told_on_the_gui_thread(
    qtbot: QtBot, store: LocalStore
) -> None:
    signals = StoreSignals(store)
    threads: list[object] = []
    signals.changed.connect(lambda _change: threads.append(QThread.currentThread()))

    def ingest() -> None:
        with store.transaction() as session:
            payload = {"category": "spam_scams", "severity": 2, "queue": "general", "media": []}
            store.append(session, actor="hub", kind="case.ingested", case_id="c9", payload=payload)

    with qtbot.waitSignal(signals.changed, timeout=2000) as told:
        worker = threading.Thread(target=ingest)
        worker.start()
        worker.join()
        assert threads == []  # queued: nothing reaches a widget from the worker
    assert told.args == [Change(frozenset({"c9"}), frozenset({"case.ingested"}))]
    assert threads == [signals.thread()]
    signals.close()
