"""The jury's report as DOCX and XLSX (issue 18, section 4: "in the jury's outcome page,
the exports and the DOCX report"): recommendations with the council's responses, pool and
panel against the area, and what deliberation changed, opened with python-docx/openpyxl."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook

from tests.representation.test_jury_representation import _jury_with_categories, _questionnaire


def _paper(client, jury_id, question_id, members):  # type: ignore[no-untyped-def]
    paper = f"/workspace/juries/{jury_id}/questionnaire/paper"
    for number, member in enumerate(members):
        for stage, value in (("before", "2"), ("after", "4" if number < 5 else "2")):
            response = client.post(
                paper, data={"member": member, "stage": stage, f"q{question_id}": value}
            )
            assert response.status_code == 302


def test_the_jury_report_carries_who_took_part_and_what_changed(
    app, officer_client, make_jury, make_panel_member, council_margins
):
    jury_id = _jury_with_categories(app, make_jury)
    question_id = _questionnaire(app, officer_client, jury_id)
    members = [make_panel_member(jury_id=jury_id, name=f"Q{n}")[0] for n in range(6)]
    _paper(officer_client, jury_id, question_id, members)
    page = officer_client.get(f"/workspace/juries/{jury_id}").get_data(as_text=True)
    assert f"/workspace/juries/{jury_id}/export.docx" in page

    docx = officer_client.get(f"/workspace/juries/{jury_id}/export.docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "Who took part, against who lives here" in text
    assert "Women are 51% of residents and 80% of the pool." in text
    assert "Has a car: not compared (the population figures have no such dimension)." in text
    assert "What deliberation changed" in text and "Buses should come first" in text
    assert "5 of 6 members who answered both times agreed more strongly" in text
    table = Document(io.BytesIO(docx.data)).tables[-1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Answer", "Before", "After"] and ["Disagree", "6", "1"] in rows

    xlsx = officer_client.get(f"/workspace/juries/{jury_id}/export.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["Recommendations", "Pool and panel", "Before and after"]
    pool = list(book["Pool and panel"].iter_rows(values_only=True))
    woman = next(row for row in pool if row[:3] == ("Pool", "Gender", "Woman"))
    assert woman[4] == 8 and abs(woman[5] - 0.8) < 1e-9  # 8 of the pool's 10
    changes = list(book["Before and after"].iter_rows(values_only=True))
    assert ("Buses should come first", "Agree", 0, 5) in [row[:4] for row in changes]
    assert book["Before and after"].freeze_panes == "A2"


def test_only_officers_get_the_jury_report(app, client, make_user, sign_in, make_jury):
    jury_id = make_jury(status="finished")
    assert client.get(f"/workspace/juries/{jury_id}/export.docx").status_code in (302, 401)
    make_user("facilitator", email="f@council.example")
    sign_in(client, email="f@council.example")
    assert client.get(f"/workspace/juries/{jury_id}/export.docx").status_code == 403
    assert client.get(f"/workspace/juries/{jury_id}/export.pdf").status_code in (403, 404)
