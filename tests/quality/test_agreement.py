"""Agreement statistics against published worked examples, a textbook reference and identities."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.quality.agreement import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    rating_table,
)

from . import _reference as ref
from ._published import COHEN_A, COHEN_B, FLEISS_TABLE, KRIPP_UNITS

labels = st.sampled_from(["keep", "remove", "warn"])


def test_cohen_wikipedia_example() -> None:
    result = cohen_kappa(COHEN_A, COHEN_B)
    assert result.observed == pytest.approx(0.7)
    assert result.expected == pytest.approx(0.5)
    assert result.value == pytest.approx(0.4)
    assert result.n_items == 50


def test_fleiss_wikipedia_example() -> None:
    assert np.sum(FLEISS_TABLE, axis=0).tolist() == [20, 28, 39, 21, 32]
    result = fleiss_kappa(FLEISS_TABLE)
    assert result.observed == pytest.approx(0.378, abs=5e-4)
    assert result.expected == pytest.approx(0.213, abs=5e-4)
    assert result.value == pytest.approx(0.210, abs=5e-4)
    assert result.value == pytest.approx(float(ref.fleiss(FLEISS_TABLE)))


def test_krippendorff_2011_coincidence_matrix() -> None:
    o = ref.coincidences(KRIPP_UNITS)
    diagonal = [o.get((c, c), 0) for c in "12345"]
    assert diagonal == [7, 10, 8, 4, 3]
    assert o["1", "2"] == Fraction(4, 3)
    assert sum(o.values()) == 40  # n pairable values; unit 12 has one value only


def test_krippendorff_2011_nominal_example() -> None:
    result = krippendorff_alpha(rating_table(KRIPP_UNITS))
    assert result.value == pytest.approx(0.743, abs=5e-4)
    assert result.value == pytest.approx(float(ref.krippendorff_nominal(KRIPP_UNITS)))
    assert result.n_items == 11


def test_percent_agreement() -> None:
    assert percent_agreement(COHEN_A, COHEN_B) == pytest.approx(0.7)
    assert percent_agreement([], []) is None


def test_empty_inputs_are_undefined_not_errors() -> None:
    for result in (cohen_kappa([], []), fleiss_kappa([]), krippendorff_alpha([])):
        assert result.value is None
        assert result.n_items == 0
        assert result.reason


def test_one_category_only_is_undefined_with_full_agreement() -> None:
    for result in (
        cohen_kappa(["keep"] * 5, ["keep"] * 5),
        fleiss_kappa([[3, 0], [3, 0]]),
        krippendorff_alpha(rating_table([["keep", "keep"], ["keep", None, "keep"]])),
    ):
        assert result.value is None
        assert (result.observed, result.expected) == (1.0, 1.0)
        assert "single category" in result.reason


def test_raters_each_stuck_on_a_different_category_get_zero() -> None:
    assert cohen_kappa(["keep"] * 4, ["remove"] * 4).value == 0.0


def test_krippendorff_without_pairable_units_is_undefined() -> None:
    result = krippendorff_alpha(rating_table([["keep"], [None, "remove"]]))
    assert result.value is None
    assert "two or more" in result.reason


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cohen_kappa(["a"], ["a", "b"]), "different numbers"),
        (lambda: percent_agreement(["a"], []), "different numbers"),
        (lambda: fleiss_kappa([[2, 0], [1, 2]]), "same number of ratings"),
        (lambda: fleiss_kappa([[1, 0], [0, 1]]), "at least two"),
        (lambda: fleiss_kappa([[2, -1]]), "non-negative"),
        (lambda: krippendorff_alpha([[0.5, 1.5]]), "non-negative integers"),
        (lambda: krippendorff_alpha([1, 2]), "dimensions"),
        (lambda: rating_table([["a", "z"]], labels=["a"]), "not listed"),
        (lambda: rating_table([["a"]], labels=["a", "a"]), "distinct"),
    ],
)
def test_malformed_inputs_raise(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@st.composite
def rater_pairs(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Two raters over the same items, at least two categories used between them."""
    n = draw(st.integers(1, 40))
    first = draw(st.lists(labels, min_size=n, max_size=n))
    second = draw(st.lists(labels, min_size=n, max_size=n))
    if len(set(first) | set(second)) < 2:
        second[0] = "warn" if first[0] != "warn" else "keep"
    return first, second


