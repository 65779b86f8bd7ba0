"""Published worked examples with known answers, as printed in their sources."""

from __future__ import annotations

# Wikipedia, "Cohen's kappa", worked example: 50 proposals, readers A and B.
# A yes/B yes 20, A yes/B no 5, A no/B yes 10, A no/B no 15 -> p_o 0.7, p_e 0.5, kappa 0.4.
COHEN_A = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
COHEN_B = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
# Published: P-bar 0.378, P-bar_e 0.213, kappa 0.210; column totals 20, 28, 39, 21, 32.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: nominal
# data, 4 observers, 12 units, missing values ("."). Published alpha_nominal = 0.743.
KRIPP_OBSERVERS = [
    "1 2 3 3 2 1 4 1 2 . . .",
    "1 2 3 3 2 2 4 1 2 5 . 3",
    ". 3 3 3 2 3 4 2 2 5 1 .",
    "1 2 3 3 2 4 4 1 2 5 1 .",
]
KRIPP_UNITS = [
    [None if v == "." else v for v in unit]
    for unit in zip(*(row.split() for row in KRIPP_OBSERVERS), strict=True)
]
