"""Sign in, sign out, join a jury with a code; staff set, reset and change passwords."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from consult.auth import bp, passwords, services, sessions
from consult.auth.access import public, staff_required
from consult.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    JoinForm,
    NewPasswordForm,
    SignInForm,
    UnlockForm,
)
from consult.errors import ConsultError
from consult.extensions import db, limiter, login_manager
from consult.forms_common import saved
from consult.models import PanelMember, User
from consult.wording import N_


@login_manager.user_loader
def load_user(identity: str) -> Any:
    kind, _, rest = identity.partition(":")
    if kind == "user":
        user_id, _, version = rest.partition(":")
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        if user is None or not user.active or str(user.session_version or "") != version:
            return None  # deactivated, or signed out everywhere since this session began
        return user if sessions.is_open(user) else None
    if kind == "member":
        member_id, _, version = rest.partition(":")
        member = db.session.get(PanelMember, int(member_id)) if member_id.isdigit() else None
        if member is None or str(member.session_version) != version:
            return None
        if member.status in ("declined", "dropped") or not sessions.is_open(member):
            return None
        return member
    return None


login_manager.login_view = "auth.sign_in"
login_manager.login_message = N_("Sign in to see that page.")
login_manager.localize_callback = gettext  # the message above, in the page's language
login_manager.login_message_category = "info"


def _safe_next(default: str) -> str:
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _limit_key() -> str:
    return f"{request.remote_addr}:{request.form.get('email', '').strip().lower()}"


def _throttle() -> str:
    return str(current_app.config["SIGN_IN_THROTTLE"])


def _throttled_message() -> str:
    return str(
        gettext(
            "Too many failed attempts to sign in with this email address from here. "
            "Wait a while (%(limit)s) and try again, or reset your password.",
            limit=_throttle(),
        )
    )


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(  # failures only, per address and account: the same for every address
    _throttle,
    methods=["POST"],
    key_func=_limit_key,
    deduct_when=lambda response: response.status_code == 401,
    error_message=_throttled_message,
)
@limiter.limit("30 per minute", methods=["POST"])
@public
def sign_in() -> Any:
    if current_user.is_authenticated and getattr(current_user, "is_staff", False):
        return redirect(url_for("home.dashboard"))
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data or "", form.password.data or "")
        except ConsultError as refusal:
            db.session.commit()  # keep the failure count
            error = refusal.message
            form.password.errors = [refusal.message]
        else:
            sessions.begin(user)
            db.session.commit()
            return redirect(_safe_next(url_for("home.dashboard")))
    status = 401 if error else (400 if form.errors else 200)
    return render_template("auth/sign_in.html", form=form, error=error), status


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out() -> Any:
    sessions.end()
    return saved(gettext("You have signed out."), "home.index")


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
@public
def join() -> Any:
    form = JoinForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
    if form.validate_on_submit():
        try:
            member = services.redeem_join_code(form.code.data or "")
        except ConsultError as refusal:
            db.session.rollback()
            form.code.errors = [refusal.fields.get("code", refusal.message)]
        else:
            sessions.begin(member)
            db.session.commit()
            return redirect(_safe_next(url_for("live.juror_home")))
    status = 400 if form.errors else 200
    return render_template("auth/join.html", form=form), status


# --- passwords -----------------------------------------------------------------------------


def _reset_email_key() -> str:
    return "reset:" + request.form.get("email", "").strip().lower()


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(
    "5 per 15 minutes",
    methods=["POST"],
    key_func=_reset_email_key,
    error_message=lambda: str(
        gettext("Too many reset links have been asked for. Wait 15 minutes and try again.")
    ),
)
@limiter.limit(
    "20 per hour",
    methods=["POST"],
    error_message=lambda: str(
        gettext("Too many reset links have been asked for. Wait an hour and try again.")
    ),
)
@public
def forgot_password() -> Any:
    """The same answer whether or not the address has an account (no enumeration)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_reset(form.email.data or "")
        session["reset_email"] = (form.email.data or "").strip()
        return redirect(url_for("auth.reset_sent"))
    status = 400 if form.errors else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/forgot-password/check-your-email")
@public
def reset_sent() -> Any:
    return render_template(
        "auth/reset_sent.html",
        email=session.get("reset_email"),
        lifetime=passwords.describe_lifetime("reset"),
    )


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
@public
def set_password(token: str) -> Any:
    """Create a first password (or a new one) from a link an admin emailed."""
    return _password_from_link(token, "set")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
@public
def reset_password(token: str) -> Any:
    """Choose a new password from a link asked for on the forgotten-password page."""
    return _password_from_link(token, "reset")


def _password_from_link(token: str, purpose: passwords.Purpose) -> Any:
    try:
        user = passwords.user_for_token(token, purpose)
    except passwords.LinkRefused as refusal:
        db.session.rollback()
        return render_template(
            "auth/link_problem.html", refusal=refusal, purpose=purpose
        ), refusal.status
    form = NewPasswordForm()
    if form.validate_on_submit():
        passwords.set_password_from_link(user, form.password.data or "", purpose=purpose)
        sessions.end()
        session.pop("reset_email", None)
        return saved(
            gettext(
                "Your password has been set. Sign in with your email address and new password."
            ),
            "auth.sign_in",
        )
    status = 400 if form.errors else 200
    return render_template(
        "auth/set_password.html",
        form=form,
        user=user,
        purpose=purpose,
        min_length=passwords.MIN_LENGTH,
    ), status


@bp.route("/unlock/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
@public
def unlock(token: str) -> Any:
    """Lift a lockout from the link emailed to the account's owner. A GET only shows the
    button (mail scanners open links), the POST unlocks."""
    try:
        user = passwords.user_for_token(token, "unlock")
    except passwords.LinkRefused as refusal:
        db.session.rollback()
        return render_template(
            "auth/link_problem.html", refusal=refusal, purpose="unlock"
        ), refusal.status
    form = UnlockForm()
    if form.validate_on_submit():
        passwords.unlock_from_link(user)
        return saved(
            gettext("Your account is unlocked. Sign in with your email address and password."),
            "auth.sign_in",
        )
    return render_template("auth/unlock.html", form=form, user=user)


def _account_key() -> str:
    return f"account:{getattr(current_user, 'id', request.remote_addr)}"


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_account_key)
@staff_required()
def change_password() -> Any:
    """A signed-in member of staff changes their own password; their other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            passwords.change_password(
                user, current=form.current_password.data or "", new=form.new_password.data or ""
            )
        except ConsultError as refusal:
            db.session.rollback()
            for name, message in refusal.fields.items():
                getattr(form, name).errors = [message]
        else:
            sessions.begin(user)  # this browser carries on under the new session version
            db.session.commit()
            passwords.send_changed_notice(user)
            flash(
                gettext(
                    "Your password has been changed. You have been signed out everywhere else."
                ),
                "success",
            )
            return redirect(url_for("home.dashboard"))
    status = 400 if form.errors else 200
    return render_template(
        "auth/change_password.html", form=form, min_length=passwords.MIN_LENGTH
    ), status
