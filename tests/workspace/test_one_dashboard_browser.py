"""Issue 15, item 12 in Chromium: the one dashboard of an analysed consultation at a phone's
width (390 px) and a desktop's (1366 px): every chart drawn, nothing wider than the screen,
the tables folded away (the page stays short), a table opens from its summary, and axe-core
finds nothing of any impact."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, assert_fits, signed_in_page
from tests.workspace.test_pages import _start

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_draws_its_charts_fits_and_passes_axe(
    live_server, browser, officer_client, closed_consultation, width
):
    _start(officer_client, closed_consultation["id"])
    page = signed_in_page(browser, live_server, "officer@council.example", width)
    page.goto(live_server + f"/workspace/consultations/{closed_consultation['id']}/charts")
    page.wait_for_url("**/consultations/park-plan/dashboard")
    canvases = page.locator("canvas[data-chart]")
    assert canvases.count() >= 6
    for index in range(canvases.count()):  # Chart.js sized every one
        expect(canvases.nth(index)).to_have_attribute("style", re.compile("height"))
    assert_fits(page)
    assert page.evaluate("document.documentElement.scrollHeight") < 9000
    assert_accessible(page)
    summary = page.get_by_text("Responses per day as a table")
    summary.click()
    expect(page.get_by_role("columnheader", name="Date")).to_be_visible()
    assert_fits(page)
    assert_accessible(page)
