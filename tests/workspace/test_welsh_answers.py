"""Answers written in Welsh in the workspace (issue 19 item 4): a run stores their themes
apart with the language "cy", the theme list tags them, and the answer exports say which
language each answer was written in."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import select

from consult.extensions import db
from consult.models import Theme


def _run(officer_client: Any, consultation_id: int) -> int:
    response = officer_client.post(f"/workspace/consultations/{consultation_id}/runs", data={})
    return int(re.search(r"/runs/(\d+)", response.headers["Location"]).group(1))


def test_welsh_themes_are_stored_apart_and_tagged(app, officer_client, bilingual_consultation):
    run_id = _run(officer_client, bilingual_consultation["id"])
    with app.app_context():
        rows = db.session.scalars(select(Theme).where(Theme.run_id == run_id)).all()
        welsh = [t for t in rows if t.language == "cy" and t.parent_id is None]
        english = [t for t in rows if t.language == "en" and not t.no_substantive_comment]
        assert welsh and english
        assert sum(t.size for t in welsh) == len(bilingual_consultation["welsh"])
        welsh_labels = [t.label for t in welsh]
    page = officer_client.get(f"/workspace/consultations/{bilingual_consultation['id']}")
    html = page.data.decode()
    assert page.status_code == 200
    assert html.count("consult-language-tag") == len(welsh_labels)
    for label in welsh_labels:
        link = re.search(
            rf"<a [^>]*>{re.escape(str(escape(label)))}</a>\s*<strong[^>]*>Welsh</strong>", html
        )
        assert link is not None, label
        assert 'lang="cy"' in link.group(0)


def test_exports_say_which_language_each_answer_was_written_in(
    app, officer_client, bilingual_consultation
):
    cid = bilingual_consultation["id"]
    _run(officer_client, cid)
    text = officer_client.get(f"/workspace/consultations/{cid}/export.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    language = {row["answer"]: row["language"] for row in rows}
    assert {language[t] for t in bilingual_consultation["welsh"]} == {"Welsh"}
    assert {language[t] for t in bilingual_consultation["english"]} == {"English"}
    book = load_workbook(
        io.BytesIO(officer_client.get(f"/workspace/consultations/{cid}/export.xlsx").data)
    )
    answers = list(book["Answers"].iter_rows(values_only=True))
    column = answers[0].index("language")
    answer_column = answers[0].index("answer")
    by_text = {row[answer_column]: row[column] for row in answers[1:]}
    assert by_text[bilingual_consultation["welsh"][0]] == "Welsh"
    assert by_text[bilingual_consultation["english"][0]] == "English"
