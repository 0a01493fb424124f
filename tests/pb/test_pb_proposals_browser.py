"""Proposals in a real browser: a resident proposes with a photo on a 390 px phone, keeps
the private link, answers a merge question there, and reads the merged project's page
with its picture; officers' merge and proposal pages at 1366 px. axe-core on every phone."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from consult.extensions import db
from tests.conftest import DEFAULT_PASSWORD, assert_accessible

pytestmark = pytest.mark.browser


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def _no_sideways_scroll(phone) -> None:  # type: ignore[no-untyped-def]
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{phone.url} scrolls sideways on a phone ({width}px)"


def test_resident_proposes_with_a_photo_and_agrees_to_a_merge_on_a_phone(
    live_server, browser, page, app, make_pb_round, officers
):
    from consult.models import PBProposal, User
    from consult.pb import merges

    made = make_pb_round("proposals")
    slug = made["slug"]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    phone.goto(f"{live_server}/pb/{slug}/propose")
    phone.get_by_label("Name of your project").fill("Outdoor gym by the river")
    phone.get_by_label("What would it do, and who would it help?").fill(
        "Free outdoor gym equipment on the river path."
    )
    phone.get_by_label("Where would it happen?").select_option("Riverside")
    phone.get_by_label("Roughly what would it cost, in pounds?").fill("4000")
    phone.get_by_label("A picture (optional)").set_input_files(
        {"name": "gym.jpg", "mimeType": "image/jpeg", "buffer": _photo()}
    )
    phone.get_by_role("button", name="Send my idea").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text("Describe the picture")
    assert_accessible(phone)
    phone.get_by_label("A picture (optional)").set_input_files(
        {"name": "gym.jpg", "mimeType": "image/jpeg", "buffer": _photo()}
    )
    phone.get_by_label("Describe the picture", exact=False).fill("The river path by the bridge")
    phone.get_by_role("button", name="Send my idea").click()
    expect(phone.locator("h1")).to_contain_text("Idea received")
    assert_accessible(phone)
    private = phone.locator("#private-link").get_attribute("href")
    assert private

    with app.app_context():
        mine = db.session.scalar(select(PBProposal).where(PBProposal.title.like("Outdoor gym%")))
        officer = db.session.get(User, officers[0]["id"])
        merge = merges.propose_merge(
            mine.pb_round,
            proposal_ids=[mine.id, made["proposals"]["Climbing wall"]],
            survivor_id=mine.id,
            title="Outdoor gym and climbing wall",
            description="Gym equipment and a low climbing wall on the river path.",
            estimated_cost=6500,
            actor=officer,
        )
        db.session.commit()
        merge_id, reference = merge.id, mine.reference

    phone.goto(private)
    assert_accessible(phone)
    _no_sideways_scroll(phone)
    phone.get_by_role("link", name="Tell us whether you agree").click()
    assert_accessible(phone)
    _no_sideways_scroll(phone)
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text("Choose yes")
    assert_accessible(phone)
    phone.get_by_label("Yes, merge my idea").check()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.locator("#merge-state")).to_contain_text("waiting for the other proposers")
    assert_accessible(phone)

    phone.goto(f"{live_server}/pb/{slug}/proposals/{reference}")
    image = phone.get_by_role("img", name="The river path by the bridge")
    expect(image).to_be_visible()
    box = image.bounding_box()
    assert box and box["width"] <= 390 and box["height"] > 100  # shaped, not squashed
    assert_accessible(phone)
    _no_sideways_scroll(phone)
    context.close()

    # The officer, on a desktop: the merge (to record the phone answer) and the proposal.
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(officers[0]["email"])
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    page.goto(f"{live_server}/pb/{slug}/manage/merges/{merge_id}")
    assert_accessible(page)
    page.get_by_role("button", name="Agreed for").last.click()
    expect(page.locator("#merge-status")).to_contain_text("Merged")
    assert_accessible(page)
    page.goto(f"{live_server}/pb/{slug}/manage/proposals")
    assert_accessible(page)
    with app.app_context():
        proposal_id = db.session.scalar(
            select(PBProposal.id).where(PBProposal.reference == reference)
        )
    page.goto(f"{live_server}/pb/{slug}/manage/proposals/{proposal_id}")
    expect(page.get_by_role("img", name="The river path by the bridge")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Hide the picture").click()
    expect(page.locator(".govuk-error-summary, .govuk-error-message").first).to_be_visible()
    assert_accessible(page)
