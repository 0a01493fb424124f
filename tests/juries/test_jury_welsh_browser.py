"""On a 390-pixel phone, a resident switches to Cymraeg and registers for a jury entirely
in Welsh (the consent first left unticked, so the error summary is Welsh too): no page
of the journey shows an English word but names, and axe finds no violation on any."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import assert_accessible
from tests.juries.test_jury_welsh import english_left, welsh_jury


def check_page(page: Page) -> None:
    """Welsh, with no English word left (the page as the browser holds it: text, title,
    aria-labels; names aside), and no axe violation."""
    assert page.evaluate("document.documentElement.lang") == "cy"
    left = english_left(page.content())
    assert not left, f"{page.url}: English left on a Welsh page: {left}"
    assert_accessible(page)


@pytest.mark.browser
def test_resident_registers_for_a_jury_in_welsh_on_a_phone(
    page: Page, live_server, app, make_pool_jury
):
    _jury_id, slug = welsh_jury(app, make_pool_jury)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/juries/{slug}")
    page.get_by_role("link", name="Cymraeg").click()

    expect(page.get_by_role("heading", name="Rheithgor trafnidiaeth", level=1)).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Cofrestru eich diddordeb").click()

    expect(page.get_by_role("heading", name="Cofrestru eich diddordeb")).to_be_visible()
    check_page(page)
    page.get_by_label("Enw cyntaf").fill("Amina")
    page.get_by_label("Cyfenw").fill("Okafor")
    page.get_by_label("Cyfeiriad e-bost").fill("amina@example.org")
    page.get_by_label("Cyfeiriad", exact=True).fill("12 Stryd Fawr")
    page.get_by_label("Cod post").fill("RV1 2AB")
    page.get_by_label("Menyw").check()
    page.get_by_label("Mae'n well gennyf beidio â dweud").nth(1).check()
    page.get_by_role("button", name="Cofrestru").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Mae problem")
    expect(summary).to_contain_text("Ticiwch y blwch i gytuno")
    check_page(page)
    page.get_by_label("Rwy'n cytuno bod y cyngor").check()
    page.get_by_role("button", name="Cofrestru").click()

    expect(page.get_by_role("heading", name="Rydych wedi cofrestru")).to_be_visible()
    check_page(page)