# No deadline on examples: CI machines are shared, and a slow example is not a wrong one.
@settings(deadline=None)
@given(rater_pairs())
def test_cohen_matches_reference_and_is_symmetric(pair: tuple[list[str], list[str]]) -> None:
    first, second = pair
    value = cohen_kappa(first, second).value
    assert value == pytest.approx(float(ref.cohen(first, second)))
    assert value == pytest.approx(cohen_kappa(second, first).value)
    assert value is not None and -1.0 <= value <= 1.0


@settings(deadline=None)
@given(st.lists(labels, min_size=1, max_size=40).filter(lambda xs: len(set(xs)) > 1))
def test_identical_raters_have_kappa_one(ratings: list[str]) -> None:
    assert cohen_kappa(ratings, list(ratings)).value == pytest.approx(1.0)


@st.composite
def complete_units(draw: st.DrawFn) -> list[list[str]]:
    """Items each rated by the same number (2-6) of raters, two or more categories in all."""
    raters = draw(st.integers(2, 6))
    units = draw(st.lists(st.lists(labels, min_size=raters, max_size=raters), min_size=1))
    if len({v for unit in units for v in unit}) < 2:
        units[0][0] = "warn" if units[0][0] != "warn" else "keep"
    return units


@settings(deadline=None)
@given(complete_units())
def test_fleiss_matches_reference(units: list[list[str]]) -> None:
    table = rating_table(units)
    assert fleiss_kappa(table).value == pytest.approx(float(ref.fleiss(table.counts.tolist())))


@settings(deadline=None)
@given(complete_units(), st.data())
def test_fleiss_ignores_item_and_category_order(
    units: list[list[str]], data: st.DataObject
) -> None:
    counts = rating_table(units).counts
    rows = data.draw(st.permutations(range(len(counts))))
    columns = data.draw(st.permutations(range(counts.shape[1])))
    shuffled = counts[rows][:, columns]
    assert fleiss_kappa(shuffled).value == pytest.approx(fleiss_kappa(counts).value)


@settings(deadline=None)
@given(rater_pairs())
def test_fleiss_with_two_raters_is_scotts_pi(pair: tuple[list[str], list[str]]) -> None:
    table = rating_table(list(zip(*pair, strict=True)))
    assert fleiss_kappa(table).value == pytest.approx(float(ref.scott_pi(*pair)))


@settings(deadline=None)
@given(complete_units())
def test_alpha_on_complete_data_is_fleiss_rescaled(units: list[list[str]]) -> None:
    # Exact identity for nominal data with no missing values, M = N items x m ratings:
    # both share observed agreement P-bar; alpha's chance term sum n_c(n_c-1) / M(M-1)
    # gives 1 - A_e = (1 - P_e) M / (M - 1), hence alpha = 1 - (1 - kappa)(M - 1) / M.
    table = rating_table(units)
    kappa = fleiss_kappa(table).value
    values = int(table.counts.sum())
    assert kappa is not None
    expected = 1 - (1 - kappa) * (values - 1) / values
    assert krippendorff_alpha(table).value == pytest.approx(expected)


units_with_gaps = st.lists(
    st.lists(st.one_of(st.none(), labels), min_size=1, max_size=6), min_size=1, max_size=20
)


@settings(deadline=None)
@given(units_with_gaps)
def test_alpha_matches_pair_enumeration(units: list[list[str | None]]) -> None:
    expected = ref.krippendorff_nominal(units)
    value = krippendorff_alpha(rating_table(units)).value
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(float(expected))


@settings(deadline=None)
@given(units_with_gaps, labels)
def test_alpha_ignores_units_with_a_single_rating(units: list[list[str | None]], lone: str) -> None:
    before = krippendorff_alpha(rating_table(units)).value
    after = krippendorff_alpha(rating_table([*units, [None, lone, None]])).value
    assert after == pytest.approx(before) if before is not None else after is None


@settings(deadline=None)
@given(st.lists(st.tuples(labels, st.integers(2, 5)), min_size=2, max_size=20))
def test_alpha_is_one_when_every_unit_is_unanimous(units: list[tuple[str, int]]) -> None:
    rows = [[label] * count for label, count in units]
    result = krippendorff_alpha(rating_table(rows))
    if len({label for label, _ in units}) > 1:
        assert result.value == pytest.approx(1.0)
    else:
        assert result.value is None
