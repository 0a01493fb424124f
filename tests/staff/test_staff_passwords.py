"""Staff passwords: changing your own, "forgot your password?" without revealing who has an
account, links that expire and work once, and one password rule for the web and the CLI."""

from __future__ import annotations

import logging
import socket
import threading
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from consult.auth import passwords
from consult.extensions import db
from consult.models import AuditEntry, User
from tests.conftest import DEFAULT_PASSWORD

NEW_PASSWORD = "a new and rather long passphrase"


def _sign_in(client, email: str, password: str) -> int:
    return client.post("/sign-in", data={"email": email, "password": password}).status_code


def _actions(app) -> list[tuple[str, int | None, int | None]]:
    with app.app_context():
        return [
            (e.action, e.actor_user_id, e.subject_id)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


# --- changing your own password ------------------------------------------------------------


def test_staff_change_their_own_password_and_their_other_sessions_end(
    app, make_user, sign_in, outbox
):
    olu_id = make_user("facilitator", email="olu@council.example")
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, email="olu@council.example")
    sign_in(elsewhere, email="olu@council.example")
    page = here.get("/account/password")
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.get_data(
        as_text=True
    )

    response = here.post(
        "/account/password",
        data={
            "current_password": DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert "Your password has been changed" in here.get("/dashboard").get_data(as_text=True)
    gone = elsewhere.get("/dashboard")
    assert gone.status_code == 302 and "/sign-in" in gone.headers["Location"]
    assert _sign_in(app.test_client(), "olu@council.example", DEFAULT_PASSWORD) == 401
    assert _sign_in(app.test_client(), "olu@council.example", NEW_PASSWORD) == 302
    assert ("user.password_changed", olu_id, olu_id) in _actions(app)
    notice = outbox.last_to("olu@council.example")
    assert notice.subject == "Your password has been changed"
    assert "http://localhost/forgot-password" in notice.body


def test_changing_a_password_needs_the_current_one_and_a_good_new_one(app, make_user, sign_in):
    make_user("officer", email="olu@council.example")
    client = app.test_client()
    sign_in(client, email="olu@council.example")
    wrong = client.post(
        "/account/password",
        data={"current_password": "nope", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 400
    body = wrong.get_data(as_text=True)
    assert 'href="#current_password"' in body and "Your current password is not right" in body
    short = client.post(
        "/account/password",
        data={"current_password": DEFAULT_PASSWORD, "new_password": "short", "confirm": "x"},
    )
    body = short.get_data(as_text=True)
    assert short.status_code == 400
    assert "Use a password of at least 12 characters" in body
    assert "The passwords do not match" in body
    assert _sign_in(app.test_client(), "olu@council.example", DEFAULT_PASSWORD) == 302
    assert not [a for a in _actions(app) if a[0] == "user.password_changed"]


def test_jurors_and_visitors_cannot_change_a_staff_password(client, make_panel_member, sign_in):
    assert client.get("/account/password").status_code == 302
    _, code = make_panel_member()
    sign_in(client, code=code)
    assert client.post("/account/password", data={}).status_code == 403


# --- forgot your password? -----------------------------------------------------------------


def test_forgot_password_answers_the_same_whether_or_not_the_account_exists(app, make_user, outbox):
    make_user("officer", email="olu@council.example")
    audit_before = _actions(app)
    known, unknown = app.test_client(), app.test_client()
    first = known.post("/forgot-password", data={"email": "olu@council.example"})
    second = unknown.post("/forgot-password", data={"email": "nobody@council.example"})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    known_page = known.get(first.headers["Location"]).get_data(as_text=True)
    unknown_page = unknown.get(second.headers["Location"]).get_data(as_text=True)
    assert "Check your email" in known_page
    assert known_page.replace("olu@council.example", "X") == unknown_page.replace(
        "nobody@council.example", "X"
    )
    assert [m.to for m in outbox.messages] == ["olu@council.example"]
    assert _actions(app) == audit_before  # asking writes nothing, either way
    mail = outbox.messages[0]
    assert mail.subject == "Reset your password" and "1 hour" in mail.body
    assert mail.link.startswith("http://localhost/reset-password/")


def test_a_reset_link_sets_a_new_password_once_and_lifts_a_lockout(app, make_user, outbox):
    app.config["SIGN_IN_LOCKOUT_ATTEMPTS"] = 5
    olu_id = make_user("officer", email="olu@council.example")
    signed_in_elsewhere = app.test_client()
    assert _sign_in(signed_in_elsewhere, "olu@council.example", DEFAULT_PASSWORD) == 302
    for _ in range(5):
        _sign_in(app.test_client(), "olu@council.example", "wrong")
    assert _sign_in(app.test_client(), "olu@council.example", DEFAULT_PASSWORD) == 401  # locked
    assert signed_in_elsewhere.get("/dashboard").status_code == 200

    app.test_client().post("/forgot-password", data={"email": "OLU@council.example "})
    link = outbox.last_to("olu@council.example")
    browser = app.test_client()
    assert "Choose a new password" in browser.get(link.path).get_data(as_text=True)
    done = browser.post(link.path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert _sign_in(app.test_client(), "olu@council.example", NEW_PASSWORD) == 302
    assert signed_in_elsewhere.get("/dashboard").status_code == 302  # signed out everywhere
    spent = app.test_client().post(
        link.path, data={"password": "yet another long password", "confirm": "x"}
    )
    assert spent.status_code == 400 and "already been used" in spent.get_data(as_text=True)
    actions = _actions(app)
    assert ("user.password_reset", olu_id, olu_id) in actions


def test_reset_links_point_at_our_own_address_whatever_host_the_request_named(
    app, make_user, outbox
):
    make_user("officer", email="olu@council.example")
    app.test_client().post(
        "/forgot-password",
        data={"email": "olu@council.example"},
        headers={"Host": "evil.example"},
    )
    mail = outbox.last_to("olu@council.example")
    assert "evil.example" not in mail.body
    assert mail.link.startswith("http://localhost/reset-password/")


def test_forgot_password_form_errors_link_to_the_field(client, outbox):
    response = client.post("/forgot-password", data={"email": "not an email"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and 'href="#email"' in body
    assert outbox.messages == []


def test_forgot_password_is_rate_limited_per_address_and_per_visitor(app_config, make_user):
    from consult import create_app

    app = create_app({**app_config, "RATELIMIT_ENABLED": True})
    client = app.test_client()
    same = [
        client.post("/forgot-password", data={"email": "olu@council.example"}).status_code
        for _ in range(6)
    ]
    assert same[:5] == [302] * 5 and same[5] == 429
    other = app.test_client()
    many = [
        other.post("/forgot-password", data={"email": f"p{i}@council.example"}).status_code
        for i in range(20)
    ]
    assert many[0] == 302 and many[-1] == 429  # 20 an hour from one address, any emails
    assert "Too many reset links" in client.post(
        "/forgot-password", data={"email": "olu@council.example"}
    ).get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_with_an_smtp_server_the_answer_does_not_wait_for_the_mail(app, make_user, caplog):
    """A slow mail server must not make 'this address has an account' take longer: the
    answer comes while the mail server still holds the mail back, and the mail's failure
    is logged afterwards. (Timings: bench/waits.py.)"""
    make_user("officer", email="olu@council.example")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    release = threading.Event()

    def slow_server() -> None:
        connection, _ = listener.accept()
        release.wait(30)  # hold the mail until the test has its answer
        connection.sendall(b"421 busy, try later\r\n")
        connection.close()

    def refusal_logged() -> bool:
        return any("could not send mail to olu@" in r.getMessage() for r in caplog.records)

    caplog.set_level(logging.ERROR, logger="consult.mail")
    server = threading.Thread(target=slow_server, daemon=True)
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=listener.getsockname()[1])
    try:
        response = app.test_client().post("/forgot-password", data={"email": "olu@council.example"})
        assert response.status_code == 302
        # a synchronous send would have ended (refused or timed out, and logged) by now
        assert not refusal_logged(), "the answer waited for the mail server"
        release.set()
        deadline = time.monotonic() + 10
        while not refusal_logged() and time.monotonic() < deadline:
            time.sleep(0.02)  # polling the condition, not a fixed wait
        assert refusal_logged(), "the reset mail was never attempted"
        server.join(5)
    finally:
        release.set()
        listener.close()


# --- links ---------------------------------------------------------------------------------


def _old_token(app, user_id: int, purpose: str, age: timedelta) -> str:
    """A genuine token, signed with our key, `age` ago."""

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age.total_seconds())

    with app.app_context():
        user = db.session.get(User, user_id)
        serializer = URLSafeTimedSerializer(
            app.config["SECRET_KEY"], salt=f"consult.staff-password.{purpose}", signer=Earlier
        )
        return serializer.dumps({"user": user.id, "check": passwords._fingerprint(user)})


@pytest.mark.parametrize(
    ("purpose", "fresh", "stale"),
    [
        ("reset", timedelta(minutes=55), timedelta(minutes=65)),
        ("set", timedelta(days=6, hours=23), timedelta(days=7, minutes=5)),
    ],
)
def test_links_expire(app, make_user, purpose, fresh, stale):
    olu_id = make_user("officer", email="olu@council.example")
    client = app.test_client()
    assert (
        client.get(f"/{purpose}-password/{_old_token(app, olu_id, purpose, fresh)}").status_code
        == 200
    )
    expired = client.get(f"/{purpose}-password/{_old_token(app, olu_id, purpose, stale)}")
    assert expired.status_code == 400
    assert "This link has expired" in expired.get_data(as_text=True)


def test_a_link_for_one_purpose_or_a_forged_one_does_not_work(app, make_user):
    olu_id = make_user("officer", email="olu@council.example")
    reset = _old_token(app, olu_id, "reset", timedelta(0))
    client = app.test_client()
    assert client.get(f"/reset-password/{reset}").status_code == 200
    assert client.get(f"/set-password/{reset}").status_code == 400
    assert client.get(f"/reset-password/{reset[:-2]}xx").status_code == 400
    with app.app_context():
        other = URLSafeTimedSerializer("someone else's key", salt="consult.staff-password.reset")
        user = db.session.get(User, olu_id)
        forged = other.dumps({"user": olu_id, "check": passwords._fingerprint(user)})
    assert client.get(f"/reset-password/{forged}").status_code == 400


def test_a_changed_password_ends_every_outstanding_link(app, make_user, sign_in):
    olu_id = make_user("officer", email="olu@council.example")
    token = _old_token(app, olu_id, "reset", timedelta(0))
    client = app.test_client()
    sign_in(client, email="olu@council.example")
    client.post(
        "/account/password",
        data={
            "current_password": DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert app.test_client().get(f"/reset-password/{token}").status_code == 400


def test_a_token_carries_no_secret_from_the_database(app, make_user):
    olu_id = make_user("officer", email="olu@council.example")
    token = _old_token(app, olu_id, "reset", timedelta(0))
    with app.app_context():
        user = db.session.get(User, olu_id)
        payload = URLSafeTimedSerializer("x").loads_unsafe(token)[1]
        assert set(payload) == {"user", "check"}
        assert user.password_hash not in token and user.password_hash.split("$")[-1] not in token


# --- one rule, old sessions, the CLI ---------------------------------------------------------


def test_the_cli_and_the_web_share_one_password_rule(app, runner, outbox):
    short = runner.invoke(
        args=["users", "create", "--email", "cli@council.example", "--role", "officer"],
        input="eleven char\neleven char\n",
        catch_exceptions=False,
        env={},
    )
    assert short.exit_code != 0
    problem = passwords.password_problem("eleven char")
    assert problem and problem in short.output
    made = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "cli@council.example",
            "--role",
            "officer",
            "--password-stdin",
        ],
        input=NEW_PASSWORD + "\n",
    )
    assert made.exit_code == 0, made.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "cli@council.example"))
        assert user.has_password and user.password_changed_at is not None
    assert _sign_in(app.test_client(), "cli@council.example", NEW_PASSWORD) == 302
    assert passwords.password_problem("x" * 12) is None


def test_sessions_not_kept_on_the_server_or_ended_everywhere_do_not_work(app, make_user):
    olu_id = make_user("officer", email="olu@council.example")
    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = f"user:{olu_id}"  # a cookie from before sessions were kept
    assert forged.get("/dashboard").status_code == 302
    client = app.test_client()
    assert _sign_in(client, "olu@council.example", DEFAULT_PASSWORD) == 302
    assert client.get("/dashboard").status_code == 200
    with app.app_context():
        user = db.session.get(User, olu_id)
        user.end_sessions()
        db.session.commit()
        assert user.get_id() == f"user:{olu_id}:1"
    assert client.get("/dashboard").status_code == 302
    with client.session_transaction() as session:
        session["_user_id"] = f"user:{olu_id}:0"  # guessed versions are no way back in
    assert client.get("/dashboard").status_code == 302
