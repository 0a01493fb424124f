"""Signing in cannot be used to find accounts or to lock their owners out (issue 14, M3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import delete, select

from consult import create_app
from consult.extensions import db
from consult.models import AuditEntry, SignInSession, User
from tests.conftest import DEFAULT_PASSWORD

REAL = "olu@council.example"
MADE_UP = "nobody@council.example"


@pytest.fixture
def limited_app(app_config) -> Iterator[Flask]:
    application = create_app({**app_config, "RATELIMIT_ENABLED": True})
    yield application
    with application.app_context():
        # This app commits for real (no savepoint wrapper on PostgreSQL): remove its rows.
        user_ids = select(User.id).where(User.email == REAL)
        db.session.execute(delete(SignInSession).where(SignInSession.user_id.in_(user_ids)))
        db.session.execute(delete(AuditEntry).where(AuditEntry.actor_user_id.in_(user_ids)))
        db.session.execute(delete(User).where(User.email == REAL))
        db.session.commit()
        db.engine.dispose()


def _attempt(client, email: str, password: str = "wrong guess") -> tuple[int, str]:
    response = client.post("/sign-in", data={"email": email, "password": password})
    return response.status_code, response.get_data(as_text=True)


def _messages(body: str) -> list[str]:
    known = (
        "The email address or password is not right.",
        "Too many failed attempts to sign in with this email address from here.",
    )
    return [message for message in known if message in body]


def test_refusals_read_the_same_for_real_and_made_up_accounts(limited_app):
    with limited_app.app_context():
        user = User(email=REAL, name="Olu", role="officer")
        user.set_password(DEFAULT_PASSWORD)
        db.session.add(user)
        db.session.commit()
    real = [_attempt(limited_app.test_client(), REAL) for _ in range(6)]
    made_up = [_attempt(limited_app.test_client(), MADE_UP) for _ in range(6)]
    assert [status for status, _ in real] == [status for status, _ in made_up]
    assert [_messages(body) for _, body in real] == [_messages(body) for _, body in made_up]
    assert real[-1][0] == 429  # five failures from one address, then a pause: for both


def test_a_stranger_cannot_lock_the_owner_out(limited_app):
    with limited_app.app_context():
        user = User(email=REAL, name="Olu", role="officer")
        user.set_password(DEFAULT_PASSWORD)
        db.session.add(user)
        db.session.commit()
    stranger = limited_app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    statuses = [_attempt(stranger, REAL)[0] for _ in range(8)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    owner = limited_app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "203.0.113.20"
    assert _attempt(owner, REAL, DEFAULT_PASSWORD)[0] == 302


def test_a_locked_account_emails_its_owner_a_link_that_unlocks_it_once(app, make_user, outbox):
    app.config["SIGN_IN_LOCKOUT_ATTEMPTS"] = 5
    user_id = make_user("officer", email=REAL)
    for _ in range(5):
        _attempt(app.test_client(), REAL)
    mail = outbox.last_to(REAL)
    assert mail.subject == "Your account has been locked" and "1 day" in mail.body
    status, body = _attempt(app.test_client(), REAL, DEFAULT_PASSWORD)
    assert status == 401 and _messages(body) == ["The email address or password is not right."]

    browser = app.test_client()
    page = browser.get(mail.path)
    assert page.status_code == 200 and "Unlock my account" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).is_locked  # opening the link changes nothing
    assert browser.post(mail.path).status_code == 302
    assert _attempt(app.test_client(), REAL, DEFAULT_PASSWORD)[0] == 302
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "user.unlocked")
        ).one()
        assert entry.actor_user_id == user_id and entry.details["via"] == "link"
    spent = app.test_client().post(mail.path)
    assert spent.status_code == 400 and "already been used" in spent.get_data(as_text=True)


def test_the_owner_trying_the_right_password_while_locked_is_sent_the_link_again(
    app, make_user, outbox
):
    app.config["SIGN_IN_LOCKOUT_ATTEMPTS"] = 3
    make_user("officer", email=REAL)
    for _ in range(3):
        _attempt(app.test_client(), REAL)
    assert len(outbox.to(REAL)) == 1
    _attempt(app.test_client(), REAL, DEFAULT_PASSWORD)
    assert len(outbox.to(REAL)) == 2
    _attempt(app.test_client(), REAL)  # a wrong password while locked sends nothing
    assert len(outbox.to(REAL)) == 2
