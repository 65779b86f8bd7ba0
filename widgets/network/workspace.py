"""The investigation workspace (analysts and leads): a graph view beside tables of
clusters and accounts, built off the UI thread with progress and Cancel.

Build: the chosen investigation's posts, with the window and minimum score shown; the
build and the layout run in a worker (TaskRunner), the progress bar follows the worker's
reports, Cancel stops it between two steps. Then: select a cluster to see its accounts
in the graph; judge it (coordinated / not coordinated / unsure, with a rationale), pin
it, note it, or apply a "coordinated" verdict to the open cases of its accounts.
Double-click an edge (or "Evidence…" on two selected accounts) to see its co-actions.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.people import Reviewer
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from app.network.coaction import CancelledError
from app.network.commands import Workbench, investigations
from app.network.communities import Cluster
from app.network.engine import Network
from app.network.evidence import edge_evidence
from app.network.layout import layout
from app.network.timeline import VERDICT_WORDS
from widgets.network.evidence_dialog import EvidenceDialog
from widgets.network.graph_view import GraphView
from widgets.network.report import cluster_thumbnails, write_summary
from widgets.shell.tasks import TaskRunner

MAX_NODES = 5000  # accounts drawn at once; the tables list every cluster
POLL_MS = 100


class BuildProgress:
    """What the worker reports, read by the UI thread's timer; Cancel sets `stop`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.stage, self.fraction = "starting", 0.0
        self.stop = threading.Event()

    def report(self, stage: str, fraction: float) -> None:
        """Called on the worker thread."""
        with self._lock:
            self.stage, self.fraction = stage, fraction

    def read(self) -> tuple[str, float]:
        """The latest report."""
        with self._lock:
            return self.stage, self.fraction


@dataclass
class Built:
    """A network and its laid-out drawing, made in the worker."""

    network: Network
    positions: dict[str, tuple[float, float]]
    colours: dict[str, int]
    edges: list[tuple[str, str, float]]


def build_and_lay_out(work: Workbench, progress: BuildProgress) -> Built:
    """The worker's job: build, then lay out the clusters' accounts (at most MAX_NODES)."""
    network = work.build(progress.report, progress.stop.is_set)
    progress.report("laying out", 0.97)
    graph = network.graph
    index = {name: n for n, name in enumerate(graph.accounts)}
    groups, colours, drawn = [], {}, 0
    for cluster in network.clusters:
        if drawn + cluster.size > MAX_NODES:
            break
        groups.append([index[a] for a in cluster.accounts])
        colours.update({a: cluster.rank - 1 for a in cluster.accounts})
        drawn += cluster.size
    shown = {n for g in groups for n in g}
    pairs = [
        (a, b)
        for a, b in zip(graph.a.tolist(), graph.b.tolist(), strict=True)
        if a in shown and b in shown
    ]
    spots = layout(groups, pairs, [], progress.stop.is_set)
    names = graph.accounts
    edges = [
        (names[a], names[b], float(s))
        for a, b, s in zip(graph.a.tolist(), graph.b.tolist(), graph.score.tolist(), strict=True)
        if a in shown and b in shown
    ]
    return Built(network, {names[n]: xy for n, xy in spots.items()}, colours, edges)


