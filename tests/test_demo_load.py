"""`flask demo load`: fills an empty database with the demo council, once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import (
    Answer,
    CouncilResponse,
    Jury,
    JurySession,
    PanelMember,
    Poll,
    Registrant,
    RespondentProfile,
    Response,
    User,
)

pytestmark = pytest.mark.slow


def _count(model, *where) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_load_fills_the_council_once_and_its_sign_ins_and_codes_work(app, runner, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo password for tests")
    first = runner.invoke(args=["demo", "load", "--if-empty"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        assert _count(Response, Response.status == "submitted") >= 300
        assert _count(Registrant) >= 200
        assert _count(User) == 3
        free_text = db.session.scalars(
            select(Answer.redacted_text).where(Answer.text.is_not(None))
        ).all()
        assert len(free_text) >= 300
        assert not any(re.search(r"07700 ?900\d{3}", text) for text in free_text)
        assert _count(RespondentProfile) > 0
        transport = db.session.scalar(select(Jury).where(Jury.status == "selected"))
        assert transport is not None and len(transport.members) == transport.panel_size
        assert transport.title_cy and transport.question_cy  # a bilingual jury page (issue 19)
        poll = db.session.scalar(
            select(Poll).join(JurySession).where(JurySession.jury_id == transport.id)
        )
        assert poll.question_cy and all(s.text_cy for s in poll.statements)  # a bilingual poll
        labels = [c.label_cy for c in transport.categories]
        labels += [v.label_cy for c in transport.categories for v in c.values]
        assert all(labels)  # and its registration form's questions and answers in Welsh
        households = [m.registrant.household_key for m in transport.members]
        assert len(households) == len(set(households)), "two panel members share a household"
        # drawn by the published sequence, which `verify` accepts from its files alone
        from consult.juries import plans

        (plan,) = plans.plans(transport)
        assert plan.status == "drawn" and plan.random_value == "03 11 24 38 45 52"
        assert plans.verify_plan(plan, recompute=False).ok
        not_accepted = db.session.scalar(
            select(CouncilResponse).where(CouncilResponse.status == "not_accepted")
        )
        assert not_accepted is not None and not_accepted.reasons

    # The officer workspace's complete example: the closed park consultation is analysed,
    # its themes approved, and council responses published (one not accepted, with reasons).
    with app.app_context():
        from consult.models import AnalysisRun, Theme

        park_runs = db.session.scalars(select(AnalysisRun)).all()
        assert len(park_runs) == 1 and park_runs[0].status == "done"
        assert _count(Theme, Theme.approved_at.is_not(None)) >= 4
        # the workspace, the report and the public page show a tree with descriptions
        assert _count(Theme, Theme.parent_id.is_not(None)) >= 2
        assert _count(Theme, Theme.parent_id.is_(None), Theme.description.is_not(None)) >= 4
        refused = db.session.scalar(
            select(CouncilResponse).where(
                CouncilResponse.theme_id.is_not(None), CouncilResponse.status == "not_accepted"
            )
        )
        assert refused is not None and refused.reasons and refused.published_at
    public = app.test_client()
    feed = public.get("/api/v1/outcomes").get_json()
    assert {item["kind"] for item in feed} == {"theme", "recommendation", "project"}
    assert any(
        item["kind"] == "theme"
        and item["response"]["status"] == "not_accepted"
        and item["response"]["reasons"]
        and item["source"]["slug"] == "millbrook-park-masterplan"
        for item in feed
    )
    page = public.get("/you-said-we-did/consultations/millbrook-park-masterplan")
    assert page.status_code == 200 and "Not accepted" in page.get_data(as_text=True)
    assert "Within this, people said" in page.get_data(as_text=True)
    jury_slug = next(i["source"]["slug"] for i in feed if i["kind"] == "recommendation")
    assert public.get(f"/you-said-we-did/juries/{jury_slug}").status_code == 200

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert _count(User) == 3 and _count(Registrant) == 240
        assert _count(PanelMember) == 24 + 20
        from consult.models import AnalysisRun

        assert _count(AnalysisRun) == 1, "a second load does not analyse again"

    skipped = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "already has data" in skipped.output

    codes = re.findall(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b", second.output)
    assert codes and codes == re.findall(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b", first.output)
    juror = app.test_client()
    assert juror.post("/join", data={"code": codes[0]}).status_code == 302
    staff = app.test_client()
    response = staff.post(
        "/sign-in",
        data={"email": "officer@riverside.example", "password": "demo password for tests"},
    )
    assert response.status_code == 302
