"""A resident's whole participatory budgeting journey in a real browser on a 390 px
phone: propose a project, vote with a one-time code (a ballot over the limit first, then
a good one), see the confirmation, and read the results; axe-core on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consult.extensions import db
from tests.conftest import assert_accessible

pytestmark = pytest.mark.browser


def _fits_the_phone(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > 390)"
        ".slice(0, 5).map(e => e.tagName + ' ' + e.textContent.slice(0, 40))"
    )
    assert width <= 390, f"{page.url} scrolls sideways on a phone ({width}px): {wide}"


def _officer_steps(app, round_id: int, *steps: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Do the officers' part through the services: assess new proposals, open or close
    voting, make a code, count. Returns any codes made."""
    from consult.models import PBRound, User
    from consult.pb import counting, proposals, services

    codes: list[str] = []
    with app.app_context():
        pb_round = db.session.get(PBRound, round_id)
        officer = db.session.scalar(db.select(User).where(User.role == "officer"))
        for step in steps:
            if step == "assess":
                for proposal in pb_round.proposals:
                    if proposal.assessment is None:
                        proposals.assess_proposal(proposal, assessment="feasible", actor=officer)
            elif step == "advance":
                services.advance_phase(pb_round, actor=officer)
            elif step == "code":
                codes += services.generate_codes(pb_round, count=1, actor=officer)
            elif step == "count":
                counting.count_round(pb_round, actor=officer)
        db.session.commit()
    return codes


def test_resident_proposes_votes_on_a_phone_and_reads_the_results(
    live_server, browser, app, make_pb_round
):
    made = make_pb_round("proposals", max_choices=2)
    slug = made["slug"]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()

    # propose
    page.goto(live_server + "/pb/")
    assert_accessible(page)
    page.get_by_role("link", name=made["slug"].replace("-", " ").capitalize()).click()
    assert_accessible(page)
    _fits_the_phone(page)
    page.get_by_role("link", name="Propose a project").click()
    page.get_by_role("button", name="Send my idea").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for your project")
    assert_accessible(page)
    page.get_by_label("Name of your project").fill("Outdoor gym")
    page.get_by_label("What would it do, and who would it help?").fill(
        "Free outdoor gym in the park. Ring 07700 900123 to help."
    )
    page.get_by_label("Where would it happen?").select_option("Oldtown")
    page.get_by_label("Roughly what would it cost, in pounds?").fill("4000")
    page.get_by_role("button", name="Send my idea").click()
    expect(page.get_by_role("heading", name="Idea received")).to_be_visible()
    assert_accessible(page)
    _fits_the_phone(page)

    # officers assess it and open voting; a code is handed out
    code = _officer_steps(app, made["id"], "advance", "assess", "advance", "code")[0]

    # vote
    page.goto(f"{live_server}/pb/{slug}")
    page.get_by_role("link", name="Vote now").click()
    assert_accessible(page)
    page.get_by_label("Voting code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your ballot")).to_be_visible()
    assert_accessible(page)
    _fits_the_phone(page)
    for name in ("Outdoor gym", "Climbing wall", "Pitch drainage"):
        page.get_by_label(name).check()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose no more than 2 projects")
    assert_accessible(page)
    page.get_by_label("Pitch drainage").uncheck()
    page.get_by_label("Your age (optional)").select_option("16-17")
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_role("heading", name="Your vote is counted")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Outdoor gym")
    assert_accessible(page)
    _fits_the_phone(page)

    # voting closes, the votes are counted, the resident reads the results
    _officer_steps(app, made["id"], "advance", "count")
    page.goto(f"{live_server}/pb/{slug}")
    page.get_by_role("link", name="See the results").click()
    expect(page.get_by_role("heading", name="Funded projects")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Outdoor gym")
    expect(page.locator("main")).to_contain_text(f"python -m analysis pb {slug}.pb")
    assert_accessible(page)
    _fits_the_phone(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the ballots").click()
    assert download.value.suggested_filename == f"{slug}.pb"
    context.close()


def test_officer_pages_are_accessible(live_server, page, app, make_pb_round, officers):
    from tests.conftest import DEFAULT_PASSWORD

    made = make_pb_round("voting")
    slug = made["slug"]
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(officers[0]["email"])
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    for path in (
        "/pb/manage",
        "/pb/manage/new",
        f"/pb/{slug}/manage",
        f"/pb/{slug}/manage/proposals",
        f"/pb/{slug}/manage/proposals/{made['proposals']['Youth music studio']}",
        f"/pb/{slug}/manage/codes",
        f"/pb/{slug}/manage/paper",
        f"/pb/{slug}/manage/compare",
        f"/pb/{slug}/manage/delivery",
    ):
        page.goto(live_server + path)
        assert_accessible(page)
    page.goto(f"{live_server}/pb/{slug}/manage/codes")
    page.get_by_label("How many codes").fill("4")
    page.get_by_role("button", name="Make the codes").click()
    expect(page.locator(".pb-code")).to_have_count(4)
    assert_accessible(page)
    page.goto(f"{live_server}/pb/{slug}/manage/paper")
    page.get_by_label("Serial number on the ballot paper").fill("P-1")
    page.get_by_role("button", name="Save this entry").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least 1 project")
    assert_accessible(page)
