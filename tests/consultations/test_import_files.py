"""Issue 14, M7, M8, L8: import files that are too big, hold a cell over the CSV limit, a
5,000-digit amount or a byte-order mark get a clear 4xx (or are read right), never a 500,
and the single worker is not kept busy reading a file it will refuse."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Response, ResponseImport
from tests.consultations.test_consultation_moderation_import import _mapping, _officer

HEADER = "What would make buses better?,How often,Budget,Age band,Date received\n"


def _post(client, name: str, content: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        "/consultations/manage/bus/imports/new",
        data={"file": (io.BytesIO(content), name), "channel": "paper"},
        content_type="multipart/form-data",
    )


@pytest.fixture
def officer(client, every_kind, question_ids, make_user, sign_in):  # type: ignore[no-untyped-def]
    ids = question_ids(every_kind(slug="bus"))
    _officer(client, make_user, sign_in)
    return ids


def test_a_cell_over_the_csv_limit_is_a_clear_400(app, client, officer):
    content = (HEADER + "More buses,weekly,,," + "x" * 200_000 + "\n").encode()
    response = _post(client, "paper.csv", content)
    assert response.status_code == 400
    assert "line 2 has a cell longer than 131,072 characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ResponseImport.id))) == 0


def test_a_five_thousand_digit_budget_amount_is_a_row_problem(app, client, officer):
    content = (HEADER + f"More buses,weekly,Roads: {'9' * 5000}; Parks: 1,,\n").encode()
    response = _post(client, "paper.csv", content)
    assert response.status_code == 302
    page_url = response.headers["Location"]
    checked = client.post(page_url, data={**_mapping(officer), "action": "check"})
    assert checked.status_code < 500
    report = client.get(page_url).get_data(as_text=True)
    assert "1 of 1 row has problems" in report
    assert "Row 2: Question 6: Enter each amount as a whole number of pounds" in report
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_file_with_its_mark_is_read(app, client, officer, encoding):
    mark = b"\xff\xfe" if encoding == "utf-16-le" else b"\xfe\xff"
    content = mark + (HEADER + "Café buses,weekly,Roads: 60; Parks: 40,,\n").encode(encoding)
    response = _post(client, "paper.csv", content)
    assert response.status_code == 302
    with app.app_context():
        record = db.session.scalar(select(ResponseImport))
        assert record.report["headers"][0] == "What would make buses better?"
        assert record.report["rows"][0][0] == "Café buses"


def test_a_utf16_file_without_its_mark_is_refused_saying_why(client, officer):
    response = _post(client, "paper.csv", (HEADER + "More buses,,,,\n").encode("utf-16-le"))
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def _xlsx(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["What would make buses better?", "How often"])
    for number in range(rows):
        book.active.append([f"Answer {number}", "weekly"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rezip(content: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(member.filename, change(member.filename, source.read(member)))
        if change("extra", None) is not None:
            target.writestr("xl/media/padding.bin", change("extra", None))
    return out.getvalue()


def test_an_xlsx_that_unpacks_to_more_than_the_cap_is_refused_before_reading(app, client, officer):
    bomb = _rezip(_xlsx(2), lambda name, data: b"\0" * 60_000_000 if name == "extra" else data)
    assert len(bomb) < 200_000  # small on the wire, 60 MB unpacked
    response = _post(client, "email.xlsx", bomb)
    assert response.status_code == 400
    assert "more than the 50 MB an import may hold" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ResponseImport.id))) == 0


def test_an_xlsx_with_too_many_rows_is_refused_without_reading_the_rest(client, officer):
    """Rows after the 5,001st are never parsed: here they are not even well-formed XML,
    so a reader that read every row before counting would call the file broken."""

    def cut(name: str, data: bytes | None) -> bytes | None:
        if name != "xl/worksheets/sheet1.xml" or data is None:
            return None if name == "extra" else data
        return data[: data.index(b'<row r="5010"')] + b'<row r="5010"><c r="A5010" t="'

    response = _post(client, "email.xlsx", _rezip(_xlsx(6000), cut))
    assert response.status_code == 400
    assert "import at most 5,000 rows at a time" in response.get_data(as_text=True)


def test_an_xlsx_sheet_with_far_too_many_rows_is_refused_by_a_byte_scan(client, officer):
    """openpyxl parses the whole of a sheet that does not state its size before the first
    row is read; such a sheet of 10,001+ rows is refused before openpyxl sees it."""

    def without_dimension(name: str, data: bytes | None) -> bytes | None:
        if name == "xl/worksheets/sheet1.xml" and data is not None:
            return re.sub(rb"<dimension [^>]*/>", b"", data)
        return None if name == "extra" else data

    response = _post(client, "email.xlsx", _rezip(_xlsx(12_000), without_dimension))
    assert response.status_code == 400
    assert "A sheet in the file has 12,001 rows" in response.get_data(as_text=True)
