"""The officers' side of the bilingual service (issue 19): exports' headings in the language
of the officer's page (machine-readable CSV and JSON keys always English), the theme page
marking each answer written in Welsh, the CLI export with the web export's language
columns, and CLI messages through the catalogue."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from docx import Document
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import select

from consult.extensions import db
from consult.models import Consultation, Theme


def _run(officer_client: Any, consultation_id: int) -> int:
    response = officer_client.post(f"/workspace/consultations/{consultation_id}/runs", data={})
    return int(re.search(r"/runs/(\d+)", response.headers["Location"]).group(1))


def _export(client: Any, consultation_id: int, fmt: str, language: str | None) -> bytes:
    if language:
        client.set_cookie("consult_lang", language)
    else:
        client.delete_cookie("consult_lang")
    response = client.get(f"/workspace/consultations/{consultation_id}/export.{fmt}")
    assert response.status_code == 200
    return response.data


def test_xlsx_sheet_titles_and_headings_follow_the_officers_language(
    officer_client, closed_consultation
):
    cid = closed_consultation["id"]
    _run(officer_client, cid)
    welsh = load_workbook(io.BytesIO(_export(officer_client, cid, "xlsx", "cy")))
    english = load_workbook(io.BytesIO(_export(officer_client, cid, "xlsx", None)))
    assert welsh.sheetnames[:2] == ["Atebion", "Themâu"]
    assert "Proffil yr ymatebwyr" in welsh.sheetnames
    assert any(name.startswith("Cwestiwn caeedig 1") for name in welsh.sheetnames)
    assert english.sheetnames[:2] == ["Answers", "Themes"]
    assert "Respondent profile" in english.sheetnames
    themes_cy = next(welsh["Themâu"].iter_rows(values_only=True))
    assert themes_cy[:4] == ("cwestiwn", "thema", "is-thema", "disgrifiad")
    assert "ymateb y cyngor" in themes_cy
    assert next(english["Themes"].iter_rows(values_only=True))[:4] == (
        "question",
        "theme",
        "sub-theme",
        "description",
    )
    # the Answers sheet holds the CSV's columns: machine-readable keys, the same in both
    answers_cy = next(welsh["Atebion"].iter_rows(values_only=True))
    assert answers_cy == next(english["Answers"].iter_rows(values_only=True))
    assert answers_cy[-2:] == ("language", "answered_in")


def test_csv_and_json_keys_stay_english_on_a_welsh_page(officer_client, closed_consultation):
    cid = closed_consultation["id"]
    _run(officer_client, cid)
    header_cy = _export(officer_client, cid, "csv", "cy").decode("utf-8-sig").splitlines()[0]
    header_en = _export(officer_client, cid, "csv", None).decode("utf-8-sig").splitlines()[0]
    assert header_cy == header_en and header_cy.endswith("language,answered_in")
    data = json.loads(_export(officer_client, cid, "json", "cy"))
    assert {"respondent", "answered_in", "language", "theme"} <= set(data["answers"][0])
    assert data["licence"] == "Open Government Licence v3.0"


def test_docx_report_is_written_in_welsh_for_a_welsh_page(officer_client, closed_consultation):
    cid = closed_consultation["id"]
    _run(officer_client, cid)
    welsh = Document(io.BytesIO(_export(officer_client, cid, "docx", "cy")))
    english = Document(io.BytesIO(_export(officer_client, cid, "docx", None)))
    headings_cy = [p.text for p in welsh.paragraphs if p.style.name.startswith("Heading")]
    headings_en = [p.text for p in english.paragraphs if p.style.name.startswith("Heading")]
    assert {"Dull", "Prif ffigurau", "Cwestiynau caeedig", "Pwy ymatebodd"} <= set(headings_cy)
    assert {"Method", "Headline figures", "Closed questions"} <= set(headings_en)
    assert not {"Method", "Headline figures"} & set(headings_cy)
    text_cy = "\n".join(p.text for p in welsh.paragraphs)
    assert "Adroddiad ymgynghori – " in text_cy and "Darllenodd dadansoddiad Consult" in text_cy
    assert any(h.startswith("Cwestiwn 1: ") for h in headings_cy)
    table_cy = [cell.text for cell in welsh.tables[0].rows[0].cells]
    assert table_cy == ["Ateb", "Nifer"]
    assert welsh.core_properties.language == "cy-GB"
    assert english.core_properties.language == "en-GB"


def test_theme_page_marks_each_welsh_answer(app, officer_client, bilingual_consultation):
    run_id = _run(officer_client, bilingual_consultation["id"])
    with app.app_context():
        tops = db.session.scalars(
            select(Theme).where(Theme.run_id == run_id, Theme.parent_id.is_(None))
        ).all()
        welsh_id = next(t.id for t in tops if t.language == "cy")
        english_id = max(
            (t for t in tops if t.language == "en" and not t.no_substantive_comment),
            key=lambda t: t.size,
        ).id
    page = officer_client.get(f"/workspace/themes/{welsh_id}").get_data(as_text=True)
    answers = page.split('id="answers"')[1]
    shown = [t for t in bilingual_consultation["welsh"] if str(escape(t)) in answers]
    assert shown
    for text in shown:
        tagged = re.search(
            r'<strong class="govuk-tag[^"]*consult-language-tag">Welsh</strong>\s*'
            rf'<span lang="cy">{re.escape(str(escape(text)))}</span>',
            answers,
        )
        assert tagged is not None, text
    # the theme itself is labelled Welsh beside its title
    heading = re.search(r"<h1[^>]*>.*?</h1>", page, re.DOTALL).group(0)
    assert "consult-language-tag" in heading and ">Welsh<" in heading
    english = officer_client.get(f"/workspace/themes/{english_id}").get_data(as_text=True)
    english_answers = english.split('id="answers"')[1]
    assert any(str(escape(t)) in english_answers for t in bilingual_consultation["english"])
    assert 'lang="cy"' not in english_answers and ">Welsh<" not in english_answers


def test_cli_export_has_the_language_columns_of_the_web_export(
    app, runner, officer_client, bilingual_consultation, tmp_path
):
    cid = bilingual_consultation["id"]
    _run(officer_client, cid)
    with app.app_context():
        slug = db.session.get(Consultation, cid).slug
    result = runner.invoke(args=["consultations", "export", slug, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    web = _export(officer_client, cid, "csv", None).decode("utf-8-sig")
    assert list(rows[0]) == next(csv.reader(io.StringIO(web)))
    language = {row["answer"]: row["language"] for row in rows}
    assert {language[t] for t in bilingual_consultation["welsh"]} == {"Welsh"}
    assert {language[t] for t in bilingual_consultation["english"]} == {"English"}
    assert {row["answered_in"] for row in rows} <= {"en", "cy"}

    out = tmp_path / "report.xlsx"
    welsh = ["--format", "xlsx", "--language", "cy", "--out", str(out)]
    result = runner.invoke(args=["consultations", "export", slug, *welsh])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Ysgrifennwyd allforyn XLSX") and f" i {out}." in result.output
    assert load_workbook(out).sheetnames[:2] == ["Atebion", "Themâu"]


def test_cli_messages_come_from_the_catalogue(runner):
    result = runner.invoke(args=["consultations", "export", "no-such-thing"])
    assert result.exit_code != 0
    assert "There is no consultation no-such-thing." in result.output
    result = runner.invoke(
        args=["consultations", "export", "no-such-thing", "--language", "cy", "--format", "csv"]
    )
    assert "Nid oes ymgynghoriad no-such-thing." in result.output


def test_workspace_pages_and_their_scripts_strings_follow_the_language(
    officer_client, closed_consultation
):
    officer_client.set_cookie("consult_lang", "cy")
    page = officer_client.get("/workspace/").get_data(as_text=True)
    assert '<html lang="cy"' in page and "Gweithle swyddogion" in page
    run_id = _run(officer_client, closed_consultation["id"])
    run_page = officer_client.get(f"/workspace/runs/{run_id}").get_data(as_text=True)
    strings = json.loads(
        re.search(r'id="consult-strings">(.*?)</script>', run_page, re.DOTALL).group(1)
    )
    assert strings["runQueued"] == "Yn y ciw" and strings["runDone"] == "Wedi gorffen"
    assert strings["opinionGroup"] == "Grŵp %(number)s (%(size)s)"
    officer_client.delete_cookie("consult_lang")
    english = officer_client.get(f"/workspace/runs/{run_id}").get_data(as_text=True)
    assert '"runDone": "Done"' in english or '"runDone":"Done"' in english


def test_the_group_of_few_welsh_answers_is_tagged_but_its_english_title_is_not_welsh(
    app, officer_client, free_text_consultation
):
    from analysis.language import DATA, read_sentences

    english = read_sentences(DATA / "language_en.txt")[:40]
    welsh = read_sentences(DATA / "language_cy.txt")[:6]
    made = free_text_consultation(english + welsh, "FEW")
    run_id = _run(officer_client, made["id"])
    with app.app_context():
        group = db.session.scalar(
            select(Theme).where(Theme.run_id == run_id, Theme.language == "cy")
        )
        assert group.label == "Answers in Welsh"
        group_id = group.id
    overview = officer_client.get(f"/workspace/consultations/{made['id']}").get_data(as_text=True)
    link = re.search(r"<a [^>]*>Answers in Welsh</a>\s*<strong[^>]*>Welsh</strong>", overview)
    assert link is not None and 'lang="cy"' not in link.group(0)
    page = officer_client.get(f"/workspace/themes/{group_id}").get_data(as_text=True)
    heading = re.search(r"<h1[^>]*>.*?</h1>", page, re.DOTALL).group(0)
    assert "<span>Answers in Welsh</span>" in heading and ">Welsh<" in heading


def test_an_open_consultations_overview_says_approved_themes_wait(
    app, officer_client, closed_consultation
):
    from datetime import timedelta

    from consult.models import utcnow

    _run(officer_client, closed_consultation["id"])
    with app.app_context():
        consultation = db.session.get(Consultation, closed_consultation["id"])
        consultation.status = "open"
        consultation.closes_at = utcnow() + timedelta(days=10)
        db.session.commit()
        closes = consultation.closes_at
    page = officer_client.get(f"/workspace/consultations/{closed_consultation['id']}")
    text = page.get_data(as_text=True)
    assert "publish approved themes after it closes on " + f"{closes:%-d %B %Y}." in text
    assert "publish the council&#39;s response" not in text


def test_residents_hear_of_the_councils_response_in_the_language_they_answered_in(
    app, officer_client, closed_consultation, caplog
):
    from consult.models import RespondentProfile, Response

    run_id = _run(officer_client, closed_consultation["id"])
    with app.app_context():
        consultation = db.session.get(Consultation, closed_consultation["id"])
        consultation.title_cy = "Cynllun y parc"
        welsh = db.session.scalar(
            select(Response)
            .join(RespondentProfile, RespondentProfile.response_id == Response.id)
            .where(RespondentProfile.email == "resident0@example.org")
        )
        welsh.language = "cy"
        db.session.commit()
        theme_id = next(
            t.id
            for t in db.session.scalars(select(Theme).where(Theme.run_id == run_id))
            if not t.no_substantive_comment
        )
    caplog.set_level("INFO")
    saved = officer_client.post(
        f"/workspace/themes/{theme_id}/response",
        data={"status": "accepted", "text": "We will do it.", "publish": "yes"},
    )
    assert saved.status_code == 302
    mails = {
        address: record.getMessage()
        for record in caplog.records
        for address in ("resident0@example.org", "resident1@example.org")
        if f"to={address} " in record.getMessage()
    }
    assert set(mails) == {"resident0@example.org", "resident1@example.org"}
    assert "subject=Dywedoch chi, gwnaethom ni: Cynllun y parc" in mails["resident0@example.org"]
    assert "ymgynghoriad “Cynllun y parc”" in mails["resident0@example.org"]
    assert ": Derbyniwyd. We will do it." in mails["resident0@example.org"]
    assert "subject=You said, we did: Park plan" in mails["resident1@example.org"]
    assert ": Accepted. We will do it." in mails["resident1@example.org"]
    assert "Derbyniwyd" not in mails["resident1@example.org"]
