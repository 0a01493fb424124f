"""The resident's response journey: drafts saved as they go, resume links, the receipt,
and a double-submitted form that still makes one response."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Answer, Consultation, RespondentProfile, Response


def _start(client, slug):  # type: ignore[no-untyped-def]
    response = client.post(f"/consultations/{slug}/start")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/consultations/{slug}/respond/1")


def _answer_everything(client, slug, ids):  # type: ignore[no-untyped-def]
    steps = [
        {f"q{ids['bus']}": "weekly"},
        {f"q{ids['buses']}": "More buses. Call me on 07700 900123."},
        {f"q{ids['listens']}": "4"},
        {f"q{ids['used']}": ["library", "parks"]},
        {
            f"q{ids['priorities']}-homes": "2",
            f"q{ids['priorities']}-buses": "1",
            f"q{ids['priorities']}-parks": "3",
        },
        {f"q{ids['budget']}-roads": "60", f"q{ids['budget']}-parks": "40"},
    ]
    for step, data in enumerate(steps, start=1):
        response = client.post(f"/consultations/{slug}/respond/{step}", data=data)
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:2000])


def test_open_consultations_are_listed_and_drafts_are_not(client, make_consultation):
    make_consultation(title="Bus routes", slug="bus-routes")
    make_consultation(title="Secret draft", slug="secret", status="draft")
    body = client.get("/consultations/").get_data(as_text=True)
    assert "Bus routes" in body and "Secret draft" not in body
    assert client.get("/consultations/secret").status_code == 404


def test_background_markdown_is_rendered_without_raw_html(client, app, make_consultation):
    consultation_id = make_consultation(slug="md")
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        consultation.background = "## Why\n\n<script>alert(1)</script> [site](https://x.example)"
        db.session.commit()
    body = client.get("/consultations/md").get_data(as_text=True)
    assert '<h2 class="govuk-heading-m">Why</h2>' in body
    assert "<script>alert(1)" not in body
    assert 'rel="noopener noreferrer"' in body


def test_resident_completes_the_journey_and_gets_a_receipt(client, app, every_kind, question_ids):
    consultation_id = every_kind(slug="buses")
    ids = question_ids(consultation_id)
    _start(client, "buses")
    _answer_everything(client, "buses", ids)
    about = client.post(
        "/consultations/buses/respond/about-you",
        data={"respondent_type": "individual", "age_band": "35-44", "email": "sam@example.com"},
    )
    assert about.status_code == 302
    check = client.get("/consultations/buses/respond/check").get_data(as_text=True)
    assert "Every week" in check and "Libraries, Parks" in check and "Roads: £60" in check
    token = re.search(r'name="submit_token" value="([^"]+)"', check).group(1)
    sent = client.post(
        "/consultations/buses/respond/check", data={"submit_token": token, "consent": "yes"}
    )
    assert sent.status_code == 302 and "/receipt/RSP-" in sent.headers["Location"]
    receipt = client.get(sent.headers["Location"]).get_data(as_text=True)
    reference = re.search(r"RSP-[0-9A-Z]{4}-[0-9A-Z]{4}", receipt).group(0)
    with app.app_context():
        response = db.session.scalar(select(Response).where(Response.reference == reference))
        assert response.status == "submitted" and response.submitted_at is not None
        texts = {a.question.key: a for a in response.answers}
        assert texts["buses"].text.endswith("07700 900123.")
        assert texts["buses"].redacted_text == "More buses. Call me on [phone]."
        assert "pii:phone" in texts["buses"].flags
        assert texts["priorities"].value == ["buses", "homes", "parks"]
        assert texts["budget"].value == {"roads": 60, "parks": 40}
        assert texts["listens"].value == 4
        profile = db.session.scalar(
            select(RespondentProfile).where(RespondentProfile.response_id == response.id)
        )
        assert profile.age_band == "35-44" and profile.consented_at is not None


def test_a_double_submitted_form_makes_one_response_and_the_same_receipt(
    client, app, every_kind, question_ids
):
    ids = question_ids(every_kind(slug="twice"))
    _start(client, "twice")
    _answer_everything(client, "twice", ids)
    check = client.get("/consultations/twice/respond/check").get_data(as_text=True)
    token = re.search(r'name="submit_token" value="([^"]+)"', check).group(1)
    first = client.post("/consultations/twice/respond/check", data={"submit_token": token})
    second = client.post("/consultations/twice/respond/check", data={"submit_token": token})
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 1


def test_a_bad_answer_shows_an_error_that_links_to_the_field_and_saves_nothing(
    client, app, every_kind, question_ids
):
    ids = question_ids(every_kind(slug="bad"))
    _start(client, "bad")
    response = client.post(
        "/consultations/bad/respond/6",
        data={f"q{ids['budget']}-roads": "60", f"q{ids['budget']}-parks": "30"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in body and f'href="#q{ids["budget"]}"' in body
    assert "must add up to £100; they add up to £90" in body
    with app.app_context():
        assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_required_question_left_blank_blocks_sending_with_a_link(client, every_kind, question_ids):
    ids = question_ids(every_kind(slug="req"))
    _start(client, "req")
    body = client.post("/consultations/req/respond/check", data={"submit_token": "abc"})
    assert body.status_code == 400
    assert f'href="#answer-{ids["buses"]}"' in body.get_data(as_text=True)


def test_resume_link_brings_back_the_draft_in_another_browser(
    app, client, every_kind, question_ids
):
    ids = question_ids(every_kind(slug="resume"))
    _start(client, "resume")
    client.post("/consultations/resume/respond/1", data={f"q{ids['bus']}": "daily"})
    page = client.get("/consultations/resume/respond/2").get_data(as_text=True)
    link = re.search(r'href="(http://[^"]+/resume/[^"]+)"', page).group(1)
    other = app.test_client()
    moved = other.get(link.replace("http://localhost", ""))
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/respond/2")
    first = other.get("/consultations/resume/respond/1").get_data(as_text=True)
    assert 'value="daily" checked' in first


def test_autosave_stores_a_partial_answer_and_reports_a_bad_one(
    app, client, every_kind, question_ids
):
    ids = question_ids(every_kind(slug="auto"))
    _start(client, "auto")
    saved = client.post(
        "/consultations/auto/respond/2",
        data={f"q{ids['buses']}": "Half a thou"},
        headers={"X-Autosave": "1"},
    )
    assert saved.status_code == 200 and saved.json == {"saved": True, "error": None}
    too_long = client.post(
        "/consultations/auto/respond/2",
        data={f"q{ids['buses']}": "x" * 201},
        headers={"X-Autosave": "1"},
    )
    assert too_long.status_code == 422 and "200 characters or fewer" in too_long.json["error"]
    page = client.get("/consultations/auto/respond/2").get_data(as_text=True)
    assert "Half a thou</textarea>" in page


def test_closed_consultation_refuses_new_responses(client, app, make_consultation):
    from datetime import timedelta

    from consult.models import utcnow

    consultation_id = make_consultation(slug="past")
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        consultation.closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    page = client.get("/consultations/past").get_data(as_text=True)
    assert "This consultation closed" in page and "Start now" not in page
    assert client.post("/consultations/past/start").status_code == 409
    with app.app_context():
        assert db.session.get(Consultation, consultation_id).status == "closed"
