"""Mask listed terms in reported text until the reviewer reveals it.

The bundled list (resources/wordlists/masked_terms.txt) has placeholders only; a team puts
its own terms in masked_terms.txt in the data dir, which adds to the bundled list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

MASK = "█"


def load_terms(*files: Path) -> list[str]:
    """Terms from each existing file: one per line, '#' starts a comment line."""
    terms: list[str] = []
    for path in files:
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            terms += [t.strip() for t in lines if t.strip() and not t.lstrip().startswith("#")]
    return terms


class TermMask:
    """Replaces whole-word (or bracketed) occurrences of the terms with blocks."""

    def __init__(self, terms: Iterable[str]) -> None:
        words = sorted({t.lower() for t in terms if t}, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(_bounded(w) for w in words), re.IGNORECASE) if words else None
        )

    def apply(self, text: str) -> tuple[str, int]:
        """(masked text, how many terms were masked)."""
        if self._pattern is None:
            return text, 0
        return self._pattern.subn(lambda m: MASK * len(m.group(0)), text)


def _bounded(word: str) -> str:
    escaped = re.escape(word)
    # Word boundaries only make sense next to word characters ("[slur]" has none).
    left = r"\b" if word[0].isalnum() else ""
    right = r"\b" if word[-1].isalnum() else ""
    return f"{left}{escaped}{right}"
