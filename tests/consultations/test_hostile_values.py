"""Issue 14, M2, end to end through the resident's form and the API: values no one could
mean get a clear 4xx and store nothing, on SQLite and PostgreSQL (the JSON and form checks
themselves are consult/inputs.py, tested in test_inputs.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Answer, Response
from tests.consultations.conftest import EVERY_KIND


def _step(key: str) -> int:
    return next(n for n, q in enumerate(EVERY_KIND, start=1) if q["key"] == key)


def _started(client, every_kind, question_ids):  # type: ignore[no-untyped-def]
    ids = question_ids(every_kind(slug="door"))
    assert client.post("/consultations/door/start").status_code == 302
    return ids


def _answers(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Answer))


def test_a_five_thousand_digit_budget_amount_in_the_form_is_a_field_error(
    app, client, every_kind, question_ids
):
    ids = _started(client, every_kind, question_ids)
    name = f"q{ids['budget']}"
    response = client.post(
        f"/consultations/door/respond/{_step('budget')}",
        data={f"{name}-roads": "9" * 5000, f"{name}-parks": "50"},
    )
    assert response.status_code == 400
    assert "whole number of pounds" in response.get_data(as_text=True)
    assert _answers(app) == 0


def test_bytes_of_a_lone_surrogate_in_the_form_are_not_a_500(app, client, every_kind, question_ids):
    ids = _started(client, every_kind, question_ids)
    body = f"q{ids['buses']}=x%ED%A0%80y".encode()  # UTF-8-style bytes of U+D800
    response = client.post(
        f"/consultations/door/respond/{_step('buses')}",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 400)
    with app.app_context():
        texts = db.session.scalars(select(Answer.text)).all()
    assert all(text.encode("utf-8") for text in texts)  # whatever was kept can be stored


def test_nul_or_a_lone_surrogate_in_the_organisation_name_is_refused(
    app, client, every_kind, question_ids
):
    ids = _started(client, every_kind, question_ids)
    for bad in ("Acme\x00Ltd", "Acme\ud800Ltd"):
        import json

        body = {
            "answers": {str(ids["bus"]): "daily", str(ids["buses"]): "More"},
            "about_you": {"respondent_type": "organisation", "organisation_name": bad},
        }
        response = client.post(
            "/api/v1/consultations/door/responses",
            data=json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code == 400, response.get_data(as_text=True)[:500]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Response).where(Response.status == "submitted")
            )
            == 0
        )
