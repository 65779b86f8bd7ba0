"""QA rules per queue: audit percentage, all of the highest severity, all escalation
outcomes, and the gold rate; saving draws at once (off the UI thread)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.domain.words import words_for
from app.qa.rules import QaRules, QueueRule
from app.qa.secret import fingerprint
from app.quality.sampling import SamplingRule
from widgets.shell.fit import fit_window

HEADERS = ("Queue", "Audit %", "All highest severity", "All escalation outcomes", "Gold %", "Set")
EXPLAIN = (
    "Each decision is drawn by a keyed coin flip: HMAC-SHA256 of the lead's secret seed and "
    "the decision's id, compared with the percentage. Every reviewer's decisions are drawn "
    "at the same rate, nobody without the seed can tell which ones, and the same seed always "
    "gives the same picks. Escalation outcomes follow the rule of the queue they came from. "
    "Gold cases are mixed into a queue at the gold rate, as ordinary-looking cases."
)

QueueIdRole = Qt.ItemDataRole.UserRole + 1


class QaRulesDialog(QDialog):
    """Edit and save every queue's QA rule."""

    saved = Signal(int)

    def __init__(
        self,
        store_rules: QaRules,
        policies: PolicySet,
        lead: Reviewer,
        seed: bytes,
        run_draw: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("qaRules")
        self.setWindowTitle("QA rules")
        self._rules = store_rules
        self._lead = lead
        self._seed = seed
        self._run_draw = run_draw
        self._top = _top_severity(policies)
        self._words = words_for(policies)
        self.table = QTableWidget(len(self._top), len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.status = QLabel("")
        self.status.setObjectName("qaRulesStatus")
        self.status.setWordWrap(True)
        self._fill(store_rules.current())
        explain = QLabel(EXPLAIN + f" This workstation's seed: {fingerprint(seed)}.")
        explain.setWordWrap(True)
        save = QPushButton("Save and draw")
        save.clicked.connect(self.save)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(save)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        fit_window(self, 900, 420)  # cut down to the screen

    def _fill(self, current: dict[str, QueueRule]) -> None:
        for row, (queue, top) in enumerate(self._top.items()):
            rule = current.get(queue)
            name = QTableWidgetItem(self._words.queue(queue))
            name.setData(QueueIdRole, queue)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, name)
            self.table.setCellWidget(row, 1, _spin(rule.sampling.percent if rule else 0.0, 100.0))
            self.table.setCellWidget(
                row, 2, _check(bool(rule and rule.sampling.all_highest_severity), f"severity {top}")
            )
            self.table.setCellWidget(
                row, 3, _check(bool(rule and rule.sampling.all_escalations), "")
            )
            self.table.setCellWidget(row, 4, _spin((rule.gold_rate * 100.0) if rule else 0.0, 50.0))
            when = f"{rule.set_by} {rule.set_at[:16].replace('T', ' ')}" if rule else "never"
            self.table.setItem(row, 5, QTableWidgetItem(when))

    def rule_at(self, row: int) -> tuple[SamplingRule, float]:
        """The rule the row describes, and its gold rate (0..1)."""
        queue = self.queue_at(row)
        percent = self._spin(row, 1)
        gold = self._spin(row, 4) / 100.0
        highest = self._check(row, 2)
        escalations = self._check(row, 3)
        return SamplingRule(queue, percent, highest, escalations, self._top[queue]), gold

    def save(self) -> None:
        """Record a new rule version for every queue whose row changed, then draw."""
        current = self._rules.current()
        changed = 0
        for row in range(self.table.rowCount()):
            sampling, gold = self.rule_at(row)
            old = current.get(sampling.queue)
            if old is not None and (old.sampling, old.gold_rate) == (sampling, gold):
                continue
            if old is None and _inert(sampling, gold):
                continue  # no rule yet and nothing asked for: do not record one
            self._rules.set_rule(self._lead, sampling, gold, self._seed)
            changed += 1
        self.status.setText(f"{changed} rule(s) saved; drawing…")
        self._fill(self._rules.current())
        self.saved.emit(changed)
        self._run_draw()

    def queue_at(self, row: int) -> str:
        """The queue id of a row (the row shows the queue's name)."""
        item = self.table.item(row, 0)
        assert item is not None, "every rule row is filled in _fill"
        return str(item.data(QueueIdRole))

    def _spin(self, row: int, column: int) -> float:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, QDoubleSpinBox)
        return float(widget.value())

    def _check(self, row: int, column: int) -> bool:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, QCheckBox)
        return widget.isChecked()


def _spin(value: float, top: float) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(0.0, top)
    spin.setDecimals(1)
    spin.setSuffix(" %")
    spin.setValue(value)
    return spin


def _check(checked: bool, text: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setChecked(checked)
    return box


def _top_severity(policies: PolicySet) -> dict[str, int]:
    top: dict[str, int] = {}
    for p in policies:
        top[p.queue] = max(top.get(p.queue, 0), max(p.severity_labels))
    return dict(sorted(top.items()))


def _inert(sampling: SamplingRule, gold: float) -> bool:
    """A rule that would draw nothing and mix nothing."""
    return (
        sampling.percent == 0
        and not gold
        and not sampling.all_highest_severity
        and not (sampling.all_escalations)
    )
