"""Signing in and out, lockout after repeated failures, and jurors' join codes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEntry, PanelMember, User, utcnow
from tests.conftest import DEFAULT_PASSWORD


def test_staff_sign_in_reaches_the_dashboard_and_sign_out_leaves(client, make_user):
    make_user("officer", email="olu@council.example", name="Olu Officer")
    response = client.post(
        "/sign-in", data={"email": "olu@council.example", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert "Olu Officer" in client.get("/dashboard").get_data(as_text=True)
    client.post("/sign-out")
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_gets_one_message_that_does_not_reveal_accounts(client, make_user):
    make_user("officer", email="olu@council.example")
    wrong = client.post("/sign-in", data={"email": "olu@council.example", "password": "nope"})
    missing = client.post("/sign-in", data={"email": "who@council.example", "password": "nope"})
    assert wrong.status_code == missing.status_code == 401
    message = "The email address or password is not right."
    assert message in wrong.get_data(as_text=True)
    assert message in missing.get_data(as_text=True)


def test_sign_in_form_errors_link_to_their_fields(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#email"' in body and "Enter your email address" in body
    assert 'href="#password"' in body


def test_account_locks_after_repeated_failures_even_with_the_right_password(app, client, make_user):
    app.config["SIGN_IN_LOCKOUT_ATTEMPTS"] = 5
    make_user("officer", email="olu@council.example")
    for _ in range(5):
        client.post("/sign-in", data={"email": "olu@council.example", "password": "wrong"})
    response = client.post(
        "/sign-in", data={"email": "olu@council.example", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 401
    # The same words as a wrong password: a lock tells a stranger nothing.
    assert "The email address or password is not right." in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "olu@council.example"))
        assert user.locked_until is not None
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.locked"))
        user.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = client.post(
        "/sign-in", data={"email": "olu@council.example", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302


def test_a_session_cookie_copied_before_sign_out_stops_working(app, client, make_user):
    make_user("officer", email="olu@council.example")
    client.post("/sign-in", data={"email": "olu@council.example", "password": DEFAULT_PASSWORD})
    captured = client.get_cookie("session")
    assert captured is not None
    thief = app.test_client()
    thief.set_cookie("session", captured.value)
    assert thief.get("/dashboard").status_code == 200  # the copy works while signed in
    client.post("/sign-out")
    assert thief.get("/dashboard").status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_a_juror_session_cookie_copied_before_signing_in_again_stops_working(
    app, client, make_panel_member
):
    _member_id, code = make_panel_member(name="Ayesha")
    client.post("/join", data={"code": code})
    captured = client.get_cookie("session")
    thief = app.test_client()
    thief.set_cookie("session", captured.value)
    assert thief.get("/live/").status_code == 200
    client.post("/sign-out")
    assert thief.get("/live/").status_code in (302, 401, 403)


def test_sign_in_is_rate_limited(app_config, make_user):
    from consult import create_app

    app = create_app({**app_config, "RATELIMIT_ENABLED": True})
    client = app.test_client()
    statuses = [
        client.post(
            "/sign-in", data={"email": f"x{i}@council.example", "password": "x"}
        ).status_code
        for i in range(35)
    ]
    assert 429 in statuses
    with app.app_context():
        db.engine.dispose()


def test_disabled_account_cannot_sign_in(client, make_user):
    make_user("officer", email="gone@council.example", active=False)
    response = client.post(
        "/sign-in", data={"email": "gone@council.example", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 401


def test_next_parameter_only_redirects_within_the_site(client, make_user):
    make_user("officer", email="olu@council.example")
    response = client.post(
        "/sign-in?next=https://evil.example/",
        data={"email": "olu@council.example", "password": DEFAULT_PASSWORD},
    )
    assert response.headers["Location"] == "/dashboard"


def test_juror_joins_with_a_code_once(app, client, make_panel_member):
    member_id, code = make_panel_member(name="Ayesha")
    response = client.post("/join", data={"code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    assert "Ayesha" in client.get("/live/").get_data(as_text=True)
    with app.app_context():
        member = db.session.get(PanelMember, member_id)
        assert member.status == "confirmed" and member.join_code_used_at is not None
        assert code not in (member.join_code_hash or "")
    other = app.test_client()
    again = other.post("/join", data={"code": code})
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)


def test_expired_or_wrong_join_codes_are_refused(app, client, make_panel_member):
    member_id, code = make_panel_member()
    with app.app_context():
        member = db.session.get(PanelMember, member_id)
        member.join_code_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert "expired" in client.post("/join", data={"code": code}).get_data(as_text=True)
    assert "not right" in client.post("/join", data={"code": "AAAA-BBBB-CCCC"}).get_data(
        as_text=True
    )


def test_juror_cannot_reach_staff_pages(client, make_panel_member, sign_in):
    _, code = make_panel_member()
    sign_in(client, code=code)
    assert client.get("/dashboard").status_code == 403
