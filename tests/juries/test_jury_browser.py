"""The officer's whole journey in a real browser, from an empty jury to tables: set up,
categories and quotas in the form, registrations through the public form and a CSV
import, a published seed, a draw computed in the background (its progress page until the
proposal opens), confirmation, invitations with QR codes, a dropout and its replacement,
and balanced tables; the draw's progress page waiting and failed; axe-core on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import DEFAULT_PASSWORD, assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Draws run in a real background thread, as in production (tests elsewhere run them
    inline), so the browser waits for them on the progress page."""
    return {**app_config, "JOB_QUEUE": "thread"}


RESIDENTS = (
    ("Amina", "Okafor", "Woman", "Young", "12 High Street"),
    ("Tunde", "Okafor", "Man", "Old", "12 High Street"),  # same household as Amina
    ("Grace", "Lee", "Woman", "Prefer not to say", "4 Mill Lane"),
    ("Sam", "Patel", "Man", "Young", "9 River Road"),
)


def _imported_pool() -> str:
    rows = ["respondent_id,gender,age,First Name,Last Name,Email,Address,Postcode,Shoe size"]
    for index in range(20):
        rows.append(
            f"R{index},{('woman', 'man')[index % 2]},{('young', 'old')[(index // 2) % 2]},"
            f"Imported{index},Person,imported{index}@example.org,{index} Import Avenue,RV2 2BB,42"
        )
    return "\n".join(rows) + "\n"


