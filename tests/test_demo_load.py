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
    PanelMember,
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
        households = [m.registrant.household_key for m in transport.members]
        assert len(households) == len(set(households)), "two panel members share a household"
        not_accepted = db.session.scalar(
            select(CouncilResponse).where(CouncilResponse.status == "not_accepted")
        )
        assert not_accepted is not None and not_accepted.reasons

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert _count(User) == 3 and _count(Registrant) == 240
        assert _count(PanelMember) == 24 + 20

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
