"""Staff navigation at a phone's width (390 px) and a desktop's (1366 px), in a real
browser (issue 15, item 17): GOV.UK service navigation on one line at 1366 px, a Menu
button on a phone, the current area marked on its inner pages; axe-core finds nothing,
of any impact."""

from __future__ import annotations

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
def test_staff_navigation_is_one_line_on_a_desktop_and_a_menu_on_a_phone(
    live_server, browser, make_user, width
):
    make_user("admin", email="admin@council.example")
    page = signed_in_page(browser, live_server, "admin@council.example", width)
    for path in ("/dashboard", "/juries/", "/admin/users"):
        page.goto(live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
        if width >= 1366:
            tops = {
                round(box["y"])
                for box in (
                    item.bounding_box()
                    for item in page.locator(".govuk-service-navigation__item").all()
                )
                if box
            }
            assert len(tops) == 1, f"{path}: the navigation wraps onto {len(tops)} lines"
        else:
            assert page.get_by_role("button", name="Menu").is_visible()
    # the area a page belongs to is marked, on its inner pages too
    page.goto(live_server + "/admin/audit")
    current = page.locator(".govuk-service-navigation__item--active")
    assert current.count() == 1 and current.inner_text().strip() == "Staff"
    page.context.close()
