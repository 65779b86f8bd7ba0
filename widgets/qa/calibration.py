"""Calibration sessions: the lead opens one over N cases, everyone decides them alone.

`CalibrationDialog` is the lead's: sessions, a new session, closing one, and the
agreement table with Fleiss' kappa and Krippendorff's alpha. `CalibrationVoteDialog` is
every participant's: their open cases, shown filtered, one call each; the table appears
when the lead closes the session.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.words import Words
from app.log.store import LocalStore
from app.qa.calibration_sessions import Calibration, CalibrationSession
from app.quality.calibration import CalibrationResult
from app.review.reviewdesk import AccessDenied, FormError
from widgets.qa.case import ActionPicker, CaseContentView
from widgets.shell.fit import fit_window
from widgets.shell.tasks import TaskRunner

IdRole = Qt.ItemDataRole.UserRole + 1


def result_table(result: CalibrationResult, titles: dict[str, str], words: Words) -> QTableWidget:
    """The agreement table: one row per case, one column per participant (by name)."""
    people = sorted({p for row in result.cases for p in row.actions})
    table = QTableWidget(len(result.cases), len(people) + 3)
    table.setObjectName("calibrationTable")
    names = [words.person(p) for p in people]
    table.setHorizontalHeaderLabels(["Case", *names, "Majority", "Agreement"])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    for r, row in enumerate(result.cases):
        cells = [titles.get(row.case_id, row.case_id)]
        cells += [words.action(row.actions[p]) if p in row.actions else "–" for p in people]
        cells += [words.action(row.majority) or "(tie)", f"{row.agreement_share:.0%}"]
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def statistics_text(result: CalibrationResult, words: Words) -> str:
    """Fleiss' kappa, Krippendorff's alpha and each person's alignment with the majority."""
    fleiss = result.fleiss
    alpha = result.alpha
    parts = [
        f"Fleiss' kappa {fleiss.value:.2f}"
        if fleiss.value is not None
        else f"Fleiss' kappa: {fleiss.reason}",
        f"Krippendorff's alpha {alpha.value:.2f}"
        if alpha.value is not None
        else f"alpha: {alpha.reason}",
    ]
    aligned = ", ".join(
        f"{words.person(who)} {rate.value:.0%}"
        for who, rate in result.alignment.items()
        if rate.value is not None
    )
    return " · ".join(parts) + (f" · with the majority: {aligned}" if aligned else "")


