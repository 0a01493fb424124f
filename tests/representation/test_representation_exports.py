"""Who answered, in the XLSX workbook, the DOCX report and the public summary."""

from __future__ import annotations

import io

from consult.extensions import db


def _weight_to_test_ward(app, client, consultation_id):  # type: ignore[no-untyped-def]
    from consult.models import PopulationMargins

    with app.app_context():
        area = PopulationMargins(
            area="Test ward",
            source="Made up",
            year=2021,
            shares={"age_band": {"25-34": 0.6, "65-74": 0.4}},
        )
        db.session.add(area)
        db.session.commit()
        area_id = area.id
    response = client.post(
        f"/workspace/consultations/{consultation_id}/representation/weighting",
        data={
            "margins": str(area_id),
            "dimensions": ["age_band"],
            "trim_low": "0.2",
            "trim_high": "5",
        },
    )
    assert response.status_code == 302


def test_xlsx_has_a_who_answered_sheet_with_weighted_results(
    app, officer_client, council_margins, skewed_consultation
):
    from openpyxl import load_workbook

    consultation_id = skewed_consultation["id"]
    _weight_to_test_ward(app, officer_client, consultation_id)
    response = officer_client.get(f"/workspace/consultations/{consultation_id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Who answered"]
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Population figures: Test ward, Made up (2021)"
    assert rows[3][:4] == ("Age", "65 to 74", 0.4, 40)
    assert rows[4][:4] == ("Age", "Prefer not to say", None, 4)
    assert rows[5][:4] == ("Age", "Not answered", None, 6)
    weighted = next(row for row in rows if row and row[1] == "Yes")
    assert weighted[2] == 35 and abs(weighted[3] - 0.5) < 1e-9
    assert abs(weighted[6] - 27 / 70) < 1e-6


def test_docx_has_a_who_answered_section(app, officer_client, council_margins, skewed_consultation):
    from docx import Document

    consultation_id = skewed_consultation["id"]
    _weight_to_test_ward(app, officer_client, consultation_id)
    response = officer_client.get(f"/workspace/consultations/{consultation_id}/export.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert "Who answered, against who lives here" in text
    assert "People aged 65 to 74 are 40% of residents and 67% of respondents." in text
    assert "Prefer not to say: 4. Not answered: 6." in text
    assert "Yes: 50% unweighted, 39% weighted" in text


def test_public_summary_shows_who_answered(app, client, council_margins, skewed_consultation):
    from consult.models import AnalysisRun, Consultation, Question, Theme, utcnow

    with app.app_context():
        consultation = db.session.get(Consultation, skewed_consultation["id"])
        question = Question(
            consultation_id=consultation.id, position=1, kind="free_text", prompt="Why?"
        )
        db.session.add(question)
        db.session.flush()
        run = AnalysisRun(consultation_id=consultation.id, status="done", finished_at=utcnow())
        db.session.add(run)
        db.session.flush()
        db.session.add(
            Theme(
                run_id=run.id,
                question_id=question.id,
                label="Buses are late",
                size=3,
                share=0.1,
                published=True,
            )
        )
        db.session.commit()
        slug = consultation.slug
    response = client.get(f"/you-said-we-did/consultations/{slug}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Who answered, against who lives here" in page
    assert "People aged 65 to 74 are 12% of residents and 67% of respondents." in page
