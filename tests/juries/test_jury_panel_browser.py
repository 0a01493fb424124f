"""The panel page and invitation sheets at a phone's width (390 px) and a desktop's
(1366 px), in a real browser (issue 15, item 21): states are true (no "Invited" before an
invitation is sent), Confirmed / Declined buttons do not overlap, and invitation sheets
print without the screen's back link, warning and Print button. axe-core finds nothing,
of any impact."""

from __future__ import annotations

import re

import pytest

from tests.conftest import assert_accessible, signed_in_page

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_panel_states_are_true_and_its_buttons_do_not_overlap(
    live_server, browser, app, make_user, make_pool_jury, width
):
    from consult.extensions import db
    from consult.juries import services
    from consult.models import Jury, User

    jury_id = make_pool_jury(seed="National Lottery 2026-11-21: 04 12 19 33 41 47")
    officer_id = make_user("officer", email="panel.officer@council.example")
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        officer = db.session.get(User, officer_id)
        services.confirm_draw(
            services.draw_panel(jury, algorithm="legacy", actor=officer), actor=officer
        )
        db.session.commit()
        slug = jury.slug
    page = signed_in_page(browser, live_server, "panel.officer@council.example", width)
    page.goto(live_server + f"/juries/{slug}/panel")
    assert_accessible(page)
    rows = page.locator("#members tbody tr")
    assert rows.count() == 8
    first = rows.first
    assert "Not sent" in first.inner_text()
    assert first.locator(".govuk-tag").inner_text() == "Not invited yet"
    assert page.locator("#members .govuk-tag", has_text=re.compile("^Invited$")).count() == 0
    assert "0 invited and waiting for an answer, 8 not invited yet" in page.inner_text(
        "#panel-counts"
    )
    assert first.get_by_role("button", name="Make a code").is_visible()  # none to renew yet
    confirmed = first.get_by_role("button", name="Confirmed")
    declined = first.get_by_role("button", name="Declined")
    assert not _overlap(confirmed.bounding_box(), declined.bounding_box())
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # the invitation sheets: on screen, the warning and Print button; on paper, only sheets
    page.get_by_role("button", name="Make codes and print invitations").click()
    assert page.get_by_role("heading", name="8 invitations").is_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    for hidden in (
        page.get_by_role("link", name="Back to the panel").first,
        page.get_by_role("link", name="Back to the panel").last,
        page.get_by_text("Print or save this page now"),
        page.get_by_role("button", name="Print the invitations"),
        page.locator(".govuk-service-navigation"),
    ):
        assert not hidden.is_visible()
    assert page.locator(".consult-print-sheet").first.is_visible()
    page.emulate_media(media="screen")
    assert page.get_by_text("Print or save this page now").is_visible()

    # once sent, the members are invited, and the page says so
    page.goto(live_server + f"/juries/{slug}/panel")
    assert rows.first.locator(".govuk-tag").inner_text() == "Invited"
    assert "Sent" in rows.first.inner_text()
    assert rows.first.get_by_role("button", name="New code").is_visible()
    assert "8 invited and waiting for an answer, 0 not invited yet" in page.inner_text(
        "#panel-counts"
    )
    page.context.close()
