"""A resident deletes their own response from the receipt page, with their resume link
as proof: a confirm step (CSRF-protected), then a clear result; a wrong link changes
nothing."""

from __future__ import annotations

from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEntry, Response
from consult.privacy.erasure import ON_REQUEST


def _text(app, response_id: int) -> str | None:  # type: ignore[no-untyped-def]
    with app.app_context():
        response = db.session.get(Response, response_id)
        if response is None:
            return None
        return next(a.text for a in response.answers if a.text is not None)


def test_resident_deletes_their_response_from_the_receipt(app, client, make_response):
    made = make_response()
    resumed = client.get(f"/consultations/{made['slug']}/resume/{made['token']}")
    assert resumed.status_code == 302 and "/receipt/" in resumed.headers["Location"]
    receipt = client.get(resumed.headers["Location"]).get_data(as_text=True)
    delete_url = f"/consultations/{made['slug']}/delete/{made['token']}"
    assert delete_url in receipt and "delete my response" in receipt

    confirm = client.get(delete_url)
    assert confirm.status_code == 200
    assert "You cannot undo this" in confirm.get_data(as_text=True)
    assert _text(app, made["id"]) != ON_REQUEST  # looking changes nothing

    done = client.post(delete_url)
    assert done.status_code == 200
    assert "Your response has been deleted" in done.get_data(as_text=True)
    assert _text(app, made["id"]) == ON_REQUEST
    with app.app_context():
        response = db.session.get(Response, made["id"])
        assert response.profile is None and response.status == "submitted"
        [entry] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "personal_data.erased")
        ).all()
        assert entry.details["by"] == "resident" and entry.actor_user_id is None
    # the link is spent: it proves nothing any more
    assert client.get(delete_url).status_code == 404
    assert client.get(f"/consultations/{made['slug']}/resume/{made['token']}").status_code == 404


def test_a_wrong_link_is_refused_and_changes_nothing(app, client, make_response):
    made = make_response()
    other = make_response()
    for path in (
        f"/consultations/{made['slug']}/delete/not-the-token",
        f"/consultations/{made['slug']}/delete/{other['token']}",  # another consultation's
    ):
        for method in ("get", "post"):
            refused = getattr(client, method)(path)
            assert refused.status_code == 404, path
            assert "Nothing has been changed" in refused.get_data(as_text=True)
    assert _text(app, made["id"]) != ON_REQUEST
    assert _text(app, other["id"]) != ON_REQUEST


def test_deleting_needs_the_forms_csrf_token(app_config, make_response):
    from consult import create_app

    app_config["WTF_CSRF_ENABLED"] = True
    protected = create_app(app_config)
    made = make_response()
    client = protected.test_client()
    refused = client.post(f"/consultations/{made['slug']}/delete/{made['token']}")
    assert refused.status_code == 400
    with protected.app_context():
        db.engine.dispose()
    with protected.app_context():
        response = db.session.get(Response, made["id"])
        assert response.erased_at is None
        db.session.remove()
        db.engine.dispose()


def test_a_draft_is_deleted_whole(app, client, make_response):
    made = make_response(status="draft")
    done = client.post(f"/consultations/{made['slug']}/delete/{made['token']}")
    assert done.status_code == 200
    assert "Your draft has been deleted" in done.get_data(as_text=True)
    assert _text(app, made["id"]) is None
