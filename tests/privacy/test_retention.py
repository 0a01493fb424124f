"""Retention that runs (issue 14, section 1): one setting per kind of data, the stored
`erase_after` read, `flask --app wsgi data purge [--dry-run]` erasing what is due and
printing counts per kind, the daily job, and /privacy quoting the same settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import (
    AuditEntry,
    Contribution,
    Jury,
    PanelMember,
    Registrant,
    RespondentProfile,
    Response,
    SelectionDraw,
    utcnow,
)
from consult.privacy import retention
from consult.privacy.erasure import BY_RETENTION, FORMER_JUROR


def _scene(app, make_response, make_registrant, make_juror, make_jury) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Data of every kind, some past its retention period (defaults: 365, 365, 180, 365
    days) and some not."""
    now = utcnow()
    old = make_response(closes_at=now - timedelta(days=400))
    old_draft = make_response(closes_at=now - timedelta(days=400), status="draft")
    recent = make_response(closes_at=now - timedelta(days=10))
    drawn_jury = make_jury(status="selected")
    not_selected = make_registrant(jury_id=drawn_jury, email="a@example.org")
    fresh_jury = make_jury(status="selected")
    not_selected_recently = make_registrant(jury_id=fresh_jury, email="b@example.org")
    juror = make_juror(jury_status="finished", email="c@example.org")
    serving = make_juror(jury_status="selected", email="d@example.org")
    with app.app_context():
        for jury_id, age in ((drawn_jury, 200), (fresh_jury, 20)):
            db.session.add(
                SelectionDraw(
                    jury_id=jury_id,
                    algorithm="legacy",
                    seed="seed",
                    panel_size=1,
                    inputs_checksum="0" * 64,
                    result={"panel": []},
                    confirmed=True,
                    created_at=now - timedelta(days=age),
                )
            )
        db.session.get(Jury, juror["jury_id"]).finished_at = now - timedelta(days=400)
        db.session.commit()
    return {
        "old": old,
        "old_draft": old_draft,
        "recent": recent,
        "not_selected": not_selected,
        "not_selected_recently": not_selected_recently,
        "juror": juror,
        "serving": serving,
    }


def _snapshot(app, scene: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with app.app_context():

        def response(key: str) -> Any:
            found = db.session.get(Response, scene[key]["id"])
            if found is None:
                return None
            text = next(a.text for a in found.answers if a.text is not None)
            return (found.profile is not None, found.resume_token_hash is not None, text)

        return {
            "old": response("old"),
            "old_draft": response("old_draft"),
            "recent": response("recent"),
            "not_selected": db.session.get(Registrant, scene["not_selected"]).email,
            "not_selected_recently": db.session.get(
                Registrant, scene["not_selected_recently"]
            ).email,
            "juror": db.session.get(PanelMember, scene["juror"]["member_id"]).display_name,
            "juror_said": db.session.get(Contribution, scene["juror"]["contribution_id"]).text,
            "serving": db.session.get(PanelMember, scene["serving"]["member_id"]).display_name,
        }


def test_purge_dry_run_counts_and_changes_nothing_then_the_real_run_erases(
    app, runner, make_response, make_registrant, make_juror, make_jury
):
    scene = _scene(app, make_response, make_registrant, make_juror, make_jury)
    before = _snapshot(app, scene)
    dry = runner.invoke(args=["data", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing was erased" in dry.output
    assert "responses' personal data: 1" in dry.output
    assert "drafts never sent, deleted: 1" in dry.output
    assert "about-you profiles: 1" in dry.output
    assert "registrants not selected: 1" in dry.output
    assert "jurors after their jury: 1" in dry.output
    assert _snapshot(app, scene) == before
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(AuditEntry.id)).where(AuditEntry.action == retention.PURGED)
            )
            == 0
        )

    real = runner.invoke(args=["data", "purge"])
    assert real.exit_code == 0, real.output
    assert "Erased:" in real.output and "total: 5" in real.output
    after = _snapshot(app, scene)
    assert after["old"][0:2] == (False, False)  # profile (email, about you) and link gone
    assert "07700 900123" not in after["old"][2]  # the original text keeps only its redacted copy
    assert after["old_draft"] is None
    assert after["recent"] == before["recent"]
    assert after["not_selected"] is None
    assert after["not_selected_recently"] == "b@example.org"
    assert after["juror"] == FORMER_JUROR and after["juror_said"] == BY_RETENTION
    assert after["serving"] == "Sam S."
    with app.app_context():
        [entry] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == retention.PURGED)
        ).all()
        assert entry.details["jurors_after_jury"] == 1

    again = runner.invoke(args=["data", "purge"])
    assert "total: 0" in again.output


