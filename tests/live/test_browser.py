"""A short agenda run in real browsers: a facilitator and two jurors in three contexts.
Table chat, a raised hand given the floor, an agree/disagree poll revealed, and a
recommendation passed by a final vote; one juror leaves mid-round and, back on the page,
sees everything it missed. axe-core finds nothing serious on any page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import DEFAULT_PASSWORD, assert_accessible

pytestmark = pytest.mark.browser


def _ready(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-live-ready", "true", timeout=15_000)


def test_facilitator_and_two_jurors_run_a_short_agenda(browser, live_origin, make_live_session):
    live_server = live_origin
    setup = make_live_session(jurors=2)
    sid = setup.session_id
    contexts = [browser.new_context(base_url=live_server) for _ in range(3)]
    staff, ada, ben = (context.new_page() for context in contexts)
    for page in (staff, ada, ben):
        page.set_default_timeout(15_000)
    try:
        staff.goto("/sign-in")
        assert_accessible(staff)
        staff.get_by_label("Email address").fill(setup.facilitator_email)
        staff.get_by_label("Password").fill(DEFAULT_PASSWORD)
        staff.get_by_role("button", name="Sign in").click()
        staff.goto(f"/live/sessions/{sid}/console")
        _ready(staff)
        assert_accessible(staff)

        for page, (_, code) in ((ada, setup.members[0]), (ben, setup.members[1])):
            page.goto("/join")
            page.get_by_label("Join code").fill(code)
            page.get_by_role("button", name="Join").click()
            expect(page.get_by_role("link", name="Day one")).to_be_visible()
            assert_accessible(page)
            page.get_by_role("link", name="Day one").click()
            _ready(page)
        assert_accessible(ada)

        # seat both at one table, start, move to the table discussion
        staff.get_by_label("Table size").fill("2")
        staff.get_by_role("button", name="Allocate tables").click()
        expect(staff.locator("#tables")).to_contain_text("1 table: Table 1.")
        staff.get_by_role("button", name="Start session").click()
        expect(ada.locator("#round-title")).to_have_text("Welcome and evidence")
        staff.get_by_role("button", name="Next round").click()
        expect(ada.locator("#round-title")).to_have_text("Table discussion")
        expect(ben.locator("#round-title")).to_have_text("Table discussion")
        expect(ada.locator("#timer")).to_have_text(re.compile(r"^(39|40):\d\d$"))
        expect(ada.locator("#table-heading")).to_contain_text("Table 1")

        # table chat
        ada.get_by_label("Message to your table").fill("Buses after 8pm would help <b>me</b>")
        ada.get_by_role("button", name="Send to table").click()
        expect(ben.locator("#table-chat")).to_contain_text("Buses after 8pm would help <b>me</b>")
        expect(staff.locator("#table-chat")).to_contain_text("Buses after 8pm")

        # a raised hand given the floor
        ben.get_by_role("button", name="Raise my hand").click()
        expect(staff.locator("#queue")).to_contain_text("Ben")
        staff.get_by_role("button", name="Give the floor to Ben").click()
        expect(ben.locator("#floor")).to_have_text("You have the floor at your table.")
        expect(ada.locator("#floor")).to_contain_text("Ben has the floor")
        expect(staff.locator("#balance")).to_contain_text("Ben")

        # Ada leaves mid-round; what she misses is there when she comes back
        ada.goto("/live/")
        ben.get_by_label("Message to your table").fill("Said while Ada was away")
        ben.get_by_role("button", name="Send to table").click()
        expect(staff.locator("#table-chat")).to_contain_text("Said while Ada was away")
        staff.get_by_label("Announcement to everyone").fill("Ten minutes left")
        staff.get_by_role("button", name="Announce").click()
        expect(ben.locator("#announcement-text")).to_have_text("Ten minutes left")
        ada.goto(f"/live/sessions/{sid}")
        expect(ada.locator("#table-chat")).to_contain_text("Said while Ada was away")
        expect(ada.locator("#announcement-text")).to_have_text("Ten minutes left")
        _ready(ada)
        expect(ada.locator("#round-title")).to_have_text("Table discussion")
        expect(ada.locator("#floor")).to_contain_text("Ben has the floor")
        ada.reload()
        _ready(ada)
        expect(ada.locator("#table-chat")).to_contain_text("Said while Ada was away")

        # an agree/disagree poll, revealed
        staff.get_by_text("Create a poll").click()
        staff.get_by_label("Question", exact=True).fill("Where do we stand?")
        staff.get_by_label("Statements or options, one a line").fill("More buses\nFewer cars")
        staff.get_by_role("button", name="Create poll").click()
        staff.get_by_role("button", name="Open poll").click()
        for page, choice in ((ada, "Agree"), (ben, "Disagree")):
            poll = page.locator("#polls article").first
            expect(poll).to_contain_text("Where do we stand?")
            for group in ("More buses", "Fewer cars"):
                poll.get_by_role("group", name=group).get_by_label(choice, exact=True).check()
            poll.get_by_role("button", name="Send my vote").click()
            expect(page.locator("#live-notice")).to_contain_text("Your vote is recorded")
        expect(ada.locator("#polls")).not_to_contain_text("Votes per statement")
        staff.get_by_role("button", name="Close poll").click()
        staff.get_by_role("button", name="Reveal results").click()
        expect(ada.locator("#polls")).to_contain_text("Votes per statement")
        expect(ben.locator("#polls")).to_contain_text("2 ballots")
        assert_accessible(ben)

        # a recommendation passed by a final vote
        staff.get_by_text("Add a recommendation").click()
        staff.get_by_label("Title").fill("Evening buses")
        staff.get_by_label("Text", exact=True).fill("Run buses every 20 minutes until midnight.")
        staff.get_by_label("Quorum (votes needed; blank for half the jury)").fill("2")
        staff.get_by_role("button", name="Add recommendation").click()
        staff.get_by_role("button", name="Open the final vote").click()
        for page in (ada, ben):
            rec = page.locator("#recommendations article").first
            expect(rec).to_contain_text("Evening buses")
            rec.get_by_label("Support", exact=True).check()
            rec.get_by_role("button", name="Vote").click()
            expect(page.locator("#live-notice")).to_contain_text("Your vote is recorded")
        staff.get_by_role("button", name="Close the vote and record the result").click()
        expect(ada.locator("#recommendations")).to_contain_text("Passed")
        expect(ben.locator("#recommendations")).to_contain_text("Support 2, oppose 0, abstain 0")
        assert_accessible(ada)
        assert_accessible(staff)
    finally:
        for context in contexts:
            context.close()
