"""Subject access (issue 14, section 1): an officer exports everything held about one
person, as JSON and as a readable page, and each export is audited."""

from __future__ import annotations

import json

from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEntry


def test_subject_access_json_holds_everything_about_the_person(
    app, officer, make_response, make_juror, free_text
):
    made = make_response(email="sam.smith@example.org")
    juror = make_juror(jury_status="selected", email="sam.smith@example.org")
    make_response(email="someone.else@example.com")
    client = officer()
    with client.post(
        "/data-requests/access.json", data={"by": "email", "key": "sam.smith@example.org"}
    ) as download:
        assert download.status_code == 200
        assert download.mimetype == "application/json"
        assert "attachment" in download.headers["Content-Disposition"]
        held = json.loads(download.get_data(as_text=True))
    [response] = held["responses"]
    assert response["reference"] == made["reference"]
    answers = {a["question"]: a["answer"] for a in response["answers"]}
    assert answers["What do you think?"] == free_text  # the original, as they wrote it
    assert answers["How often do you take the bus?"] == "Every day"
    assert response["about_you"]["email"] == "sam.smith@example.org"
    assert response["about_you"]["Your age"] == "35-44"
    assert response["about_you"]["to_be_erased_after"]
    [registration] = held["jury_registrations"]
    assert registration["number"] == juror["registrant_id"]
    assert registration["phone"] == "07700 900456"
    assert registration["address_line"] == "1 High Street"
    [service] = held["jury_service"]
    assert service["number"] == juror["member_id"]
    assert service["said"][0]["text"].startswith("I'm Sam from Mill Lane")
    assert held["retention"]["about_you_days"] == 365
    assert "someone.else" not in json.dumps(held)
    with app.app_context():
        [entry] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "personal_data.accessed")
        ).all()
        assert entry.actor_user_id is not None
        assert entry.details["form"] == "json"
        assert entry.details["responses"] == [made["reference"]]
        assert entry.details["jurors"] == [juror["member_id"]]
        assert "sam.smith" not in json.dumps(entry.details)


def test_subject_access_page_is_readable_and_audited(app, officer, make_response):
    made = make_response()
    page = officer().post(
        "/data-requests/access", data={"by": "reference", "key": made["reference"]}
    )
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Everything held" in text
    assert "07700 900123" in text and "jane.doe@example.com" in text
    with app.app_context():
        [entry] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "personal_data.accessed")
        ).all()
        assert entry.details["form"] == "page"


def test_subject_access_after_erasure_shows_only_what_is_kept(
    app, officer, make_response, free_text
):
    made = make_response()
    client = officer()
    client.post(
        "/data-requests/erase",
        data={"by": "reference", "key": made["reference"], "reason": "Asked by phone"},
    )
    with client.post(
        "/data-requests/access.json", data={"by": "reference", "key": made["reference"]}
    ) as download:
        held = json.loads(download.get_data(as_text=True))
    [response] = held["responses"]
    assert response["about_you"] is None and response["erased_at"]
    assert free_text not in json.dumps(held)
    assert "jane.doe" not in json.dumps(held)
