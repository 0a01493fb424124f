"""Workspace pages as an officer sees them: run, progress, theme review and edits, the
council response register (reasons rule), publishing, charts, and the public pages."""

from __future__ import annotations

import re

from sqlalchemy import select

from consult.extensions import db
from consult.models import AnalysisRun, AuditEntry, CouncilResponse, Theme, ThemeAssignment
from consult.workspace import queries


def _start(client, consultation_id):  # type: ignore[no-untyped-def]
    response = client.post(
        f"/workspace/consultations/{consultation_id}/runs", data={"n_themes": "auto"}
    )
    assert response.status_code == 302
    return int(re.search(r"/runs/(\d+)", response.headers["Location"]).group(1))


def _themes(app, run_id, question_id):  # type: ignore[no-untyped-def]
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        return [
            (t.id, t.label, t.size)
            for t in queries.live_themes(run, question_id)
            if not t.no_substantive_comment
        ]


def test_officer_runs_the_analysis_and_sees_progress_and_themes(
    app, officer_client, closed_consultation
):
    run_id = _start(officer_client, closed_consultation["id"])
    page = officer_client.get(f"/workspace/runs/{run_id}").get_data(as_text=True)
    assert 'value="100"' in page and "See the themes" in page
    progress = officer_client.get(f"/workspace/runs/{run_id}/progress").get_json()
    assert progress["status"] == "done" and progress["percent"] == 100
    overview = officer_client.get(f"/workspace/consultations/{closed_consultation['id']}")
    text = overview.get_data(as_text=True)
    assert overview.status_code == 200
    for _, label, _ in _themes(app, run_id, closed_consultation["questions"][0]):
        assert label in text
    assert "Identical answers" in text  # duplicate groups are shown with their counts


def test_bad_theme_count_is_refused_with_a_message(officer_client, closed_consultation):
    response = officer_client.post(
        f"/workspace/consultations/{closed_consultation['id']}/runs",
        data={"n_themes": "99"},
        follow_redirects=True,
    )
    assert "between 2 and 30" in response.get_data(as_text=True)


def test_theme_page_answers_are_redacted_searchable_and_paginated(
    app, officer_client, closed_consultation
):
    run_id = _start(officer_client, closed_consultation["id"])
    theme_id, label, size = _themes(app, run_id, closed_consultation["questions"][0])[0]
    page = officer_client.get(f"/workspace/themes/{theme_id}").get_data(as_text=True)
    assert label in page and f"Answers ({size})" in page
    with app.app_context():
        theme = db.session.get(Theme, theme_id)
        word = theme.keyphrases[0].split()[0]
    searched = officer_client.get(f"/workspace/themes/{theme_id}?q={word}").get_data(as_text=True)
    match = re.search(r"Answers \((\d+)\)", searched)
    assert match and 0 < int(match.group(1)) <= size
    cited = officer_client.get(f"/workspace/themes/{theme_id}?cited=0").get_data(as_text=True)
    assert "behind summary sentence 1" in cited


