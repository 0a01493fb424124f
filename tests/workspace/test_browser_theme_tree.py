"""The theme tree in Chromium at phone (390 px) and desktop (1366 px) widths: a theme's
sub-themes open to be read, an answer moves into a sub-theme, and axe finds no violation
of any impact on the overview, the theme and the sub-theme pages."""

from __future__ import annotations

import re

import pytest

from tests.conftest import AXE_SOURCE, DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def assert_no_violations(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate(AXE_SOURCE)
    violations = page.evaluate("async () => (await axe.run()).violations")
    found = [
        f"{v['id']} ({v['impact']}): {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for v in violations
    ]
    assert not found, f"{page.url}: {found}"


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    wide = page.evaluate("document.documentElement.scrollWidth")
    culprits = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > limit + 1)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""",
        page.viewport_size["width"],
    )
    assert wide <= page.viewport_size["width"], f"{page.url} is {wide} px wide: {culprits}"


@pytest.mark.parametrize("width", [390, 1366])
def test_an_officer_reads_and_edits_the_tree(
    live_server,
    page,
    officer_client,
    tree_consultation,
    width,
):
    # the run itself goes through the request client (inline), the pages through Chromium
    started = officer_client.post(
        f"/workspace/consultations/{tree_consultation['id']}/runs", data={"n_themes": "2"}
    )
    run_path = started.headers["Location"]
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("officer@council.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")

    page.goto(live_server + run_path)
    assert page.get_by_text("2, chosen by an officer").is_visible()
    technical = page.get_by_text("n_themes", exact=False).first
    assert not technical.is_visible()  # behind "How this was worked out"
    page.get_by_text("How this was worked out").click()
    assert technical.is_visible()
    assert_no_violations(page)
    no_sideways_scroll(page)

    page.goto(live_server + f"/workspace/consultations/{tree_consultation['id']}")
    tree = page.locator("details.consult-subthemes").first
    sub_link = tree.locator("a.govuk-link").first
    assert not sub_link.is_visible()  # closed until the officer opens it
    tree.locator("summary").click()
    assert sub_link.is_visible()
    assert_no_violations(page)
    no_sideways_scroll(page)

    theme_link = page.locator("table.govuk-table tbody a.govuk-link").first
    theme_link.click()
    page.wait_for_url(re.compile(r".*/workspace/themes/\d+$"))
    assert page.get_by_role("heading", name=re.compile(r"Sub-themes \(\d+\)")).is_visible()
    first_sub = page.locator("details.consult-subtheme").first
    first_sub.locator("summary").click()
    link = first_sub.get_by_role("link", name=re.compile("Review, rename or move answers"))
    assert link.is_visible()
    assert_no_violations(page)
    no_sideways_scroll(page)

    # move the first answer into a sub-theme: the page says where it went
    select = page.locator("select[name=target]").first
    option = select.locator("optgroup option").last
    target_label = option.inner_text().strip()
    select.select_option(value=option.get_attribute("value"))
    page.get_by_role("button", name=re.compile("^Move")).first.click()
    assert page.get_by_text(f"Moved the answer to “{target_label}”").is_visible()

    link = page.locator("details.consult-subtheme").first.get_by_role(
        "link", name=re.compile("Review, rename or move answers")
    )
    page.locator("details.consult-subtheme summary").first.click()
    link.click()
    page.wait_for_url(re.compile(r".*/workspace/themes/\d+$"))
    assert page.get_by_text("A sub-theme of").is_visible()
    page.get_by_label("Description").fill("Residents want later buses.")
    page.get_by_role("button", name="Save description").click()
    assert page.locator("#theme-description").inner_text() == "Residents want later buses."
    assert_no_violations(page)
    no_sideways_scroll(page)
