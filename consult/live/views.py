"""Live session pages: the juror's view, the facilitator's console and agenda editor,
the public gallery, and a JSON join for socket clients. Pages render the current state
on the server (they work and reload correctly without JavaScript); `static/js/live-*.js`
keeps them live over Socket.IO."""

from __future__ import annotations

import uuid
from typing import Any

import click
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from consult.auth import services as auth_services
from consult.auth.access import juror_required, public, staff_required
from consult.errors import ConsultError
from consult.extensions import csrf, db, limiter
from consult.live import payloads, services
from consult.live.forms import ControlForm, MessageForm, RoundForm, SessionForm
from consult.models import Jury, JurySession, Round

bp = Blueprint("live", __name__, url_prefix="/live", cli_group="live")
STAFF = ("facilitator", "officer")


def _session(session_id: int) -> JurySession:
    return db.get_or_404(JurySession, session_id)


def _round(jury_session: JurySession, round_id: int) -> Round:
    round_ = db.get_or_404(Round, round_id)
    if round_.session_id != jury_session.id:
        abort(404)
    return round_


def _page_context(jury_session: JurySession, viewer: Any) -> dict[str, Any]:
    state = payloads.state(jury_session, viewer)
    current = jury_session.current_round
    return {
        "jury_session": jury_session,
        "state": state,
        "labels": services.ROUND_LABELS,
        "timer_seconds": services.remaining_seconds(current) if current is not None else 0,
    }


# --------------------------------------------------------------------------- jurors


@bp.route("/")
@juror_required
def juror_home() -> Any:
    member = current_user
    sessions = db.session.scalars(
        select(JurySession)
        .where(JurySession.jury_id == member.jury_id)
        .order_by(JurySession.starts_at, JurySession.id)
    ).all()
    return render_template(
        "live/juror_home.html", member=member, jury=member.jury, sessions=sessions
    )


@bp.route("/sessions/<int:session_id>")
@juror_required
def juror_view(session_id: int) -> Any:
    jury_session = _session(session_id)
    if not services.is_member_of(current_user, jury_session):
        abort(403)
    form = MessageForm()
    return render_template(
        "live/juror.html", form=form, **_page_context(jury_session, current_user)
    )


