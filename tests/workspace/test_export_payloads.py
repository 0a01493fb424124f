"""Issue 14, H1 and H3: OWASP's CSV-injection payloads and every C0 control character in
residents' answers, theme text and council responses go through every consultation export
(XLSX, CSV, DOCX, the outcomes CSV); each opens, with no formula cell and no 500."""

from __future__ import annotations

import csv
import io

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from consult.cells import xml_text
from consult.extensions import db
from consult.models import Answer, CouncilResponse, Response, Theme, utcnow
from tests.hostile import PAYLOADS, formula_cells, hostile_texts
from tests.workspace.test_exports import _analysed


def _add_hostile_answers(app, consultation) -> list[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        texts = hostile_texts(nul=db.engine.dialect.name != "postgresql")
        for number, text in enumerate(texts):
            response = Response(
                consultation_id=consultation["id"],
                reference=f"RSP-HOSTILE-{number:04d}",
                status="submitted",
                submitted_at=utcnow(),
                respondent_type="individual",
            )
            response.answers.append(
                Answer(question_id=consultation["questions"][0], text=text, redacted_text=text)
            )
            db.session.add(response)
        db.session.commit()
    return texts


def _make_theme_hostile(app, theme_id: int, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        theme = db.session.get(Theme, theme_id)
        theme.label = "Parking" + "\x0b" + texts[0]
        theme.summary = [{"sentence": text} for text in texts[:20]]
        theme.quotes = [{"text": text} for text in texts[-3:]]
        response = db.session.scalar(
            select(CouncilResponse).where(CouncilResponse.theme_id == theme_id)
        )
        response.text = PAYLOADS[1] + "\x0b\x01"
        response.reasons = PAYLOADS[0]
        response.published_at = utcnow()
        theme.published = True
        db.session.commit()


def _cells(book) -> list[object]:  # type: ignore[no-untyped-def]
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    return values


def test_every_payload_and_control_character_exports_as_text(
    app, officer_client, closed_consultation
):
    texts = _add_hostile_answers(app, closed_consultation)
    theme_id, _ = _analysed(app, officer_client, closed_consultation)
    _make_theme_hostile(app, theme_id, texts)
    base = f"/workspace/consultations/{closed_consultation['id']}"

    xlsx = officer_client.get(f"{base}/export.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    values = _cells(book)
    assert formula_cells(values) == []
    answers = [row[4] for row in book["Answers"].iter_rows(min_row=2, values_only=True)]
    for text in texts:  # every answer is there, as text, whole but for what XML cannot hold
        cleaned = xml_text(text)
        assert cleaned in answers or "'" + cleaned in answers, repr(text)
    assert "'" + PAYLOADS[0] in answers

    exported = officer_client.get(f"{base}/export.csv")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert formula_cells([cell for row in rows for cell in row]) == []
    assert "'" + PAYLOADS[1] in [row[4] for row in rows]

    report = officer_client.get(f"{base}/export.docx")
    assert report.status_code == 200
    document = Document(io.BytesIO(report.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert PAYLOADS[1] in text and "Parking\n" in text  # the vertical tab became a break

    outcomes = app.test_client().get("/api/v1/outcomes.csv")
    assert outcomes.status_code == 200
    rows = list(csv.reader(io.StringIO(outcomes.get_data(as_text=True))))
    assert len(rows) == 2
    assert formula_cells([cell for row in rows for cell in row]) == []
    assert "'" + PAYLOADS[0] in rows[1]
