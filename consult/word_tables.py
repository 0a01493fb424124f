"""Tables in the Word (DOCX) reports, styled alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def docx_table(document: Any, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A table in the Word document: a header row, then one row a sequence of cell texts."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