@bp.route("/sessions/<int:session_id>/messages", methods=["POST"])
@juror_required
def post_message(session_id: int) -> Any:
    """The chat form without JavaScript: same service, same rules, then back to the page."""
    jury_session = _session(session_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.add_contribution(
                jury_session,
                kind="message",
                text=form.text.data,
                client_id=form.client_id.data or f"form-{uuid.uuid4()}",
                actor=current_user,
                scope=form.scope.data,
            )
            db.session.commit()
            services.flush_outbox()
        except ConsultError as error:
            db.session.rollback()
            services.discard_outbox()
            flash(error.message, "error")
    else:
        for errors in form.errors.values():
            flash(errors[0], "error")
    return redirect(url_for("live.juror_view", session_id=session_id) + "#chat")


@bp.route("/sessions/<int:session_id>/hand", methods=["POST"])
@juror_required
def post_hand(session_id: int) -> Any:
    """Raise a hand in the room without JavaScript."""
    jury_session = _session(session_id)
    try:
        services.raise_hand(
            jury_session, actor=current_user, client_id=f"form-{uuid.uuid4()}", scope="room"
        )
        db.session.commit()
        services.flush_outbox()
        flash("Your hand is raised.", "success")
    except ConsultError as error:
        db.session.rollback()
        services.discard_outbox()
        flash(error.message, "error")
    return redirect(url_for("live.juror_view", session_id=session_id))


@bp.route("/api/join", methods=["POST"])
@csrf.exempt
@limiter.limit("2000 per minute")
@public
def api_join() -> Any:
    """Sign a juror in with their join code from a script (the load bench, kiosk apps):
    JSON {"code"}; answers {"ok", "member_id", "jury_id"} and sets the session cookie.
    The code itself is the credential, so no CSRF token is needed."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("code"), str):
        return jsonify(ok=False, error={"code": "invalid", "message": 'Send {"code": …}'}), 400
    try:
        member = auth_services.redeem_join_code(data["code"])
    except ConsultError as error:
        db.session.rollback()
        return jsonify(ok=False, error=error.as_dict()), error.status
    db.session.commit()
    logout_user()
    login_user(member)
    return jsonify(ok=True, member_id=member.id, jury_id=member.jury_id)


# --------------------------------------------------------------------------- gallery


@bp.route("/sessions/<int:session_id>/gallery")
@public
def gallery(session_id: int) -> Any:
    jury_session = _session(session_id)
    if not jury_session.gallery_open:
        abort(404)
    return render_template("live/gallery.html", **_page_context(jury_session, None))


# --------------------------------------------------------------------------- staff


@bp.route("/sessions")
@staff_required(*STAFF)
def sessions() -> Any:
    juries = db.session.scalars(select(Jury).order_by(Jury.created_at.desc())).all()
    return render_template("live/sessions.html", juries=juries)


@bp.route("/juries/<int:jury_id>/sessions/new", methods=["GET", "POST"])
@staff_required(*STAFF)
def new_session(jury_id: int) -> Any:
    jury = db.get_or_404(Jury, jury_id)
    form = SessionForm()
    if form.validate_on_submit():
        jury_session = services.create_session(
            jury, actor=current_user, title=form.title.data, template=form.template.data
        )
        db.session.commit()
        flash("Session created. Check the agenda.", "success")
        return redirect(url_for("live.agenda", session_id=jury_session.id))
    status = 400 if form.errors else 200
    return render_template("live/session_new.html", form=form, jury=jury), status


def _save_round(jury_session: Any, form: RoundForm, round_: Any, message: str) -> Any:
    """Add (`round_` None) or change a round from the agenda form, then back to the agenda."""
    services.save_round(
        jury_session,
        actor=current_user,
        round_=round_,
        kind=form.kind.data,
        title=form.title.data,
        planned_minutes=form.planned_minutes.data,
        instructions=form.instructions.data or "",
        materials=form.materials.data or "",
        public=form.public.data,
    )
    db.session.commit()
    services.flush_outbox()
    flash(message, "success")
    return redirect(url_for("live.agenda", session_id=jury_session.id))


@bp.route("/sessions/<int:session_id>/agenda", methods=["GET", "POST"])
@staff_required(*STAFF)
def agenda(session_id: int) -> Any:
    jury_session = _session(session_id)
    form = RoundForm()
    if form.validate_on_submit():
        return _save_round(jury_session, form, None, "Round added.")
    status = 400 if form.errors else 200
    return render_template(
        "live/agenda.html", form=form, jury_session=jury_session, labels=services.ROUND_LABELS
    ), status


@bp.route("/sessions/<int:session_id>/rounds/<int:round_id>", methods=["GET", "POST"])
@staff_required(*STAFF)
def edit_round(session_id: int, round_id: int) -> Any:
    jury_session = _session(session_id)
    round_ = _round(jury_session, round_id)
    form = RoundForm(obj=round_)
    if form.validate_on_submit():
        return _save_round(jury_session, form, round_, "Round saved.")
    status = 400 if form.errors else 200
    return render_template(
        "live/round_edit.html", form=form, jury_session=jury_session, round_=round_
    ), status


@bp.route("/sessions/<int:session_id>/rounds/<int:round_id>/move", methods=["POST"])
@staff_required(*STAFF)
def move_round(session_id: int, round_id: int) -> Any:
    jury_session = _session(session_id)
    round_ = _round(jury_session, round_id)
    if request.form.get("remove"):
        services.remove_round(jury_session, round_, actor=current_user)
    else:
        offset = -1 if request.form.get("direction") == "up" else 1
        services.move_round(jury_session, round_, actor=current_user, offset=offset)
    db.session.commit()
    services.flush_outbox()
    return redirect(url_for("live.agenda", session_id=session_id))


@bp.route("/sessions/<int:session_id>/console")
@staff_required(*STAFF)
def console(session_id: int) -> Any:
    jury_session = _session(session_id)
    return render_template(
        "live/console.html", control_form=ControlForm(), **_page_context(jury_session, current_user)
    )


@bp.route("/sessions/<int:session_id>/control", methods=["POST"])
@staff_required(*STAFF)
def control(session_id: int) -> Any:
    """The console's buttons without JavaScript (start, pause, resume, extend, advance,
    back, end; open or close the gallery)."""
    jury_session = _session(session_id)
    form = ControlForm()
    action = form.action.data or ""
    try:
        if action in ("gallery_open", "gallery_close"):
            services.set_gallery(jury_session, actor=current_user, open_=action == "gallery_open")
        else:
            services.control(
                jury_session, action, actor=current_user, minutes=form.minutes.data or 5
            )
        db.session.commit()
        services.flush_outbox()
    except ConsultError as error:
        db.session.rollback()
        services.discard_outbox()
        flash(error.message, "error")
    return redirect(url_for("live.console", session_id=session_id))


# --------------------------------------------------------------------------- CLI


@bp.cli.command("bench-setup")
@click.option("--participants", type=int, required=True, help="How many jurors to create.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="File for the codes.")
@click.option("--table-size", type=int, default=8, show_default=True)
def bench_setup(participants: int, out: str, table_size: int) -> None:
    """Create a jury, a live session with a running table-discussion round and N jurors
    with join codes (one per line in --out, after a first line `session_id=<id>`),
    for bench/live_load.py."""
    from consult.live.bench import create_bench_session

    session_id, codes = create_bench_session(participants, table_size=table_size)
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(f"session_id={session_id}\n")
        handle.writelines(f"{code}\n" for code in codes)
    click.echo(f"session {session_id}: {len(codes)} jurors, codes in {out}")