def test_officer_goes_from_an_empty_jury_to_tables(live_server, page, browser, make_user, tmp_path):
    make_user("officer", email="officer@council.example", name="Olu Adeyemi")
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("officer@council.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")

    # an empty jury
    page.goto(live_server + "/juries/")
    assert_accessible(page)
    page.get_by_role("link", name="Set up a jury").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Riverside Jury on Parks")
    page.get_by_label("The question the jury will answer").fill("How should our parks change?")
    page.get_by_label("Panel size").fill("8")
    page.get_by_role("button", name="Set up the jury").click()
    page.wait_for_url("**/juries/riverside-jury-on-parks/quotas")
    assert_accessible(page)

    # categories and quotas through the form
    for label, values in (("Gender", "Woman\nMan"), ("Age", "Young\nOld")):
        page.get_by_label("Category", exact=True).fill(label)
        page.get_by_label("Answers, one per line").fill(values)
        page.get_by_role("button", name="Add category").click()
        page.wait_for_url("**/quotas")
        assert_accessible(page)
    for category, value in (
        ("Gender", "Woman"),
        ("Gender", "Man"),
        ("Age", "Young"),
        ("Age", "Old"),
    ):
        page.get_by_label(f"At least, {category}: {value}").fill("3")
        page.get_by_label(f"At most, {category}: {value}").fill("5")
    page.get_by_role("button", name="Save quotas").click()
    page.wait_for_url("**/quotas")
    assert page.get_by_text("Quotas saved.").is_visible()
    assert_accessible(page)

    # residents register through the public form, in their own browser
    resident_context = browser.new_context()
    resident = resident_context.new_page()
    for first, last, gender, age, address in RESIDENTS:
        resident.goto(live_server + "/juries/riverside-jury-on-parks/register")
        assert_accessible(resident)
        resident.get_by_label("First name").fill(first)
        resident.get_by_label("Last name").fill(last)
        resident.get_by_label("Email address").fill(f"{first.lower()}@example.org")
        resident.get_by_label("Address", exact=True).fill(address)
        resident.get_by_label("Postcode").fill("RV1 1AA")
        resident.get_by_role("group", name="Gender").get_by_label(gender, exact=True).check()
        resident.get_by_role("group", name="Age").get_by_label(age, exact=True).check()
        resident.get_by_label("I agree").check()
        resident.get_by_role("button", name="Register").click()
        resident.wait_for_url("**/registered")
        assert resident.get_by_text("You have registered").is_visible()
        assert_accessible(resident)
    # registering twice is refused politely
    resident.goto(live_server + "/juries/riverside-jury-on-parks/register")
    resident.get_by_label("First name").fill("Amina")
    resident.get_by_label("Last name").fill("Okafor")
    resident.get_by_label("Email address").fill("amina@example.org")
    resident.get_by_label("Address", exact=True).fill("12 High Street")
    resident.get_by_label("Postcode").fill("RV1 1AA")
    resident.get_by_role("group", name="Gender").get_by_label("Woman", exact=True).check()
    resident.get_by_role("group", name="Age").get_by_label("Young", exact=True).check()
    resident.get_by_label("I agree").check()
    resident.get_by_role("button", name="Register").click()
    assert resident.get_by_text("You have already registered").is_visible()
    assert_accessible(resident)
    resident_context.close()

    # the rest of the pool from a CSV file
    page.goto(live_server + "/juries/riverside-jury-on-parks/pool")
    assert_accessible(page)
    csv_path = tmp_path / "respondents.csv"
    csv_path.write_text(_imported_pool())
    page.get_by_label("Import a respondents file").set_input_files(str(csv_path))
    page.get_by_role("button", name="Import people").click()
    assert page.get_by_text("20 people added").is_visible()
    assert page.get_by_text("not understood and were ignored: Shoe size").is_visible()
    assert_accessible(page)
    page.goto(live_server + "/juries/riverside-jury-on-parks/pool")
    assert page.get_by_text("24 registered").is_visible()

    # Grace chose "prefer not to say" for age, a value with its own quota (0 to 1)
    page.goto(live_server + "/juries/riverside-jury-on-parks/quotas")
    assert page.get_by_text("A panel of 8 can meet every quota").is_visible()
    assert_accessible(page)

    # publish the seed, then draw
    page.goto(live_server + "/juries/riverside-jury-on-parks/draw")
    assert page.get_by_text("Publish the seed first").is_visible()
    assert_accessible(page)
    page.get_by_label("Lottery seed").fill("National Lottery 2026-11-21: 04 12 19 33 41 47")
    page.get_by_role("button", name="Publish the seed").click()
    page.wait_for_url("**/draw")
    assert page.get_by_text("The seed is published").is_visible()
    assert_accessible(page)
    page.get_by_label("LEXIMIN").check()
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    page.get_by_role("button", name="Compute a draw").click()
    # the progress page polls the background draw and opens the proposal when it is done
    page.wait_for_url(re.compile(r".*/draws/\d+$"), timeout=120_000)
    assert any(re.search(r"/draw-runs/\d+$", url) for url in visited), visited
    assert page.locator("#min-probability").inner_text().endswith("%")
    assert page.get_by_role("table", name="Quotas").is_visible()
    assert page.locator("#panel tbody tr").count() == 8
    assert_accessible(page)
    page.get_by_role("button", name="Confirm this panel").click()
    page.get_by_role("button", name="Yes, confirm the panel").click()
    page.wait_for_url("**/panel")
    assert page.get_by_text("The panel of 8 is confirmed").is_visible()
    assert_accessible(page)

    # the public page shows the lottery's transparency
    page.goto(live_server + "/juries/riverside-jury-on-parks")
    assert page.get_by_text("04 12 19 33 41 47").first.is_visible()
    assert page.get_by_role("link", name="anonymised pool").is_visible()
    assert_accessible(page)

    # invitations with QR codes
    page.goto(live_server + "/juries/riverside-jury-on-parks/panel")
    page.get_by_role("button", name="Make codes and print invitations").click()
    assert page.get_by_role("heading", name="8 invitations").is_visible()
    assert page.locator("img[src^='data:image/svg+xml']").count() == 8
    # shown by a module script once it has run: wait for it rather than look once
    expect(page.get_by_role("button", name="Print the invitations")).to_be_visible()
    codes = page.locator("[data-code]").all_inner_texts()
    assert len(set(codes)) == 8
    assert_accessible(page)

    # a juror joins with a code and confirms
    juror_context = browser.new_context()
    juror = juror_context.new_page()
    juror.goto(live_server + f"/join?code={codes[0]}")
    juror.get_by_role("button", name="Join").click()
    juror.goto(live_server + "/juries/invitation")
    assert_accessible(juror)
    juror.get_by_label("Yes, I will take part").check()
    juror.get_by_role("button", name="Send my answer").click()
    assert juror.get_by_text("Thank you: you have confirmed your place").is_visible()
    juror_context.close()

    # one member drops out and is replaced
    page.goto(live_server + "/juries/riverside-jury-on-parks/panel")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Dropped out")).nth(1).click()
    assert_accessible(page)
    page.get_by_label("Why did they drop out?").fill("Moved away")
    page.get_by_role("button", name="Record the dropout").click()
    page.wait_for_url("**/panel")
    assert page.get_by_text("replaces them: send their invitation").is_visible()
    assert page.get_by_text("Moved away").is_visible()
    assert page.get_by_text("8 of 8 seats filled").is_visible()
    assert_accessible(page)
    page.get_by_label("Members who have no code yet").check()
    page.get_by_role("button", name="Make codes and print invitations").click()
    assert page.get_by_role("heading", name="1 invitation").is_visible()
    assert_accessible(page)

    # tables of 4, then a re-mix
    page.goto(live_server + "/juries/riverside-jury-on-parks/tables")
    assert_accessible(page)
    page.get_by_label("People per table").fill("4")
    page.get_by_role("button", name="Allocate tables").click()
    page.wait_for_url("**/tables")
    assert page.locator("li.consult-card").count() == 2
    assert_accessible(page)
    page.get_by_label("Re-mix").check()
    page.get_by_role("button", name="Re-allocate tables").click()
    page.wait_for_url("**/tables")
    assert page.get_by_text("re-mixed").is_visible()
    page.get_by_role("button", name="Move").click()
    page.wait_for_url("**/tables*")
    assert page.get_by_text("Moved").first.is_visible()
    assert_accessible(page)


