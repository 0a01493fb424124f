"""Welsh themes in the theme list, in Chromium at phone (390 px) and desktop (1366 px)
widths: tagged "Welsh", and axe finds no violation of any impact."""

from __future__ import annotations

import pytest

from tests.conftest import DEFAULT_PASSWORD, assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1366])
def test_an_officer_sees_welsh_themes_tagged(
    live_server, page, officer_client, bilingual_consultation, width
):
    officer_client.post(f"/workspace/consultations/{bilingual_consultation['id']}/runs", data={})
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("officer@council.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + f"/workspace/consultations/{bilingual_consultation['id']}")
    tags = page.locator(".consult-language-tag")
    assert tags.count() >= 1
    assert tags.first.is_visible() and tags.first.inner_text().strip() == "Welsh"
    assert page.locator('a[lang="cy"]').count() >= 1
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width
    assert_accessible(page)
