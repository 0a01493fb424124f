"""A resident completes a consultation on a 375-pixel-wide phone using only the keyboard,
refreshes mid-way and finds the answer still there, sends it and gets a receipt; axe finds
nothing serious or critical on any page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import assert_accessible

QUESTIONS = [
    {
        "kind": "single_choice",
        "key": "bus",
        "prompt": "How often do you take the bus?",
        "options": [
            {"value": "daily", "label": "Every day"},
            {"value": "weekly", "label": "Every week"},
            {"value": "never", "label": "Never"},
        ],
    },
    {
        "kind": "free_text",
        "key": "buses",
        "prompt": "What would make buses better?",
        "required": True,
        "max_length": 500,
    },
    {"kind": "likert", "key": "listens", "prompt": "The council listens to residents."},
    {
        "kind": "budget",
        "key": "budget",
        "prompt": "How would you split £100?",
        "budget_total": 100,
        "options": [{"value": "roads", "label": "Roads"}, {"value": "parks", "label": "Parks"}],
    },
]


def tab_to(page: Page, matches: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches a CSS selector (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", matches):
            return
    raise AssertionError(f"could not reach {matches} with the Tab key")


@pytest.mark.browser
def test_resident_responds_by_keyboard_on_a_phone_and_survives_a_refresh(
    page: Page, live_server, make_consultation
):
    make_consultation(slug="buses", title="Better buses", questions=QUESTIONS)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server}/consultations/")
    assert_accessible(page)
    tab_to(page, 'a[href="/consultations/buses"]')
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Better buses")).to_be_visible()
    assert_accessible(page)
    tab_to(page, "button.govuk-button--start")
    page.keyboard.press("Enter")

    # 1: a single choice, chosen with the arrow keys
    expect(page.get_by_text("Question 1 of 4")).to_be_visible()
    assert_accessible(page)
    tab_to(page, "input[type=radio]")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Every week")).to_be_checked()
    tab_to(page, "button[value=continue]")
    page.keyboard.press("Enter")

    # 2: free text, saved as it is typed; a refresh loses nothing
    expect(page.get_by_text("Question 2 of 4")).to_be_visible()
    tab_to(page, "textarea")
    page.keyboard.type("Buses every ten minutes on the 14, and later on Sundays.")
    expect(page.locator("[data-autosave-status]")).to_have_text("Saved")
    page.reload()
    expect(page.locator("textarea")).to_have_value(
        "Buses every ten minutes on the 14, and later on Sundays."
    )
    assert_accessible(page)
    tab_to(page, "button[value=continue]")
    page.keyboard.press("Enter")

    # 3: agreement scale
    expect(page.get_by_text("Question 3 of 4")).to_be_visible()
    assert_accessible(page)
    tab_to(page, "input[type=radio]")
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Agree", exact=True)).to_be_checked()
    tab_to(page, "button[value=continue]")
    page.keyboard.press("Enter")

    # 4: budget, first wrong (an error summary that links to the field), then right
    expect(page.get_by_text("Question 4 of 4")).to_be_visible()
    tab_to(page, "input[data-budget-amount]")
    page.keyboard.type("60")
    page.keyboard.press("Tab")
    page.keyboard.type("30")
    expect(page.locator("[data-budget-total]")).to_have_text(
        "You have £10 of £100 left to allocate."
    )
    tab_to(page, "button[value=continue]")
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("they add up to £90")
    assert_accessible(page)
    expect(summary).to_be_focused()
    tab_to(page, ".govuk-error-summary a")
    page.keyboard.press("Enter")
    expect(page.locator("input[data-budget-amount]").first).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("40")
    tab_to(page, "button[value=continue]")
    page.keyboard.press("Enter")

    # about you: optional, skipped
    expect(page.get_by_role("heading", name="About you (optional)")).to_be_visible()
    assert_accessible(page)
    tab_to(page, "button.govuk-button")
    page.keyboard.press("Enter")

    # check and send
    expect(page.get_by_role("heading", name=re.compile("Check your answers"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("Every week")
    expect(page.locator("main")).to_contain_text("Roads: £60; Parks: £40")
    assert_accessible(page)
    tab_to(page, "button[data-prevent-double-click]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Response sent")).to_be_visible()
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"RSP-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the receipt scrolls sideways ({width}px)"

    # a copy of the answers, to keep or print
    page.get_by_role("link", name="View or print a copy of your answers").click()
    expect(page.get_by_role("heading", name="Your answers")).to_be_visible()
    expect(page.locator("main")).to_contain_text(reference)
    expect(page.get_by_role("button", name="Print your answers")).to_be_visible()
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the copy of the answers scrolls sideways ({width}px)"


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1366])
def test_asking_for_updates_reveals_the_email_field_and_needs_an_address(
    page: Page, live_server, make_consultation, width
):
    make_consultation(
        slug="parks", title="Parks", questions=[{"kind": "free_text", "prompt": "Ideas?"}]
    )
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server}/consultations/parks")
    page.get_by_role("button", name=re.compile("Start")).click()
    page.get_by_role("textbox").fill("More benches")
    page.get_by_role("button", name=re.compile("continue", re.I)).first.click()
    # the answer is saved and the next page loaded: allow for a loaded machine
    expect(page.get_by_role("heading", name="About you (optional)")).to_be_visible(timeout=20_000)

    email = page.get_by_label("Email address", exact=True)
    expect(email).to_be_hidden()  # revealed only when asked for
    page.get_by_label("Yes, email me").check()
    expect(email).to_be_visible()
    page.get_by_label(re.compile("Also email me when the council publishes")).check()
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your email address, so that we can tell you")
    expect(email).to_be_visible()  # still revealed, with the error beside it
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(email).to_be_focused()
    email.fill("sam@example.com")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("main")).to_contain_text("Email me when the council publishes")
    row = page.locator(".govuk-summary-list__row", has_text="Email me when the council")
    expect(row.locator(".govuk-summary-list__value")).to_have_text("Yes")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_saving_note_never_moves_the_continue_button(
    page: Page, live_server, make_consultation
):
    """A tap on "Save and continue" right after typing blurs the answer, and the autosave
    says "Saving…": were that line to grow from nothing, the button would move between
    the finger going down and coming up, and the tap would be lost (seen on a loaded
    machine, where the scripts arrived after the answer was typed)."""
    make_consultation(
        slug="parks", title="Parks", questions=[{"kind": "free_text", "prompt": "Ideas?"}]
    )
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server}/consultations/parks")
    page.get_by_role("button", name=re.compile("Start")).click()
    page.wait_for_load_state("load")
    button = page.get_by_role("button", name="Save and continue")
    before = button.bounding_box()
    page.get_by_role("textbox").fill("More benches")
    expect(page.locator("[data-autosave-status]")).to_have_text("Saved")
    assert button.bounding_box()["y"] == before["y"]
    button.click()
    expect(page.get_by_role("heading", name="About you (optional)")).to_be_visible()
