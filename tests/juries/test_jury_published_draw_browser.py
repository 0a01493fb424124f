"""The officer's published draw in a real browser, at a phone's width (390 px) and a
laptop's (1366 px): freeze the inputs, publish the lottery, enter the random value, confirm
after being asked, then the public page with its files and verify command; axe-core on
every page, and the sequence's own pages do not scroll sideways."""

from __future__ import annotations

import pytest

from tests.conftest import DEFAULT_PASSWORD, assert_accessible

pytestmark = pytest.mark.browser


def _check(page, width: int, *, fits: bool = True) -> None:  # type: ignore[no-untyped-def]
    assert_accessible(page)
    if not fits:
        return
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways at {width}px ({scroll}px)"


@pytest.mark.parametrize("width", [390, 1366])
def test_officer_runs_the_published_draw(
    live_server, browser, make_pool_jury, slug_of, make_user, width
):  # type: ignore[no-untyped-def]
    slug = slug_of(make_pool_jury(people=30, shared_households=3))
    make_user("officer", email="officer@council.example", name="Olu Adeyemi")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("officer@council.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")

    page.goto(f"{live_server}/juries/{slug}/plan")
    _check(page, width)
    page.get_by_role("button", name="Publish the draw plan and freeze the inputs").click()
    assert page.get_by_text("Tick the box to freeze the inputs").first.is_visible()
    _check(page, width)
    page.get_by_label("I understand that the pool").check()
    page.get_by_role("button", name="Publish the draw plan and freeze the inputs").click()
    page.wait_for_url(f"**/juries/{slug}/plan")
    assert page.locator("#plan-stage").inner_text() == "Inputs frozen"
    _check(page, width)

    page.get_by_role("button", name="Compute and publish the lottery").click()
    page.wait_for_url(f"**/juries/{slug}/plan")
    assert page.locator("#plan-stage").inner_text() == "Lottery published"
    assert len(page.locator("#lottery-checksum").inner_text()) == 64
    _check(page, width)

    page.get_by_role("button", name="Draw the panel from this value").click()
    assert page.get_by_text("Enter the random value").first.is_visible()
    _check(page, width)
    page.get_by_label("Random value").fill("5 2 6 6 1 3 4 2 5 1")
    page.get_by_label("Where the value came from").fill("ten dice rolled at the public meeting")
    page.get_by_role("button", name="Draw the panel from this value").click()
    page.wait_for_url("**/draws/*")
    assert page.locator("#panel tbody tr").count() == 8
    _check(page, width, fits=False)  # the draw's wide tables predate this page (#15)

    page.get_by_role("button", name="Confirm this panel").click()
    page.wait_for_url("**/confirm")
    _check(page, width)
    page.get_by_role("button", name="Yes, confirm the panel").click()
    page.wait_for_url("**/panel")
    assert page.get_by_text("The panel of 8 is confirmed").is_visible()

    page.goto(f"{live_server}/juries/{slug}")
    assert (
        page.locator(".verify-command")
        .inner_text()
        .startswith("python -m analysis.sortition verify")
    )
    for name in ("inputs", "lottery", "panel"):
        assert page.get_by_role("link", name=f"Download the {name} of draw plan 1").is_visible()
    _check(page, width)
    context.close()
