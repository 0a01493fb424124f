"""Ballots other than approval in a real browser on a 390 px phone, with axe-core on every
page: a spend-the-budget ballot whose running total follows the ticks (and the server
refusing a ballot over the budget all the same), cumulative and ranking ballots reached
through the postcode-and-date-of-birth check, and a kiosk taking two voters in turn."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.conftest import DEFAULT_PASSWORD, assert_accessible
from tests.pb.test_pb_browser import _fits_the_phone

pytestmark = pytest.mark.browser


def _phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    return context, context.new_page()


def _check_page(page) -> None:  # type: ignore[no-untyped-def]
    assert_accessible(page)
    _fits_the_phone(page)


def test_spend_the_budget_ballot_on_a_phone_shows_the_running_total(
    live_server, browser, make_pb_round
):
    made = make_pb_round("voting", codes=1, ballot_type="knapsack")
    slug = made["slug"]
    context, page = _phone(browser)
    page.goto(f"{live_server}/pb/{slug}/vote")
    page.get_by_label("Voting code").fill(made["codes"][0])
    page.get_by_role("button", name="Continue").click()
    total = page.locator("[data-running-total]")
    expect(total).to_have_text(re.compile(r"£0 of £15,000, £15,000 left"))
    _check_page(page)
    page.get_by_label("Skate park lights").check()  # 6,000
    expect(total).to_have_text(re.compile(r"£6,000 of £15,000, £9,000 left"))
    page.get_by_label("Youth music studio").check()  # 8,000
    page.get_by_label("Climbing wall").check()  # 3,000
    expect(total).to_have_text(re.compile(r"£17,000, £2,000 over the budget"))
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Your projects cost £17,000 in total, £2,000 more than the budget of £15,000"
    )
    _check_page(page)
    page.get_by_label("Youth music studio").uncheck()
    expect(total).to_have_text(re.compile(r"£9,000 of £15,000, £6,000 left"))
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", name="Your vote is counted")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Climbing wall")
    _check_page(page)
    context.close()


@pytest.mark.parametrize("kind", ["cumulative", "ranking"])
def test_points_and_ranking_ballots_after_the_eligibility_check(
    live_server, browser, make_pb_round, kind
):
    settings = {"max_sum_points": 5} if kind == "cumulative" else {"max_choices": 3}
    made = make_pb_round(
        "voting",
        ballot_type=kind,
        rule="greedy",
        eligibility_check=True,
        postcode_areas=["RV1"],
        **settings,
    )
    context, page = _phone(browser)
    page.goto(f"{live_server}/pb/{made['slug']}/vote")
    page.get_by_role("link", name="Vote with your postcode and date of birth").click()
    _check_page(page)
    page.get_by_label("Your postcode").fill("RV9 9ZZ")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill(str(date.today().year - 17))
    page.get_by_label("Your full name or email address").fill("Sam Jones")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("You cannot vote in this round")
    _check_page(page)
    page.get_by_label("Your postcode").fill("RV1 2AB")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your ballot")).to_be_visible()
    _check_page(page)
    if kind == "cumulative":
        page.get_by_label("Points for Climbing wall").fill("4")
        page.get_by_label("Points for Pitch drainage").fill("2")
        expect(page.locator("[data-running-total]")).to_contain_text("6, 1 more than the 5")
        page.get_by_role("button", name="Cast my vote").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("You gave 6 points")
        _check_page(page)
        page.get_by_label("Points for Pitch drainage").fill("1")
        expected = ["Climbing wall: 4 points", "Pitch drainage: 1 point"]
    else:
        page.get_by_label("Your second choice").select_option(label="Climbing wall (£3,000)")
        page.get_by_role("button", name="Cast my vote").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Choose your first choice")
        _check_page(page)
        page.get_by_label("Your first choice").select_option(label="Pitch drainage (£5,000)")
        expected = ["First choice: Pitch drainage", "Second choice: Climbing wall"]
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", name="Your vote is counted")).to_be_visible()
    for line in expected:
        expect(page.locator("main")).to_contain_text(line)
    _check_page(page)
    context.close()


def test_kiosk_takes_two_voters_in_turn_and_clears_itself_when_left(
    live_server, browser, app, make_pb_round, officers, monkeypatch
):
    from sqlalchemy import func, select

    from consult.extensions import db
    from consult.models import PBBallot
    from consult.pb import kiosk

    monkeypatch.setattr(kiosk, "IDLE_SECONDS", 3)
    made = make_pb_round("voting", ballot_type="ranking", rule="greedy", max_choices=2)
    slug = made["slug"]
    context, page = _phone(browser)
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(officers[0]["email"])
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    page.goto(f"{live_server}/pb/{slug}/manage/kiosk")
    _check_page(page)
    page.get_by_role("button", name="Start a kiosk on this device").click()
    pin = page.locator(".pb-kiosk-pin").inner_text()
    _check_page(page)
    page.get_by_role("link", name="Show the kiosk").click()
    for first in ("Climbing wall (£3,000)", "Pitch drainage (£5,000)"):
        expect(page.get_by_role("heading", name="Vote here")).to_be_visible()
        _check_page(page)
        page.get_by_label("Staff PIN", exact=True).first.fill(pin)
        page.get_by_role("button", name="Next voter").click()
        expect(page.get_by_label("Your first choice")).to_have_value("")  # nothing left over
        _check_page(page)
        page.get_by_label("Your first choice").select_option(label=first)
        page.get_by_role("button", name="Cast my vote").click()
        expect(page.get_by_role("heading", name="Your vote is counted")).to_be_visible()
        expect(page.locator("main")).not_to_contain_text(first.split(" (")[0])
        _check_page(page)
        page.get_by_role("link", name="Ready for the next voter").click()
    # a voter who walks away: the ballot page clears itself and waits for the next one
    page.get_by_label("Staff PIN", exact=True).first.fill(pin)
    page.get_by_role("button", name="Next voter").click()
    page.get_by_label("Your first choice").select_option(label="Skate park lights (£6,000)")
    expect(page.get_by_role("heading", name="Vote here")).to_be_visible(timeout=10_000)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PBBallot)) == 2
    page.goto(f"{live_server}/pb/{slug}/kiosk/ballot")
    expect(page.get_by_role("heading", name="Vote here")).to_be_visible()  # the slot is gone
    context.close()
