"""A council response's due date is typed in GOV.UK date boxes (issue 15, item 8)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from consult.extensions import db
from consult.models import CouncilResponse
from tests.workspace.test_pages import _start, _themes


def test_due_date_in_boxes_saved_shown_and_refused_when_not_real(
    app, officer_client, closed_consultation
):
    run_id = _start(officer_client, closed_consultation["id"])
    theme_id, _, _ = _themes(app, run_id, closed_consultation["questions"][0])[0]
    url = f"/workspace/themes/{theme_id}/response"
    answer = {"status": "accepted", "text": "We will.", "owner": "Parks"}
    wrong = {"due_date-day": "31", "due_date-month": "4", "due_date-year": "2027"}
    refused = officer_client.post(url, data={**answer, **wrong})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'href="#due_date"' in text and "Due date must be a real date" in text
    assert re.search(r'id="due_date-month"[^>]*value="4"', text)  # what was typed stays
    with app.app_context():
        assert db.session.scalar(select(CouncilResponse)) is None

    right = {"due_date-day": "30", "due_date-month": "4", "due_date-year": "2027"}
    assert officer_client.post(url, data={**answer, **right}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(CouncilResponse)).due_date == date(2027, 4, 30)
    page = officer_client.get(url).get_data(as_text=True)
    assert re.search(r'id="due_date"[^>]*value="30"', page)
    assert re.search(r'id="due_date-year"[^>]*value="2027"', page)
