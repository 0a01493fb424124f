"""Issue 19's "done when": on a 390-pixel phone, a resident switches to Cymraeg and answers
the bilingual demo consultation entirely in Welsh (a required question first left out, so
the error and the way back are Welsh too), and no page of the
journey shows an English word but proper names; axe finds no violation on any page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from consult.demo.loader import ensure_bilingual_consultation
from consult.extensions import db
from consult.models import utcnow
from tests.conftest import assert_accessible, without_codes

# Words that are English and not Welsh, common in this service's pages: any of them in a
# Welsh page's visible text, title or aria-labels is a string left untranslated.
ENGLISH_WORDS = set(
    [
        "the",
        "and",
        "your",
        "you",
        "to",
        "of",
        "for",
        "with",
        "this",
        "that",
        "what",
        "we",
        "our",
        "it",
        "on",
        "in",
        "not",
        "by",
        "from",
        "will",
        "has",
        "have",
        "was",
        "were",
        "please",
        "answer",
        "answers",
        "question",
        "questions",
        "save",
        "continue",
        "back",
        "check",
        "send",
        "submit",
        "change",
        "about",
        "email",
        "skip",
        "main",
        "content",
        "menu",
        "privacy",
        "notice",
        "consultation",
        "consultations",
        "response",
        "responses",
        "reference",
        "yes",
        "sign",
        "page",
        "error",
        "there",
        "all",
        "see",
        "open",
        "closed",
        "closes",
        "print",
        "copy",
        "council",
        "every",
        "week",
        "never",
        "agree",
        "disagree",
        "strongly",
        "characters",
        "character",
        "remaining",
        "saved",
        "saving",
        "library",
        "libraries",
        "hours",
        "opening",
        "when",
        "how",
        "often",
        "would",
        "like",
        "most",
        "select",
        "apply",
        "background",
        "why",
        "asking",
        "next",
        "start",
        "now",
        "thank",
        "jury",
        "juries",
        "join",
        "budgeting",
        "said",
        "did",
        "accessibility",
        "statement",
        "support",
        "links",
        "optional",
        "your",
        "month",
        "year",
        "evenings",
        "mornings",
        "saturdays",
        "sundays",
    ]
)
# Proper names a Welsh page may show in English, and the language switch's "English".
ALLOWED = ("Riverside Borough Council", "Riverside", "Consult", "English")


def english_left(page: Page) -> list[str]:
    """English words on the page (visible text, title, aria-labels), names and web
    addresses aside."""
    text = page.evaluate(
        """() => [document.title, document.body.innerText,
                  ...[...document.querySelectorAll('[aria-label]')]
                      .map(e => e.getAttribute('aria-label'))].join('\\n')"""
    )
    text = re.sub(r"https?://\S+", " ", without_codes(text))
    for name in ALLOWED:
        text = text.replace(name, " ")
    words = re.findall(r"[A-Za-z]+", text)
    return sorted({word for word in words if word.lower() in ENGLISH_WORDS})


def check_page(page: Page) -> None:
    assert page.evaluate("document.documentElement.lang") == "cy"
    left = english_left(page)
    assert not left, f"{page.url}: English left on a Welsh page: {left}"
    assert_accessible(page)


@pytest.mark.browser
def test_resident_answers_the_bilingual_demo_consultation_in_welsh_on_a_phone(
    page: Page, live_server, app
):
    with app.app_context():
        consultation = ensure_bilingual_consultation()
        consultation.closes_at = utcnow() + timedelta(days=30)
        db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/consultations/")
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    page.get_by_role("link", name="Cymraeg").click()

    expect(page.get_by_role("heading", name="Ymgynghoriadau")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Oriau agor y llyfrgelloedd").click()

    expect(page.get_by_role("heading", name="Oriau agor y llyfrgelloedd")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Pam rydym yn gofyn")
    check_page(page)
    page.get_by_role("button", name="Dechrau nawr").click()

    # 1: required, but left out for now (sending will ask for it)
    expect(page.get_by_text("Cwestiwn 1 o 4")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Cadw a pharhau").click()

    # 2: several options
    expect(page.get_by_text("Cwestiwn 2 o 4")).to_be_visible()
    page.get_by_label("Gyda'r nos, 5yh i 8yh").check()
    page.get_by_label("Dydd Sadwrn").check()
    expect(page.locator("[data-autosave-status]")).to_have_text("Wedi'i gadw")
    check_page(page)
    page.get_by_role("button", name="Cadw a pharhau").click()

    # 3: the agreement scale's fixed options, from the catalogue
    expect(page.get_by_text("Cwestiwn 3 o 4")).to_be_visible()
    page.get_by_label("Cytuno", exact=True).check()
    check_page(page)
    page.get_by_role("button", name="Cadw a pharhau").click()

    # 4: free text; GOV.UK Frontend's character count speaks Welsh too
    expect(page.get_by_text("Cwestiwn 4 o 4")).to_be_visible()
    page.locator("textarea").fill("Mwy o lyfrau Cymraeg i blant, a lle tawel i astudio.")
    expect(page.locator(".govuk-character-count__status")).to_contain_text("nod ar ôl")
    check_page(page)
    page.get_by_role("button", name="Cadw a pharhau").click()

    expect(page.get_by_role("heading", name="Amdanoch chi (dewisol)")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Cadw a pharhau").click()

    expect(page.get_by_role("heading", name=re.compile("Gwiriwch eich atebion"))).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Heb ei ateb")
    expect(main).to_contain_text("Gyda'r nos, 5yh i 8yh, Dydd Sadwrn")
    expect(main).to_contain_text("Cytuno")
    check_page(page)
    page.get_by_role("button", name="Anfon fy ymateb").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Mae problem")
    expect(summary).to_contain_text("Atebwch gwestiwn 1: mae'n orfodol")
    check_page(page)
    page.get_by_role("link", name="Newid eich ateb i gwestiwn 1").click()
    expect(page.get_by_text("Cwestiwn 1 o 4")).to_be_visible()
    page.get_by_label("Bob wythnos").check()
    check_page(page)
    page.get_by_role("button", name="Cadw a mynd yn ôl i wirio eich atebion").click()
    expect(main).to_contain_text("Bob wythnos")
    page.get_by_role("button", name="Anfon fy ymateb").click()

    expect(page.get_by_role("heading", name="Ymateb wedi'i anfon")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Gweld neu argraffu copi o'ch atebion").click()

    expect(page.get_by_role("heading", name="Eich atebion")).to_be_visible()
    expect(page.get_by_role("button", name="Argraffu eich atebion")).to_be_visible()
    check_page(page)
