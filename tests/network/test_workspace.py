"""The investigation workspace: build off the UI thread, clusters and graph, a verdict,
an edge's evidence with filtered media and its exposure recorded; the Tools menu entry."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from app.domain.people import Accounts, Reviewer, Role
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from app.network.dataset import import_posts
from app.network.models import ClusterVerdict
from widgets.network.workspace import InvestigationWorkspace
from widgets.shell.application import build_window, make_app
from widgets.shell.tasks import InlineTaskRunner

ANALYST = Reviewer("ana", "Ana", Role.ANALYST, frozenset())
ACCOUNTS = ("acct-a", "acct-b", "acct-c", "acct-d")


def _picture(path: Path) -> Path:
    """A procedurally drawn picture (rings on a gradient)."""
    y, x = np.mgrid[0:96, 0:96]
    rings = ((np.hypot(x - 48, y - 48) // 8) % 2) * 200
    rgb = np.stack([rings, x * 2, y * 2], axis=-1).astype(np.uint8)
    Image.fromarray(rgb).save(path)
    return path


@pytest.fixture
def investigation(store: LocalStore, tmp_path: Path) -> LocalStore:
    sha, _size = store.blobs.put_file(_picture(tmp_path / "rings.png"))
    rows = []
    for burst in range(4):
        for n, account in enumerate(ACCOUNTS):
            rows.append(
                {
                    "post_id": f"p-{burst}-{n}",
                    "account_id": account,
                    "handle": f"@{account}",
                    "posted_at": f"2026-03-0{burst + 1}T10:00:{10 * n:02d}Z",
                    "text": f"look at this {burst}",
                    "media_ref": sha,
                    "media_phash": "f0e1d2c3b4a59687",
                }
            )
    rows.append({"post_id": "lone", "account_id": "acct-z", "posted_at": "2026-03-09T00:00:00Z"})
    path = tmp_path / "posts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert import_posts(store, "spring", path).added == len(rows)
    return store


def test_build_judge_and_open_the_evidence(
    qtbot: QtBot, investigation: LocalStore, policies: PolicySet
) -> None:
    make_app()
    runner = InlineTaskRunner()
    ws = InvestigationWorkspace(investigation, policies, ANALYST, runner)
    qtbot.addWidget(ws)
    ws.show()
    assert ws.choice.currentText() == "spring"
    with qtbot.waitSignal(ws.graph.drawn, timeout=10000):
        ws.build()
    assert ws.network is not None and ws.bar.value() == 100
    assert ws.clusters.rowCount() == 1 and ws.clusters.item(0, 2).text() == "4"
    assert set(ws.graph.nodes) == set(ACCOUNTS) and len(ws.graph.edges) == 6
    ws.clusters.selectRow(0)
    ws.judge(ws.selected_cluster(), "coordinated", "Same picture in four bursts")  # type: ignore[arg-type]
    assert ws.clusters.item(0, 5).text() == "coordinated"
    with investigation.read() as session:
        assert session.query(ClusterVerdict).one().rationale == "Same picture in four bursts"
    dialog = ws.open_evidence("acct-a", "acct-b")
    assert dialog is not None
    assert dialog.media_shown == 8  # four co-actions, both posts' media, filtered
    ws.grab().save(str(investigation.data_dir / "workspace.png"))
    dialog.close()
    (viewed,) = [e for e in investigation.events() if e.kind == "network.evidence_viewed"]
    assert viewed.payload["media_items"] == 8 and viewed.payload["pipeline"]
    ws.accounts.selectRow(0)
    ws.expand_selected()
    summary = investigation.data_dir / "summary.pdf"
    ws.write_summary(summary)
    page = PdfReader(summary).pages[0]
    text = " ".join(page.extract_text().split())
    assert "Coordinated networks: spring" in text and "coordinated" in text
    assert ws.network.clusters[0].cluster_id in text
    assert len(page.images) == 1  # the one picture, filtered
    ws.close()


def test_a_cancelled_build_says_so(
    qtbot: QtBot, investigation: LocalStore, policies: PolicySet
) -> None:
    make_app()

    class CancelFirst(InlineTaskRunner):
        def submit(self, fn, on_done, on_error, owner=None):  # type: ignore[no-untyped-def]
            ws.cancel()
            super().submit(fn, on_done, on_error, owner)

    ws = InvestigationWorkspace(investigation, policies, ANALYST, CancelFirst())
    qtbot.addWidget(ws)
    ws.build()
    assert ws.status.text() == "Build cancelled." and ws.build_button.isEnabled()


def test_the_tools_menu_opens_the_workspace_for_analysts_only(
    qtbot: QtBot, investigation: LocalStore, policies: PolicySet
) -> None:
    make_app()
    for role, shown in (("analyst", True), ("moderator", False)):
        person = Accounts(investigation).add(f"{role}-1", "long-password", role)
        window = build_window(investigation, policies, person, investigation.data_dir)
        qtbot.addWidget(window)
        tools = {a.text(): a for a in window.menus["Tools"].actions()}
        assert ("Coordinated networks…" in tools) is shown
        if shown:
            tools["Coordinated networks…"].trigger()
            workspace = window.network_tools.workspace  # type: ignore[attr-defined]
            assert workspace is not None and workspace.isVisible()
            assert workspace.choice.currentText() == "spring"
            workspace.close()
        window.close()
