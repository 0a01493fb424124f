"""The edges of a live session in real Chromium (issue 15, items 1-6): a facilitator at
desktop width (1366 px) and jurors on phones (390 px). Ending asks first and every juror
screen turns into "This session has ended" with its actions disabled, live and after a
reload; a refusal is shown on screen; the console offers only what applies; the ballot
count rises as jurors vote; results are bars that fit a phone; jurors see why a
recommendation did not pass; chat times, the idea board and its Hide control read
plainly. axe-core finds no violation of any impact on the pages visited."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from consult.extensions import db
from consult.live import decisions, outbox
from consult.models import JurySession, User
from tests.conftest import AXE_SOURCE, DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def assert_no_violations(page: Page) -> None:
    """axe-core on the page: no violation of any impact (minor and moderate too)."""
    page.evaluate(AXE_SOURCE)
    violations = page.evaluate("async () => (await axe.run()).violations")
    found = [
        f"{v['id']} ({v['impact']}): {', '.join(str(n['target'][0]) for n in v['nodes'][:3])}"
        for v in violations
    ]
    assert not found, f"{page.url} at {page.viewport_size}: {found}"


def assert_fits(page: Page) -> None:
    """Nothing wider than the screen: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url}: {width} px wide"


def _ready(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-live-ready", "true", timeout=15_000)


class Room:
    """A browser context per person: the facilitator at desktop width, jurors on phones."""

    def __init__(self, browser: Browser, base: str, setup: Any) -> None:
        self.browser, self.base, self.setup = browser, base, setup
        self.contexts: list[BrowserContext] = []

    def page(self, viewport: dict[str, int]) -> Page:
        context = self.browser.new_context(base_url=self.base, viewport=viewport)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def console(self) -> Page:
        page = self.page(DESKTOP)
        page.goto("/sign-in")
        page.get_by_label("Email address").fill(self.setup.facilitator_email)
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"/live/sessions/{self.setup.session_id}/console")
        _ready(page)
        return page

    def juror(self, index: int, viewport: dict[str, int] = PHONE) -> Page:
        page = self.page(viewport)
        page.goto("/join")
        page.get_by_label("Join code").fill(self.setup.members[index][1])
        page.get_by_role("button", name="Join").click()
        page.goto(f"/live/sessions/{self.setup.session_id}")
        _ready(page)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def room(browser, live_origin, make_live_session) -> Callable[..., Room]:
    rooms: list[Room] = []

    def make(**options: Any) -> Room:
        made = Room(browser, live_origin, make_live_session(**options))
        rooms.append(made)
        return made

    yield make
    for made in rooms:
        made.close()


def _controls(staff: Page) -> list[str]:
    return [name.strip() for name in staff.locator("#controls button").all_inner_texts()]


