"""The question form and publishing in a real browser at a phone's width (390 px) and a
desktop's (1366 px) (issue 15, items 14 and 16): with JavaScript the form is one step and
shows only the fields the chosen kind uses, changing with the kind; Publish asks first.
axe-core finds nothing, of any impact, on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import DEFAULT_PASSWORD, assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", (390, 1366))
def test_question_form_follows_the_kind_and_publish_asks_first(
    live_server, browser, make_user, make_consultation, width
):
    make_user("officer", email="olu@council.example")
    make_consultation(slug="bins", status="draft")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("olu@council.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")

    page.goto(live_server + "/consultations/manage/bins/questions/new")
    question = page.get_by_label("Question", exact=True)
    options = page.get_by_label("Options (one on each line)")
    most = page.get_by_label("Most characters allowed")
    total = page.get_by_label("Total the amounts must add up to")
    save = page.get_by_role("button", name="Save question")
    expect(page.get_by_role("button", name="Continue")).to_be_hidden()  # one step with JS
    for field in (question, options, most, total, save):
        expect(field).to_be_hidden()
    assert_accessible(page)

    page.get_by_label("Budget allocation").check()
    for field in (question, options, total, save):
        expect(field).to_be_visible()
    expect(most).to_be_hidden()
    page.get_by_label("Free text").check()
    expect(most).to_be_visible()
    expect(options).to_be_hidden()
    expect(total).to_be_hidden()
    expect(page.get_by_role("button", name="Show the fields for the type chosen")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    question.fill("What would make collections better?")
    save.click()
    page.wait_for_url("**/manage/bins")

    page.get_by_role("link", name="Publish").click()
    expect(page.get_by_role("heading", name="Publish this consultation?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, publish").click()
    page.wait_for_url("**/manage/bins")
    expect(page.locator("#status")).to_have_text("Open")
    context.close()
