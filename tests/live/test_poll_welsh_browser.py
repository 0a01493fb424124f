"""A bilingual poll in real Chromium: the facilitator writes a poll's Welsh beside its
English in the console; a juror reading in Welsh on a 390-pixel phone sees the script
draw it in Welsh, answers it, and sees the results labelled in Welsh; a poll without
Welsh shows its English marked lang="en-GB" under the note. axe finds nothing serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from consult.extensions import db
from consult.models import Ballot
from tests.conftest import DEFAULT_PASSWORD, assert_accessible
from tests.juries.test_jury_welsh import english_left
from tests.live.test_juror_welsh import SESSION_TITLE, _welsh_jury_and_rounds

pytestmark = pytest.mark.browser


def test_a_welsh_juror_answers_a_bilingual_poll_on_a_phone(
    browser, live_origin, app, make_live_session
):
    setup = make_live_session(jurors=1, start=True)
    sid = setup.session_id
    _welsh_jury_and_rounds(app, setup)
    desk = browser.new_context(base_url=live_origin)
    phone = browser.new_context(base_url=live_origin, viewport={"width": 390, "height": 844})
    staff, juror = desk.new_page(), phone.new_page()
    for page in (staff, juror):
        page.set_default_timeout(15_000)
    try:
        staff.goto("/sign-in")
        staff.get_by_label("Email address").fill(setup.facilitator_email)
        staff.get_by_label("Password").fill(DEFAULT_PASSWORD)
        staff.get_by_role("button", name="Sign in").click()
        staff.goto(f"/live/sessions/{sid}/console")
        expect(staff.locator("body")).to_have_attribute("data-live-ready", "true")

        juror.goto("/language/cy?next=/join")
        juror.get_by_label("Cod ymuno").fill(setup.members[0][1])
        juror.get_by_role("button", name="Ymuno").click()
        juror.get_by_role("link", name="Day one").click()
        expect(juror.locator("body")).to_have_attribute("data-live-ready", "true")

        # the facilitator writes the poll in both languages and opens it
        staff.get_by_text("Create a poll").click()
        staff.get_by_label("Kind").select_option("single_choice")
        staff.get_by_label("Question", exact=True).fill("Which route first?")
        staff.get_by_label("Statements or options, one a line").fill("Route 1\nRoute 2")
        staff.get_by_label("Question (Welsh version)").fill("Pa lwybr yn gyntaf?")
        staff.get_by_label("Statements or options (Welsh version), one a line").fill(
            "Llwybr 1\nLlwybr 2"
        )
        staff.get_by_role("button", name="Create poll").click()
        card = staff.locator("#polls section").first
        expect(card).to_contain_text("Which route first?")
        card.get_by_text("Welsh version", exact=True).click()
        expect(card.get_by_label("Question (Welsh version)")).to_have_value("Pa lwybr yn gyntaf?")
        expect(card).to_contain_text("all of this poll in Welsh")
        card.get_by_role("button", name="Open poll").click()

        # the juror's script draws it in Welsh, and the juror answers it
        poll = juror.locator("#polls article").first
        expect(poll.locator("h3")).to_have_text("Pa lwybr yn gyntaf?")
        expect(poll.locator("h3")).not_to_have_attribute("lang", "en-GB")
        expect(poll.locator(".govuk-inset-text")).to_have_count(0)
        poll.get_by_label("Llwybr 2").check()
        poll.get_by_role("button", name="Anfon fy mhleidlais").click()
        expect(juror.locator("#live-notice")).to_contain_text("Mae eich pleidlais wedi")
        with app.app_context():
            assert db.session.scalars(select(Ballot.value)).all() == ["o2"]
        left = english_left(juror.content(), SESSION_TITLE)
        assert not left, left
        assert_accessible(juror)

        # the results, labelled in the juror's language
        card.get_by_role("button", name="Close poll").click()
        card.get_by_role("button", name="Reveal results").click()
        expect(poll).to_contain_text("Pleidleisiau fesul opsiwn")
        expect(poll.locator(".consult-results")).to_contain_text("Llwybr 2: 1")
        expect(poll.locator(".consult-results")).not_to_contain_text("Route")

        # a poll with no Welsh: the English, marked as English, under the note (the
        # "Create a poll" details are still open)
        staff.get_by_label("Kind").select_option("single_choice")
        staff.get_by_label("Question", exact=True).fill("Tea or coffee?")
        staff.get_by_label("Statements or options, one a line").fill("Tea\nCoffee")
        staff.get_by_role("button", name="Create poll").click()
        staff.locator("#polls section", has_text="Tea or coffee?").get_by_role(
            "button", name="Open poll"
        ).click()
        second = juror.locator("#polls article", has_text="Tea or coffee?")
        expect(second.locator("h3")).to_have_attribute("lang", "en-GB")
        expect(second.locator(".govuk-inset-text")).to_have_text(
            "Nid yw'r cynnwys hwn ar gael yn Gymraeg"
        )
        expect(second.get_by_text("Coffee", exact=True)).to_have_attribute("lang", "en-GB")
        left = english_left(juror.content(), (*SESSION_TITLE, "Tea or coffee?", "Coffee", "Tea"))
        assert not left, left
        assert_accessible(juror)

        # the facilitator adds its Welsh afterwards: the juror's card changes in place
        card = staff.locator("#polls section", has_text="Tea or coffee?")
        expect(card).to_contain_text("No Welsh version yet: the question, 2 lines.")
        card.get_by_text("Welsh version", exact=True).click()
        card.get_by_label("Question (Welsh version)").fill("Te neu goffi?")
        card.get_by_label("Statements or options (Welsh version)").fill("Te\nCoffi")
        card.get_by_role("button", name="Save the Welsh version").click()
        second = juror.locator("#polls article", has_text="Te neu goffi?")
        expect(second.locator("h3")).not_to_have_attribute("lang", "en-GB")
        expect(second.locator(".govuk-inset-text")).to_have_count(0)
        expect(second.get_by_text("Coffi", exact=True)).to_be_visible()
        assert_accessible(juror)
        assert_accessible(staff)
    finally:
        desk.close()
        phone.close()
