"""Hostile values at the door get a clear 4xx and change nothing (issue 14, M1, M2, L2)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Response
from tests.consultations.conftest import EVERY_KIND

HUGE = "99999999999999999999"


@pytest.fixture
def open_consultation(app, make_consultation) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from consult.models import Consultation

    consultation_id = make_consultation(slug="door", questions=[dict(q) for q in EVERY_KIND])
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        return {q.key: q.id for q in consultation.questions}


def _responses(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


@pytest.mark.parametrize(
    "url",
    [
        f"/live/sessions/{HUGE}/gallery",
        f"/juries/any-jury/draws/{HUGE}/respondents.csv",
        f"/live/sessions/{2**31}/gallery",
    ],
)
def test_ids_larger_than_the_database_holds_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_the_largest_id_the_database_holds_is_still_read(client):
    # Not found (there is no such session), but read as an id, not refused as a number.
    assert client.get(f"/live/sessions/{2**31 - 1}/gallery").status_code == 404


def test_json_nested_fifty_thousand_deep_is_refused_and_stores_nothing(
    app, client, open_consultation
):
    body = '{"answers": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = client.post(
        "/api/v1/consultations/door/responses", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested" in response.get_data(as_text=True)
    assert _responses(app) == 0


@pytest.mark.parametrize(("text", "words"), [("x\ud800y", "surrogate"), ("nul\x00here", "NUL")])
def test_unstorable_text_in_json_is_refused_and_stores_nothing(
    app, client, open_consultation, text, words
):
    import json

    body = json.dumps({"answers": {str(open_consultation["buses"]): text}}, ensure_ascii=True)
    response = client.post(
        "/api/v1/consultations/door/responses", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert words in response.get_json()["error"]["message"]
    assert _responses(app) == 0


def test_a_nul_character_in_a_form_field_is_refused(client):
    response = client.post("/sign-in", data={"email": "a@b.example\x00", "password": "x"})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
