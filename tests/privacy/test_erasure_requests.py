"""Erasure on request (issue 14, section 1): officers find and erase one person's data by
receipt reference, email, registrant or juror number, with the reason audited; what the
council may keep is refused with the reason; anyone else gets 403; bad keys a clear 4xx."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import (
    Answer,
    AuditEntry,
    Contribution,
    LiveEvent,
    PanelMember,
    Registrant,
    RespondentProfile,
    Response,
)
from consult.privacy.erasure import FORMER_JUROR, ON_REQUEST


def _erase(client, by: str, key: str, reason: str = "Request by email on 4 December"):  # type: ignore[no-untyped-def]
    return client.post("/data-requests/erase", data={"by": by, "key": key, "reason": reason})


def _audit(app, action: str = "personal_data.erased") -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        db.session.expunge_all()
        return list(entries)


def _response_state(app, response_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with app.app_context():
        response = db.session.get(Response, response_id)
        answers = {a.question.kind: a for a in response.answers}
        return {
            "status": response.status,
            "erased_at": response.erased_at,
            "profile": response.profile is not None,
            "wants_updates": response.wants_updates,
            "token": response.resume_token_hash,
            "text": answers["free_text"].text,
            "redacted": answers["free_text"].redacted_text,
            "moderation": answers["free_text"].moderation,
            "choice": answers["single_choice"].value,
        }


def test_officer_erases_a_response_by_its_reference(app, officer, make_response):
    made = make_response()
    client = officer()
    page = _erase(client, "reference", made["reference"].lower())
    assert page.status_code == 200
    assert "Data erased" in page.get_data(as_text=True)
    state = _response_state(app, made["id"])
    assert state["text"] == ON_REQUEST and state["redacted"] == ON_REQUEST
    assert state["moderation"] == "hidden"
    assert not state["profile"] and not state["wants_updates"] and state["token"] is None
    assert state["status"] == "submitted" and state["erased_at"] is not None
    assert state["choice"] == "daily"  # a closed answer stays, anonymised
    with app.app_context():
        assert db.session.scalar(select(func.count(RespondentProfile.id))) == 0
    [entry] = _audit(app)
    assert entry.actor_user_id is not None
    assert entry.details["reason"] == "Request by email on 4 December"
    assert entry.details["responses"] == [made["reference"]]
    assert entry.details["erased"]["responses"] == 1


def test_officer_erases_every_response_given_with_an_email(app, officer, make_response):
    first = make_response(email="jane.doe@example.com")
    second = make_response(email="Jane.Doe@Example.com")
    other = make_response(email="someone.else@example.com")
    page = _erase(officer(), "email", "JANE.DOE@example.com")
    assert page.status_code == 200
    assert _response_state(app, first["id"])["text"] == ON_REQUEST
    assert _response_state(app, second["id"])["text"] == ON_REQUEST
    assert _response_state(app, other["id"])["text"] != ON_REQUEST
    [entry] = _audit(app)
    assert "jane" not in str(entry.details).lower()  # the log outlives the erasure


def test_officer_erases_a_registrant_by_email_and_by_number(app, officer, make_registrant):
    by_email = make_registrant(email="sam.smith@example.org")
    by_number = make_registrant(email="other@example.org")
    client = officer()
    assert _erase(client, "email", "sam.smith@example.org").status_code == 200
    assert _erase(client, "registrant", str(by_number)).status_code == 200
    with app.app_context():
        for registrant_id in (by_email, by_number):
            registrant = db.session.get(Registrant, registrant_id)
            assert (registrant.first_name, registrant.last_name) == ("Erased", "")
            assert registrant.email is None and registrant.phone is None
            assert registrant.address_line is None and registrant.postcode is None
            assert registrant.status == "withdrawn"  # no later draw picks them
            assert registrant.features == {"age": "25-44"}  # the lottery's inputs stay
            assert registrant.erased_at is not None


def test_juror_is_erased_once_their_jury_has_finished(app, officer, make_juror):
    juror = make_juror(jury_status="selected")
    client = officer()
    finished = client.post(f"/juries/{juror['jury_slug']}/finish")
    assert finished.status_code == 302
    page = _erase(client, "juror", str(juror["member_id"]))
    assert page.status_code == 200, page.get_data(as_text=True)
    with app.app_context():
        member = db.session.get(PanelMember, juror["member_id"])
        assert member.display_name == FORMER_JUROR and member.join_code_hash is None
        assert member.erased_at is not None
        assert db.session.get(Contribution, juror["contribution_id"]).text == ON_REQUEST
        event = db.session.scalar(
            select(LiveEvent).where(LiveEvent.session_id == juror["session_id"])
        )
        assert event.payload["text"] == ON_REQUEST and event.payload["author"] == FORMER_JUROR
        registrant = db.session.get(Registrant, juror["registrant_id"])
        assert registrant.email is None and registrant.first_name == "Erased"
    [entry] = _audit(app)
    assert entry.details["erased"]["jurors"] == 1 and entry.details["erased"]["registrants"] == 1


@pytest.mark.parametrize("by", ["juror", "registrant", "email"])
def test_juror_mid_jury_is_refused_with_the_reason_and_nothing_changes(
    app, officer, make_juror, by
):
    juror = make_juror(jury_status="selected")
    key = {
        "juror": str(juror["member_id"]),
        "registrant": str(juror["registrant_id"]),
        "email": "sam.smith@example.org",
    }[by]
    page = _erase(officer(), by, key)
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "has not" in text and "finished" in text
    with app.app_context():
        member = db.session.get(PanelMember, juror["member_id"])
        assert member.display_name == "Sam S." and member.erased_at is None
        assert db.session.get(Contribution, juror["contribution_id"]).text.startswith("I'm Sam")
        assert db.session.get(Registrant, juror["registrant_id"]).email == "sam.smith@example.org"
    assert _audit(app) == []


def test_what_may_be_erased_is_and_what_must_be_kept_is_said(
    app, officer, make_juror, make_response
):
    juror = make_juror(jury_status="selected", email="jane.doe@example.com")
    made = make_response(email="jane.doe@example.com")
    page = _erase(officer(), "email", "jane.doe@example.com")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Kept for now" in text and "has not finished" in text
    assert _response_state(app, made["id"])["text"] == ON_REQUEST
    with app.app_context():
        assert db.session.get(PanelMember, juror["member_id"]).erased_at is None


def test_erasure_needs_a_reason(app, officer, make_response):
    made = make_response()
    page = _erase(officer(), "reference", made["reference"], reason="  ")
    assert page.status_code == 400
    assert "Enter why you are erasing this" in page.get_data(as_text=True)
    assert _response_state(app, made["id"])["text"] != ON_REQUEST
    assert _audit(app) == []


@pytest.mark.parametrize("role", ["facilitator", None])
def test_only_officers_reach_data_requests(app, officer, make_response, role):
    made = make_response()
    client = officer(role) if role else app.test_client()
    data = {"by": "reference", "key": made["reference"], "reason": "x"}
    for path in (
        "/data-requests",
        "/data-requests/access",
        "/data-requests/access.json",
        "/data-requests/erase",
    ):
        response = client.post(path, data=data)
        if role:
            assert response.status_code == 403, path
        else:
            assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert _response_state(app, made["id"])["text"] != ON_REQUEST
    assert _audit(app) == [] and _audit(app, "personal_data.accessed") == []


@pytest.mark.parametrize(
    ("by", "key", "status", "message"),
    [
        ("reference", "not a reference", 400, "as it is on the receipt"),
        ("reference", "RSP-2222-3333", 404, "nothing has been changed"),
        ("email", "no-at-sign", 400, "Enter an email address"),
        ("email", "nobody@example.com", 404, "nothing has been changed"),
        ("registrant", "99999999999999999999", 400, "Enter the number shown"),
        ("juror", "-1", 400, "Enter the number shown"),
        ("juror", "424242", 404, "nothing has been changed"),
        ("sideways", "x", 400, "Choose how to find them"),
    ],
)
def test_a_bad_or_unknown_key_gets_a_clear_4xx(
    app, officer, make_response, by, key, status, message
):
    made = make_response()
    client = officer()
    found = client.post("/data-requests", data={"by": by, "key": key})
    assert found.status_code == status
    assert message in found.get_data(as_text=True)
    erased = _erase(client, by, key)
    assert erased.status_code in (404, 422)
    assert _response_state(app, made["id"])["text"] != ON_REQUEST
    assert _audit(app) == []


def test_finding_shows_what_is_held_and_the_forms(app, officer, make_response):
    made = make_response()
    client = officer()
    assert client.get("/data-requests").status_code == 200
    page = client.post("/data-requests", data={"by": "reference", "key": made["reference"]})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert made["reference"] in text and "Erase this person" in text and "Download as JSON" in text


def test_a_jury_can_only_finish_once_it_has_a_panel(app, officer, make_jury):
    from consult.models import Jury

    jury_id = make_jury(status="recruiting")
    with app.app_context():
        slug = db.session.get(Jury, jury_id).slug
    response = officer().post(f"/juries/{slug}/finish")
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Jury, jury_id).status == "recruiting"


def test_erasing_twice_says_it_was_already_erased(app, officer, make_response):
    made = make_response()
    client = officer()
    assert _erase(client, "reference", made["reference"]).status_code == 200
    again = _erase(client, "reference", made["reference"])
    assert again.status_code == 200
    assert "Already erased before: 1" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Answer.id))) == 2


def test_erased_records_still_show_on_the_officers_pages(
    app, officer, make_registrant, make_response
):
    from consult.models import Jury

    registrant_id = make_registrant()
    made = make_response()
    client = officer()
    assert _erase(client, "registrant", str(registrant_id)).status_code == 200
    assert _erase(client, "reference", made["reference"]).status_code == 200
    with app.app_context():
        slug = db.session.get(Jury, db.session.get(Registrant, registrant_id).jury_id).slug
    pool = client.get(f"/juries/{slug}/pool")
    assert pool.status_code == 200 and "sam.smith@example.org" not in pool.get_data(as_text=True)
    assert client.get(f"/juries/{slug}/pool/{registrant_id}").status_code == 200
    audit = officer("admin").get("/admin/audit")
    assert audit.status_code == 200
    assert audit.get_data(as_text=True).count("personal_data.erased") == 2
