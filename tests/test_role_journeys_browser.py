"""Issue 15's done-when: a browser journey per role (resident, officer, jury officer, and a
facilitator with three jurors), each at a phone's width (390 px) and a desktop's (1366 px),
in one browser context per person. On every page visited axe-core finds no violation of any
impact, and nothing is wider than the screen (no sideways scrolling)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import assert_accessible, assert_fits, browser_page, signed_in_page

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)


def check(page: Page) -> None:
    """axe-core finds nothing (any impact) and the page does not scroll sideways."""
    assert_accessible(page)
    assert_fits(page)


def visit(page: Page, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        check(page)


@pytest.fixture
def answered_consultation(app, make_consultation: Callable[..., int]) -> dict[str, Any]:
    """A closed consultation with a choice and a free-text question and a few answers."""
    from datetime import timedelta

    from consult.extensions import db
    from consult.models import Answer, Consultation, RespondentProfile, Response, utcnow

    cid = make_consultation(
        status="closed",
        slug="library-hours",
        title="Library hours",
        questions=[
            {
                "kind": "single_choice",
                "prompt": "When do you visit?",
                "options": [{"value": v, "label": f"In the {v}"} for v in ("day", "evening")],
            },
            {"kind": "free_text", "prompt": "What would you change?"},
        ],
    )
    texts = ["Open later on weekdays", "Open on Sunday mornings", "More study desks"] * 4
    with app.app_context():
        choice, text = db.session.get(Consultation, cid).questions
        for number, body in enumerate(texts):
            response = Response(
                consultation_id=cid,
                reference=f"RSP-ROLE-{number:04d}",
                status="submitted",
                submitted_at=utcnow() - timedelta(days=3 * (number % 4)),
            )
            response.answers.append(
                Answer(question_id=choice.id, value=("day", "evening")[number % 2])
            )
            response.answers.append(Answer(question_id=text.id, text=body, redacted_text=body))
            response.profile = RespondentProfile(
                age_band="25-34", gender=("woman", "man")[number % 2]
            )
            db.session.add(response)
        db.session.commit()
    return {"id": cid, "slug": "library-hours"}


@pytest.mark.parametrize("width", WIDTHS)
def test_resident_journey(browser, live_server, make_consultation, width):
    from tests.consultations.test_consultation_browser import QUESTIONS

    make_consultation(slug="buses", title="Better buses", questions=QUESTIONS[:2])
    page = browser_page(browser, live_server, width)
    visit(page, ["/", "/consultations/"])
    page.get_by_role("link", name="Better buses").click()
    expect(page.get_by_role("heading", name="Better buses")).to_be_visible()
    check(page)
    page.locator("button.govuk-button--start").click()
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    check(page)
    page.get_by_label("Every week").check()
    page.locator("button[value=continue]").click()
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    page.locator("textarea").fill("Buses every ten minutes, and later on Sundays.")
    page.locator("button[value=continue]").click()
    expect(page.get_by_role("heading", name="About you (optional)")).to_be_visible()
    check(page)
    page.locator("main button.govuk-button").first.click()
    expect(page.get_by_role("heading", name=re.compile("Check your answers"))).to_be_visible()
    check(page)
    page.locator("button[data-prevent-double-click]").click()
    expect(page.get_by_role("heading", name="Response sent")).to_be_visible()
    check(page)
    page.get_by_role("link", name="View or print a copy of your answers").click()
    expect(page.get_by_role("heading", name="Your answers")).to_be_visible()
    check(page)
    visit(page, ["/you-said-we-did/"])


@pytest.mark.parametrize("width", WIDTHS)
def test_officer_journey(browser, live_server, make_user, answered_consultation, width):
    make_user("officer", email="officer@council.example")
    cid, slug = answered_consultation["id"], answered_consultation["slug"]
    page = signed_in_page(browser, live_server, "officer@council.example", width)
    check(page)
    visit(
        page,
        [
            "/consultations/manage/",
            f"/consultations/manage/{slug}",
            f"/consultations/{slug}/dashboard",
            "/workspace/",
            f"/workspace/consultations/{cid}",
        ],
    )
    page.get_by_role("button", name="Run the analysis").click()
    page.wait_for_url(re.compile(r".*/workspace/runs/\d+$"))
    check(page)
    visit(
        page,
        [
            f"/workspace/consultations/{cid}",
            f"/consultations/{slug}/dashboard",
            f"/workspace/consultations/{cid}/representation",
            f"/workspace/consultations/{cid}/responses",
            "/workspace/population",
        ],
    )
    page.goto(f"/consultations/{slug}/dashboard")
    for summary in page.locator("main summary").all():  # every folded table, opened
        summary.click()
    check(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_jury_officer_journey(browser, live_server, make_user, width):
    make_user("officer", email="jury.officer@council.example")
    page = signed_in_page(browser, live_server, "jury.officer@council.example", width)
    visit(page, ["/juries/"])
    page.get_by_role("link", name="Set up a jury").click()
    check(page)
    page.get_by_role("button", name="Set up the jury").click()  # empty: errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page)
    for label, value in (
        ("Title", "Riverside Jury on Parks"),
        ("The question the jury will answer", "How should our parks change?"),
        ("Panel size", "8"),
    ):
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Set up the jury").click()
    page.wait_for_url("**/juries/riverside-jury-on-parks/quotas")
    check(page)
    base = "/juries/riverside-jury-on-parks"
    visit(
        page,
        [
            f"{base}/manage",
            f"{base}/pool",
            f"{base}/pool/import",
            f"{base}/draw",
            f"{base}/panel",
            f"{base}/plan",
            base,
            f"{base}/register",
        ],
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_facilitator_with_three_jurors_journey(browser, live_origin, make_live_session, width):
    setup = make_live_session(jurors=3, start=True, gallery=True)
    console = signed_in_page(browser, live_origin, setup.facilitator_email, width)
    visit(console, ["/live/sessions", f"/live/sessions/{setup.session_id}/agenda"])
    jurors = []
    for _member_id, code in setup.members:
        juror = browser_page(browser, live_origin, width)
        juror.goto("/join")
        check(juror)
        juror.get_by_label("Join code").fill(code)
        juror.get_by_role("button", name="Join").click()
        juror.goto(f"/live/sessions/{setup.session_id}")
        expect(juror.locator("body")).to_have_attribute("data-live-ready", "true")
        check(juror)
        jurors.append(juror)
    visit(jurors[0], ["/live/"])
    console.goto(f"/live/sessions/{setup.session_id}/console")
    expect(console.locator("body")).to_have_attribute("data-live-ready", "true")
    title = console.locator("#round-title")
    before = title.inner_text() if title.count() else ""
    console.get_by_role("button", name=re.compile("Next round")).click()
    if title.count():
        expect(title).not_to_have_text(before)
    check(console)
    for juror in jurors:
        check(juror)
    visit(jurors[0], [f"/live/sessions/{setup.session_id}/gallery"])