class CalibrationDialog(QDialog):
    """The lead's calibration sessions."""

    def __init__(
        self,
        calibration: Calibration,
        team: list[str],
        parent: QWidget | None = None,
        words: Words | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calibrationSessions")
        self.setWindowTitle("Calibration sessions")
        self._cal = calibration
        self._team = team
        self.words = words or Words(calibration.policies)
        self.sessions = QListWidget()
        self.sessions.setAccessibleName("Calibration sessions")
        self.sessions.currentItemChanged.connect(lambda *_: self.show_selected())
        self.stats = QLabel("")
        self.stats.setWordWrap(True)
        self.body = QVBoxLayout()
        new = QPushButton("New session…")
        new.clicked.connect(self.new_session)
        close = QPushButton("Close session")
        close.clicked.connect(self.close_selected)
        left = QVBoxLayout()
        left.addWidget(self.sessions)
        left.addWidget(new)
        left.addWidget(close)
        right = QVBoxLayout()
        right.addWidget(self.stats)
        right.addLayout(self.body, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 3)
        fit_window(self, 1150, 640)  # cut down to the screen
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Refill the session list."""
        self.sessions.clear()
        for s in self._cal.sessions():
            state = "open" if s.is_open else "closed"
            item = QListWidgetItem(f"{s.title}\n{state} · {s.progress()} · {s.opened_at[:10]}")
            item.setData(IdRole, s.session_id)
            self.sessions.addItem(item)
            if s.session_id == select:
                self.sessions.setCurrentItem(item)
        if self.sessions.currentItem() is None and self.sessions.count():
            self.sessions.setCurrentRow(0)

    def selected(self) -> CalibrationSession | None:
        """The session picked in the list."""
        item = self.sessions.currentItem()
        return None if item is None else self._cal.session(str(item.data(IdRole)))

    def show_selected(self) -> None:
        """The picked session's table and statistics."""
        while self.body.count():
            item = self.body.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        session = self.selected()
        if session is None:
            self.stats.setText("No calibration sessions yet: start one with New session.")
            return
        result = self._cal.result(session.session_id)
        titles = {c.case_id: c.title for c in self._cal.candidates(2000)}
        self.body.addWidget(result_table(result, titles, self.words))
        prefix = "Open: votes so far. " if session.is_open else "Closed. "
        self.stats.setText(prefix + statistics_text(result, self.words))

    def new_session(self) -> None:
        """Ask for a title, cases and people, then open the session."""
        dialog = NewSessionDialog(self._cal, self._team, self, self.words)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.created is not None:
            self.reload(dialog.created.session_id)

    def close_selected(self) -> None:
        """Close the picked session; participants then see the table."""
        session = self.selected()
        if session is None or not session.is_open:
            return
        self._cal.close(session.session_id)
        self.reload(session.session_id)


class NewSessionDialog(QDialog):
    """Title, the cases everyone decides, and who takes part."""

    def __init__(
        self,
        calibration: Calibration,
        team: list[str],
        parent: QWidget | None = None,
        words: Words | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New calibration session")
        self._cal = calibration
        words = words or Words(calibration.policies)
        self.created: CalibrationSession | None = None
        self.title = QLineEdit()
        self.title.setPlaceholderText("e.g. Borderline hate speech, March")
        self.cases = QListWidget()
        for c in calibration.candidates():
            decided = words.action(c.decided_action, c.policy)
            item = QListWidgetItem(f"{c.title} · {words.policy(c.policy)} · decided {decided}")
            item.setData(IdRole, c.case_id)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.cases.addItem(item)
        self.people = QListWidget()
        for who in team:
            item = QListWidgetItem(words.person(who))
            item.setData(IdRole, who)
            item.setCheckState(Qt.CheckState.Checked)
            self.people.addItem(item)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        start = QPushButton("Open session")
        start.clicked.connect(self.open_session)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Title"))
        layout.addWidget(self.title)
        row = QHBoxLayout()
        row.addWidget(self.cases, 3)
        row.addWidget(self.people, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(start)
        fit_window(self, 900, 560)  # cut down to the screen

    def open_session(self) -> None:
        """Open the session with the ticked cases and people."""
        cases = _checked(self.cases)
        people = _checked(self.people)
        try:
            self.created = self._cal.open_session(self.title.text(), cases, people)
        except FormError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class CalibrationVoteDialog(QDialog):
    """A participant's open calibration cases: decide each one, alone."""

    voted = Signal(str)

    def __init__(
        self,
        calibration: Calibration,
        store: LocalStore,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calibrationVote")
        self.setWindowTitle("Calibration: your calls")
        self._cal = calibration
        self.todo = QListWidget()
        self.todo.currentItemChanged.connect(lambda *_: self._show())
        self.case = CaseContentView(store, calibration.policies, calibration.person, runner)
        self.picker = ActionPicker(calibration.policies, "Your call:")
        self.picker.policy.setEnabled(False)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        submit = QPushButton("Submit my call")
        submit.clicked.connect(self.submit)
        side = QVBoxLayout()
        for widget in (self.picker, submit, self.error):
            side.addWidget(widget)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.todo, 1)
        layout.addWidget(self.case, 3)
        layout.addLayout(side, 1)
        fit_window(self, 1200, 720)  # cut down to the screen
        self.reload()

    def reload(self) -> None:
        """The (session, case) pairs still to decide."""
        self.todo.clear()
        for session, case_id in self._cal.todo():
            content = self._cal.content(session.session_id, case_id)
            item = QListWidgetItem(f"{session.title}\n{content.title}")
            item.setData(IdRole, (session.session_id, case_id))
            self.todo.addItem(item)
        if self.todo.count():
            self.todo.setCurrentRow(0)
        else:
            self.case.clear("No calibration cases waiting for you.")

    def submit(self) -> None:
        """Record the call on the selected case."""
        item = self.todo.currentItem()
        _policy, action = self.picker.choice()
        if item is None or action is None:
            self.error.setText("Choose an action.")
            return
        session_id, case_id = item.data(IdRole)
        try:
            self._cal.vote(session_id, case_id, action)
        except (FormError, AccessDenied, KeyError) as exc:
            self.error.setText(str(exc))
            return
        self.voted.emit(case_id)
        self.case.record_view()
        self.reload()

    def _show(self) -> None:
        item = self.todo.currentItem()
        if item is None:
            return
        session_id, case_id = item.data(IdRole)
        content = self._cal.content(session_id, case_id)
        self.case.show_content(content)
        self.picker.set_choice(content.category)
        self.error.setText("")


def _checked(widget: QListWidget) -> list[str]:
    return [
        str(widget.item(i).data(IdRole))
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]