def test_rename_merge_split_move_exclude_and_approve(app, officer_client, closed_consultation):
    run_id = _start(officer_client, closed_consultation["id"])
    themes = _themes(app, run_id, closed_consultation["questions"][0])
    first, second = themes[0][0], themes[1][0]
    assert (
        officer_client.post(
            f"/workspace/themes/{first}/rename", data={"label": "Play areas"}
        ).status_code
        == 302
    )
    refused = officer_client.post(
        f"/workspace/themes/{first}/rename", data={"label": "  "}, follow_redirects=True
    )
    assert "Enter a name for the theme" in refused.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalars(
            select(ThemeAssignment).where(
                ThemeAssignment.theme_id == second, ThemeAssignment.primary.is_(True)
            )
        ).first()
        answer_id = row.answer_id
    officer_client.post(
        f"/workspace/themes/{second}/move", data={"item": answer_id, "target": first}
    )
    officer_client.post(f"/workspace/themes/{first}/relevance", data={"item": answer_id})
    with app.app_context():
        moved = db.session.scalar(
            select(ThemeAssignment).where(
                ThemeAssignment.answer_id == answer_id, ThemeAssignment.primary.is_(True)
            )
        )
        assert moved.theme_id == first and moved.manual and moved.not_relevant
    before = sum(size for _, _, size in _themes(app, run_id, closed_consultation["questions"][0]))
    officer_client.post(
        f"/workspace/themes/{first}/merge", data={"sources": [second], "confirm": "yes"}
    )
    after = _themes(app, run_id, closed_consultation["questions"][0])
    assert second not in [t[0] for t in after]
    assert sum(size for _, _, size in after) == before  # the excluded answer was never counted
    # the merged theme's page redirects to where its answers went
    assert (
        officer_client.get(f"/workspace/themes/{second}")
        .headers["Location"]
        .endswith(f"/workspace/themes/{first}")
    )
    split = officer_client.post(f"/workspace/themes/{first}/split", data={"parts": "2"})
    assert split.status_code == 302
    assert len(_themes(app, run_id, closed_consultation["questions"][0])) == len(after) + 1
    officer_client.post(f"/workspace/themes/{first}/approve", data={"approved": "yes"})
    page = officer_client.get(f"/workspace/themes/{first}").get_data(as_text=True)
    assert "Approved" in page and "Test officer" in page
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {
        "theme.renamed",
        "theme.merged",
        "theme.split",
        "theme.item_moved",
        "theme.not_relevant",
        "theme.approved",
    } <= actions


