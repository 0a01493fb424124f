"""The staff journey in Chromium, with axe-core on every page: an admin adds a colleague,
the colleague opens the link from the mail log, sets a password and signs in; the admin
deactivates them and they are signed out."""

from __future__ import annotations

import pytest

from tests.conftest import assert_accessible

pytestmark = pytest.mark.browser

PASSWORD = "kettle lighthouse orchard violin"


def test_admin_adds_a_colleague_who_sets_a_password_signs_in_and_is_later_deactivated(
    live_server, browser, make_user, outbox
):
    make_user("admin", email="ada@council.example", name="Ada Admin", password=PASSWORD)
    admin = browser.new_context().new_page()
    admin.goto(live_server + "/sign-in")
    admin.get_by_label("Email address").fill("ada@council.example")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url("**/dashboard")

    admin.get_by_role("link", name="Staff", exact=True).click()
    admin.wait_for_url("**/admin/users")
    assert_accessible(admin)
    admin.get_by_role("link", name="Add a staff member").click()
    admin.wait_for_url("**/admin/users/new")
    assert_accessible(admin)
    admin.get_by_role("button", name="Add and send email").click()  # empty: errors, linked
    assert admin.get_by_text("There is a problem").is_visible()
    assert_accessible(admin)
    admin.get_by_role("link", name="Choose what they will do").click()
    assert admin.evaluate("document.activeElement.id") == "role"

    admin.get_by_label("Full name").fill("Sam Patel")
    admin.get_by_label("Email address").fill("sam@council.example")
    admin.get_by_label("Facilitator").check()
    admin.get_by_role("button", name="Add and send email").click()
    admin.wait_for_url("**/admin/users/*")
    assert admin.get_by_text("Sam Patel has been added as facilitator").is_visible()
    assert_accessible(admin)
    person_page = admin.url

    # the colleague, in their own browser, follows the emailed link
    link = outbox.last_to("sam@council.example").link
    assert link.startswith(live_server)
    sam = browser.new_context().new_page()
    sam.goto(link)
    assert sam.get_by_role("heading", name="Create your password").is_visible()
    assert_accessible(sam)
    sam.get_by_label("New password", exact=True).fill(PASSWORD)
    sam.get_by_label("Confirm new password").fill("not the same at all")
    sam.get_by_role("button", name="Save password").click()
    assert sam.get_by_text("The passwords do not match").first.is_visible()
    assert_accessible(sam)
    sam.get_by_label("New password", exact=True).fill(PASSWORD)
    sam.get_by_label("Confirm new password").fill(PASSWORD)
    sam.get_by_role("button", name="Save password").click()
    sam.wait_for_url("**/sign-in")
    assert sam.get_by_text("Your password has been set").is_visible()
    assert_accessible(sam)
    sam.get_by_label("Email address").fill("sam@council.example")
    sam.get_by_label("Password").fill(PASSWORD)
    sam.get_by_role("button", name="Sign in").click()
    sam.wait_for_url("**/dashboard")
    assert sam.get_by_text("Signed in as Sam Patel").is_visible()

    # the admin deactivates the account; Sam is signed out on their next page
    admin.goto(person_page)
    admin.get_by_role("link", name="Deactivate account").click()
    admin.wait_for_url("**/deactivate")
    assert_accessible(admin)
    admin.get_by_role("button", name="Deactivate account").click()
    admin.wait_for_url(person_page)
    assert admin.get_by_text("has been deactivated").is_visible()
    assert admin.get_by_text("Deactivated", exact=True).is_visible()
    assert_accessible(admin)

    sam.reload()
    sam.wait_for_url(lambda url: "/sign-in?next=" in url)
    assert sam.get_by_role("heading", name="Staff sign in").is_visible()
    sam.get_by_label("Email address").fill("sam@council.example")
    sam.get_by_label("Password").fill(PASSWORD)
    sam.get_by_role("button", name="Sign in").click()
    assert sam.get_by_text("The email address or password is not right").first.is_visible()

    # "forgotten your password?" answers, but sends a deactivated account nothing
    sam.get_by_role("link", name="Forgotten your password?").click()
    sam.wait_for_url("**/forgot-password")
    assert_accessible(sam)
    sam.get_by_label("Email address").fill("sam@council.example")
    sam.get_by_role("button", name="Send me a reset link").click()
    sam.wait_for_url("**/check-your-email")
    assert sam.get_by_role("heading", name="Check your email").is_visible()
    assert_accessible(sam)
    assert len(outbox.to("sam@council.example")) == 1


def test_staff_change_their_own_password_in_the_browser(live_server, page, make_user, outbox):
    make_user("officer", email="olu@council.example", name="Olu", password=PASSWORD)
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill("olu@council.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    page.get_by_role("link", name="Change your password").click()
    page.wait_for_url("**/account/password")
    assert_accessible(page)
    page.get_by_role("button", name="Change password").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("a brand new passphrase")
    page.get_by_label("Confirm new password").fill("a brand new passphrase")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/dashboard")
    assert page.get_by_text("Your password has been changed").is_visible()
    assert outbox.last_to("olu@council.example").subject == "Your password has been changed"
