"""Textbook implementations with exact fractions, written independently of app.quality.

They follow the sources' own recipes (pair enumeration for Krippendorff's coincidence
matrix, Fleiss' P_i and p_j, Cohen's joint proportions) and favour clarity over speed;
the tests compare the vectorised code against them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction


def coincidences(units: Sequence[Sequence[str | None]]) -> dict[tuple[str, str], Fraction]:
    """Krippendorff's o_ck: every ordered pair of values in a unit, weighted 1/(m_u - 1)."""
    o: Counter[tuple[str, str]] = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    o[a, b] += Fraction(1, m - 1)
    return dict(o)


def krippendorff_nominal(units: Sequence[Sequence[str | None]]) -> Fraction | None:
    """alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k (Krippendorff 2011)."""
    o = coincidences(units)
    n_c: Counter[str] = Counter()
    for (c, _), weight in o.items():
        n_c[c] += weight
    n = sum(n_c.values())
    disagree = sum((w for (c, k), w in o.items() if c != k), Fraction(0))
    by_chance = sum((n_c[c] * n_c[k] for c in n_c for k in n_c if c != k), Fraction(0))
    if by_chance == 0:
        return None
    return 1 - (n - 1) * disagree / by_chance


def fleiss(table: Sequence[Sequence[int]]) -> Fraction:
    """Fleiss (1971): mean P_i against sum of squared category shares p_j."""
    n = sum(table[0])
    big_n = len(table)
    p_i = [Fraction(sum(x * (x - 1) for x in row), n * (n - 1)) for row in table]
    p_bar = sum(p_i, Fraction(0)) / big_n
    p_j = [Fraction(sum(row[j] for row in table), big_n * n) for j in range(len(table[0]))]
    p_e = sum((p * p for p in p_j), Fraction(0))
    return (p_bar - p_e) / (1 - p_e)


def cohen(first: Sequence[str], second: Sequence[str]) -> Fraction:
    """Cohen (1960): (p_o - p_e) / (1 - p_e) from joint and marginal proportions."""
    n = len(first)
    p_o = Fraction(sum(a == b for a, b in zip(first, second, strict=True)), n)
    ca, cb = Counter(first), Counter(second)
    p_e = sum((Fraction(ca[k] * cb[k], n * n) for k in ca), Fraction(0))
    return (p_o - p_e) / (1 - p_e)


def scott_pi(first: Sequence[str], second: Sequence[str]) -> Fraction:
    """Scott (1955): like Cohen but chance from the pooled marginals of both raters."""
    n = len(first)
    p_o = Fraction(sum(a == b for a, b in zip(first, second, strict=True)), n)
    pooled = Counter(first) + Counter(second)
    p_e = sum((Fraction(c, 2 * n) ** 2 for c in pooled.values()), Fraction(0))
    return (p_o - p_e) / (1 - p_e)