class InvestigationWorkspace(QMainWindow):
    """One person's investigation window."""

    def __init__(
        self,
        store: LocalStore,
        policies: PolicySet,
        person: Reviewer,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("networkWorkspace")
        self.setWindowTitle("Coordinated networks")
        self.store, self.policies, self.person, self.runner = store, policies, person, runner
        self.network: Network | None = None
        self.work: Workbench | None = None
        self.progress: BuildProgress | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._build_ui()
        self.reload_investigations()

    # --- layout -------------------------------------------------------------------

    def _build_ui(self) -> None:
        self.choice = QComboBox()
        self.choice.setAccessibleName("Investigation")
        self.window_s = _spin(1, 86400, 60, " s")
        self.min_weight = _spin(0.1, 1000, 3, "")
        self.build_button = QPushButton("Build")
        self.build_button.clicked.connect(self.build)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.status = QLabel("Import posts with `veil network import`, then Build.")
        top = QHBoxLayout()
        for label, widget in (("Investigation", self.choice), ("Window", self.window_s)):
            top.addWidget(QLabel(label))
            top.addWidget(widget)
        top.addWidget(QLabel("Min score"))
        top.addWidget(self.min_weight)
        top.addWidget(self.build_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.bar)
        self.graph = GraphView()
        self.graph.account_selected.connect(self._account_picked)
        self.graph.edge_opened.connect(self.open_evidence)
        self.clusters = _table(["#", "Cluster", "Accounts", "Score", "Kinds", "Verdict"])
        self.clusters.itemSelectionChanged.connect(self._cluster_picked)
        self.accounts = _table(["Account", "Handle", "Cluster", "Edges"])
        tabs = QTabWidget()
        tabs.addTab(self._with_buttons(self.clusters, self._cluster_buttons()), "Clusters")
        tabs.addTab(self._with_buttons(self.accounts, self._account_buttons()), "Accounts")
        self.tabs = tabs
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.graph)
        split.addWidget(tabs)
        split.setSizes([700, 520])
        body = QWidget()
        box = QVBoxLayout(body)
        box.addLayout(top)
        box.addWidget(split, 1)
        box.addWidget(self.status)
        self.setCentralWidget(body)
        self.resize(1280, 760)

    def _with_buttons(self, table: QTableWidget, buttons: list[QPushButton]) -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.addWidget(table, 1)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        box.addLayout(row)
        return holder

    def _cluster_buttons(self) -> list[QPushButton]:
        made = []
        for verdict, words in VERDICT_WORDS.items():
            button = QPushButton(f"{words.capitalize()}…")
            button.clicked.connect(lambda _c=False, v=verdict: self.ask_verdict(v))
            made.append(button)
        for label, slot in (
            ("Pin", self.pin_cluster),
            ("Note…", self.ask_note),
            ("Apply to cases…", self.ask_apply),
            ("PDF summary…", self.ask_summary),
        ):
            button = QPushButton(label)
            button.clicked.connect(slot)
            made.append(button)
        return made

    def _account_buttons(self) -> list[QPushButton]:
        made = []
        for label, slot in (
            ("Pin account", self.pin_account),
            ("Expand neighbours", self.expand_selected),
            ("Evidence…", self.evidence_of_selected),
            ("Reject edge…", self.ask_reject),
        ):
            button = QPushButton(label)
            button.clicked.connect(slot)
            made.append(button)
        return made

    # --- build ----------------------------------------------------------------------

    def reload_investigations(self) -> None:
        """The investigations with posts on this workstation."""
        self.choice.clear()
        self.choice.addItems(investigations(self.store))
        self.build_button.setEnabled(self.choice.count() > 0)

    def build(self) -> None:
        """Start a build in the worker."""
        name = self.choice.currentText()
        if not name:
            return
        try:
            work = Workbench(self.store, self.person, name)
            work.params = replace(
                work.params, window=self.window_s.value(), min_weight=self.min_weight.value()
            )
        except (PermissionError, ValueError) as exc:
            self.status.setText(str(exc))
            return
        self.work, self.progress = work, BuildProgress()
        self.build_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.bar.setValue(0)
        self._timer.start()
        progress = self.progress
        self.runner.submit(
            lambda: build_and_lay_out(work, progress), self._built, self._failed, owner=self
        )

    def cancel(self) -> None:
        """Ask the worker to stop at its next step."""
        if self.progress is not None:
            self.progress.stop.set()
            self.status.setText("Cancelling…")

    def _poll(self) -> None:
        if self.progress is not None:
            stage, fraction = self.progress.read()
            self.bar.setValue(int(fraction * 100))
            self.status.setText(f"Building: {stage}")

    def _finished(self) -> None:
        self._timer.stop()
        self.build_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _built(self, built: Built) -> None:
        self._finished()
        self.network = built.network
        self.bar.setValue(100)
        self.graph.show_graph(built.positions, built.colours, built.edges)
        self._fill_tables()
        net = built.network
        self.status.setText(
            f"{len(net.posts):,} posts, {len(net.graph):,} edges, {len(net.clusters)} clusters "
            f"in {sum(net.timings.values()):.1f} s"
        )

    def _failed(self, error: BaseException) -> None:
        self._finished()
        if isinstance(error, CancelledError):
            self.status.setText("Build cancelled.")
        else:
            self.status.setText(f"Build failed: {error}")

    def _fill_tables(self) -> None:
        assert self.network is not None and self.work is not None
        verdicts = self.work.verdicts()
        self.clusters.setRowCount(0)
        for c in self.network.clusters:
            kinds = ", ".join(f"{k} {n}" for k, n in c.by_kind.items() if n)
            verdict = VERDICT_WORDS.get(verdicts.get(c.cluster_id, ""), "")
            _append(
                self.clusters, [c.rank, c.cluster_id, c.size, f"{c.score:,.0f}", kinds, verdict]
            )
        self._fill_accounts(self.network.clusters[0] if self.network.clusters else None)

    def _fill_accounts(self, cluster: Cluster | None) -> None:
        assert self.network is not None
        self.accounts.setRowCount(0)
        if cluster is None:
            return
        degree = self._degrees()
        handles = self.network.posts.handles
        for account in cluster.accounts:
            row = [account, handles.get(account, ""), cluster.cluster_id, degree.get(account, 0)]
            _append(self.accounts, row)

    def _degrees(self) -> dict[str, int]:
        assert self.network is not None
        graph, found = self.network.graph, dict[str, int]()
        for n in [*graph.a.tolist(), *graph.b.tolist()]:
            name = graph.accounts[n]
            found[name] = found.get(name, 0) + 1
        return found

    # --- selection ------------------------------------------------------------------

    def selected_cluster(self) -> Cluster | None:
        """The cluster selected in the table."""
        rows = self.clusters.selectionModel().selectedRows()
        if self.network is None or not rows:
            return None
        return self.network.clusters[rows[0].row()]

    def selected_accounts(self) -> list[str]:
        """Accounts selected in the accounts table."""
        rows = sorted(r.row() for r in self.accounts.selectionModel().selectedRows())
        items = [self.accounts.item(r, 0) for r in rows]
        return [item.text() for item in items if item is not None]

    def _cluster_picked(self) -> None:
        cluster = self.selected_cluster()
        if cluster is not None:
            self._fill_accounts(cluster)
            self.graph.select_account(cluster.accounts[0])

    def _account_picked(self, account: str) -> None:
        self.status.setText(f"{account}: double-click an edge for its evidence")

    # --- commands -------------------------------------------------------------------

    def ask_verdict(self, verdict: str) -> None:
        """Ask for the rationale, then record the verdict on the selected cluster."""
        cluster = self.selected_cluster()
        if cluster is None:
            return
        words = VERDICT_WORDS[verdict]
        text, ok = QInputDialog.getMultiLineText(self, "Verdict", f"Why {words}?")
        if ok:
            self.judge(cluster, verdict, text)

    def judge(self, cluster: Cluster, verdict: str, rationale: str) -> None:
        """Record a verdict; a refusal is shown, not raised."""
        if self._run(lambda w: w.judge(cluster, verdict, rationale)):
            self._fill_tables()

    def pin_cluster(self) -> None:
        """Pin the selected cluster into the investigation."""
        cluster = self.selected_cluster()
        if cluster is not None:
            self._run(lambda w: w.pin("cluster", cluster.cluster_id))

    def pin_account(self) -> None:
        """Pin the selected accounts."""
        for account in self.selected_accounts():
            self._run(lambda w, a=account: w.pin("account", a))

    def ask_note(self) -> None:
        """A note on the selected cluster (or the investigation)."""
        cluster = self.selected_cluster()
        text, ok = QInputDialog.getMultiLineText(self, "Note", "Note")
        if ok and text.strip():
            target, ident = ("cluster", cluster.cluster_id) if cluster else ("investigation", "")
            self._run(lambda w: w.note(target, ident, text))

    def ask_apply(self) -> None:
        """Apply the selected cluster's coordinated verdict to its accounts' open cases."""
        cluster = self.selected_cluster()
        if cluster is None or self.work is None:
            return
        action, ok = QInputDialog.getText(self, "Apply verdict", "Action for each open case")
        if not ok or not action.strip():
            return
        try:
            report = self.work.apply_verdict(self.policies, cluster.cluster_id, action.strip())
        except (PermissionError, ValueError) as exc:
            QMessageBox.warning(self, "Apply verdict", str(exc))
            return
        skipped = "; ".join(f"#{n}: {why}" for n, why in report.skipped[:5])
        self.status.setText(f"{len(report.decided)} case(s) decided. {skipped}".strip())

    def ask_summary(self) -> None:
        """Choose where to write the PDF summary, then write it."""
        path, _ = QFileDialog.getSaveFileName(self, "PDF summary", "", "PDF (*.pdf)")
        if path:
            self.write_summary(Path(path))

    def write_summary(self, path: Path) -> None:
        """The PDF summary: thumbnails filtered off the UI thread, then the PDF written."""
        network, work = self.network, self.work
        if network is None or work is None:
            return
        verdicts = work.verdicts()

        def written(thumbs: dict[str, list[np.ndarray]]) -> None:
            write_summary(network, work.investigation, verdicts, thumbs, path)
            self.status.setText(f"Summary written to {path}")

        self.runner.submit(
            lambda: cluster_thumbnails(network, self.store.blobs),
            written,
            lambda e: self.status.setText(f"Summary failed: {e}"),
            owner=self,
        )

    def ask_reject(self) -> None:
        """Reject the edge between the two selected accounts as coincidence."""
        pair = self.selected_accounts()
        if len(pair) != 2:
            self.status.setText("Select two accounts to reject the edge between them.")
            return
        text, ok = QInputDialog.getMultiLineText(self, "Reject edge", "Why is it a coincidence?")
        if ok:
            self._run(lambda w: w.reject_edge(pair[0], pair[1], text))

    def expand_selected(self) -> None:
        """Add the neighbours of the selected accounts to the graph."""
        if self.network is None:
            return
        graph, added = self.network.graph, 0
        index = {name: n for n, name in enumerate(graph.accounts)}
        for account in self.selected_accounts():
            n = index[account]
            near = [
                (graph.accounts[b if a == n else a], float(s))
                for a, b, s in zip(
                    graph.a.tolist(), graph.b.tolist(), graph.score.tolist(), strict=True
                )
                if n in (a, b)
            ]
            added += self.graph.expand(account, near)
        self.status.setText(f"{added} neighbour(s) added")

    def evidence_of_selected(self) -> None:
        """The evidence between the two selected accounts."""
        pair = self.selected_accounts()
        if len(pair) == 2:
            self.open_evidence(pair[0], pair[1])

    def open_evidence(self, account_a: str, account_b: str) -> EvidenceDialog | None:
        """Show an edge's co-actions; exposure is recorded when the dialog closes."""
        if self.network is None or self.work is None:
            return None
        evidence = edge_evidence(self.network, account_a, account_b)
        work = self.work

        def exposure(seconds: float, items: int, pipeline: str) -> None:
            work.evidence_viewed(account_a, account_b, seconds, items, pipeline)

        dialog = EvidenceDialog(evidence, self.store.blobs, self.runner, exposure, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _run(self, command: object) -> bool:
        if self.work is None:
            return False
        try:
            command(self.work)  # type: ignore[operator]
        except (PermissionError, ValueError) as exc:
            QMessageBox.warning(self, "Coordinated networks", str(exc))
            return False
        return True


def _spin(low: float, high: float, value: float, suffix: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def _append(table: QTableWidget, values: list[object]) -> None:
    row = table.rowCount()
    table.insertRow(row)
    for col, value in enumerate(values):
        table.setItem(row, col, QTableWidgetItem(str(value)))
