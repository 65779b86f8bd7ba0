"""Exports: CSV of decisions, QA results and metrics with headers; the PDF QA report,
headless through `veil export`, with its text checked by extracting it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.cli.main import build_parser, run
from app.domain.policies import PolicySet
from app.exports.csv_files import (
    DECISION_HEADER,
    METRICS_HEADER,
    QA_HEADER,
    write_decisions,
    write_metrics,
    write_qa,
)
from app.log.store import LocalStore
from app.qa.dashboard import build_dashboard
from app.qa.dataset import Scope, read_snapshot
from widgets.shell.main import main as veil_main

FIRST = (datetime.now(UTC) - timedelta(days=20)).date()
LAST = datetime.now(UTC).date()


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_exports_have_headers_and_every_row(
    lead_store: LocalStore, policies: PolicySet
) -> None:
    scope = Scope.days(FIRST, LAST)
    out = {name: io.StringIO() for name in ("decisions", "qa", "metrics")}
    with read_snapshot(lead_store.engine) as cur:
        n_decisions = write_decisions(cur, scope, out["decisions"])
        n_qa = write_qa(cur, scope, out["qa"])
    data = build_dashboard(
        lead_store.engine, scope, [p.id for p in policies if p.graphic], datetime.now(UTC)
    )
    write_metrics(data, out["metrics"])
    decisions, qa, metrics = (_rows(out[k].getvalue()) for k in ("decisions", "qa", "metrics"))
    assert tuple(decisions[0]) == DECISION_HEADER and len(decisions) == n_decisions
    assert n_decisions == data.totals.decisions
    assert tuple(qa[0]) == QA_HEADER and len(qa) == n_qa > 0
    assert tuple(metrics[0]) == METRICS_HEADER
    assert {r["gold_copy_of"] != "" for r in decisions} == {True, False}
    judged = [r for r in qa if r["verdict"]]
    assert judged and all(r["blind_action"] for r in judged)
    sections = {r["section"] for r in metrics}
    assert {
        "team",
        "queue",
        "day",
        "week",
        "policy",
        "reviewer",
        "team_exposure",
        "confusion",
        "confusion_by_policy",
    } <= sections
    weeks = [r for r in metrics if (r["section"], r["metric"]) == ("week", "throughput")]
    assert sum(int(r["value"]) for r in weeks) == data.totals.decisions
    kappa = next(r for r in metrics if (r["section"], r["metric"]) == ("team", "cohen_kappa"))
    assert float(kappa["value"]) == pytest.approx(data.kappa.value, abs=1e-6)


def test_the_export_commands_write_files(
    lead_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    period = ["--from", FIRST.isoformat(), "--to", LAST.isoformat(), "--tz", "Europe/Berlin"]
    for what in ("decisions", "qa", "metrics"):
        target = tmp_path / f"{what}.csv"
        argv = ["--data-dir", str(lead_dir), "export", what, *period, "--out", str(target)]
        assert run(build_parser().parse_args(argv)) == 0
        assert target.read_text().count("\n") > 5
    assert "row(s) of metrics" in capsys.readouterr().out
    bad = ["--data-dir", str(lead_dir), "export", "qa", "--tz", "Mars/Olympus", "--out", "-"]
    with pytest.raises(SystemExit):
        run(build_parser().parse_args(bad))


def test_the_pdf_report_has_the_period_team_figures_and_tables(
    lead_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "qa-report.pdf"
    argv = ["--data-dir", str(lead_dir), "export", "report", "--from", FIRST.isoformat()]
    argv += ["--to", LAST.isoformat(), "--team", "Trust and Safety EU", "--out", str(target)]
    assert veil_main(argv) == 0
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(target).pages)
    assert "Veil QA report" in text
    assert f"Period: {FIRST.isoformat()} to {LAST.isoformat()}" in text
    assert "Team: Trust and Safety EU" in text
    for heading in ("QA agreement per week", "Cohen's kappa by policy", "Throughput per day",
                    "Backlog by queue", "Team wellbeing", "Per-reviewer scorecards"):  # fmt: skip
        assert heading in text
    # People by display name; policies, actions and queues in the policy files' words.
    assert "Amara" in text and "Hate speech" in text and "No violation" in text
    for raw in ("hate_speech", "spam_scams", "no_violation", "hate-harassment"):
        assert raw not in text
    assert "reviewer-days" in text  # the team exposure line (6+ people: shown)
