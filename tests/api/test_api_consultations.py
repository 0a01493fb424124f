"""The JSON API: published consultations, submitting responses with field messages and
idempotent retries, and officers reading responses with bearer tokens."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Answer, Consultation, RespondentProfile, Response


def _good_answers(ids: dict[str, int]) -> dict[str, object]:
    return {
        str(ids["bus"]): "daily",
        str(ids["buses"]): "Email jo@example.com about the 14 Ashby Road stop, RV2 4AB.",
        str(ids["listens"]): 2,
        str(ids["used"]): ["parks"],
        str(ids["priorities"]): ["parks", "homes", "buses"],
        str(ids["budget"]): {"roads": 30, "parks": 70},
    }


def test_lists_only_published_consultations(client, open_consultation, make_consultation):
    make_consultation(slug="draft-one", status="draft")
    body = client.get("/api/v1/consultations").json
    assert [item["slug"] for item in body["items"]] == ["riverside-2030"]


def test_consultation_gives_each_question_id_and_value_type(client, open_consultation):
    body = client.get("/api/v1/consultations/riverside-2030").json
    kinds = {q["kind"]: q for q in body["questions"]}
    assert kinds["likert"]["value_type"].startswith("integer")
    assert kinds["budget"]["budget_total"] == 100
    assert kinds["single_choice"]["id"] == open_consultation["ids"]["bus"]
    assert client.get("/api/v1/consultations/nope").status_code == 404


def test_submitting_stores_the_response_with_redacted_text(app, client, open_consultation):
    result = client.post(
        "/api/v1/consultations/riverside-2030/responses",
        json={
            "answers": _good_answers(open_consultation["ids"]),
            "about_you": {"age_band": "25-34", "postcode_district": "RV2", "consent": True},
        },
    )
    assert result.status_code == 201, result.json
    reference = result.json["reference"]
    with app.app_context():
        response = db.session.scalar(select(Response).where(Response.reference == reference))
        assert response.channel == "api" and response.status == "submitted"
        text = next(a for a in response.answers if a.question.kind == "free_text")
        assert text.redacted_text == "Email [email] about the [address] stop, [postcode]."
        profile = db.session.scalar(select(RespondentProfile))
        assert (profile.age_band, profile.postcode_district) == ("25-34", "RV2")


def test_a_bad_answer_gets_422_with_a_message_per_field_and_stores_nothing(
    app, client, open_consultation
):
    ids = open_consultation["ids"]
    answers = _good_answers(ids)
    answers[str(ids["budget"])] = {"roads": 30, "parks": 60}
    answers[str(ids["bus"])] = "sometimes"
    del answers[str(ids["buses"])]
    result = client.post(
        "/api/v1/consultations/riverside-2030/responses", json={"answers": answers}
    )
    assert result.status_code == 422
    fields = result.json["error"]["fields"]
    assert fields[f"answers.{ids['budget']}"] == (
        "Your amounts must add up to £100; they add up to £90"
    )
    assert fields[f"answers.{ids['bus']}"] == "Select one of the options"
    assert fields[f"answers.{ids['buses']}"] == "Answer this question; it is required"
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0
        assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_personal_data_without_consent_is_refused(client, open_consultation):
    result = client.post(
        "/api/v1/consultations/riverside-2030/responses",
        json={
            "answers": _good_answers(open_consultation["ids"]),
            "about_you": {"email": "sam@example.com"},
        },
    )
    assert result.status_code == 422
    assert "about_you.consent" in result.json["error"]["fields"]


def test_retrying_with_the_same_idempotency_key_returns_the_first_response(
    app, client, open_consultation
):
    body = {"answers": _good_answers(open_consultation["ids"])}
    headers = {"Idempotency-Key": "3f1c2b7e-retry"}
    first = client.post(
        "/api/v1/consultations/riverside-2030/responses", json=body, headers=headers
    )
    again = client.post(
        "/api/v1/consultations/riverside-2030/responses", json=body, headers=headers
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["reference"] == again.json["reference"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 1


def test_a_used_idempotency_key_with_a_different_body_is_refused(app, client, open_consultation):
    url = "/api/v1/consultations/riverside-2030/responses"
    answers = _good_answers(open_consultation["ids"])
    headers = {"Idempotency-Key": "reused-key"}
    first = client.post(url, json={"answers": answers}, headers=headers)
    assert first.status_code == 201
    # the same body with its keys in another order is the same request
    reordered = {"answers": dict(reversed(list(answers.items())))}
    assert client.post(url, json=reordered, headers=headers).status_code == 200
    changed = {"answers": {**answers, next(iter(answers)): "Something else entirely"}}
    refused = client.post(url, json=changed, headers=headers)
    assert refused.status_code == 422
    assert "Idempotency-Key" in refused.json["error"]["fields"]
    assert "different" in refused.json["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 1


def test_a_closed_consultation_answers_409(app, client, open_consultation):
    from datetime import timedelta

    from consult.models import utcnow

    with app.app_context():
        db.session.get(Consultation, open_consultation["id"]).closes_at = utcnow() - timedelta(
            seconds=1
        )
        db.session.commit()
    result = client.post(
        "/api/v1/consultations/riverside-2030/responses",
        json={"answers": _good_answers(open_consultation["ids"])},
    )
    assert result.status_code == 409 and result.json["error"]["code"] == "conflict"


def test_officer_token_reads_redacted_responses_and_originals_token_reads_originals(
    client, open_consultation, officer_token
):
    client.post(
        "/api/v1/consultations/riverside-2030/responses",
        json={"answers": _good_answers(open_consultation["ids"])},
    )
    url = "/api/v1/consultations/riverside-2030/responses"
    redacted = client.get(url, headers={"Authorization": f"Bearer {officer_token()}"}).json
    text_id = open_consultation["ids"]["buses"]
    value = next(a["value"] for a in redacted["items"][0]["answers"] if a["question_id"] == text_id)
    assert "[email]" in value and redacted["total"] == 1 and redacted["originals"] is False
    token = officer_token(originals=True)
    full = client.get(url, headers={"Authorization": f"Bearer {token}"}).json
    value = next(a["value"] for a in full["items"][0]["answers"] if a["question_id"] == text_id)
    assert "jo@example.com" in value


def test_responses_need_an_officer_token(client, open_consultation, officer_token):
    url = "/api/v1/consultations/riverside-2030/responses"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    facilitator = officer_token("admin")  # admins may
    assert client.get(url, headers={"Authorization": f"Bearer {facilitator}"}).status_code == 200


def test_token_command_refuses_people_who_are_not_officers(runner, make_user, app):
    make_user("facilitator", email="fac@council.example")
    result = runner.invoke(args=["consultations", "token", "--email", "fac@council.example"])
    assert result.exit_code != 0 and "no active officer" in result.output


def test_pagination_splits_responses(client, open_consultation, officer_token):
    for _ in range(3):
        client.post(
            "/api/v1/consultations/riverside-2030/responses",
            json={"answers": _good_answers(open_consultation["ids"])},
        )
    headers = {"Authorization": f"Bearer {officer_token()}"}
    url = "/api/v1/consultations/riverside-2030/responses?per_page=2&page=2"
    page = client.get(url, headers=headers).json
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 1)
    bad = client.get(url.replace("page=2", "page=0"), headers=headers)
    assert bad.status_code == 422
