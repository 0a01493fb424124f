"""The issue's journey in Chromium: a closed consultation goes from analysis to a published
"not accepted" response on the public page and in the open-data feed; axe on every page."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import DEFAULT_PASSWORD, assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _analysis_in_a_thread(app_config):  # type: ignore[no-untyped-def]
    """The real background path: a thread, so the progress bar has something to watch."""
    app_config["JOB_QUEUE"] = "thread"


def test_officer_takes_a_closed_consultation_to_a_published_response(
    live_server, page, closed_consultation, officer_id
):
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("officer@council.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")

    page.goto(live_server + "/workspace/")
    assert_accessible(page)
    page.get_by_role("link", name="Park plan").click()
    assert page.get_by_text("No finished analysis yet").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Run the analysis").click()
    page.wait_for_url(re.compile(r".*/workspace/runs/\d+$"))
    assert page.locator("#run-bar").count() == 1
    expect(page.locator("#run-percent")).to_have_text("100%", timeout=60_000)
    expect(page.locator("#run-bar")).to_have_attribute("value", "100")
    assert page.get_by_role("link", name="See the themes").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="See the themes").click()
    first_table = page.locator("table.govuk-table").first
    theme_links = first_table.locator("tbody a.govuk-link")
    assert theme_links.count() >= 3
    theme_links.first.click()
    page.wait_for_url(re.compile(r".*/workspace/themes/\d+$"))
    assert_accessible(page)

    page.get_by_label("Name", exact=True).fill("Things for children to do")
    page.get_by_role("button", name="Rename").click()
    assert page.get_by_role("heading", name="Things for children to do").is_visible()
    size_before = int(
        re.search(r"(\d+) answers", page.locator(".govuk-summary-list").inner_text()).group(1)
    )

    merge_box = page.locator("input[name=sources]").first
    merge_box.check()
    page.get_by_role("button", name="Merge").click()
    assert page.get_by_role("heading", name=re.compile("Merge 1 theme into")).is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, merge").click()
    assert page.get_by_text("Merged 1 theme into").is_visible()
    size_after = int(
        re.search(r"(\d+) answers", page.locator(".govuk-summary-list").inner_text()).group(1)
    )
    assert size_after > size_before

    page.get_by_role("button", name="Approve this theme").click()
    assert page.get_by_text("Approved by Test officer").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Record the council")).click()
    assert_accessible(page)
    page.get_by_label("Not accepted").check()
    page.get_by_label("What the council will do").fill("We will not build a second playground.")
    page.get_by_role("button", name="Save response").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert (
        page.locator(".govuk-error-summary")
        .get_by_text(re.compile("Enter the reasons"))
        .is_visible()
    )
    assert_accessible(page)

    page.get_by_label("Reasons").fill(
        "The site floods every winter; we will improve the one we have."
    )
    page.get_by_label(re.compile("Publish now")).check()
    page.get_by_role("button", name="Save response").click()
    assert page.get_by_text("Response saved and published").is_visible()

    page.goto(live_server + "/you-said-we-did/consultations/park-plan")
    assert page.get_by_role("heading", name="You said: Things for children to do").is_visible()
    assert page.get_by_text("The site floods every winter").is_visible()
    assert page.get_by_text("Not accepted").first.is_visible()
    assert_accessible(page)

    page.goto(live_server + "/api/v1/outcomes")
    feed = json.loads(page.locator("body").inner_text())
    assert [item["title"] for item in feed] == ["Things for children to do"]
    assert feed[0]["response"]["status"] == "not_accepted"
    assert feed[0]["response"]["reasons"].startswith("The site floods")

    page.goto(live_server + f"/workspace/consultations/{closed_consultation['id']}/charts")
    page.wait_for_url("**/consultations/park-plan/dashboard")
    expect(page.locator("#over-time")).to_have_attribute("style", re.compile("height"))
    assert_accessible(page)
