"""Calibration sessions: the per-case table, alignment with the majority, kappa and alpha."""

from __future__ import annotations

import pytest

from app.quality.calibration import CalibrationVote, calibrate
from app.quality.records import Rate

from ._factories import decision
from ._published import FLEISS_TABLE


def votes(*rows: tuple[str, str, str]) -> list[CalibrationVote]:
    return [CalibrationVote(case, reviewer, action) for case, reviewer, action in rows]


SESSION = votes(
    ("c1", "ana", "remove"),
    ("c1", "ben", "remove"),
    ("c1", "cy", "keep"),
    ("c2", "ana", "keep"),
    ("c2", "ben", "keep"),
    ("c2", "cy", "keep"),
    ("c3", "ana", "remove"),
    ("c3", "ben", "keep"),
    ("c3", "cy", "warn"),
)


def test_per_case_table() -> None:
    rows = {row.case_id: row for row in calibrate(SESSION).cases}
    assert rows["c1"].actions == {"ana": "remove", "ben": "remove", "cy": "keep"}
    assert rows["c1"].majority == "remove"
    assert rows["c1"].agreement_share == pytest.approx(2 / 3)
    assert (rows["c2"].majority, rows["c2"].agreement_share) == ("keep", 1.0)
    assert rows["c3"].majority is None  # three-way tie
    assert rows["c3"].agreement_share == pytest.approx(1 / 3)


def test_alignment_with_the_majority_skips_tied_cases() -> None:
    assert calibrate(SESSION).alignment == {"ana": Rate(2, 2), "ben": Rate(2, 2), "cy": Rate(1, 2)}


def test_fleiss_and_alpha_on_the_wikipedia_table() -> None:
    # Give each of 14 reviewers one rating per subject, reading the table's counts in order.
    session = []
    for case, counts in enumerate(FLEISS_TABLE):
        ratings = [str(cat + 1) for cat, n in enumerate(counts) for _ in range(n)]
        session += [CalibrationVote(f"s{case}", f"r{r:02d}", a) for r, a in enumerate(ratings)]
    result = calibrate(session)
    assert result.fleiss.value == pytest.approx(0.210, abs=5e-4)
    kappa = result.fleiss.value
    assert result.alpha.value == pytest.approx(1 - (1 - kappa) * 139 / 140)


def test_missing_votes_leave_fleiss_undefined_but_alpha_defined() -> None:
    partial = [v for v in SESSION if (v.case_id, v.reviewer) != ("c2", "cy")]
    result = calibrate(partial)
    assert result.fleiss.value is None
    assert "every case" in result.fleiss.reason
    assert result.alpha.value is not None
    assert result.alpha.n_items == 3


def test_decisions_can_be_votes() -> None:
    session = [
        decision(
            n, case_id=f"c{n % 2}", reviewer=f"r{n // 2}", action="remove" if n % 2 else "keep"
        )
        for n in range(10)
    ]
    result = calibrate(session)
    assert result.fleiss.value == pytest.approx(1.0)
    assert result.alpha.value == pytest.approx(1.0)


def test_unanimous_single_action_session() -> None:
    result = calibrate(votes(("c1", "ana", "keep"), ("c1", "ben", "keep")))
    assert result.fleiss.value is None
    assert result.alpha.value is None
    assert result.cases[0].agreement_share == 1.0


def test_a_session_with_one_vote_per_case() -> None:
    result = calibrate(votes(("c1", "ana", "keep"), ("c2", "ana", "remove")))
    assert result.fleiss.value is None
    assert "two votes" in result.fleiss.reason
    assert result.alpha.value is None


def test_empty_session() -> None:
    result = calibrate([])
    assert result.cases == []
    assert result.fleiss.value is None
    assert result.alpha.value is None


def test_double_votes_are_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        calibrate([*SESSION, CalibrationVote("c1", "ana", "keep")])