def test_ending_asks_first_and_jurors_see_the_session_ended_with_actions_disabled(room):
    r = room(jurors=2)
    staff = r.console()
    ada = r.juror(0)
    ben = r.juror(1, DESKTOP)

    # before the start: a refusal is on the screen, not only announced
    ada.get_by_role("button", name="Raise my hand").click()
    expect(ada.locator("#hand-error")).to_be_visible()
    expect(ada.locator("#hand-error")).to_contain_text("The session is not running.")
    ada.get_by_role("button", name="Send to room").click()  # nothing written
    expect(ada.locator("#room-message-error")).to_contain_text("Write a message first.")

    # the console offers what applies now, and follows the state
    assert _controls(staff) == ["Start session"]
    staff.get_by_role("button", name="Start session").click()
    expect(staff.locator("#control-toggle")).to_have_text("Pause")
    assert _controls(staff) == ["Pause", "Add 5 minutes", "Next round", "Go to round"]
    expect(ada.locator("#hand-error")).to_be_hidden()
    staff.get_by_role("button", name="Pause").click()
    expect(staff.locator("#control-toggle")).to_have_text("Resume")
    expect(staff.get_by_role("button", name="Pause")).to_have_count(0)
    staff.get_by_role("button", name="Resume").click()
    expect(staff.locator("#control-toggle")).to_have_text("Pause")

    # jump to the poll round: the polls panel comes first
    staff.get_by_label("Jump to round").select_option(label="4. Where do we stand?")
    staff.get_by_role("button", name="Go to round").click()
    expect(ada.locator("#round-title")).to_have_text("Where do we stand?")
    expect(staff.locator("#console-panels > section").first).to_have_id("panel-polls")
    expect(staff.locator("#gallery-link")).to_contain_text("closed")
    expect(staff.locator("#gallery-link a")).to_have_count(0)
    staff.get_by_role("button", name="Open the public gallery").click()
    expect(staff.locator("#gallery-link a")).to_have_text("public view")
    assert_no_violations(staff)

    # a stale announcement must not outlive the session
    staff.get_by_label("Announcement to everyone").fill("Ten minutes left")
    staff.get_by_role("button", name="Announce").click()
    expect(ada.locator("#announcement-text")).to_have_text("Ten minutes left")

    # ending asks first
    staff.get_by_role("link", name="End the session").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to end the session?"
    )
    assert_no_violations(staff)
    staff.get_by_role("button", name="Yes, end the session").click()
    expect(staff.locator("#ended-note")).to_contain_text("The session has ended.")
    assert _controls(staff) == []

    for page in (ada, ben):  # live, without a reload
        expect(page.locator("#round-title")).to_have_text("This session has ended")
        expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
        expect(page.locator("#timer")).to_be_hidden()
        expect(page.locator("#announcement")).to_be_hidden()
        expect(page.get_by_role("button", name="Raise my hand")).to_be_disabled()
        expect(page.get_by_label("Message to the whole room")).to_be_disabled()
    ada.reload()
    _ready(ada)
    expect(ada.locator("#round-title")).to_have_text("This session has ended")
    expect(ada.get_by_role("link", name="the jury's public page")).to_be_visible()
    expect(ada.get_by_role("button", name="Send to room")).to_be_disabled()
    expect(ada.get_by_role("button", name="Add idea")).to_be_disabled()
    expect(ada.locator("#timer")).to_be_hidden()
    assert_fits(ada)
    assert_no_violations(ada)
    assert_no_violations(ben)


def test_ballots_count_live_and_results_are_bars_that_fit_a_phone(room):
    r = room(jurors=3, start=True)
    staff = r.console()
    jurors = [r.juror(i) for i in range(3)]

    staff.get_by_text("Create a poll").click()
    staff.get_by_label("Question", exact=True).fill("Where do we stand?")
    staff.get_by_label("Statements or options, one a line").fill(
        "Buses should run every 10 minutes on the main routes until midnight every day\n"
        "Fewer cars in the town centre"
    )
    staff.get_by_role("button", name="Create poll").click()
    staff.get_by_role("button", name="Open poll").click()
    expect(staff.locator("#polls")).to_contain_text("0 ballots so far")
    for count, (page, choice) in enumerate(
        zip(jurors, ("Agree", "Agree", "Disagree"), strict=True), 1
    ):
        poll = page.locator("#polls article").first
        poll.get_by_role("group", name="Fewer cars in the town centre").get_by_label(
            choice, exact=True
        ).check()
        poll.get_by_role("button", name="Send my vote").click()
        expect(page.locator("#live-notice")).to_contain_text("Your vote is recorded")
        # the facilitator's count rises without a reload
        expect(staff.locator("#polls")).to_contain_text(
            f"{count} ballot{'s' if count != 1 else ''} so far"
        )
    staff.get_by_role("button", name="Close poll").click()
    staff.get_by_role("button", name="Reveal results").click()

    ada = jurors[0]
    results = ada.locator("#polls .live-results")
    expect(results).to_contain_text("Votes per statement")
    expect(results).to_contain_text("Agree 2 (67%)")
    expect(results).to_contain_text("Disagree 1 (33%)")
    expect(results.locator("svg.consult-bar")).to_have_count(2)
    expect(results.locator("table")).to_have_count(0)
    # three voters: no opinion groups (one person's votes would show)
    expect(results).to_contain_text("Opinion groups are shown once at least 6 people have voted")
    expect(results).not_to_contain_text("Group ")
    bar_width = results.locator("svg.consult-bar").first.bounding_box()["width"]
    assert 200 < bar_width <= 390
    assert_fits(ada)
    assert_no_violations(ada)
    ada.reload()  # the server draws the same bars
    _ready(ada)
    expect(ada.locator("#polls .live-results svg.consult-bar")).to_have_count(2)
    assert_fits(ada)
    expect(staff.locator("#polls .live-results")).to_contain_text("Agree 2 (67%)")
    assert_fits(staff)


