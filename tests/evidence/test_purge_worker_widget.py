"""The workstation's purge worker: a round on a worker thread purges a closed case."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.policies import PolicySet
from app.log.store import LocalStore
from db.models import Case, MediaItem
from tests.evidence.conftest import close_case
from tests.widgets.conftest import window  # noqa: F401 - the fixture
from widgets.evidence.feature import EvidenceFeature
from widgets.shell.main_window import MainWindow


def test_purge_worker_round_purges_a_closed_spam_case(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    demo_store: LocalStore,
    policies: PolicySet,
) -> None:
    feature = next(c for c in window.children() if isinstance(c, EvidenceFeature))
    with demo_store.read() as session:
        case_id, sha = session.execute(
            select(Case.case_id, MediaItem.sha256)
            .join(MediaItem, MediaItem.case_id == Case.case_id)
            .where(Case.category == "spam_scams", Case.status == "new")
            .limit(1)
        ).one()
    close_case(demo_store, policies, case_id, actor="lead")
    assert demo_store.blobs.has(sha)
    qtbot.waitUntil(lambda: not feature.busy, timeout=10000)
    feature.purge_now()
    qtbot.waitUntil(
        lambda: feature.last is not None and case_id in feature.last.purged, timeout=10000
    )
    assert not demo_store.blobs.has(sha)
    assert "media file(s)" in window.statusBar().currentMessage()
