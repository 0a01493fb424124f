"""On a 390-pixel phone, a juror reading in Welsh answers the before-the-first-session
questionnaire: the page before and after saving is Welsh, with no English word but names,
and axe finds no violation on either."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import assert_accessible
from tests.juries.test_jury_welsh import english_left
from tests.representation.test_questionnaire_welsh import _bilingual_questionnaire

pytestmark = pytest.mark.browser


def check_page(page: Page) -> None:
    assert page.evaluate("document.documentElement.lang") == "cy"
    left = english_left(page.content(), ("Car",))
    assert not left, f"{page.url}: English left on a Welsh page: {left}"
    assert_accessible(page)


def test_a_juror_answers_the_questionnaire_in_welsh_on_a_phone(
    browser, live_origin, app, make_user, sign_in, make_jury, make_panel_member
):
    make_user("facilitator", email="f@council.example")
    staff = app.test_client()
    sign_in(staff, email="f@council.example")
    jury_id = make_jury()
    _bilingual_questionnaire(app, staff, jury_id)
    _member, code = make_panel_member(jury_id=jury_id)
    context = browser.new_context(base_url=live_origin, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/language/cy?next=/join")
        page.get_by_label("Cod ymuno").fill(code)
        page.get_by_role("button", name="Ymuno").click()
        page.goto(f"/juries/{jury_id}/questionnaire/before")
        expect(page.get_by_role("heading", name="Eich barn cyn y sesiwn gyntaf")).to_be_visible()
        check_page(page)
        page.get_by_role("group", name="1. Dylai bysiau ddod yn gyntaf").get_by_label(
            "Cytuno'n gryf"
        ).check()
        page.get_by_label("Ar droed").check()
        page.get_by_role("button", name="Cadw fy atebion").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Diolch: mae eich atebion wedi'u cadw."
        )
        expect(page.get_by_label("Ar droed")).to_be_checked()
        check_page(page)
    finally:
        context.close()
