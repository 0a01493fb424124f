"""Issue 15, item 12: one dashboard per consultation. Its charts have a real time axis (the
days with no responses are there, as 0), bars largest first (a scale keeps its order),
tables folded under their charts, and the header of a column of dates says "Date"; the old
workspace charts page sends officers to it."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from typing import Any

from consult.extensions import db
from consult.models import AnalysisRun, Answer, Consultation, Response, Theme
from tests.workspace.test_pages import _start

LIKERT = {"kind": "likert", "prompt": "The plan is good"}
SCALE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
CHOICE = {
    "kind": "single_choice",
    "prompt": "Which bus do you take?",
    "options": [{"value": v, "label": f"Route {v.upper()}"} for v in "abc"],
}


def _charts(page: str) -> dict[str, dict[str, Any]]:
    """Every chart spec on the page, by its canvas id."""
    return {
        found.group(1): json.loads(html.unescape(found.group(2)))
        for found in re.finditer(r'<canvas id="([^"]+)" data-chart="([^"]+)"', page)
    }


def _answered(app, consultation_id: int, when: list[tuple[datetime, str, str]]) -> None:  # type: ignore[no-untyped-def]
    """Submitted responses at the given moments with a route and a point on the scale."""
    with app.app_context():
        choice, scale = db.session.get(Consultation, consultation_id).questions
        for number, (moment, route, point) in enumerate(when):
            response = Response(
                consultation_id=consultation_id,
                reference=f"RSP-DASH-{number:03d}",
                status="submitted",
                submitted_at=moment,
            )
            response.answers.append(Answer(question_id=choice.id, value=route))
            response.answers.append(Answer(question_id=scale.id, value=point))
            db.session.add(response)
        db.session.commit()


def _dashboard(app, make_consultation, officer_client) -> str:  # type: ignore[no-untyped-def]
    cid = make_consultation(slug="buses", questions=[dict(CHOICE), dict(LIKERT)])
    noon = {"hour": 12, "tzinfo": UTC}
    _answered(
        app,
        cid,
        [
            (datetime(2025, 11, 19, **noon), "a", "5"),
            (datetime(2025, 11, 19, **noon), "b", "1"),
            (datetime(2025, 11, 21, **noon), "b", "1"),
            (datetime(2025, 12, 5, **noon), "b", "4"),
            (datetime(2025, 12, 5, **noon), "c", "4"),
            (datetime(2025, 12, 5, **noon), "c", "4"),
        ],
    )
    response = officer_client.get("/consultations/buses/dashboard")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_responses_over_time_has_every_day_with_the_gaps_as_zero(
    app, make_consultation, officer_client
):
    page = _dashboard(app, make_consultation, officer_client)
    time = _charts(page)["over-time"]
    assert len(time["labels"]) == 17  # 19 November to 5 December
    assert time["labels"][0] == "19 Nov" and time["labels"][-1] == "5 Dec"
    assert time["labels"][1] == "20 Nov"  # 19 Nov is not beside 5 Dec
    assert time["values"] == [2, 0, 1] + [0] * 13 + [3]
    table = page[page.index("Responses per day as a table") :]
    assert re.search(r'<th scope="col" class="govuk-table__header">Date</th>', table)
    assert re.search(r'datetime="2025-11-20">20 November 2025</time></th><td[^>]*>0</td>', table)


def test_bars_are_largest_first_but_a_scale_keeps_its_order(app, make_consultation, officer_client):
    page = _dashboard(app, make_consultation, officer_client)
    charts = _charts(page)
    choice = next(spec for spec in charts.values() if "Route A" in spec["labels"])
    assert choice["labels"] == ["Route B", "Route C", "Route A"]
    assert choice["values"] == [3, 2, 1]
    scale = next(spec for spec in charts.values() if "Disagree" in spec["labels"])
    assert scale["labels"] == SCALE
    assert scale["values"] == [2, 0, 0, 3, 1]


def test_every_chart_table_is_folded_below_its_chart(app, make_consultation, officer_client):
    page = _dashboard(app, make_consultation, officer_client)
    content = page[page.index("<main") : page.index("</main>")]
    canvases = content.count("<canvas")
    assert canvases >= 4
    # each chart's table sits in a closed <details> right after the chart
    for chunk in content.split("<canvas")[1:]:
        after = chunk[chunk.index("</canvas>") :]
        assert re.match(r"</canvas></div>\s*<details class=\"govuk-details\">", after), after[:80]
    # the only table shown open is the short completion table
    opened = re.sub(r"<details.*?</details>", "", content, flags=re.S)
    assert opened.count("<table") == 1 and "How many responses answered each question" in opened


def test_the_workspace_charts_page_leads_to_the_one_dashboard(
    app, officer_client, closed_consultation
):
    cid = closed_consultation["id"]
    moved = officer_client.get(f"/workspace/consultations/{cid}/charts")
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/consultations/park-plan/dashboard"
    analysis = officer_client.get(f"/workspace/consultations/{cid}").get_data(as_text=True)
    assert 'href="/consultations/park-plan/dashboard"' in analysis
    assert "/charts" not in analysis

    run_id = _start(officer_client, cid)
    like = closed_consultation["questions"][0]
    with app.app_context():  # the smallest theme first in the review order
        run = db.session.get(AnalysisRun, run_id)
        themes = sorted(
            db.session.scalars(
                db.select(Theme).where(Theme.run_id == run.id, Theme.question_id == like)
            ),
            key=lambda t: t.size,
        )
        for position, theme in enumerate(themes):
            theme.position = position
        db.session.commit()
    saved = officer_client.post(
        f"/workspace/consultations/{cid}/reference",
        data={"field": "age_band", "shares": "16-24: 40%\n25-44: 20%\n45-64: 20%\n65+: 20%"},
    )
    assert saved.headers["Location"] == "/consultations/park-plan/dashboard#profile"
    page = officer_client.get("/consultations/park-plan/dashboard").get_data(as_text=True)
    by_size = _charts(page)[f"themes-{like}"]
    sizes = [a + b for a, b in zip(*(s["values"] for s in by_size["datasets"]), strict=True)]
    assert len(sizes) >= 3 and sizes == sorted(sizes, reverse=True)
    assert re.search(
        r"16 to 24: <strong class=\"govuk-tag govuk-tag--orange\">Under-represented", page
    )
    assert f'href="/workspace/consultations/{cid}"' in page
