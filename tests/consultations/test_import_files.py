"""Issue 14, M7, M8, L8: import files that are too big, hold a cell over the CSV limit, a
5,000-digit amount or a byte-order mark get a clear 4xx (or are read right), never a 500,
and the single worker is not kept busy reading a file it will refuse."""

from __future__ import annotations

import io

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
    assert "1 of 1 rows have problems" in report
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
