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


def _signed_in(browser, live_server, width, *, scripts=True):  # type: ignore[no-untyped-def]
    """A new browser context at `width`, the officer signed in: (context, page)."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=scripts
    )
    page = context.new_page()
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("officer@council.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    return context, page


@pytest.mark.parametrize("width", [390, 1366])
def test_officer_runs_the_published_draw(
    live_server, browser, make_pool_jury, slug_of, make_user, width
):  # type: ignore[no-untyped-def]
    slug = slug_of(make_pool_jury(people=30, shared_households=3))
    make_user("officer", email="officer@council.example", name="Olu Adeyemi")
    context, page = _signed_in(browser, live_server, width)
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


@pytest.mark.parametrize("width", [390, 1366])
def test_the_lottery_being_computed_and_failed_pages(
    live_server, browser, app, make_pool_jury, slug_of, make_user, width
):  # type: ignore[no-untyped-def]
    """A lottery waiting for the job runner: its progress page (kept current by script, a
    refresh link without it), the Published draw page and the public page say so; then
    the same lottery failed, with its reason. axe-core on each, no sideways scrolling."""
    from consult import jobs
    from consult.extensions import db
    from consult.juries import draw_jobs, plans
    from consult.models import DrawRun, Jury, User

    jury_id = make_pool_jury(people=30)
    slug = slug_of(jury_id)
    officer_id = make_user("officer", email="officer@council.example", name="Olu Adeyemi")
    with app.app_context():
        officer = db.session.get(User, officer_id)
        plan = plans.publish_plan(db.session.get(Jury, jury_id), actor=officer)
        run = draw_jobs.start_lottery(plan, actor=officer)  # queued, not handed to a runner
        db.session.commit()
        run_id = run.id
    for scripts in (True, False):
        context, page = _signed_in(browser, live_server, width, scripts=scripts)
        page.goto(f"{live_server}/juries/{slug}/draw-runs/{run_id}")
        assert page.get_by_role("heading", name="Computing the lottery of draw plan 1").is_visible()
        assert page.locator("#draw-run-stage").inner_text() == "Waiting to start"
        assert page.locator("#draw-run-refresh").is_visible() is not scripts
        if scripts:
            _check(page, width)
        context.close()

    context, page = _signed_in(browser, live_server, width)
    page.goto(f"{live_server}/juries/{slug}/plan")
    assert page.locator("#lottery-computing").is_visible()
    _check(page, width)
    page.goto(f"{live_server}/juries/{slug}")
    assert page.locator("#lottery-being-computed-1").is_visible()
    _check(page, width)

    with app.app_context():
        jobs.mark_failed(
            db.session.get(DrawRun, run_id),
            "The lottery's solver failed: an example reason.",
            error_details={"kind": "solver"},
        )
        db.session.commit()
    page.goto(f"{live_server}/juries/{slug}/draw-runs/{run_id}")
    assert page.get_by_role("heading", name="Computing the lottery failed").is_visible()
    assert page.get_by_role("link", name="Back to the published draw").is_visible()
    _check(page, width)
    page.goto(f"{live_server}/juries/{slug}/plan")
    assert page.locator("#lottery-failed").is_visible()
    assert page.get_by_role("button", name="Compute and publish the lottery").is_visible()
    _check(page, width)
    context.close()
