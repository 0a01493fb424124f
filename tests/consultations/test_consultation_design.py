"""Officers design consultations: details, questions of every kind, reorder, preview,
publish (opening and closing by date), close early, duplicate as a template."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consult.consultations.services import refresh_status
from consult.extensions import db
from consult.models import AuditEntry, Consultation, utcnow


def _officer(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    make_user("officer", email="olu@council.example")
    sign_in(client, email="olu@council.example")


def _create(client, slug="bins-2027", closes="2099-01-31T17:00"):  # type: ignore[no-untyped-def]
    return client.post(
        "/consultations/manage/new",
        data={
            "title": "Bin collections 2027",
            "slug": slug,
            "summary": "How often should we collect bins?",
            "background": "## Why\n\nMoney.",
            "documents": "Options paper | https://council.example/bins.pdf",
            "closes_at": closes,
        },
    )


def _add(client, slug, **data):  # type: ignore[no-untyped-def]
    return client.post(f"/consultations/manage/{slug}/questions/new", data=data)


def test_officer_builds_previews_and_publishes_a_consultation(app, client, make_user, sign_in):
    _officer(client, make_user, sign_in)
    assert _create(client).status_code == 302
    assert (
        _add(client, "bins-2027", kind="free_text", prompt="What do you think?").status_code == 302
    )
    assert (
        _add(
            client,
            "bins-2027",
            kind="budget",
            prompt="Split £100",
            options="Roads\nParks",
            budget_total="100",
            required="y",
        ).status_code
        == 302
    )
    _add(client, "bins-2027", kind="likert", prompt="We listen.")
    preview = client.get("/consultations/manage/bins-2027/preview").get_data(as_text=True)
    assert "Split £100" in preview and "Strongly agree" in preview and "Options paper" in preview
    assert client.get("/consultations/bins-2027").status_code == 404  # a draft is not public
    published = client.post("/consultations/manage/bins-2027/publish", data={"confirm": "yes"})
    assert published.status_code == 302
    with app.app_context():
        consultation = db.session.scalar(
            select(Consultation).where(Consultation.slug == "bins-2027")
        )
        assert consultation.status == "open"
        assert [q.kind for q in consultation.questions] == ["free_text", "budget", "likert"]
        assert consultation.questions[1].options == [
            {"value": "roads", "label": "Roads"},
            {"value": "parks", "label": "Parks"},
        ]
        assert consultation.documents[0].url == "https://council.example/bins.pdf"
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"consultation.created", "question.added", "consultation.published"} <= actions
    assert client.get("/consultations/bins-2027").status_code == 200


def test_a_budget_question_without_options_or_total_gets_field_messages(client, make_user, sign_in):
    _officer(client, make_user, sign_in)
    _create(client)
    response = _add(client, "bins-2027", kind="budget", prompt="Split it")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter at least 2 options" in body and "Enter the total" in body
    assert 'href="#options"' in body


def test_questions_can_be_moved_up_and_down(app, client, make_user, sign_in):
    _officer(client, make_user, sign_in)
    _create(client)
    for prompt in ("First", "Second", "Third"):
        _add(client, "bins-2027", kind="free_text", prompt=prompt)
    with app.app_context():
        third = db.session.scalar(select(Consultation)).questions[2].id
    client.post(f"/consultations/manage/bins-2027/questions/{third}/move", data={"direction": "up"})
    with app.app_context():
        prompts = [q.prompt for q in db.session.scalar(select(Consultation)).questions]
    assert prompts == ["First", "Third", "Second"]


def test_publishing_with_a_future_opening_waits_then_opens_and_closes_by_itself(
    app, client, make_user, sign_in
):
    _officer(client, make_user, sign_in)
    _create(client)
    _add(client, "bins-2027", kind="free_text", prompt="Anything?")
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        consultation.opens_at = utcnow() + timedelta(days=1)
        db.session.commit()
    client.post("/consultations/manage/bins-2027/publish", data={"confirm": "yes"})
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        assert consultation.status == "draft" and consultation.published_at is not None
        assert refresh_status(consultation, utcnow() + timedelta(days=2)) is True
        assert consultation.status == "open"
        refresh_status(consultation, consultation.closes_at + timedelta(seconds=1))
        assert consultation.status == "closed" and consultation.closed_at is not None


def test_close_early_and_duplicate_as_a_template(app, client, make_user, sign_in):
    _officer(client, make_user, sign_in)
    _create(client)
    _add(client, "bins-2027", kind="single_choice", prompt="Which?", options="A\nB")
    client.post("/consultations/manage/bins-2027/publish", data={"confirm": "yes"})
    client.post("/consultations/manage/bins-2027/close")
    copied = client.post("/consultations/manage/bins-2027/duplicate")
    assert copied.headers["Location"].endswith("/consultations/manage/bins-2027-copy")
    with app.app_context():
        original, copy = db.session.scalars(select(Consultation).order_by(Consultation.id)).all()
        assert original.status == "closed"
        assert copy.status == "draft" and copy.copied_from_id == original.id
        assert [q.options for q in copy.questions] == [[
            {"value": "a", "label": "A"},
            {"value": "b", "label": "B"},
        ]]  # fmt: skip
        assert copy.documents[0].title == "Options paper"


def test_questions_cannot_change_after_publishing(app, client, make_user, sign_in):
    _officer(client, make_user, sign_in)
    _create(client)
    _add(client, "bins-2027", kind="free_text", prompt="Anything?")
    client.post("/consultations/manage/bins-2027/publish", data={"confirm": "yes"})
    refused = _add(client, "bins-2027", kind="free_text", prompt="Sneaky")
    assert refused.status_code == 409


def test_slug_already_taken_gets_a_field_message(client, make_user, sign_in, make_consultation):
    make_consultation(slug="taken")
    _officer(client, make_user, sign_in)
    response = _create(client, slug="taken")
    assert response.status_code == 400
    assert "Another consultation already uses this web address" in response.get_data(as_text=True)
