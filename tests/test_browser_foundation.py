"""The first browser journey: home page, staff sign-in, dashboard, sign out, in Debian's
Chromium, with axe-core on every page."""

from __future__ import annotations

import pytest

from tests.conftest import DEFAULT_PASSWORD, assert_accessible

pytestmark = pytest.mark.browser


def test_staff_member_signs_in_sees_the_dashboard_and_signs_out(
    live_server, page, make_user, make_consultation
):
    make_user("officer", email="olu@council.example", name="Olu Adeyemi")
    make_consultation(title="Buses in Riverside")

    page.goto(live_server + "/")
    assert page.title().endswith("Riverside Borough Council")
    assert page.get_attribute("html", "lang") == "en-GB"
    assert_accessible(page)

    page.get_by_role("link", name="Staff sign in").click()
    page.wait_for_url("**/sign-in")
    assert_accessible(page)

    page.get_by_role("button", name="Sign in").click()  # empty form: errors, linked
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)

    page.get_by_label("Email address").fill("olu@council.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    assert page.get_by_text("Signed in as Olu Adeyemi").is_visible()
    assert page.get_by_role("cell", name="Buses in Riverside").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server + "/")
    assert page.get_by_text("You have signed out.").is_visible()
    assert page.get_by_role("link", name="Staff sign in").is_visible()
    assert_accessible(page)


def test_pages_work_on_a_phone_sized_screen(live_server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(live_server + "/sign-in")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone ({width}px)"
    assert_accessible(page)
    context.close()