def test_purge_reads_each_profiles_erase_after(app, make_response):
    made = make_response(closes_at=utcnow() - timedelta(days=5))
    with app.app_context():
        profile = db.session.scalar(
            select(RespondentProfile).where(RespondentProfile.response_id == made["id"])
        )
        assert profile.erase_after is not None
        profile.erase_after = utcnow() - timedelta(minutes=1)
        db.session.commit()
        done = retention.purge()
        db.session.commit()
        assert done.about_you_profiles == 1
        assert db.session.get(Response, made["id"]).profile is None


def test_a_profile_is_due_after_the_about_you_setting(app, app_config, make_response):
    from consult import create_app

    app_config["RETAIN_ABOUT_YOU_DAYS"] = 30
    shorter = create_app(app_config)
    with shorter.test_request_context():
        from consult.consultations.about_you import profile_erase_after
        from consult.models import Consultation

        consultation = Consultation(closes_at=utcnow())
        assert profile_erase_after(consultation) == consultation.closes_at + timedelta(days=30)
        db.engine.dispose()
    made = make_response()
    with app.app_context():
        response = db.session.get(Response, made["id"])
        closes = response.consultation.closes_at
        assert response.profile.erase_after == closes + timedelta(days=365)


def test_shorter_settings_make_more_due(app, app_config, make_response):
    from consult import create_app

    make_response(closes_at=utcnow() - timedelta(days=10))
    with app.app_context():
        assert retention.purge(dry_run=True).response_personal_data == 0
        db.session.rollback()
    app_config["RETAIN_RESPONSE_PERSONAL_DAYS"] = 3
    shorter = create_app(app_config)
    with shorter.app_context():
        try:
            assert retention.purge(dry_run=True).response_personal_data == 1
        finally:
            db.session.rollback()
            db.engine.dispose()


def test_the_daily_job_purges_once_a_day(app, make_response):
    made = make_response(closes_at=utcnow() - timedelta(days=400))
    now = utcnow()
    with app.app_context():
        first = retention.purge_if_due(now)
        assert first is not None and first.response_personal_data == 1
        assert retention.purge_if_due(now + timedelta(hours=2)) is None
        assert retention.purge_if_due(now + timedelta(hours=24)) is not None
        assert db.session.get(Response, made["id"]).resume_token_hash is None


def test_the_daily_job_is_registered_where_the_setting_is_on(app_config):
    from consult import create_app
    from consult.jobs import daily

    for on in (True, False):
        app_config["DATA_PURGE_DAILY"] = on
        app = create_app(app_config)
        assert ("data purge" in daily.registered(app)) is on
        assert daily.start(app) is False  # never under TESTING: tests call the job
        with app.app_context():
            db.engine.dispose()


def test_privacy_page_reads_the_retention_settings(app_config, client):
    response = client.get("/privacy")
    text = response.get_data(as_text=True)
    assert "1 year after the consultation closes" in text
    assert "180 days after the jury" in text
    assert "two years" not in text

    from consult import create_app

    app_config.update(RETAIN_ABOUT_YOU_DAYS=30, RETAIN_JURORS_AFTER_JURY_DAYS=730)
    other = create_app(app_config)
    text = other.test_client().get("/privacy").get_data(as_text=True)
    assert "30 days after the consultation closes" in text
    assert "2 years after the jury finishes" in text
    with other.app_context():
        db.engine.dispose()