def test_public_jury_pages_fit_a_phone(live_server, browser, make_pool_jury, make_user, app):
    """Including the transparency section after a draw (checksum, re-run command)."""
    from consult.extensions import db
    from consult.juries import services
    from consult.models import Jury, User

    jury_id = make_pool_jury(seed="National Lottery 2026-11-21: 04 12 19 33 41 47")
    officer_id = make_user("officer")
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        officer = db.session.get(User, officer_id)
        services.confirm_draw(
            services.draw_panel(jury, algorithm="legacy", actor=officer), actor=officer
        )
        db.session.commit()
        slug = jury.slug
        open_slug = db.session.get(Jury, make_pool_jury(people=0)).slug
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    for path in (f"/juries/{slug}", f"/juries/{open_slug}/register"):
        page.goto(live_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways on a phone ({width}px)"
        assert_accessible(page)
    context.close()


def test_draw_progress_page_waiting_and_failed(live_server, page, app, make_user, make_pool_jury):
    """A draw waiting for a worker shows its stage and a progress bar; a draw whose quotas
    no panel can meet ends on the reason and the smallest change (the page reloads itself
    when the background thread fails it)."""
    from consult.extensions import db
    from consult.juries import draw_jobs
    from consult.models import CategoryValue, Jury, User

    officer_id = make_user("officer", email="progress@council.example")
    waiting_jury = make_pool_jury(seed="waiting")
    failing_jury = make_pool_jury(seed="failing")
    with app.app_context():
        waiting = draw_jobs.start_draw(
            db.session.get(Jury, waiting_jury),
            algorithm="leximin",
            actor=db.session.get(User, officer_id),
        )
        db.session.commit()
        waiting_url = f"/juries/{db.session.get(Jury, waiting_jury).slug}/draw-runs/{waiting.id}"
        failing_slug = db.session.get(Jury, failing_jury).slug
        for value in db.session.scalars(
            db.select(CategoryValue).where(CategoryValue.value.in_(("woman", "man")))
        ):
            value.min_count, value.max_count = 5, 8  # 5 + 5 > a panel of 8
        db.session.commit()

    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("progress@council.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")

    page.goto(live_server + waiting_url)
    assert page.locator("#draw-run-stage").inner_text() == "Waiting to start"
    assert page.locator("progress#draw-run-bar").is_visible()
    assert page.locator("#draw-run-status").inner_text() == "Queued"
    assert page.locator("#draw-run-refresh").is_hidden()  # the script keeps it current
    assert_accessible(page)

    page.goto(live_server + f"/juries/{failing_slug}/draw")
    page.get_by_role("button", name="Compute a draw").click()
    page.get_by_role("heading", name="The draw failed").wait_for(timeout=60_000)
    assert page.locator("#relaxation li").count() >= 1
    assert page.get_by_role("link", name="Change the quotas").is_visible()
    assert_accessible(page)
