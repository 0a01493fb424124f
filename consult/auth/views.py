"""Sign in, sign out, and join a jury with a code."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from consult.auth import services
from consult.auth.access import public
from consult.auth.forms import JoinForm, SignInForm
from consult.errors import ConsultError
from consult.extensions import db, limiter, login_manager
from consult.models import PanelMember, User

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(identity: str) -> Any:
    kind, _, rest = identity.partition(":")
    if kind == "user" and rest.isdigit():
        user = db.session.get(User, int(rest))
        return user if user is not None and user.active else None
    if kind == "member":
        member_id, _, version = rest.partition(":")
        member = db.session.get(PanelMember, int(member_id)) if member_id.isdigit() else None
        if member is None or str(member.session_version) != version:
            return None
        return member if member.status not in ("declined", "dropped") else None
    return None


login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"


def _safe_next(default: str) -> str:
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _limit_key() -> str:
    return f"{request.remote_addr}:{request.form.get('email', '').strip().lower()}"


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=_limit_key)
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
            db.session.commit()
            logout_user()
            login_user(user)
            return redirect(_safe_next(url_for("home.dashboard")))
    status = 401 if error else (400 if form.errors else 200)
    return render_template("auth/sign_in.html", form=form, error=error), status


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out() -> Any:
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("home.index"))


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
            db.session.commit()
            logout_user()
            login_user(member)
            return redirect(_safe_next(url_for("live.juror_home")))
    status = 400 if form.errors else 200
    return render_template("auth/join.html", form=form), status