def test_jurors_see_why_a_recommendation_did_not_pass(app, room):
    r = room(jurors=3, start=True)
    staff = r.console()
    ada, ben = r.juror(0), r.juror(1, DESKTOP)
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == r.setup.facilitator_email))
        session = db.session.get(JurySession, r.setup.session_id)
        rec, _ = decisions.create_recommendation(
            session, actor=actor, title="Evening buses", text="Run them.", client_id="r1", quorum=2
        )
        decisions.set_recommendation_status(session, rec.id, "open_vote", actor=actor)
        db.session.commit()
        outbox.flush_outbox()
    for page, choice in ((ada, "Support"), (ben, "Oppose")):
        card = page.locator("#recommendations article").first
        card.get_by_label(choice, exact=True).check()
        card.get_by_role("button", name="Vote").click()
        expect(page.locator("#live-notice")).to_contain_text("Your vote is recorded")
    expect(staff.locator("#recommendations")).to_contain_text("support 1, oppose 1")
    staff.get_by_role("button", name="Close the vote and record the result").click()
    card = ada.locator("#recommendations article").first
    expect(card).to_contain_text("Not passed")
    expect(card).to_contain_text("80% was needed: not met")
    expect(card).to_contain_text("2 votes needed, 2 cast (abstentions count): met")
    expect(card).to_contain_text("2 of 3 jurors voted")
    expect(card.locator(".consult-decision")).to_contain_text(re.compile(r"Your vote\s*Support"))
    expect(ben.locator(".consult-decision")).to_contain_text(re.compile(r"Your vote\s*Oppose"))
    assert_fits(ada)
    assert_no_violations(ada)


def test_chat_times_idea_board_and_hide_read_plainly(room):
    r = room(jurors=1, start=True)
    staff = r.console()
    ada = r.juror(0)
    ada.get_by_label("Message to the whole room").fill("Hello all")
    ada.get_by_role("button", name="Send to room").click()
    time = ada.locator("#room-chat .consult-chat__time").last
    expect(time).to_have_text(re.compile(r"^(\d{1,2}(:\d\d)?(am|pm)|midday|midnight)$"))
    expect(staff.locator("#room-chat")).to_contain_text("Hello all")
    expect(staff.locator("#room-chat .consult-chat__time").last).to_have_text(
        re.compile(r"^(\d{1,2}(:\d\d)?(am|pm)|midday|midnight)$")
    )
    ada.reload()
    _ready(ada)
    expect(ada.locator("#room-chat .consult-chat__time").last).to_have_text(
        re.compile(r"^(\d{1,2}(:\d\d)?(am|pm)|midday|midnight)$")
    )

    for text in ("More buses at night", "Night buses on Fridays", "Cheaper bus fares"):
        box = ada.get_by_label("Add an idea")
        box.fill(text)
        ada.get_by_role("button", name="Add idea").click()
        # the box empties when the server acknowledges this idea; the notice alone says
        # "Idea added." from the one before, so typing the next idea sooner would race
        expect(box).to_have_value("", timeout=30_000)
        expect(ada.locator("#live-notice")).to_have_text("Idea added.", timeout=30_000)
        # the board regroups after each idea (clustering): allow for a loaded machine
        expect(staff.locator("#idea-board")).to_contain_text(text, timeout=30_000)
    expect(staff.locator("#idea-engine")).not_to_contain_text("analysis.")
    expect(staff.locator("#idea-engine")).to_contain_text("Ideas are grouped")
    hide = staff.locator("#idea-board").get_by_role("button", name=re.compile(r"^Hide")).first
    expect(hide).to_have_class(re.compile(r"consult-link-button"))
    expect(hide).not_to_have_class(re.compile(r"govuk-button--warning"))
    expect(staff.locator("#queue-empty")).to_have_text("Nobody is waiting.")
    expect(staff.locator("#queue")).to_be_hidden()
    expect(ada.locator("#queue-empty")).to_have_text("Nobody is waiting to speak.")
    assert_no_violations(ada)


def test_console_and_juror_pages_fit_a_phone_and_a_desktop(room):
    """Every live screen at both widths: nothing wider than the screen, no axe violation."""
    r = room(jurors=1, start=True)
    for viewport in (PHONE, DESKTOP):
        staff = r.console()
        staff.set_viewport_size(viewport)
        assert_fits(staff)
        assert_no_violations(staff)
    ada = r.juror(0, DESKTOP)
    assert_fits(ada)
    assert_no_violations(ada)
