"""Officer screens for building a consultation (issue 15, items 14 and 16): publishing,
which locks the questions, asks first; the question form shows only the fields the chosen
kind uses, and without JavaScript it is two steps (the kind, then its fields)."""

from __future__ import annotations

import re

from sqlalchemy import select

from consult.extensions import db
from consult.models import Consultation, Question


def _officer(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    make_user("officer", email="olu@council.example")
    sign_in(client, email="olu@council.example")


def _status(app, slug: str) -> tuple[str, bool]:  # type: ignore[no-untyped-def]
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
        return consultation.status, consultation.published_at is not None


def test_publishing_asks_first_because_the_questions_lock(
    app, client, make_user, sign_in, make_consultation
):
    _officer(client, make_user, sign_in)
    make_consultation(slug="bins", status="draft")
    show = client.get("/consultations/manage/bins").get_data(as_text=True)
    assert 'href="/consultations/manage/bins/publish"' in show  # a link to the question

    page = client.get("/consultations/manage/bins/publish")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Publish this consultation?" in html
    assert "You cannot change the questions once it is published" in html
    assert "1 question<" in html and 'name="confirm" value="yes"' in html

    # a POST that did not come through the question publishes nothing
    unconfirmed = client.post("/consultations/manage/bins/publish")
    assert unconfirmed.status_code == 200 and "Publish this consultation?" in unconfirmed.text
    assert _status(app, "bins") == ("draft", False)

    confirmed = client.post("/consultations/manage/bins/publish", data={"confirm": "yes"})
    assert confirmed.status_code == 302
    assert _status(app, "bins") == ("open", True)
    # once published there is nothing left to confirm
    again = client.get("/consultations/manage/bins/publish")
    assert again.status_code == 302 and again.headers["Location"].endswith("/manage/bins")


def _visible_fields(html: str) -> set[str]:
    """Names of the design fields (prompt, options, ...) whose group is not hidden."""
    shown = set()
    for attributes, name in re.findall(r'<div ([^>]*data-question-field="([a-z_]+)"[^>]*)>', html):
        if " hidden" not in f" {attributes}":
            shown.add(name)
    return shown


def test_without_javascript_the_question_form_is_two_steps(
    app, client, make_user, sign_in, make_consultation
):
    _officer(client, make_user, sign_in)
    make_consultation(slug="bins", status="draft")
    url = "/consultations/manage/bins/questions/new"

    first = client.get(url).get_data(as_text=True)
    assert "Type of question" in first and _visible_fields(first) == set()
    assert 'name="step" value="kind"' in first  # Continue

    missing = client.post(url, data={"step": "kind"})
    assert missing.status_code == 400 and "Select the type of question" in missing.text

    free_text = client.post(url, data={"step": "kind", "kind": "free_text"})
    assert free_text.status_code == 200
    assert _visible_fields(free_text.text) == {"prompt", "hint", "required", "max_length"}
    budget = client.post(url, data={"step": "kind", "kind": "budget"}).text
    assert _visible_fields(budget) == {"prompt", "hint", "required", "options", "budget_total"}
    ranking = client.post(url, data={"step": "kind", "kind": "ranking"}).text
    assert _visible_fields(ranking) == {"prompt", "hint", "required", "options"}
    likert = client.post(url, data={"step": "kind", "kind": "likert"}).text
    assert _visible_fields(likert) == {"prompt", "hint", "required"}
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Question.id))) == 1  # nothing saved yet

    # the second step saves; a field the kind does not use is not kept or checked
    saved = client.post(
        url,
        data={"kind": "likert", "prompt": "We listen.", "max_length": "5", "budget_total": "x"},
    )
    assert saved.status_code == 302
    with app.app_context():
        question = db.session.scalars(select(Question).order_by(Question.id.desc())).first()
        assert (question.kind, question.max_length, question.budget_total) == ("likert", None, None)
        edit = client.get(f"/consultations/manage/bins/questions/{question.id}").text
    assert _visible_fields(edit) == {"prompt", "hint", "required"}  # editing: the kind is known
