"""Dates are typed the GOV.UK way (issue 15, item 8): day, month and year boxes, never the
browser's date picker; the Design System's messages; a refused date changes nothing."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from consult.dates import DateProblem, date_from_form, parse_date, parse_time
from consult.extensions import db
from consult.models import Consultation

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("31", "", "2027"), "Date must include a month"),
        (("", "", "2027"), "Date must include a day and a month"),
        (("31", "2", "2027"), "Date must be a real date"),
        (("3l", "1", "2027"), "Date must be a real date"),
        (("1", "1", "27"), "Year must include 4 numbers"),
        (("²", "1", "2027"), "Date must be a real date"),
    ],
)
def test_the_design_systems_messages(parts, message):
    with pytest.raises(DateProblem, match=f"^{message}$"):
        parse_date(*parts)


def test_dates_and_times_people_type():
    assert parse_date(" 5 ", "03", "2027") == date(2027, 3, 5)
    assert parse_date("", "", "") is None
    assert parse_time("17:00") == time(17, 0)
    assert parse_time("5pm") == parse_time("5 PM") == time(17, 0)
    assert parse_time("12am") == time(0, 0) and parse_time("12pm") == time(12, 0)
    assert parse_time("9.30") == time(9, 30) and parse_time("") is None
    for wrong in ("25:00", "13pm", "noon", "17:60"):
        with pytest.raises(DateProblem):
            parse_time(wrong)
    assert date_from_form({"d-day": "1", "d-month": "2", "d-year": "2027"}, "d") == date(2027, 2, 1)
    assert date_from_form({"d": "2027-02-01"}, "d") == date(2027, 2, 1)  # scripts
    with pytest.raises(DateProblem, match="Due date must be a real date"):
        date_from_form({"d-day": "30", "d-month": "2", "d-year": "2027"}, "d", what="Due date")


def test_no_page_uses_the_browsers_date_picker():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if re.search(r'type="(date|datetime-local|month|time)"', path.read_text())
    ]
    assert offenders == []


def test_budgeting_rounds_take_their_timetable_in_boxes_too(client, make_user, sign_in):
    _officer(client, make_user, sign_in)
    page = client.get("/pb/manage/new").get_data(as_text=True)
    assert 'type="date"' not in page
    assert 'id="voting_opens_on-year"' in page and 'id="voting_opens_on-time"' not in page


def _officer(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    make_user("officer", email="olu@council.example")
    sign_in(client, email="olu@council.example")


BASE = {"title": "Bins", "slug": "bins", "summary": "How often?"}


def test_a_consultation_takes_its_dates_in_boxes(app, client, make_user, sign_in):
    _officer(client, make_user, sign_in)
    page = client.get("/consultations/manage/new").get_data(as_text=True)
    for box in ("closes_at", "closes_at-month", "closes_at-year", "closes_at-time"):
        assert f'id="{box}"' in page
    created = client.post(
        "/consultations/manage/new",
        data={
            **BASE,
            "opens_at-day": "1", "opens_at-month": "1", "opens_at-year": "2099",
            "opens_at-time": "9am",
            "closes_at-day": "31", "closes_at-month": "1", "closes_at-year": "2099",
            "closes_at-time": "",
        },
    )  # fmt: skip
    assert created.status_code == 302
    with app.app_context():
        consultation = db.session.scalar(select(Consultation))
        # UK time in January is GMT: stored as the same clock time in UTC
        assert consultation.opens_at.replace(tzinfo=None) == datetime(2099, 1, 1, 9, 0)
        assert consultation.closes_at.replace(tzinfo=None) == datetime(2099, 1, 31, 23, 59)
    edit = client.get("/consultations/manage/bins/edit").get_data(as_text=True)
    assert re.search(r'id="closes_at"[^>]*value="31"', edit)
    assert re.search(r'id="closes_at-year"[^>]*value="2099"', edit)
    assert re.search(r'id="opens_at-time"[^>]*value="09:00"', edit)
    assert re.search(r'id="closes_at-time"[^>]*value=""', edit)  # the end of the day


def test_a_wrong_date_is_refused_with_the_boxes_kept(app, client, make_user, sign_in):
    _officer(client, make_user, sign_in)
    refused = client.post(
        "/consultations/manage/new",
        data={**BASE, "closes_at-day": "31", "closes_at-month": "2", "closes_at-year": "2099"},
    )
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert 'href="#closes_at"' in text and "Closing date must be a real date" in text
    assert re.search(r'id="closes_at-month"[^>]*value="2"', text)
    blank = client.post("/consultations/manage/new", data=BASE).get_data(as_text=True)
    assert "Enter the date it closes" in blank
    with app.app_context():
        assert db.session.scalar(select(Consultation)) is None


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1366])
def test_the_date_boxes_fit_and_pass_axe(page, live_server, make_user, width):
    from tests.conftest import DEFAULT_PASSWORD, assert_accessible

    make_user("officer", email="olu@council.example")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("olu@council.example")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/consultations/manage/new")
    page.get_by_label("Title").fill("Bins")
    page.get_by_label("Summary").fill("How often?")
    closes = page.get_by_role("group", name="Closes (UK time)")
    closes.get_by_label("Day").fill("31")
    closes.get_by_label("Month").fill("2")
    closes.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Save details").click()
    summary = page.locator(".govuk-error-summary")
    assert "Closing date must be a real date" in summary.inner_text()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "closes_at"
