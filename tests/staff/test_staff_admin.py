"""Admins manage staff from the web: add a colleague who sets their own password from an
emailed link, change roles, deactivate and reactivate, resend links, unlock; every change
audited with who made it, and the rules that keep one active admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from consult.admin import services
from consult.errors import NotPermitted
from consult.extensions import db
from consult.models import ApiToken, AuditEntry, User, utcnow
from tests.conftest import DEFAULT_PASSWORD

NEW_PASSWORD = "a new and rather long passphrase"


def _user(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None
        db.session.expunge(user)
        return user


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).all()
        for entry in entries:
            db.session.expunge(entry)
        return list(entries)


def _add(admin_client, email="sam@council.example", name="Sam Patel", role="officer"):
    return admin_client.post("/admin/users/new", data={"email": email, "name": name, "role": role})


def test_admin_adds_a_colleague_who_sets_their_own_password_from_the_emailed_link(
    app, admin, admin_client, outbox
):
    response = _add(admin_client, email="Sam@Council.example")
    assert response.status_code == 302
    sam = _user(app, "sam@council.example")
    assert response.headers["Location"] == f"/admin/users/{sam.id}"
    assert sam.role == "officer" and sam.active and not sam.has_password
    assert sam.password_changed_at is None
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sam Patel has been added as officer" in page and "Invited" in page

    # no password was chosen by anyone: nothing signs in yet
    colleague = app.test_client()
    for guess in ("", sam.password_hash, "!"):
        refused = colleague.post("/sign-in", data={"email": sam.email, "password": guess})
        assert refused.status_code in (400, 401)

    mail = outbox.last_to("sam@council.example")
    assert "set your password" in mail.subject
    assert mail.link.startswith("http://localhost/set-password/")
    assert "7 days" in mail.body and "An administrator has given you" in mail.body

    form = colleague.get(mail.path)
    assert form.status_code == 200
    assert "Create your password" in form.get_data(as_text=True)

    short = colleague.post(mail.path, data={"password": "too short", "confirm": "too short"})
    body = short.get_data(as_text=True)
    assert short.status_code == 400
    assert 'href="#password"' in body and "Use a password of at least 12 characters" in body
    mismatch = colleague.post(mail.path, data={"password": NEW_PASSWORD, "confirm": "different"})
    assert mismatch.status_code == 400
    assert "The passwords do not match" in mismatch.get_data(as_text=True)
    assert not _user(app, sam.email).has_password  # bad input changed nothing

    done = colleague.post(mail.path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/sign-in"
    signed_in = colleague.post("/sign-in", data={"email": sam.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/dashboard"

    # the link is spent
    again = app.test_client().get(mail.path)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)

    created = _audit(app, "user.created")[-1]
    assert created.actor_user_id == admin["id"] and created.subject_id == sam.id
    assert created.details["role"] == "officer" and created.details["via"] == "web"
    set_entry = _audit(app, "user.password_set")[-1]
    assert set_entry.actor_user_id == sam.id and set_entry.subject_id == sam.id


def test_adding_a_colleague_with_bad_input_says_what_to_fix_and_adds_no_one(
    app, admin_client, make_user, outbox
):
    make_user("officer", email="taken@council.example")
    with app.app_context():
        before = db.session.scalar(select(db.func.count(User.id)))
    empty = admin_client.post("/admin/users/new", data={})
    body = empty.get_data(as_text=True)
    assert empty.status_code == 400 and "There is a problem" in body
    for field, message in (
        ("name", "Enter their name"),
        ("email", "Enter their email address"),
        ("role", "Choose what they will do"),
    ):
        assert f'href="#{field}"' in body and message in body
    assert 'id="role"' in body  # the summary's link lands on the first radio

    taken = _add(admin_client, email="TAKEN@council.example")
    assert taken.status_code == 400
    assert "already a staff account with that email" in taken.get_data(as_text=True)
    unknown_role = _add(admin_client, role="superuser")
    assert unknown_role.status_code == 400
    assert "Choose what they will do" in unknown_role.get_data(as_text=True)
    bad_email = _add(admin_client, email="not-an-email")
    assert bad_email.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(db.func.count(User.id))) == before
    assert outbox.messages == []


def test_only_admins_can_add_staff(app, client, make_user, sign_in):
    make_user("officer", email="olu@council.example")
    sign_in(client, email="olu@council.example")
    response = _add(client)
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "sam@council.example")) is None


def test_admin_changes_a_role_and_the_change_is_audited(app, admin, admin_client, make_user):
    olu_id = make_user("officer", email="olu@council.example")
    page = admin_client.get(f"/admin/users/{olu_id}").get_data(as_text=True)
    assert 'value="officer" checked' in page
    response = admin_client.post(f"/admin/users/{olu_id}/role", data={"role": "facilitator"})
    assert response.status_code == 302
    assert "is now facilitator" in admin_client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert _user(app, "olu@council.example").role == "facilitator"
    entry = _audit(app, "user.role_changed")[-1]
    assert entry.actor_user_id == admin["id"] and entry.subject_id == olu_id
    assert entry.details == {"previous": "officer", "role": "facilitator"}

    bogus = admin_client.post(f"/admin/users/{olu_id}/role", data={"role": "root"})
    assert bogus.status_code == 422 and 'href="#role"' in bogus.get_data(as_text=True)
    assert _user(app, "olu@council.example").role == "facilitator"


def test_an_admin_cannot_demote_or_deactivate_themselves(app, admin, admin_client, make_user):
    make_user("admin", email="bea@council.example")  # so Ada is not the last admin
    demote = admin_client.post(f"/admin/users/{admin['id']}/role", data={"role": "officer"})
    assert demote.status_code == 409
    assert "cannot change your own role" in demote.get_data(as_text=True)
    deactivate = admin_client.post(f"/admin/users/{admin['id']}/deactivate")
    assert deactivate.status_code == 409
    assert "cannot deactivate your own account" in deactivate.get_data(as_text=True)
    ada = _user(app, admin["email"])
    assert ada.role == "admin" and ada.active
    page = admin_client.get(f"/admin/users/{admin['id']}").get_data(as_text=True)
    assert "Deactivate account" not in page and "Change role" not in page
    assert _audit(app, "user.deactivated") == [] and _audit(app, "user.role_changed") == []


def test_the_last_active_admin_keeps_their_role(app, admin, admin_client, make_user):
    demote = admin_client.post(f"/admin/users/{admin['id']}/role", data={"role": "officer"})
    assert demote.status_code == 409
    assert "only active administrator" in demote.get_data(as_text=True)
    assert _user(app, admin["email"]).role == "admin"
    # a second admin can be demoted while Ada remains
    bea_id = make_user("admin", email="bea@council.example")
    demoted = admin_client.post(f"/admin/users/{bea_id}/role", data={"role": "officer"})
    assert demoted.status_code == 302
    assert _user(app, "bea@council.example").role == "officer"


def test_an_admin_removed_meanwhile_cannot_remove_the_other_admin(app, make_user):
    """Two admins removing each other at once: the second finds, under the row lock, that
    it is no longer an admin, so one active admin remains."""
    ada_id = make_user("admin", email="ada@council.example")
    bea_id = make_user("admin", email="bea@council.example")
    with app.app_context():
        ada, bea = db.session.get(User, ada_id), db.session.get(User, bea_id)
        # Bea deactivated Ada a moment ago; Ada's request still holds her old row
        db.session.execute(
            update(User).where(User.id == ada_id).values(active=False),
            execution_options={"synchronize_session": False},
        )
        assert ada.active  # the stale copy Ada's request acts with
        with pytest.raises(NotPermitted):
            services.deactivate(bea, actor=ada)
        with pytest.raises(NotPermitted):
            services.change_role(bea, "officer", actor=ada)
        db.session.rollback()


def test_deactivating_signs_the_person_out_everywhere_and_reactivating_lets_them_back(
    app, admin, admin_client, make_user, make_consultation, sign_in
):
    olu_id = make_user("officer", email="olu@council.example", name="Olu Officer")
    olu_laptop, olu_phone = app.test_client(), app.test_client()
    sign_in(olu_laptop, email="olu@council.example")
    sign_in(olu_phone, email="olu@council.example")
    with app.app_context():
        db.session.add(ApiToken(user_id=olu_id, name="bi", token_hash=ApiToken.hash("secret")))
        db.session.commit()
    make_consultation(slug="buses")
    api = "/api/v1/consultations/buses/responses"
    bearer = {"Authorization": "Bearer secret"}
    assert olu_laptop.get("/dashboard").status_code == 200
    assert app.test_client().get(api, headers=bearer).status_code == 200

    confirm = admin_client.get(f"/admin/users/{olu_id}/deactivate")
    assert confirm.status_code == 200
    assert "Deactivate Olu Officer's account?" in confirm.get_data(as_text=True)
    assert _user(app, "olu@council.example").active  # asking changes nothing
    response = admin_client.post(f"/admin/users/{olu_id}/deactivate")
    assert response.status_code == 302

    for device in (olu_laptop, olu_phone):
        gone = device.get("/dashboard")
        assert gone.status_code == 302 and "/sign-in" in gone.headers["Location"]
    refused = app.test_client().post(
        "/sign-in", data={"email": "olu@council.example", "password": DEFAULT_PASSWORD}
    )
    assert refused.status_code == 401
    assert app.test_client().get(api, headers=bearer).status_code == 401
    with app.app_context():
        assert db.session.scalar(select(ApiToken.revoked_at)) is not None
    entry = _audit(app, "user.deactivated")[-1]
    assert entry.actor_user_id == admin["id"] and entry.details["api_tokens_revoked"] == 1
    again = admin_client.post(f"/admin/users/{olu_id}/deactivate")
    assert again.status_code == 409

    back = admin_client.post(f"/admin/users/{olu_id}/reactivate")
    assert back.status_code == 302
    assert _audit(app, "user.reactivated")[-1].actor_user_id == admin["id"]
    assert olu_laptop.get("/dashboard").status_code == 302  # old sessions stay ended
    assert app.test_client().get(api, headers=bearer).status_code == 401  # tokens too
    fresh = app.test_client()
    sign_in(fresh, email="olu@council.example")
    assert fresh.get("/dashboard").status_code == 200


def test_a_deactivated_account_gets_no_reset_link_and_its_links_stop_working(
    app, admin_client, outbox
):
    _add(admin_client)
    sam = _user(app, "sam@council.example")
    link = outbox.last_to(sam.email)
    assert admin_client.post(f"/admin/users/{sam.id}/deactivate").status_code == 302
    assert app.test_client().get(link.path).status_code == 400
    app.test_client().post("/forgot-password", data={"email": sam.email})
    assert len(outbox.to(sam.email)) == 1
    refused = admin_client.post(f"/admin/users/{sam.id}/send-link")
    assert refused.status_code == 409 and "Reactivate the account" in refused.get_data(as_text=True)
    # reactivated: the old link still does not work (deactivation ended it for good)
    admin_client.post(f"/admin/users/{sam.id}/reactivate")
    assert app.test_client().get(link.path).status_code == 400


def test_resending_a_set_password_link_makes_the_earlier_one_stop_working(
    app, admin, admin_client, outbox
):
    _add(admin_client)
    sam = _user(app, "sam@council.example")
    first = outbox.last_to(sam.email)
    response = admin_client.post(f"/admin/users/{sam.id}/send-link")
    assert response.status_code == 302
    assert "Earlier links no longer work" in admin_client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    second = outbox.last_to(sam.email)
    assert second.link != first.link
    assert app.test_client().get(first.path).status_code == 400
    colleague = app.test_client()
    assert colleague.get(second.path).status_code == 200
    done = colleague.post(second.path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    entry = _audit(app, "user.password_link_sent")[-1]
    assert entry.actor_user_id == admin["id"] and entry.details["first_password"] is True


def test_an_admin_can_send_a_reset_link_to_someone_who_has_a_password(
    app, admin_client, make_user, outbox
):
    olu_id = make_user("officer", email="olu@council.example")
    assert admin_client.post(f"/admin/users/{olu_id}/send-link").status_code == 302
    mail = outbox.last_to("olu@council.example")
    assert "choose a new password" in mail.body
    # their password keeps working until they use the link
    assert (
        app.test_client()
        .post("/sign-in", data={"email": "olu@council.example", "password": DEFAULT_PASSWORD})
        .status_code
        == 302
    )
    colleague = app.test_client()
    assert "Choose a new password" in colleague.get(mail.path).get_data(as_text=True)
    colleague.post(mail.path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    old = app.test_client().post(
        "/sign-in", data={"email": "olu@council.example", "password": DEFAULT_PASSWORD}
    )
    assert old.status_code == 401
    assert _audit(app, "user.password_reset")[-1].subject_id == olu_id


def test_admin_unlocks_a_locked_out_account(app, admin, admin_client, make_user):
    app.config["SIGN_IN_LOCKOUT_ATTEMPTS"] = 5
    olu_id = make_user("officer", email="olu@council.example")
    olu = app.test_client()
    for _ in range(5):
        olu.post("/sign-in", data={"email": "olu@council.example", "password": "wrong"})
    locked = olu.post(
        "/sign-in", data={"email": "olu@council.example", "password": DEFAULT_PASSWORD}
    )
    assert locked.status_code == 401 and _user(app, "olu@council.example").is_locked
    page = admin_client.get(f"/admin/users/{olu_id}").get_data(as_text=True)
    assert "Locked" in page and "Unlock account" in page

    assert admin_client.post(f"/admin/users/{olu_id}/unlock").status_code == 302
    assert _user(app, "olu@council.example").locked_until is None
    entry = _audit(app, "user.unlocked")[-1]
    assert entry.actor_user_id == admin["id"] and entry.details["was_locked"] is True
    unlocked = olu.post(
        "/sign-in", data={"email": "olu@council.example", "password": DEFAULT_PASSWORD}
    )
    assert unlocked.status_code == 302
    assert admin_client.post(f"/admin/users/{olu_id}/unlock").status_code == 409


def test_staff_list_links_each_person_and_shows_their_status(app, admin_client, make_user):
    make_user("facilitator", email="fay@council.example", name="Fay Facilitator")
    gone_id = make_user("officer", email="gone@council.example", name="Gone Officer", active=False)
    locked_id = make_user("officer", email="locked@council.example", name="Lou Locked")
    with app.app_context():
        db.session.get(User, locked_id).locked_until = utcnow() + timedelta(minutes=10)
        db.session.commit()
    body = admin_client.get("/admin/users").get_data(as_text=True)
    assert "Add a staff member" in body
    assert f'href="/admin/users/{gone_id}"' in body
    assert "Deactivated" in body and "Locked" in body and "Facilitator" in body
    assert "Ada Admin</a> (you)" in body


def test_audit_log_names_the_staff_member_changed_and_the_details(app, admin_client, make_user):
    olu_id = make_user("officer", email="olu@council.example")
    admin_client.post(f"/admin/users/{olu_id}/role", data={"role": "facilitator"})
    body = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "user.role_changed" in body
    assert f'<a class="govuk-link" href="/admin/users/{olu_id}">olu@council.example</a>' in body
    assert "previous: officer" in body


def test_services_refuse_anyone_but_an_admin(app, make_user):
    olu_id = make_user("officer", email="olu@council.example")
    fay_id = make_user("facilitator", email="fay@council.example", active=False)
    with app.app_context():
        olu, fay = db.session.get(User, olu_id), db.session.get(User, fay_id)
        for verb in (services.deactivate, services.unlock, services.reactivate):
            with pytest.raises(NotPermitted):
                verb(fay, actor=olu)
        with pytest.raises(NotPermitted):
            services.change_role(fay, "admin", actor=olu)
        with pytest.raises(NotPermitted):
            services.add_staff(email="x@council.example", name="X", role="admin", actor=olu)
        db.session.rollback()
        assert db.session.get(User, fay_id).role == "facilitator"