def test_not_accepted_needs_reasons_then_publishes_and_emails_residents(
    app, officer_client, closed_consultation, caplog
):
    run_id = _start(officer_client, closed_consultation["id"])
    theme_id, label, _ = _themes(app, run_id, closed_consultation["questions"][0])[0]
    url = f"/workspace/themes/{theme_id}/response"
    refused = officer_client.post(url, data={"status": "not_accepted", "text": "We will not."})
    assert refused.status_code == 422
    assert "Enter the reasons" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CouncilResponse)) is None
    caplog.set_level("INFO")
    saved = officer_client.post(
        url,
        data={
            "status": "not_accepted",
            "text": "We will not extend it.",
            "reasons": "The budget is committed to the playground.",
            "owner": "Parks team",
            "due_date": "2027-03-31",
            "publish": "yes",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        response = db.session.scalar(select(CouncilResponse))
        assert response.published_at and response.reasons.startswith("The budget")
        assert db.session.get(Theme, theme_id).published
    mails = [
        r.getMessage()
        for r in caplog.records
        if "resident0@example.org" in r.getMessage() or "resident1@example.org" in r.getMessage()
    ]
    assert mails, "residents who asked for updates are e-mailed"
    assert not any("resident2@example.org" in r.getMessage() for r in caplog.records)
    officer_client.post(
        f"/workspace/council-responses/{response.id}/progress",
        data={"percent": "40", "note": "Budget paper to cabinet"},
    )
    public = app.test_client()
    page = public.get("/you-said-we-did/consultations/park-plan")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert label in text and "The budget is committed" in text and "40% done" in text
    feed = public.get("/api/v1/outcomes").get_json()
    assert feed[0]["kind"] == "theme" and feed[0]["title"] == label
    assert feed[0]["source"]["slug"] == "park-plan"
    assert feed[0]["response"] == {
        "status": "not_accepted",
        "text": "We will not extend it.",
        "reasons": "The budget is committed to the playground.",
        "text_cy": None,  # no Welsh version written
        "reasons_cy": None,
    }
    assert feed[0]["progress"] == 40 and feed[0]["updated_at"]
    csv_text = public.get("/api/v1/outcomes.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("kind,title,source_kind,source_slug")
    assert "not_accepted" in csv_text and "park-plan" in csv_text


def test_unpublished_responses_stay_private(app, officer_client, closed_consultation):
    run_id = _start(officer_client, closed_consultation["id"])
    theme_id, _, _ = _themes(app, run_id, closed_consultation["questions"][0])[0]
    officer_client.post(
        f"/workspace/themes/{theme_id}/response", data={"status": "accepted", "text": "Yes."}
    )
    assert app.test_client().get("/api/v1/outcomes").get_json() == []
    assert app.test_client().get("/you-said-we-did/consultations/park-plan").status_code == 404


def test_bulk_entry_saves_every_row_or_none(app, officer_client, finished_jury):
    url = f"/workspace/juries/{finished_jury['id']}/responses"
    page = officer_client.get(url).get_data(as_text=True)
    assert "Free buses for under-18s" in page and "Close the high street" not in page
    refused = officer_client.post(
        url,
        data={
            "row-0-status": "accepted",
            "row-0-text": "Yes, from April.",
            "row-1-status": "accepted_in_part",
            "row-1-text": "On some roads.",
        },
    )
    assert refused.status_code == 422
    assert "Enter the reasons" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CouncilResponse)) is None
    saved = officer_client.post(
        url,
        data={
            "row-0-status": "accepted",
            "row-0-text": "Yes, from April.",
            "row-0-due_date": "2020-01-31",
            "row-1-status": "accepted_in_part",
            "row-1-text": "On some roads.",
            "row-1-reasons": "Main roads carry buses.",
            "row-1-owner": "Highways",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(CouncilResponse)).all()) == 2
    overdue = officer_client.get("/workspace/").get_data(as_text=True)
    assert "Free buses for under-18s" in overdue and "Overdue" in overdue


def test_jury_page_and_public_jury_page(app, officer_client, finished_jury):
    rec = finished_jury["recommendations"][0]
    officer_client.post(
        f"/workspace/recommendations/{rec}/response",
        data={"status": "accepted", "text": "We will do it.", "publish": "yes"},
    )
    assert officer_client.get(f"/workspace/juries/{finished_jury['id']}").status_code == 200
    page = app.test_client().get("/you-said-we-did/juries/transport-jury")
    assert page.status_code == 200 and "We will do it." in page.get_data(as_text=True)
    assert "/you-said-we-did/juries/transport-jury" in app.test_client().get(
        "/you-said-we-did/"
    ).get_data(as_text=True)
    failed = finished_jury["recommendations"][2]
    assert officer_client.get(f"/workspace/recommendations/{failed}/response").status_code == 404


def test_charts_page_shows_reference_population_gaps(app, officer_client, closed_consultation):
    _start(officer_client, closed_consultation["id"])
    cid = closed_consultation["id"]
    saved = officer_client.post(
        f"/workspace/consultations/{cid}/reference",
        data={"field": "age_band", "shares": "16-24: 40%\n25-44: 20%\n45-64: 20%\n65+: 20%"},
    )
    assert saved.status_code == 302
    data = officer_client.get(f"/workspace/consultations/{cid}/charts.json").get_json()
    ages = next(f for f in data["profile"] if f["field"] == "age_band")
    young = next(v for v in ages["values"] if v["value"] == "16-24")
    assert young["reference"] == 0.4 and young["gap"] < 0
    assert data["over_time"] and data["questions"][0]["themes"]
    assert data["closed"][0]["options"][0]["count"] > 0
    page = officer_client.get(
        f"/workspace/consultations/{cid}/charts", follow_redirects=True
    ).get_data(as_text=True)
    assert "Under-represented" in page
    bad = officer_client.post(
        f"/workspace/consultations/{cid}/reference",
        data={"field": "age_band", "shares": "nonsense"},
        follow_redirects=True,
    )
    assert "is not “value: share”" in bad.get_data(as_text=True)


def test_workspace_is_for_officers_only(client, make_user, sign_in, closed_consultation):
    make_user("facilitator", email="f@council.example")
    sign_in(client, email="f@council.example")
    assert client.get(f"/workspace/consultations/{closed_consultation['id']}").status_code == 403
