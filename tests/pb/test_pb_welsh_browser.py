"""Voting in Welsh on a 390-pixel phone (issue 19): a resident switches to Cymraeg on a
round's page, enters their voting code (a wrong one first), spends the budget with the
running total in Welsh as they tick (the script's sentences come from the catalogue),
is refused a ballot over the budget in Welsh, and sees their vote counted; then ranks
projects on a ranking ballot. Every page is Welsh (no English interface word), fits the
phone and passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.pb.test_pb_browser import _fits_the_phone
from tests.pb.test_pb_welsh import _in_welsh, english_left

pytestmark = pytest.mark.browser


def _check(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.lang") == "cy"
    left = english_left(page.content())
    assert not left, f"{page.url}: English left on a Welsh page: {left}"
    assert_accessible(page)
    _fits_the_phone(page)


def test_voting_in_welsh_on_a_phone(app, live_server, browser, make_pb_round):
    made = _in_welsh(app, make_pb_round("voting", codes=1, ballot_type="knapsack"))
    slug = made["slug"]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server}/pb/{slug}")
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cronfa ieuenctid")
    _check(page)
    page.get_by_role("link", name="Pleidleisio nawr").click()
    page.get_by_label("Cod pleidleisio").fill("WRONG-CODE1")
    page.get_by_role("button", name="Parhau").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Nid yw'r cod pleidleisio hwnnw'n gywir"
    )
    _check(page)
    page.get_by_label("Cod pleidleisio").fill(made["codes"][0])
    page.get_by_role("button", name="Parhau").click()
    total = page.locator("[data-running-total]")
    expect(total).to_have_text(re.compile(r"Wedi'u dewis hyd yma: £0 o £15,000, £15,000 ar ôl"))
    _check(page)
    page.get_by_label("Skate park lights").check()  # 6,000
    expect(total).to_have_text(re.compile(r"£6,000 o £15,000, £9,000 ar ôl"))
    page.get_by_label("Youth music studio").check()  # 8,000
    page.get_by_label("Climbing wall").check()  # 3,000
    expect(total).to_have_text(re.compile(r"£17,000, £2,000 dros y gyllideb o £15,000"))
    _check(page)
    page.get_by_role("button", name="Bwrw fy mhleidlais").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Mae eich prosiectau'n costio £17,000 i gyd"
    )
    _check(page)
    page.get_by_label("Youth music studio").uncheck()
    page.get_by_role("button", name="Bwrw fy mhleidlais").click()
    expect(page.get_by_role("heading", name="Mae eich pleidlais wedi'i chyfrif")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Climbing wall")
    _check(page)
    context.close()


def test_ranking_in_welsh_on_a_phone(app, live_server, browser, make_pb_round):
    made = _in_welsh(
        app,
        make_pb_round("voting", codes=1, ballot_type="ranking", rule="greedy", max_choices=3),
    )
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server}/language/cy?next=/pb/{made['slug']}/vote")
    _check(page)
    page.get_by_label("Cod pleidleisio").fill(made["codes"][0])
    page.get_by_role("button", name="Parhau").click()
    page.get_by_label("Eich dewis cyntaf").select_option(label="Climbing wall (£3,000)")
    page.get_by_label("Eich ail ddewis (dewisol)").select_option(label="Climbing wall (£3,000)")
    _check(page)
    page.get_by_role("button", name="Bwrw fy mhleidlais").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("dewiswch ail ddewis gwahanol")
    _check(page)
    page.get_by_label("Eich ail ddewis (dewisol)").select_option(label="Skate park lights (£6,000)")
    page.get_by_role("button", name="Bwrw fy mhleidlais").click()
    expect(page.locator("main")).to_contain_text("Dewis cyntaf: Climbing wall")
    expect(page.locator("main")).to_contain_text("Ail ddewis: Skate park lights")
    _check(page)
    context.close()
