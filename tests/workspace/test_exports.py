"""Exports open with the libraries councils' tools use and hold what they promise."""

from __future__ import annotations

import csv
import io
import json
import re

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from consult.extensions import db
from consult.models import AnalysisRun, Theme
from consult.workspace import queries


def _analysed(app, client, consultation):  # type: ignore[no-untyped-def]
    response = client.post(f"/workspace/consultations/{consultation['id']}/runs", data={})
    run_id = int(re.search(r"/runs/(\d+)", response.headers["Location"]).group(1))
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        theme = next(
            t
            for t in queries.live_themes(run, consultation["questions"][0])
            if not t.no_substantive_comment
        )
        theme_id, label = theme.id, theme.label
    client.post(
        f"/workspace/themes/{theme_id}/response",
        data={"status": "not_accepted", "text": "Not this year.", "reasons": "No budget left."},
    )
    return theme_id, label


def test_xlsx_has_answers_themes_closed_questions_and_profile(
    app, officer_client, closed_consultation
):
    _, label = _analysed(app, officer_client, closed_consultation)
    response = officer_client.get(
        f"/workspace/consultations/{closed_consultation['id']}/export.xlsx"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:2] == ["Answers", "Themes"]
    assert any(name.startswith("Closed Q1") for name in book.sheetnames)
    assert book.sheetnames[-1] == "Respondent profile"
    answers = list(book["Answers"].iter_rows(values_only=True))
    assert answers[0][:6] == (
        "response",
        "respondent_type",
        "submitted",
        "question",
        "answer",
        "theme",
    )
    assert len(answers) - 1 == 2 * closed_consultation["answers"]
    assert all(row[5] for row in answers[1:]), "every answer carries its theme code"
    assert not any("07700" in str(row[4]) for row in answers[1:])
    themes = list(book["Themes"].iter_rows(values_only=True))
    row = next(r for r in themes if r[1] == label)
    assert row[11] == "Not accepted" and row[12] == "No budget left."
    closed = next(book[n] for n in book.sheetnames if n.startswith("Closed Q1"))
    assert [c.value for c in closed[2]] == ["option", "count", "share"]
    profile = list(book["Respondent profile"].iter_rows(values_only=True))
    assert profile[1][:2] == ("Age", "16-24")


def test_docx_report_has_title_method_figures_questions_charts_and_response(
    app, officer_client, closed_consultation
):
    _, label = _analysed(app, officer_client, closed_consultation)
    response = officer_client.get(
        f"/workspace/consultations/{closed_consultation['id']}/export.docx"
    )
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == "Park plan"
    for expected in (
        "Method",
        "Headline figures",
        "Question 1: What do you like about the plan?",
        "Question 2: What would you change?",
        label,
        "Closed questions",
        "Who responded",
    ):
        assert expected in headings, expected
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Council response: Not accepted. Not this year." in text
    assert "Reasons: No budget left." in text
    assert len(document.inline_shapes) >= 3  # responses over time + a chart per question


def test_csv_and_open_data_are_redacted_and_anonymous(app, officer_client, closed_consultation):
    _analysed(app, officer_client, closed_consultation)
    cid = closed_consultation["id"]
    rows = list(
        csv.DictReader(
            io.StringIO(
                officer_client.get(f"/workspace/consultations/{cid}/export.csv").data.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(rows) == 2 * closed_consultation["answers"] and rows[0]["theme"]
    data = json.loads(officer_client.get(f"/workspace/consultations/{cid}/export.json").data)
    flat = json.dumps(data)
    assert "example.org" not in flat and "RSP-TEST" not in flat and "07700" not in flat
    assert data["answers"][0]["respondent"] == 1 and data["themes"]
    assert all(t["council_response"] is None for t in data["themes"])  # none published yet
    with app.app_context():
        assert db.session.scalars(select(Theme)).first() is not None


def test_xlsx_sheets_have_frozen_filtered_headers_fitted_widths_and_percentages(
    app, officer_client, closed_consultation
):
    _analysed(app, officer_client, closed_consultation)
    response = officer_client.get(
        f"/workspace/consultations/{closed_consultation['id']}/export.xlsx"
    )
    book = load_workbook(io.BytesIO(response.data))
    closed_name = next(n for n in book.sheetnames if n.startswith("Closed Q1"))
    for name, header_row in (("Answers", 1), ("Themes", 1), (closed_name, 2)):
        sheet = book[name]
        assert sheet.freeze_panes == f"A{header_row + 1}", name
        assert sheet.auto_filter.ref.startswith(f"A{header_row}:"), name
        assert all(cell.font.bold for cell in sheet[header_row]), name
    answers = book["Answers"]
    assert 8 < answers.column_dimensions["E"].width <= 60  # the answers: wide, capped
    assert answers.column_dimensions["A"].width < answers.column_dimensions["E"].width
    themes = book["Themes"]
    share = [c.value for c in themes[1]].index("share") + 1
    assert all(row[share - 1].number_format == "0.0%" for row in themes.iter_rows(min_row=2))
    closed = book[closed_name]
    assert closed.cell(row=3, column=3).number_format == "0.0%"
    profile = book["Respondent profile"]
    assert profile.cell(row=2, column=4).number_format == "0.0%"
