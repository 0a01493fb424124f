"""Moderation (hide/restore with a reason, audited; hidden text leaves published output),
importing CSV/XLSX responses (all or nothing, or only good rows when chosen), and the
per-consultation dashboard."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Answer, AuditEntry, Response, ResponseImport


def _officer(client, make_user, sign_in):  # type: ignore[no-untyped-def]
    make_user("officer", email="olu@council.example")
    sign_in(client, email="olu@council.example")


def _submit(client, ids, text):  # type: ignore[no-untyped-def]
    result = client.post(
        "/api/v1/consultations/bus/responses",
        json={
            "answers": {
                str(ids["buses"]): text,
                str(ids["bus"]): "daily",
                str(ids["budget"]): {"roads": 50, "parks": 50},
            }
        },
    )
    assert result.status_code == 201, result.json
    return result.json["reference"]


def test_officer_hides_and_restores_an_abusive_answer_with_reasons(
    app, client, every_kind, question_ids, make_user, sign_in, runner
):
    ids = question_ids(every_kind(slug="bus"))
    _submit(client, ids, "The planners are idiots")
    _submit(client, ids, "More buses on Sundays please")
    _officer(client, make_user, sign_in)
    queue = client.get("/consultations/manage/bus/moderation").get_data(as_text=True)
    assert "The planners are idiots" in queue and "abusive" in queue
    assert "More buses on Sundays" not in queue  # not flagged
    with app.app_context():
        answer_id = db.session.scalar(select(Answer.id).where(Answer.text.like("%idiots%")))
    no_reason = client.post(
        f"/consultations/manage/bus/answers/{answer_id}/moderate", data={"action": "hide"}
    )
    assert no_reason.status_code == 302
    with app.app_context():
        assert db.session.get(Answer, answer_id).moderation == "visible"
    client.post(
        f"/consultations/manage/bus/answers/{answer_id}/moderate",
        data={"action": "hide", "reason": "Abuse of staff"},
    )
    with app.app_context():
        answer = db.session.get(Answer, answer_id)
        assert (answer.moderation, answer.moderation_reason) == ("hidden", "Abuse of staff")
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "answer.hidden"))
        assert entry.details["reason"] == "Abuse of staff" and entry.actor_user_id is not None
    result = runner.invoke(args=["consultations", "token", "--email", "olu@council.example"])
    page = client.get(
        "/api/v1/consultations/bus/responses",
        headers={"Authorization": f"Bearer {result.output.strip()}"},
    ).json
    texts = [
        a["value"]
        for item in page["items"]
        for a in item["answers"]
        if a["question_id"] == ids["buses"]
    ]
    assert None in texts and "More buses on Sundays please" in texts
    client.post(
        f"/consultations/manage/bus/answers/{answer_id}/moderate",
        data={"action": "restore", "reason": "Reviewed: criticism, not abuse"},
    )
    with app.app_context():
        assert db.session.get(Answer, answer_id).moderation == "visible"
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "answer.restored"))


CSV_WITH_BROKEN_ROWS = (
    "What would make buses better?,How often,Budget,Age band,Date received\n"
    "More buses,Every day,Roads: 60; Parks: 40,35-44,01/11/2026\n"
    ",weekly,Roads: 50; Parks: 50,,02/11/2026\n"  # required text missing
    "Cheaper fares,sometimes,Roads: 10; Parks: 10,,03/11/2026\n"  # bad option, bad total
    "Later buses,never,,99-100,yesterday\n"  # bad age band, bad date
    "Bus lanes please,weekly,roads=100,75+,\n"
)


def _upload(client, name, content, slug="bus"):  # type: ignore[no-untyped-def]
    response = client.post(
        f"/consultations/manage/{slug}/imports/new",
        data={"file": (io.BytesIO(content), name), "channel": "paper"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return response.headers["Location"]


def _mapping(ids):  # type: ignore[no-untyped-def]
    return {
        f"map-q{ids['buses']}": "0",
        f"map-q{ids['bus']}": "1",
        f"map-q{ids['budget']}": "2",
        "map-age_band": "3",
        "map-submitted_at": "4",
    }


def test_import_with_broken_rows_reports_each_and_imports_none(
    app, client, every_kind, question_ids, make_user, sign_in
):
    ids = question_ids(every_kind(slug="bus"))
    _officer(client, make_user, sign_in)
    page_url = _upload(client, "paper.csv", CSV_WITH_BROKEN_ROWS.encode())
    mapping_page = client.get(page_url).get_data(as_text=True)
    assert re.search(rf'id="map-q{ids["buses"]}".*?value="0" selected', mapping_page, re.S)
    client.post(page_url, data={**_mapping(ids), "action": "check"})
    report = client.get(page_url).get_data(as_text=True)
    assert "3 of 5 rows have problems: nothing has been imported" in report
    assert "Row 3: Question 2: it is required but empty" in report
    assert "Row 4: Question 1: &#39;sometimes&#39; is not one of the options" in report
    assert "must add up to £100; they add up to £20" in report
    assert "Row 5: Age band: Select one of the options for &#39;your age&#39;" in report
    assert "Date received: &#39;yesterday&#39; is not a date like 31/01/2027" in report
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0


def test_officer_can_choose_to_import_only_the_good_rows(
    app, client, every_kind, question_ids, make_user, sign_in
):
    ids = question_ids(every_kind(slug="bus"))
    _officer(client, make_user, sign_in)
    page_url = _upload(client, "paper.csv", CSV_WITH_BROKEN_ROWS.encode())
    client.post(page_url, data={**_mapping(ids), "action": "check"})
    client.post(page_url, data={**_mapping(ids), "action": "import_good"})
    with app.app_context():
        responses = db.session.scalars(select(Response).order_by(Response.id)).all()
        assert len(responses) == 2 and {r.channel for r in responses} == {"paper"}
        assert responses[0].submitted_at.date().isoformat() == "2026-11-01"
        assert responses[1].profile.age_band == "75+"
        record = db.session.scalar(select(ResponseImport))
        assert record.imported_count == 2 and record.report["skipped"] == [3, 4, 5]
    # the import is finished: posting again imports nothing more
    client.post(page_url, data={**_mapping(ids), "action": "import_good"})
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 2


def test_clean_xlsx_imports_every_row(app, client, every_kind, question_ids, make_user, sign_in):
    ids = question_ids(every_kind(slug="bus"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["buses", "used", "priorities", "listens"])
    sheet.append(["More buses", "Libraries; Parks", "Buses; Homes; Parks", "Agree"])
    sheet.append(["Fewer cars", "gym", "parks;buses;homes", 5])
    stream = io.BytesIO()
    workbook.save(stream)
    _officer(client, make_user, sign_in)
    page_url = _upload(client, "email.xlsx", stream.getvalue())
    mapping = {
        f"map-q{ids['buses']}": "0",
        f"map-q{ids['used']}": "1",
        f"map-q{ids['priorities']}": "2",
        f"map-q{ids['listens']}": "3",
    }
    client.post(page_url, data={**mapping, "action": "check"})
    with app.app_context():
        values = {
            (a.question_id, str(a.value))
            for a in db.session.scalars(select(Answer))
            if a.value is not None
        }
    assert (ids["used"], "['library', 'parks']") in values
    assert (ids["priorities"], "['buses', 'homes', 'parks']") in values
    assert (ids["listens"], "4") in values and (ids["listens"], "5") in values


def test_upload_that_is_not_a_table_is_refused_with_a_message(
    client, every_kind, make_user, sign_in
):
    every_kind(slug="bus")
    _officer(client, make_user, sign_in)
    response = client.post(
        "/consultations/manage/bus/imports/new",
        data={"file": (io.BytesIO(b"\xff\xfe\x00"), "x.csv"), "channel": "paper"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Save the CSV file as UTF-8" in response.get_data(as_text=True)


def test_dashboard_shows_counts_completion_and_charts(
    client, every_kind, question_ids, make_user, sign_in
):
    ids = question_ids(every_kind(slug="bus"))
    _submit(client, ids, "More buses")
    _submit(client, ids, "Cheaper fares")
    _officer(client, make_user, sign_in)
    page = client.get("/consultations/bus/dashboard").get_data(as_text=True)
    assert '<p class="consult-card__figure" id="total">2</p>' in page
    assert "chart.umd.min.js" in page and "data-chart=" in page
    assert re.search(r"What would make buses better\?</th>.*?>2</td>.*?>100%</td>", page, re.S)
    assert re.search(r"Every day</th><td[^>]*>2</td>", page)
    assert "Individuals and organisations" in page
