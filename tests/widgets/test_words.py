"""The workstation reads in the team's words: case numbers, policy and queue names, people
by name once, readable rows in the dark theme, tidy menus and a styled break screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
)
from pytestqt.qtbot import QtBot

from app.demo.cases import DemoLogin
from app.domain.people import Accounts, Reviewer, Role
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from app.review.adjudication import Adjudication
from app.review.reviewdesk import ReviewDesk
from app.review.types import EscalationInfo
from tests.sync.writers import Log, spam_case
from tests.widgets.conftest import wait_media
from widgets.dashboard.heatmap import LABEL_GAP, axis_label, fit_row_labels
from widgets.review.adjudication import ConflictPanel
from widgets.review.analyst_panel import CaseHistoryPanel
from widgets.review.decision_panel import DecisionPanel
from widgets.shell.application import build_window, make_app
from widgets.shell.main_window import MainWindow
from widgets.shell.tasks import InlineTaskRunner
from widgets.shell.theme import contrast
from widgets.wellbeing.break_screen import BACKGROUND

AA = 4.5  # WCAG AA for body text


@pytest.fixture
def open_window(
    qtbot: QtBot,
    demo_store: LocalStore,
    demo_dir: Path,
    policies: PolicySet,
    demo_logins: dict[str, DemoLogin],
) -> Iterator[Callable[[str], MainWindow]]:
    """Opens the main window (every feature installed) for a demo role, at laptop size."""
    make_app()
    windows: list[MainWindow] = []

    def open_for(role: str) -> MainWindow:
        login = demo_logins[role]
        reviewer = Accounts(demo_store).authenticate(login.username, login.password)
        win = build_window(demo_store, policies, reviewer, demo_dir)
        qtbot.addWidget(win)
        win.resize(1366, 768)
        windows.append(win)
        return win

    yield open_for
    for win in windows:
        win.close()


def _desk(store: LocalStore, policies: PolicySet, login: DemoLogin) -> ReviewDesk:
    return ReviewDesk(store, policies, Accounts(store).authenticate(login.username, login.password))


# --- the theme ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [QListWidget, QTableWidget, QTreeWidget])
def test_alternate_rows_are_dark_and_readable(qtbot: QtBot, kind: type) -> None:
    app = make_app()
    view = kind()
    qtbot.addWidget(view)
    view.setAlternatingRowColors(True)
    _fill(view)
    view.resize(300, 200)
    view.show()
    qtbot.waitExposed(view)
    image = view.grab().toImage()
    text = app.palette().color(QPalette.ColorRole.Text)
    for row in (0, 1):  # a plain row and an alternate one
        rect = _row_rect(view, row)
        background = image.pixelColor(rect.right() - 3, rect.center().y())
        assert contrast(background, text) >= AA, (kind.__name__, row, background.name())
        assert background.lightness() < 80, f"row {row} is light: {background.name()}"
    palette = app.palette()
    alternate = palette.color(QPalette.ColorRole.AlternateBase)
    assert contrast(alternate, palette.color(QPalette.ColorRole.Text)) >= AA
    assert alternate != palette.color(QPalette.ColorRole.Base)  # the stripes still show


def _fill(view: QAbstractItemView) -> None:
    if isinstance(view, QListWidget):
        view.addItems(["first", "second", "third", "fourth"])
    elif isinstance(view, QTableWidget):
        view.setRowCount(4)
        view.setColumnCount(1)
        for r in range(4):
            view.setItem(r, 0, QTableWidgetItem(f"row {r}"))
    elif isinstance(view, QTreeWidget):
        view.addTopLevelItems([QTreeWidgetItem([f"row {r}"]) for r in range(4)])


def _row_rect(view: QAbstractItemView, row: int):  # type: ignore[no-untyped-def]
    rect = view.visualRect(view.model().index(row, 0))
    return rect.translated(view.viewport().pos())


# --- case numbers -----------------------------------------------------------------------


def test_the_case_number_shows_in_the_header_the_queue_and_the_toast(
    qtbot: QtBot, window: MainWindow
) -> None:
    shown = window.current
    assert shown is not None
    number = f"#{shown.row.case_no}"
    assert window.case_view.title.text().startswith(f"{number}  ")
    assert shown.row.title in window.case_view.title.text()
    row = window.model.row_of(shown.row)
    assert window.model.index(row, 2).data() == f"{number}  {shown.row.title}"
    tooltip = window.model.index(row, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == f"{number}  {shown.row.title}"  # whole, however narrow the column
    window.panel.choose_action("1")
    window.panel.submit()
    assert window.loop.toast.isVisible()
    assert number in window.loop.toast.label.text()


def test_my_escalations_show_the_number_and_the_outcome_in_words(
    qtbot: QtBot,
    window: MainWindow,
    demo_store: LocalStore,
    policies: PolicySet,
    demo_logins: dict[str, DemoLogin],
) -> None:
    held = window.loop.working
    assert held is not None
    window.escalate_with("Same text from 14 new accounts", None)
    analyst = _desk(demo_store, policies, demo_logins["analyst"])
    claim = analyst.claim_next(["escalations"])
    assert claim is not None and claim.detail.row.case_id == held.row.case_id
    told: list[str] = []
    window.escalations.outcome.connect(told.append)
    window.escalations.refresh()
    analyst.decide(held.row.case_id, "no_violation", {"rationale": "satire exception"})
    qtbot.waitUntil(lambda: bool(told))
    first = window.escalations.tree.topLevelItem(0)
    assert first.text(0).startswith(f"#{held.row.case_no} ")
    assert first.text(2) == "No violation by Ari: satire exception"
    assert told == [f"Your escalation of #{held.row.case_no} was decided: {first.text(2)}"]


# --- the history and names ------------------------------------------------------------------


def test_the_history_shows_queue_names_and_people(
    qtbot: QtBot, demo_store: LocalStore, policies: PolicySet, demo_logins: dict[str, DemoLogin]
) -> None:
    make_app()
    analyst = _desk(demo_store, policies, demo_logins["analyst"])
    claim = analyst.claim_next()
    assert claim is not None
    panel = CaseHistoryPanel(analyst)
    qtbot.addWidget(panel)
    panel.set_case(claim.detail.row.case_id)
    lines = [panel.timeline.item(i).text() for i in range(panel.timeline.count())]
    queue = analyst.queues[claim.detail.row.queue]
    assert any(f"routed to {queue.name};" in line for line in lines), lines
    assert not any(f"routed to {queue.id};" in line for line in lines)
    assert any(" · Ari · Claimed" in line for line in lines), lines


# --- menus ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["moderator", "analyst", "lead"])
def test_menus_are_tidy_and_names_are_never_doubled(
    open_window: Callable[[str], MainWindow], role: str
) -> None:
    win = open_window(role)
    # "Maya · moderator", never "Maya (moderator) · moderator".
    assert win.who.text().count(role) == 1, win.who.text()
    assert "(" not in win.desk.reviewer.display_name
    if role == "lead":
        assert win.current is not None  # a lead's assignment list names people once
        for _username, label in win.desk.people_for(win.current.row.case_id):
            name, _, their_role = label.rpartition(" (")
            assert their_role.rstrip(")") not in name, label
    # No menu starts or ends with a separator, or has two in a row.
    menus = [a.menu() for a in win.menuBar().actions() if isinstance(a.menu(), QMenu)]
    assert menus
    for menu in _with_submenus(menus):
        menu.aboutToShow.emit()  # some entries are decided when the menu opens
        shown = [a for a in menu.actions() if a.isVisible()]
        kinds = ["-" if a.isSeparator() else "x" for a in shown]
        where = f"{role}: {menu.title()}: {''.join(kinds)}"
        assert kinds and kinds[0] != "-" and kinds[-1] != "-", where
        assert "--" not in "".join(kinds), where


def _with_submenus(menus: list[QMenu]) -> list[QMenu]:
    found: list[QMenu] = []
    for menu in menus:
        found.append(menu)
        subs = [a.menu() for a in menu.actions() if isinstance(a.menu(), QMenu)]
        found += _with_submenus(subs)
    return found


# --- the break screen -------------------------------------------------------------------------


def test_the_break_screen_is_styled_calm_and_centred(qtbot: QtBot, window: MainWindow) -> None:
    wait_media(qtbot, window)
    window.loop.take_break_now()
    screen = window.loop.breaks
    assert screen.isVisible() and screen.geometry() == window.rect()
    image = screen.grab().toImage()
    assert image.pixelColor(4, 4) == BACKGROUND
    assert image.pixelColor(image.width() - 4, image.height() - 4) == BACKGROUND
    # The words sit on a card in the middle, not on stripes of the window's colour.
    title = screen.title
    centre = title.mapTo(screen, title.rect().center())
    assert abs(centre.x() - screen.width() / 2) < 8
    assert abs(centre.y() - screen.height() / 2) < screen.height() / 4
    card = title.parentWidget()
    assert card is not None and card.width() <= 640
    corner = title.mapTo(screen, title.rect().topLeft())
    behind = image.pixelColor(corner.x() + 1, corner.y() + 1)
    assert behind == QColor("#1e2227"), behind.name()
    assert title.font().pointSizeF() >= 18
    for button in (screen.start_button, screen.snooze_button, screen.back_button):
        if button.isVisible():
            assert button.width() < screen.width() / 2  # buttons, not bars across the screen


# --- the confusion matrix's labels --------------------------------------------------------


def test_confusion_matrix_row_labels_are_never_cut(policies: PolicySet) -> None:
    make_app()
    labels = tuple(sorted({a.label for p in policies for a in p.actions}))
    image = QImage(QSize(460, 300), QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    font = QFont(painter.font())
    font.setPointSizeF(9.0)  # the largest the heat map draws
    painter.setFont(font)
    column = fit_row_labels(painter, labels, 460.0)
    metrics = painter.fontMetrics()
    painter.end()
    room = column - LABEL_GAP
    assert all(metrics.horizontalAdvance(label) <= room for label in labels), labels
    assert column <= 460.0 / 2  # the cells keep at least half the width
    assert axis_label("no_violation", {"no_violation": "No violation"}) == "No violation"
    assert axis_label("age_gate", None) == "age gate"


def test_the_escalation_banner_names_people_and_queues(
    demo_store: LocalStore, policies: PolicySet, demo_logins: dict[str, DemoLogin]
) -> None:
    make_app()
    desk = _desk(demo_store, policies, demo_logins["analyst"])
    panel = DecisionPanel()
    panel.words = desk.words()
    info = EscalationInfo(
        "e1", "mod", "same text from 14 accounts", 3, "hate-harassment", "2026-01-05T09:00",
        "analyst", "no_violation", "satire", "2026-01-05T10:00",
    )  # fmt: skip
    panel._show_banner(info)
    text = panel._banner.text()
    assert "Escalated by Maya (severity 3) from Hate and harassment" in text
    assert "Decided by Ari: No violation — satire" in text


def test_the_conflict_panel_reads_in_words(
    qtbot: QtBot, store: LocalStore, policies: PolicySet
) -> None:
    make_app()
    log = Log()
    case = spam_case(log)
    log.decide("mod-a", case, prior=None, action="remove")
    log.decide("mod-b", case, prior=None)
    store.apply_remote(log.served(), 99, "lead")
    lead = Reviewer("lead", "Lee", Role.LEAD, frozenset())
    panel = ConflictPanel(Adjudication(store, policies, lead), InlineTaskRunner())
    qtbot.addWidget(panel)
    panel.reload()
    assert panel.cases.count() == 1 and panel.cases.item(0).text().startswith("#")
    table = panel.decisions
    actions = {table.item(r, 1).text() for r in range(table.rowCount())}
    assert actions == {"Remove", "No violation"}
    assert all("T" not in table.item(r, 3).text() for r in range(table.rowCount()))
