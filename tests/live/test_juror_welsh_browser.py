"""The live juror page in Welsh on a 390-pixel phone: what the scripts draw as the
session moves on (the round's Welsh title, the hand button, the floor, a poll's fields
and its refusal) is Welsh, and axe finds no violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.juries.test_jury_welsh import english_left
from tests.live.test_juror_welsh import SESSION_TITLE, _welsh_jury_and_rounds

pytestmark = pytest.mark.browser


def test_a_juror_follows_the_session_in_welsh_on_a_phone(
    browser, live_origin, app, make_live_session
):
    setup = make_live_session(jurors=1, start=True)
    _welsh_jury_and_rounds(app, setup)
    context = browser.new_context(base_url=live_origin, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/language/cy?next=/join")
        page.get_by_label("Cod ymuno").fill(setup.members[0][1])
        page.get_by_role("button", name="Ymuno").click()
        page.get_by_role("link", name="Day one").click()
        expect(page.locator("body")).to_have_attribute("data-live-ready", "true")
        expect(page.locator("#round-title")).to_have_text("Rownd 1")
        page.get_by_role("button", name="Codi fy llaw").click()  # over the socket
        expect(page.get_by_role("button", name="Gostwng fy llaw")).to_be_visible()
        expect(page.locator("#live-notice")).to_have_text("Mae eich llaw wedi'i chodi.")
        page.get_by_role("button", name="Anfon i'r ystafell").click()  # empty: refused
        expect(page.locator("#room-chat-form")).to_contain_text("Ysgrifennwch neges yn gyntaf.")
        left = english_left(page.content(), SESSION_TITLE)
        assert not left, left
        assert_accessible(page)
    finally:
        context.close()
