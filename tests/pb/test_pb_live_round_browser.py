"""A participatory budgeting vote in a live session, in real browsers: the facilitator adds
the round on the agenda page and goes to it from the console; a juror's phone (390 px)
draws the ballot when the room moves to it, the juror votes and sees that it counted, and
the console's count follows over the socket. axe-core finds nothing on any page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import DEFAULT_PASSWORD, assert_accessible
from tests.pb.test_pb_browser import _fits_the_phone

pytestmark = pytest.mark.browser


def _ready(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-live-ready", "true", timeout=15_000)


def test_a_juror_votes_in_the_room_on_a_phone_and_the_console_counts(
    browser, live_origin, make_live_session, make_pb_round
):
    pb = make_pb_round("voting")
    setup = make_live_session(jurors=1, start=True)
    sid = setup.session_id
    desk = browser.new_context(base_url=live_origin, viewport={"width": 1366, "height": 900})
    phone = browser.new_context(
        base_url=live_origin, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    staff, ada = desk.new_page(), phone.new_page()
    for page in (staff, ada):
        page.set_default_timeout(15_000)
    try:
        staff.goto("/sign-in")
        staff.get_by_label("Email address").fill(setup.facilitator_email)
        staff.get_by_label("Password").fill(DEFAULT_PASSWORD)
        staff.get_by_role("button", name="Sign in").click()
        staff.goto(f"/live/sessions/{sid}/agenda")
        staff.get_by_label("Kind of round").select_option("pb_vote")
        staff.get_by_role("button", name="Add round").click()  # no PB round chosen
        expect(staff.locator(".govuk-error-summary")).to_contain_text(
            "Choose the participatory budgeting round the room votes in"
        )
        assert_accessible(staff)
        staff.get_by_label("Kind of round").select_option("pb_vote")
        staff.get_by_label("Participatory budgeting round").select_option(str(pb["id"]))
        staff.get_by_label("Title", exact=True).fill("Vote on the youth fund")
        staff.get_by_role("button", name="Add round").click()
        expect(staff.locator("main")).to_contain_text("Vote on the youth fund")

        ada.goto("/join")
        ada.get_by_label("Join code").fill(setup.members[0][1])
        ada.get_by_role("button", name="Join").click()
        ada.get_by_role("link", name="Day one").click()
        _ready(ada)
        expect(ada.locator("#pb-vote")).to_have_count(0)

        staff.goto(f"/live/sessions/{sid}/console")
        _ready(staff)
        staff.get_by_label("Jump to round").select_option(label="9. Vote on the youth fund")
        staff.get_by_role("button", name="Go to round").click()
        expect(staff.locator("#pb-count")).to_have_text("0")
        _ready(staff)
        assert_accessible(staff)

        # the phone loads the ballot when the room moves to the vote
        expect(ada.locator("#pb-vote-heading")).to_contain_text(
            pb["slug"].replace("-", " "), ignore_case=True
        )
        _ready(ada)
        assert_accessible(ada)
        _fits_the_phone(ada)
        ada.get_by_label("Climbing wall").check()
        ada.get_by_label("Pitch drainage").check()
        ada.get_by_label("Skate park lights").check()
        ada.get_by_label("Youth music studio").check()
        ada.get_by_role("button", name="Cast my vote").click()
        expect(ada.locator(".govuk-error-summary")).to_contain_text("Choose no more than 3")
        assert_accessible(ada)
        ada.get_by_label("Youth music studio").uncheck()
        ada.get_by_label("Skate park lights").uncheck()
        ada.get_by_role("button", name="Cast my vote").click()
        expect(ada.locator("#pb-vote-counted")).to_contain_text("Your vote counted")
        expect(ada.locator("#pb-vote-lines")).to_contain_text("Climbing wall")
        _ready(ada)
        assert_accessible(ada)
        _fits_the_phone(ada)
        expect(staff.locator("#pb-count")).to_have_text("1")
        expect(staff.locator("#pb-count-unit")).to_have_text("juror has")
    finally:
        desk.close()
        phone.close()
