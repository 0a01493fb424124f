"""Foreign-key columns by what happens when their target row is deleted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import mapped_column


def cascade_fk(target: str, **column: Any) -> Any:
    """A column pointing at `target` ("table.id") whose row is deleted with its target
    (a part of it: an answer of a response, a ballot of a poll). `column` goes to
    mapped_column (index=True, unique=True, ...)."""
    return mapped_column(ForeignKey(target, ondelete="CASCADE"), **column)


def set_null_fk(target: str, **column: Any) -> Any:
    """A column pointing at `target` ("table.id") that is cleared when its target is
    deleted (a reference, not a part: who created it, which round it came from)."""
    return mapped_column(ForeignKey(target, ondelete="SET NULL"), **column)
