"""'You said, we did' waits for the consultation to close (issue 15, item 13): while
residents are still answering, neither the council's response nor the themes can be
published, the pages say why, and a refused request changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEntry, Consultation, CouncilResponse, Theme, utcnow
from tests.workspace.test_pages import _start, _themes


def _reopen(app, consultation_id, days=10):  # type: ignore[no-untyped-def]
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        consultation.status = "open"
        consultation.closes_at = utcnow() + timedelta(days=days)
        db.session.commit()
        return consultation.closes_at


def test_an_open_consultation_cannot_have_its_response_published(
    app, officer_client, closed_consultation
):
    run_id = _start(officer_client, closed_consultation["id"])
    theme_id, _, _ = _themes(app, run_id, closed_consultation["questions"][0])[0]
    closes = _reopen(app, closed_consultation["id"])
    url = f"/workspace/themes/{theme_id}/response"

    page = officer_client.get(url).get_data(as_text=True)
    assert "still open" in page and f"{closes:%-d %B %Y}" in page
    assert 'name="publish"' not in page  # no box to tick, no button to press

    answer = {"status": "accepted", "text": "We will do it.", "publish": "yes"}
    refused = officer_client.post(url, data=answer)
    assert refused.status_code == 422
    assert "still open" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CouncilResponse)) is None  # nothing saved

    saved = officer_client.post(url, data={"status": "accepted", "text": "We will do it."})
    assert saved.status_code == 302  # saving without publishing is fine
    with app.app_context():
        response = db.session.scalar(select(CouncilResponse))
        assert response.published_at is None
        response_id = response.id

    direct = officer_client.post(f"/workspace/council-responses/{response_id}/publish")
    assert direct.status_code == 409
    assert "still open" in direct.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(CouncilResponse, response_id).published_at is None
        assert not db.session.get(Theme, theme_id).published
    assert app.test_client().get("/api/v1/outcomes").get_json() == []


def test_themes_wait_for_the_close_too_and_publish_once_it_has_passed(
    app, officer_client, closed_consultation
):
    run_id = _start(officer_client, closed_consultation["id"])
    theme_id, _, _ = _themes(app, run_id, closed_consultation["questions"][0])[0]
    officer_client.post(f"/workspace/themes/{theme_id}/approve")
    _reopen(app, closed_consultation["id"])
    workspace = f"/workspace/consultations/{closed_consultation['id']}"
    page = officer_client.get(workspace).get_data(as_text=True)
    assert "Publish approved themes" not in page and "still open" in page
    assert officer_client.post(f"/workspace/runs/{run_id}/publish").status_code == 409
    with app.app_context():
        assert not db.session.get(Theme, theme_id).published
        assert not db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "themes.published")
        ).all()

    # its closing time passes (the stored status has not caught up yet): allowed
    with app.app_context():
        consultation = db.session.get(Consultation, closed_consultation["id"])
        consultation.closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert officer_client.post(f"/workspace/runs/{run_id}/publish").status_code == 302
    with app.app_context():
        assert db.session.get(Theme, theme_id).published
