"""The demo climate jury's "You said, we did" page in Welsh on a 390-pixel phone (issue 19):
the council's responses it has in Welsh read in Welsh, with Welsh status labels; the rest
(the jury's own words) is English inside lang="en-GB", with the note; axe finds nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from consult.demo.loader import ensure_finished_jury
from consult.extensions import db
from tests.conftest import assert_accessible, assert_fits

# "Data" is Welsh too ("Data agored"); the council's name is a proper name.
# English words that would show an untranslated string outside lang="en-GB" text.
ENGLISH = {"the", "and", "we", "will", "not", "what", "why", "who", "due", "progress", "done"}
ENGLISH |= {"accepted", "response", "council", "jury", "recommended", "open", "said"}


def _unmarked_text(page: Page) -> str:
    """The page's visible text outside anything marked lang="en-GB", and its title."""
    return page.evaluate(
        """() => {
            const main = document.querySelector('main').cloneNode(true);
            main.querySelectorAll('[lang="en-GB"]').forEach(e => e.remove());
            return document.title + '\\n' + main.innerText;
        }"""
    )


@pytest.mark.browser
def test_the_climate_jurys_outcomes_in_welsh_on_a_phone(page: Page, live_server, app):
    with app.app_context():
        ensure_finished_jury()
        db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/you-said-we-did/")
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.get_by_role("heading", name="Dywedoch chi, gwnaethom ni")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "cy"
    assert_accessible(page)
    page.get_by_role(
        "link", name="Rheithgor Dinasyddion Glan-yr-afon ar yr Hinsawdd ac Ynni"
    ).click()

    main = page.locator("main")
    expect(main).to_contain_text("Nid yw'r cynnwys hwn ar gael yn Gymraeg")
    expect(main).to_contain_text("Ni fyddwn yn cyflwyno teithio am ddim ar fysiau")
    expect(main).to_contain_text("Y tu allan i Lundain")
    expect(main).to_contain_text("Cytunwyd ar y tocyn £1 gyda'r ddau gwmni")
    expect(main.get_by_text("Ni dderbyniwyd", exact=True)).to_be_visible()
    expect(main.get_by_text("Derbyniwyd yn rhannol", exact=True).first).to_be_visible()
    expect(main.get_by_text("Yn cael ei ystyried", exact=True)).to_be_visible()
    # a response with no Welsh version shows its English, marked as English
    english = main.locator('[lang="en-GB"]', has_text="We will bring all council homes to EPC C")
    expect(english).to_have_count(1)
    shown = _unmarked_text(page).replace("Riverside Borough Council", "")
    words = set(re.findall(r"[A-Za-z]+", shown))
    left = sorted(w for w in words if w.lower() in ENGLISH)
    assert not left, f"English outside lang=en-GB on the Welsh page: {left}"
    assert_fits(page)
    assert_accessible(page)
