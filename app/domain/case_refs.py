"""How a person names a case: its number as everyone sees it (`#1042` or `1042`), or the
case id (a UUID) that events carry. Every command that takes a case reads it here.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case

_NUMBER = re.compile(r"#?\s*(\d{1,12})")


class UnknownCase(LookupError):
    """A case reference that is malformed, or names no case in this store."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown case"


def case_ref(text: str) -> int | str:
    """The case number (int) or the case id (str) that text names.

    Raises:
        UnknownCase: text is neither `#NUMBER`, `NUMBER` nor a UUID.
    """
    text = text.strip()
    number = _NUMBER.fullmatch(text)
    if number:
        return int(number.group(1))
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise UnknownCase(
            f"case {text!r}: expected a case number (#1042 or 1042) or a case id (UUID)"
        ) from None


def case_label(case_no: int) -> str:
    """A case number as people read it: #1042."""
    return f"#{case_no}"


def resolve_case(session: Session, text: str) -> str:
    """The case id that text names, checked against the store.

    Raises:
        UnknownCase: malformed, or no such case (the message names the number or id).
    """
    ref = case_ref(text)
    if isinstance(ref, int):
        found = session.scalar(select(Case.case_id).where(Case.case_no == ref))
        if found is None:
            raise UnknownCase(f"case {case_label(ref)}: no such case in this store")
        return found
    if session.get(Case, ref) is None:
        raise UnknownCase(f"case {ref}: no such case in this store")
    return ref
