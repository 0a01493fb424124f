"""Admin pages: staff accounts (add, change role, deactivate and reactivate, send a
set-password link, unlock) and the audit log. Admins only; the rules are in services."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user
from sqlalchemy import select

from consult import signals
from consult.admin import bp, services
from consult.admin.forms import ROLE_HINTS, ROLE_LABELS, RoleForm, StaffForm
from consult.auth import passwords
from consult.auth.access import staff_required
from consult.errors import ConsultError
from consult.extensions import db
from consult.forms_common import save_form
from consult.models import AuditEntry, User


@bp.app_template_filter("role_label")
def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role.capitalize()))


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _person(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/users")
@staff_required("admin")
def users() -> Any:
    people = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", users=people)


@bp.route("/users/new", methods=["GET", "POST"])
@staff_required("admin")
def new_user() -> Any:
    form = StaffForm()
    if form.validate_on_submit() and (
        user := save_form(
            form,
            services.add_staff,
            email=form.email.data or "",
            name=form.name.data or "",
            role=form.role.data or "",
            actor=_actor(),
        )
    ):
        passwords.send_link(user, "set", invited=True)
        flash(
            gettext(
                "%(name)s has been added as %(role)s. We have emailed %(email)s a link to set "
                "their password; it works for %(lifetime)s.",
                name=user.name,
                role=role_label(user.role).lower(),
                email=user.email,
                lifetime=passwords.describe_lifetime("set"),
            ),
            "success",
        )
        return redirect(url_for("admin.staff_member", user_id=user.id))
    status = 400 if form.errors else 200
    return render_template("admin/new_user.html", form=form, hints=ROLE_HINTS), status


def _show(person: User, *, role_form: RoleForm | None = None, problem: str | None = None) -> Any:
    """The person page, with an error summary when `problem` (or the role form) says so."""
    if role_form is None:
        role_form = RoleForm(formdata=None, role=person.role)
    history = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject_type == "User", AuditEntry.subject_id == person.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(20)
    ).all()
    return render_template(
        "admin/user.html",
        person=person,
        role_form=role_form,
        hints=ROLE_HINTS,
        problem=problem,
        history=history,
        link_lifetime=passwords.describe_lifetime("set"),
    )


@bp.route("/users/<int:user_id>")
@staff_required("admin")
def staff_member(user_id: int) -> Any:
    return _show(_person(user_id))


def _act(
    user_id: int,
    verb: Callable[..., Any],
    message: Any,
    *,
    after: Callable[[User], Any] | None = None,
    refused: Callable[[User, ConsultError], Any] | None = None,
) -> Any:
    """Run one account action, `verb(person, actor=...)`, and commit; on refusal roll back
    and show the person page with the reason (or what `refused(person, refusal)` gives).
    Once committed, `after(person)` runs and `message` is said: a function of the person
    giving the text, or a text with %(name)s."""
    person = _person(user_id)
    try:
        verb(person, actor=_actor())
    except ConsultError as refusal:
        db.session.rollback()
        if refused is not None:
            return refused(person, refusal)
        return _show(person, problem=refusal.message), refusal.status
    db.session.commit()
    if after is not None:
        after(person)
    said = message(person) if callable(message) else str(message) % {"name": person.name}
    flash(said, "success")
    return redirect(url_for("admin.staff_member", user_id=person.id))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@staff_required("admin")
def change_role(user_id: int) -> Any:
    form = RoleForm()
    if not form.validate_on_submit():
        return _show(_person(user_id), role_form=form), 400

    def refused(person: User, refusal: ConsultError) -> Any:
        if person.id == current_user.id and "role" not in refusal.fields:
            return _show(person, problem=refusal.message), refusal.status  # no role form
        form.role.errors = [refusal.fields.get("role", refusal.message)]
        return _show(person, role_form=form), refusal.status

    return _act(
        user_id,
        partial(services.change_role, role=form.role.data or ""),
        lambda person: gettext(
            "%(name)s is now %(role)s.", name=person.name, role=role_label(person.role).lower()
        ),
        refused=refused,
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@staff_required("admin")
def deactivate(user_id: int) -> Any:
    """GET asks to confirm (it works without JavaScript); POST switches the account off."""
    if request.method == "GET":
        return render_template("admin/deactivate.html", person=_person(user_id))
    return _act(
        user_id,
        services.deactivate,
        lazy_gettext(
            "%(name)s's account has been deactivated. They have been signed out and cannot sign in."
        ),
        after=signals.staff_access_revoked.send,
    )


#: The account actions that are one button with no page of their own: the endpoint (and
#: the last part of its address), the service, and what is said when it is done.
ONE_BUTTON_ACTIONS = (
    (
        "reactivate",
        services.reactivate,
        lazy_gettext("%(name)s's account is active again: they can sign in."),
    ),
    (
        "unlock",
        services.unlock,
        lazy_gettext("%(name)s's account is unlocked: they can sign in now."),
    ),
)


def _one_button(verb: Callable[..., Any], message: Any) -> Callable[[int], Any]:
    @staff_required("admin")
    def view(user_id: int) -> Any:
        return _act(user_id, verb, message)

    return view


for _endpoint, _verb, _message in ONE_BUTTON_ACTIONS:
    bp.add_url_rule(
        f"/users/<int:user_id>/{_endpoint}",
        _endpoint,
        _one_button(_verb, _message),
        methods=["POST"],
    )


def _link_sent(person: User) -> str:
    sent = gettext(
        "We have emailed %(email)s a link to set a password; it works for %(lifetime)s.",
        email=person.email,
        lifetime=passwords.describe_lifetime("set"),
    )
    if not person.has_password:
        sent += " " + gettext("Earlier links no longer work.")
    return sent


@bp.route("/users/<int:user_id>/send-link", methods=["POST"])
@staff_required("admin")
def send_link(user_id: int) -> Any:
    return _act(
        user_id,
        services.prepare_set_password_link,
        _link_sent,
        after=lambda person: passwords.send_link(person, "set", invited=False),
    )


@bp.route("/audit")
@staff_required("admin")
def audit() -> Any:
    page = db.paginate(
        select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()),
        per_page=50,
    )
    user_ids = {e.subject_id for e in page.items if e.subject_type == "User" and e.subject_id}
    subjects = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
        if user_ids
        else {}
    )
    return render_template("admin/audit.html", page=page, subject_users=subjects)
