"""The data-request pages and a resident's "delete my response" in a real browser: an
officer finds a person, sees everything held and erases it; a resident deletes their
response from the receipt; axe finds nothing serious or critical on any page visited."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import DEFAULT_PASSWORD, assert_accessible


@pytest.mark.browser
def test_officer_answers_a_request_and_a_resident_deletes_their_response(
    page: Page, live_server, make_user, make_response
):
    first = make_response(email="jane.doe@example.com")
    second = make_response(email="kim@example.com")
    make_user("officer", email="privacy.officer@council.example")

    page.goto(f"{live_server}/privacy")
    expect(page.get_by_text("1 year after the consultation closes").first).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("privacy.officer@council.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Data requests").click()
    expect(page.get_by_role("heading", name="Find a person's data")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address (responses and jury registrations)").check()
    page.get_by_label("What to search for").fill("not an email")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What to search for").fill("jane.doe@example.com")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", name="What we hold")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Response {first['reference']}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Show everything held").click()
    expect(page.get_by_role("heading", name="Everything held")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Find someone else").click()
    page.get_by_label("Receipt reference (for a consultation response)").check()
    page.get_by_label("What to search for").fill(first["reference"])
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name="Erase this person's data").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why are you erasing this?").fill("Emailed request, 4 December")
    page.get_by_role("button", name="Erase this person's data").click()
    expect(page.get_by_role("heading", name="Data erased")).to_be_visible()
    assert_accessible(page)

    resident = page.context.browser.new_context().new_page()
    resident.goto(f"{live_server}/consultations/{second['slug']}/resume/{second['token']}")
    expect(resident.get_by_role("heading", name="Response sent")).to_be_visible()
    resident.get_by_role("link", name="delete my response").click()
    expect(resident.get_by_role("heading", name="Delete your response")).to_be_visible()
    assert_accessible(resident)
    resident.get_by_role("button", name="Delete my response").click()
    expect(resident.get_by_role("heading", name="Your response has been deleted")).to_be_visible()
    assert_accessible(resident)
