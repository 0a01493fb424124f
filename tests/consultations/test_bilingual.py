"""The bilingual consultation journey (issue 19): the language follows the header's switch
(a cookie), else the browser's Accept-Language, else English; Welsh versions of a
consultation's texts are shown, English ones fall back with a note and lang="en"; the
language a response was answered in is kept and exported."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from sqlalchemy import select

from consult.dates import local_strftime
from consult.extensions import db
from consult.models import Consultation, Question, Response

WELSH = {"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"}
QUESTIONS = [
    {
        "kind": "single_choice",
        "key": "visits",
        "required": True,
        "prompt": "How often do you visit a library?",
        "prompt_cy": "Pa mor aml ydych chi'n ymweld â llyfrgell?",
        "options": [
            {"value": v, "label": label}
            for v, label in (("weekly", "Every week"), ("never", "Never"))
        ],
        "options_cy": ["Bob wythnos", "Byth"],
    },
    {"kind": "free_text", "key": "ideas", "prompt": "What else should we know?"},
]


def _bilingual(app, make_consultation, slug="libraries"):  # type: ignore[no-untyped-def]
    consultation_id = make_consultation(slug=slug, title="Libraries", questions=QUESTIONS)
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        consultation.title_cy = "Llyfrgelloedd"
        consultation.summary_cy = "Pryd ddylai'r llyfrgelloedd fod ar agor?"
        consultation.background_cy = "## Cefndir\n\nFfeithiau."
        db.session.commit()
    return consultation_id


def test_english_is_the_default_and_accept_language_chooses_welsh_on_a_first_visit(client):
    english = client.get("/consultations/").text
    assert '<html lang="en-GB"' in english and "Skip to main content" in english
    welsh = client.get("/consultations/", headers=WELSH).text
    assert '<html lang="cy"' in welsh
    assert "Neidio i'r prif gynnwys" in welsh and "Ymgynghoriadau" in welsh
    assert "Skip to main content" not in welsh
    french = client.get("/consultations/", headers={"Accept-Language": "fr"}).text
    assert '<html lang="en-GB"' in french


def test_the_switch_remembers_the_choice_in_a_cookie_over_accept_language(client):
    page = client.get("/consultations/").text
    assert 'lang="cy" hreflang="cy">Cymraeg</a>' in page  # the other language is a link
    assert '<span lang="en-GB" aria-current="true">English</span>' in page  # this one is not
    switched = client.get("/language/cy?next=/consultations/")
    assert switched.status_code == 302 and switched.headers["Location"] == "/consultations/"
    assert "consult_lang=cy" in switched.headers["Set-Cookie"]
    page = client.get("/consultations/", headers={"Accept-Language": "en"}).text
    assert '<html lang="cy"' in page
    assert 'lang="en-GB" hreflang="en-GB">English</a>' in page
    client.get("/language/en?next=/consultations/")
    assert '<html lang="en-GB"' in client.get("/consultations/", headers=WELSH).text


def test_the_switch_never_sends_anyone_to_another_site_or_an_unknown_language(client):
    for target in ("https://evil.example/", "//evil.example/", "evil", ""):
        switched = client.get("/language/cy", query_string={"next": target})
        assert switched.headers["Location"] == "/"
    unknown = client.get("/language/fr?next=/consultations/")
    assert unknown.status_code == 302 and "Set-Cookie" not in unknown.headers


def test_welsh_versions_are_shown_and_missing_ones_fall_back_to_english_with_a_note(
    client, app, make_consultation
):
    _bilingual(app, make_consultation)
    client.get("/language/cy")
    show = client.get("/consultations/libraries").text
    assert "Llyfrgelloedd" in show and "Pryd ddylai&#39;r llyfrgelloedd" in show
    assert "<h2>Cefndir</h2>" in show or "Cefndir</h2>" in show
    # question 2 has no Welsh: the consultation says so, in Welsh
    assert "Nid yw'r cynnwys hwn ar gael yn Gymraeg" in show
    client.post("/consultations/libraries/start")
    first = client.get("/consultations/libraries/respond/1").text
    assert "Pa mor aml ydych chi&#39;n ymweld â llyfrgell?" in first
    assert "Bob wythnos" in first and "Every week" not in first
    assert "Cwestiwn 1 o 2" in first and "translation-note" not in first
    second = client.get("/consultations/libraries/respond/2").text
    assert '<span lang="en-GB">What else should we know?</span>' in second
    assert "Nid yw'r cynnwys hwn ar gael yn Gymraeg" in second
    client.get("/language/en")
    english = client.get("/consultations/libraries/respond/2").text
    assert "What else should we know?" in english and "translation-note" not in english


def test_a_resident_answers_in_welsh_and_the_response_and_export_say_so(
    client, app, make_consultation
):
    consultation_id = _bilingual(app, make_consultation)
    client.get("/language/cy")
    client.post("/consultations/libraries/start")
    with app.app_context():
        ids = [
            q.id
            for q in db.session.scalars(
                select(Question).where(Question.consultation_id == consultation_id)
            )
        ]
    refused = client.post("/consultations/libraries/respond/1", data={f"q{ids[0]}": "often"})
    assert refused.status_code == 400
    assert "Mae problem" in refused.text and "Dewiswch un o&#39;r opsiynau" in refused.text
    client.post("/consultations/libraries/respond/1", data={f"q{ids[0]}": "weekly"})
    client.post("/consultations/libraries/respond/2", data={f"q{ids[1]}": "Mwy o lyfrau."})
    check = client.get("/consultations/libraries/respond/check").text
    assert "Gwiriwch eich atebion cyn anfon eich ymateb" in check and "Bob wythnos" in check
    sent = client.post("/consultations/libraries/respond/check", follow_redirects=True)
    assert "Ymateb wedi'i anfon" in sent.text
    delete_url = re.search(r'href="([^"]+)" id="delete-response"', sent.text)
    assert delete_url is not None
    delete_page = client.get(delete_url.group(1)).text
    assert "<title>Dileu eich ymateb – Llyfrgelloedd" in delete_page
    assert "Anfonwyd eich ymateb" in delete_page and "<strong>Llyfrgelloedd</strong>" in delete_page
    with app.app_context():
        response = db.session.scalar(select(Response).where(Response.status == "submitted"))
        assert response is not None and response.language == "cy"
        from consult.workspace.exports import csv_answers

        rows = list(
            csv.DictReader(
                io.StringIO(
                    csv_answers(db.session.get(Consultation, consultation_id)).decode("utf-8-sig")
                )
            )
        )
    assert rows and {row["answered_in"] for row in rows} == {"cy"}


def test_an_english_response_is_recorded_as_english(client, app, make_consultation):
    _bilingual(app, make_consultation)
    client.post("/consultations/libraries/start")
    with app.app_context():
        first = db.session.scalar(select(Question).where(Question.key == "visits"))
        first_id = first.id if first else 0
    client.post("/consultations/libraries/respond/1", data={f"q{first_id}": "never"})
    client.post("/consultations/libraries/respond/check")
    with app.app_context():
        response = db.session.scalar(select(Response).where(Response.status == "submitted"))
        assert response is not None and response.language == "en"


def test_dates_have_welsh_month_names_and_am_pm_on_welsh_pages():
    at = datetime(2026, 12, 10, 17, 5)
    assert local_strftime(at, "%-d %B %Y, %-I:%M%p") == "10 December 2026, 5:05pm"
    assert local_strftime(at, "%-d %B %Y, %-I:%M%p", "cy") == "10 Rhagfyr 2026, 5:05yh"
    assert local_strftime(at.replace(month=3, hour=9), "%-d %B %Y, %-I:%M%p", "cy") == (
        "10 Mawrth 2026, 9:05yb"
    )


def test_counts_use_the_language_s_plural_forms(client, app, make_consultation):
    consultation_id = make_consultation(slug="closed-one", status="closed")
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        consultation.published_at = consultation.opens_at
        db.session.add(
            Response(consultation_id=consultation_id, reference="RSP-1", status="submitted")
        )
        db.session.commit()
    english = client.get("/consultations/closed-one").text
    assert "1 response was received." in english
    welsh = client.get("/consultations/closed-one", headers=WELSH).text
    assert "Cafwyd 1 ymateb." in welsh


def test_the_character_count_speaks_welsh_on_welsh_pages(client, app, make_consultation):
    _bilingual(app, make_consultation)
    client.get("/language/cy")
    client.post("/consultations/libraries/start")
    page = client.get("/consultations/libraries/respond/2").text
    assert 'data-i18n.characters-under-limit.two="Mae gennych %{count} nod ar ôl"' in page
    assert "Gallwch roi hyd at 2,000 nod" in page


def _officer_creates_bins(client, make_user, sign_in, **welsh):  # type: ignore[no-untyped-def]
    """An officer signs in and creates the "Bins" consultation, its title in Welsh."""
    make_user("officer", email="olu@council.example")
    sign_in(client, email="olu@council.example")
    details = {"title": "Bins", "slug": "bins", "summary": "How often?", "title_cy": "Biniau"}
    created = client.post(
        "/consultations/manage/new",
        data={**details, **welsh, "closes_at": "2099-01-31T17:00"},
    )
    assert created.status_code == 302


def test_officers_enter_welsh_versions_of_a_question_and_its_options(
    client, app, make_user, sign_in
):
    _officer_creates_bins(client, make_user, sign_in, summary_cy="Pa mor aml?")
    url = "/consultations/manage/bins/questions/new"
    base = {"kind": "single_choice", "prompt": "How often?", "options": "Weekly\nFortnightly"}
    mismatched = client.post(url, data={**base, "options_cy": "Bob wythnos"})
    assert mismatched.status_code == 400 and "Give one Welsh label for each" in mismatched.text
    saved = client.post(
        url, data={**base, "prompt_cy": "Pa mor aml?", "options_cy": "Bob wythnos\nBob pythefnos"}
    )
    assert saved.status_code == 302
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == "bins"))
        assert consultation is not None and consultation.title_cy == "Biniau"
        question = consultation.questions[0]
        assert question.prompt_cy == "Pa mor aml?"
        assert question.options_cy == ["Bob wythnos", "Bob pythefnos"]
    edit = client.get(f"/consultations/manage/bins/questions/{question.id}").text
    assert "Bob wythnos\nBob pythefnos" in edit


def test_the_publish_page_lists_what_has_no_welsh_version(client, app, make_user, sign_in):
    _officer_creates_bins(client, make_user, sign_in)
    client.post(
        "/consultations/manage/bins/questions/new",
        data={"kind": "single_choice", "prompt": "How often?", "options": "Weekly\nMonthly"},
    )
    page = client.get("/consultations/manage/bins/publish").text
    for part in ("Summary", "Question 1: question", "Question 1: options"):
        assert f"<li>{part}</li>" in page
    assert "<li>Title</li>" not in page


def test_error_pages_are_in_the_visitor_s_language(client):
    missing = client.get("/consultations/no-such-thing", headers=WELSH)
    assert missing.status_code == 404
    assert "Heb ddod o hyd i'r dudalen" in missing.text
    assert "Page not found" in client.get("/consultations/no-such-thing").text
