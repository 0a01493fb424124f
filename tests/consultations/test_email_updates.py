"""'Email me when the council publishes its response' (issue 15, item 7): ticked with no
email address it is refused with a message on the email field, never dropped in silence;
the email field sits in a conditional reveal; the check page shows the choice."""

from __future__ import annotations

import re

from sqlalchemy import select

from consult.extensions import db
from consult.models import Response
from tests.consultations.test_consultation_journey import _answer_everything, _start

ABOUT = "/consultations/buses/respond/about-you"


def _ready(client, every_kind, question_ids):  # type: ignore[no-untyped-def]
    ids = question_ids(every_kind(slug="buses"))
    _start(client, "buses")
    _answer_everything(client, "buses", ids)


def test_updates_without_an_email_are_refused_on_the_email_field(
    client, app, every_kind, question_ids
):
    _ready(client, every_kind, question_ids)
    page = client.get(ABOUT).get_data(as_text=True)
    # the email field is revealed by "Yes, email me" (GOV.UK conditional reveal)
    assert 'data-aria-controls="conditional-email_me"' in page
    reveal = page.split('id="conditional-email_me"', 1)[1]
    assert 'id="email"' in reveal and 'id="wants_updates"' in reveal

    refused = client.post(
        ABOUT, data={"respondent_type": "individual", "email_me": "yes", "wants_updates": "yes"}
    )
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert 'href="#email"' in text  # the error summary links to the field
    assert "Enter your email address, so that we can tell you" in text
    assert re.search(r'id="wants_updates"[^>]* checked', text)  # the tick is kept
    with app.app_context():
        response = db.session.scalar(select(Response))
        assert response.wants_updates is False and response.profile is None

    saved = client.post(
        ABOUT,
        data={
            "respondent_type": "individual",
            "email_me": "yes",
            "email": "sam@example.com",
            "wants_updates": "yes",
        },
    )
    assert saved.status_code == 302
    check = client.get("/consultations/buses/respond/check").get_data(as_text=True)
    row = check.split("Email me when the council publishes its response", 1)[1]
    assert re.match(r"</dt>\s*<dd[^>]*>Yes</dd>", row)
    with app.app_context():
        assert db.session.scalar(select(Response)).wants_updates is True


def test_the_check_page_says_no_when_updates_were_not_asked_for(client, every_kind, question_ids):
    _ready(client, every_kind, question_ids)
    client.post(ABOUT, data={"respondent_type": "individual", "email": "sam@example.com"})
    check = client.get("/consultations/buses/respond/check").get_data(as_text=True)
    row = check.split("Email me when the council publishes its response", 1)[1]
    assert re.match(r"</dt>\s*<dd[^>]*>No</dd>", row)


def test_a_draft_saved_as_they_type_is_not_refused_half_way(client, app, every_kind, question_ids):
    _ready(client, every_kind, question_ids)
    autosave = client.post(ABOUT, data={"wants_updates": "yes"}, headers={"X-Autosave": "1"})
    assert autosave.status_code == 200 and autosave.get_json() == {"saved": True}
