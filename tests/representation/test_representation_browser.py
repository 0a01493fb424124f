"""The representation page in Chromium, on a phone (390 px) and a desktop (1366 px):
the officer chooses how to weight and sees weighted results; axe finds nothing serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consult.extensions import db
from tests.conftest import DEFAULT_PASSWORD, assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1366])
def test_officer_weights_results_on_the_representation_page(
    app, live_server, page, officer_id, council_margins, skewed_consultation, width
):
    from consult.models import PopulationMargins

    with app.app_context():
        db.session.add(
            PopulationMargins(
                area="Test ward",
                source="Made up",
                year=2021,
                shares={"age_band": {"25-34": 0.6, "65-74": 0.4}},
            )
        )
        db.session.commit()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("officer@council.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")

    page.goto(f"{live_server}/workspace/consultations/{skewed_consultation['id']}")
    page.get_by_role("link", name="Who answered, against who lives here").click()
    expect(
        page.get_by_text("People aged 65 to 74 are 12% of residents and 67% of respondents.").first
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Save weighting").click()  # nothing chosen: raw only
    expect(page.get_by_text("Choose the dimensions to weight on").first).to_be_visible()

    page.get_by_label("Population figures to compare with").select_option(label="Test ward")
    page.get_by_label("Age", exact=True).check()
    page.get_by_label("Lower limit").fill("3")
    page.get_by_role("button", name="Save weighting").click()
    expect(page.get_by_role("heading", name="There is a problem").first).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Lower limit").fill("0.2")
    page.get_by_role("button", name="Save weighting").click()
    expect(page.get_by_text("Weighted on Age to the figures for Test ward").first).to_be_visible()
    expect(page.get_by_text("Weights run from 0.60 to 1.80").first).to_be_visible()
    assert_accessible(page)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + ' '"
        " + e.textContent.slice(0, 40))"
    )
    assert not overflow, f"the page scrolls sideways: {wide}"

    page.goto(live_server + "/workspace/population")
    assert_accessible(page)
