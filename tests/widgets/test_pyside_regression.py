"""PySide6 6.12.0 on CPython 3.11 aborts (`none_dealloc`) after ~5,000 void Qt calls.

pyproject pins PySide6 below 6.12; this test makes 100,000 such calls in a child process,
so a regression shows as a failed test instead of a crashed test run.
"""

from __future__ import annotations

import subprocess
import sys

CHILD = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for n in range(100_000):
    label.setText("x")          # void
    label.setObjectName("y")    # void
    label.setEnabled(n % 2 == 0)  # void
print("survived", n + 1)
"""


def test_one_hundred_thousand_void_calls_survive() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=240
    )
    assert "none_dealloc" not in done.stderr
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived 100000" in done.stdout


def test_installed_pyside6_is_inside_the_pin() -> None:
    import PySide6

    major, minor = (int(p) for p in PySide6.__version__.split(".")[:2])
    assert (6, 9) <= (major, minor) < (6, 12)
