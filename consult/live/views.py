"""Live session pages: the juror's view, the facilitator's console and agenda editor,
the public gallery, and a JSON join for socket clients. Pages render the current state
on the server (they work and reload correctly without JavaScript); `static/js/live-*.js`
keeps them live over Socket.IO."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy import func, select

from consult.auth import services as auth_services
from consult.auth import sessions as auth_sessions
from consult.auth.access import juror_required, public, staff_required
from consult.errors import ConsultError
from consult.extensions import csrf, db, limiter
from consult.i18n import localised
from consult.live import (
    checks,
    decisions,
    floor,
    ideas,
    outbox,
    payloads,
    pb_vote,
    poll_kinds,
    polls,
    rounds,
    snapshots,
)
from consult.live.blueprint import bp
from consult.live.forms import ControlForm, MessageForm, RoundForm, SessionForm
from consult.live.outbox import committed, unit_of_work
from consult.models import Jury, JurySession, PBRound, Poll, Recommendation, Round
from consult.pb import ballots as ballot_kinds
from consult.wording import N_

STAFF = ("facilitator", "officer")
View = Callable[..., Any]

# A juror's forms are limited per person, like the socket's buckets (events.RATE_LIMITS),
# not per address: a room of phones on the venue's wifi shares one address.
SAY_RATE = "120 per minute"
VOTE_RATE = "240 per minute"
HAND_RATE = "60 per minute"


def govuk_time(moment: datetime, time_zone: str) -> str:
    """A time as GOV.UK writes it, in the council's time zone: 9am, 1:16pm, midday,
    midnight (static/js/live-common.js `timeOf` writes the same)."""
    local = moment.astimezone(ZoneInfo(time_zone))
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    minutes = "" if local.minute == 0 else f":{local.minute:02d}"
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


@bp.app_template_filter("chat_time")
def chat_time(value: str | None) -> str:
    """A message's time (an ISO string from the state) for the live pages."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return govuk_time(moment, current_app.config.get("COUNCIL_TIME_ZONE", "Europe/London"))


def _session(session_id: int) -> JurySession:
    return db.get_or_404(JurySession, session_id)


def _round(jury_session: JurySession, round_id: int) -> Round:
    round_ = db.get_or_404(Round, round_id)
    if round_.session_id != jury_session.id:
        abort(404)
    return round_


def _page_context(jury_session: JurySession, viewer: Any) -> dict[str, Any]:
    state = snapshots.state(jury_session, viewer)
    current = jury_session.current_round
    return {
        "jury_session": jury_session,
        "state": state,
        "labels": rounds.ROUND_LABELS,
        "session_statuses": rounds.SESSION_STATUS_LABELS,
        "poll_kinds": poll_kinds.KINDS,
        "timer_seconds": rounds.remaining_seconds(current) if current is not None else 0,
        "pb_vote": pb_vote.state(jury_session, viewer),
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
        "live/juror_home.html", member=member, jury=localised(member.jury), sessions=sessions
    )


def _person() -> str:
    """The rate-limit key for a juror's forms: the signed-in person, else the address."""
    if current_user.is_authenticated:
        return f"{current_user.kind}:{current_user.id}"
    return get_remote_address()


@dataclass(frozen=True)
class Problem:
    """A juror's form that the rules refused. The page is drawn again with `message` beside
    the field `field_id` (and in the error summary), and the form shows `values`, what the
    juror entered, so nothing they typed is lost."""

    form_id: str
    field_id: str
    message: str
    values: Mapping[str, str]


def _juror_session(session_id: int) -> JurySession:
    """The session, for a juror of its jury only: anyone else gets 403 (the page would
    otherwise show them the session)."""
    jury_session = _session(session_id)
    if not checks.is_member_of(current_user, jury_session):
        abort(403)
    return jury_session


def _new_client_id() -> str:
    return f"form-{uuid.uuid4()}"


def _client_id() -> str:
    """The client id the form was drawn with: a second submit of the same page (a double
    click, a resent POST) finds the first row instead of adding another."""
    return request.form.get("client_id") or _new_client_id()


def _juror_page(
    jury_session: JurySession, *, problem: Problem | None = None, status: int = 200, **extra: Any
) -> Any:
    return render_template(
        "live/juror.html",
        form=MessageForm(),
        problem=problem,
        base_url=url_for("live.juror_view", session_id=jury_session.id),
        new_client_id=_new_client_id,
        ballot_fields=poll_kinds.fields_from_ballot,
        **_page_context(jury_session, current_user),
        **extra,
    ), status


def _back(jury_session: JurySession, anchor: str, message: str | None = None) -> Any:
    if message:
        flash(message, "success")
    return redirect(url_for("live.juror_view", session_id=jury_session.id) + f"#{anchor}")


def _refused(
    jury_session: JurySession, error: ConsultError, form_id: str, field_ids: Mapping[str, str]
) -> Any:
    """The juror page again (with the error's status), the refusal beside the field it
    names, or beside the form's first field when it names none of them."""
    named = [field_ids[name] for name in error.fields if name in field_ids]
    field_id = named[0] if named else next(iter(field_ids.values()))
    problem = Problem(form_id, field_id, error.message, request.form.to_dict())
    return _juror_page(jury_session, problem=problem, status=error.status)


def _form_action(
    jury_session: JurySession,
    work: Callable[[], Any],
    *,
    form_id: str,
    field_ids: Mapping[str, str],
    anchor: str,
    done: str,
) -> Any:
    """A juror's form without JavaScript: the service call, then back to the page at
    `anchor` saying `done`; a refusal draws the page again with what was entered."""
    try:
        committed(work)
    except ConsultError as error:
        return _refused(jury_session, error, form_id, field_ids)
    return _back(jury_session, anchor, done)


def _button_action(
    jury_session: JurySession, work: Callable[[], Any], *, anchor: str, done: str
) -> Any:
    """A juror's button without JavaScript (nothing typed to keep): a refusal is flashed."""
    try:
        committed(work)
    except ConsultError as error:
        flash(error.message, "error")
        return _back(jury_session, anchor)
    return _back(jury_session, anchor, done)


def _contribute(jury_session: JurySession, kind: str, scope: str | None = None) -> Any:
    return floor.add_contribution(
        jury_session,
        kind=kind,
        text=request.form.get("text"),
        client_id=_client_id(),
        actor=current_user,
        scope=scope,
    )


def _juror_post(path: str, rate: str) -> Callable[[View], View]:
    """Register a juror's form without JavaScript: POST to `/sessions/<session_id>/<path>`,
    for jurors only, at most `rate` per person. The endpoint is the view's name (which is
    also what the rate limiter keeps the limit under, so each view needs its own)."""

    def register(view: View) -> View:
        limited = juror_required(limiter.limit(rate, key_func=_person)(view))
        bp.add_url_rule(
            f"/sessions/<int:session_id>/{path}", view.__name__, limited, methods=["POST"]
        )
        return limited

    return register


def _named(endpoint: str, view: Callable[..., Any]) -> Callable[..., Any]:
    """`view` (a form's bound method) as a view function named `endpoint`: its endpoint,
    and the key its rate limit is kept under."""

    def named(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    named.__name__ = named.__qualname__ = endpoint
    return named


@dataclass(frozen=True)
class RecommendationForm:
    """A juror's form on one recommendation (POST to `recommendations/<id>/<path>`):
    `service(session, recommendation_id, actor=..., client_id=...)` given each of `fields`
    (the form's field -> its input's id after `rec-<id>-`) as typed. The form is
    `rec-<id>-<form>-form`, and the page comes back at the recommendation saying `done`
    (a msgid, translated when said)."""

    path: str
    rate: str
    service: Callable[..., Any]
    form: str
    fields: Mapping[str, str]
    done: str

    def view(self, session_id: int, recommendation_id: int) -> Any:
        jury_session = _juror_session(session_id)
        prefix = f"rec-{recommendation_id}"
        typed = {name: request.form.get(name) for name in self.fields}
        return _form_action(
            jury_session,
            lambda: self.service(
                jury_session, recommendation_id, actor=current_user, client_id=_client_id(), **typed
            ),
            form_id=f"{prefix}-{self.form}-form",
            field_ids={name: f"{prefix}-{suffix}" for name, suffix in self.fields.items()},
            anchor=prefix,
            done=gettext(self.done),
        )


#: The forms on a recommendation, by endpoint.
RECOMMENDATION_FORMS = {
    # new wording for a draft recommendation
    "post_amendment": RecommendationForm(
        "amendments",
        SAY_RATE,
        decisions.propose_amendment,
        "amend",
        {"text": "amend", "rationale": "why"},
        N_("Amendment proposed."),
    ),
    # the final vote, changeable while it is open
    "post_vote": RecommendationForm(
        "vote",
        VOTE_RATE,
        decisions.cast_vote,
        "vote",
        {"choice": "vote-support"},
        N_("Your vote is recorded."),
    ),
    # attach (and sign) a minority report
    "post_minority_report": RecommendationForm(
        "minority-reports",
        SAY_RATE,
        decisions.write_minority_report,
        "minority",
        {"text": "minority"},
        N_("Your minority report is attached."),
    ),
}
for _endpoint, _form in RECOMMENDATION_FORMS.items():
    _juror_post(f"recommendations/<int:recommendation_id>/{_form.path}", _form.rate)(
        _named(_endpoint, _form.view)
    )


@dataclass(frozen=True)
class ContributionForm:
    """A juror's text form that adds one contribution of `kind` (POST to `path`, at the
    rate for saying things): the form `form_id` with its text in `field_id`; the page comes
    back at `anchor` saying `done` (a msgid, translated when said)."""

    path: str
    kind: str
    form_id: str
    field_id: str
    anchor: str
    done: str

    def view(self, session_id: int) -> Any:
        jury_session = _juror_session(session_id)
        return _form_action(
            jury_session,
            lambda: _contribute(jury_session, self.kind),
            form_id=self.form_id,
            field_ids={"text": self.field_id},
            anchor=self.anchor,
            done=gettext(self.done),
        )


#: The text forms that add a contribution, by endpoint (ideas are added by `post_idea`,
#: which regroups the board afterwards).
CONTRIBUTION_FORMS = {
    # a scribe's note for their table
    "post_note": ContributionForm(
        "notes", "note", "scribe-form", "scribe-note", "table-heading", N_("Your note is saved.")
    ),
    # a private reflection (only staff see it)
    "post_reflection": ContributionForm(
        "reflections",
        "reflection",
        "reflection-form",
        "reflection-text",
        "reflection-heading",
        N_("Your reflection is sent to the facilitators."),
    ),
}
for _endpoint, _contribution_form in CONTRIBUTION_FORMS.items():
    _juror_post(_contribution_form.path, SAY_RATE)(_named(_endpoint, _contribution_form.view))


@bp.route("/sessions/<int:session_id>")
@juror_required
def juror_view(session_id: int) -> Any:
    """The juror's page: the session as it is now, every action on it a plain form."""
    return _juror_page(_juror_session(session_id))


@_juror_post("messages", SAY_RATE)
def post_message(session_id: int) -> Any:
    """The chat form without JavaScript: same service, same rules, then back to the page."""
    jury_session = _session(session_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                floor.add_contribution(
                    jury_session,
                    kind="message",
                    text=form.text.data,
                    client_id=form.client_id.data or f"form-{uuid.uuid4()}",
                    actor=current_user,
                    scope=form.scope.data,
                )
        except ConsultError as error:
            flash(error.message, "error")
    else:
        for errors in form.errors.values():
            flash(errors[0], "error")
    return redirect(url_for("live.juror_view", session_id=session_id) + "#chat")


@_juror_post("hand", HAND_RATE)
def post_hand(session_id: int) -> Any:
    """Raise a hand without JavaScript: in the table's queue during a table discussion
    (the form says so, as the script does), else the room's."""
    jury_session = _juror_session(session_id)
    scope = "table" if request.form.get("scope") == "table" else "room"
    return _button_action(
        jury_session,
        lambda: floor.raise_hand(
            jury_session, actor=current_user, client_id=_client_id(), scope=scope
        ),
        anchor="hand-heading",
        done=gettext("Your hand is raised."),
    )


@_juror_post("hand/lower", HAND_RATE)
def post_lower_hand(session_id: int) -> Any:
    """Lower one's raised hand without JavaScript (the form carries the hand's id)."""
    jury_session = _juror_session(session_id)
    hand_id = request.form.get("hand_id", "")
    if not hand_id.isdigit():
        flash(gettext("Your hand is not raised."), "error")
        return _back(jury_session, "hand-heading")
    return _button_action(
        jury_session,
        lambda: floor.lower_hand(jury_session, hand_id, actor=current_user),
        anchor="hand-heading",
        done=gettext("Your hand is lowered."),
    )


@_juror_post("ideas", SAY_RATE)
def post_idea(session_id: int) -> Any:
    """Add an idea without JavaScript; the idea board is regrouped afterwards."""
    jury_session = _juror_session(session_id)
    try:
        _, replayed = committed(lambda: _contribute(jury_session, "idea"))
    except ConsultError as error:
        return _refused(jury_session, error, "idea-form", {"text": "idea-text"})
    if not replayed:  # the idea is saved; regrouping the board may fail without losing it
        with ideas.regrouping(session_id), outbox.best_effort("idea board refresh"):
            ideas.refresh_idea_board(jury_session)
    return _back(jury_session, "ideas-heading", gettext("Idea added."))


@_juror_post("polls/<int:poll_id>/ballot", VOTE_RATE)
def post_ballot(session_id: int, poll_id: int) -> Any:
    """Vote in a poll without JavaScript: the form's fields become the ballot the script
    would send (consult/live/poll_kinds.py), cast by the same service; changeable until the
    poll closes."""
    jury_session = _juror_session(session_id)
    poll = db.get_or_404(Poll, poll_id)
    if poll.session_id != jury_session.id:
        abort(404)
    shape = payloads.poll(poll)
    return _form_action(
        jury_session,
        lambda: polls.cast_ballot(
            jury_session,
            poll.id,
            poll_kinds.ballot_from_form(shape, request.form),
            actor=current_user,
            client_id=_client_id(),
        ),
        form_id=f"poll-{poll.id}-form",
        field_ids=poll_kinds.field_ids(shape),
        anchor=f"poll-{poll.id}",
        done=gettext("Your vote is recorded. You can change it until the poll closes."),
    )


PB_DONE = "Your vote counted. You can change it until voting closes or this round ends."


@_juror_post("pb-vote/<int:round_id>", VOTE_RATE)
def post_pb_ballot(session_id: int, round_id: int) -> Any:
    """Cast or change the juror's ballot in the round's PB round: back to the page with the
    confirmation that it counted, or the page again with the refusal beside its field and
    the choices as they were ticked."""
    jury_session = _juror_session(session_id)
    round_ = db.session.get(Round, round_id)
    pb_round = None
    if round_ is not None and round_.pb_round_id is not None:
        pb_round = db.session.get(PBRound, round_.pb_round_id)
    if round_ is None or round_.session_id != jury_session.id or pb_round is None:
        return _pb_refused(jury_session, "This round has no participatory budgeting vote.", 404)
    kind = ballot_kinds.kind_of(pb_round)
    choices, points = kind.read_form(request.form, pb_round)
    try:  # a double submit races on one ballot per member: `committed` runs it again
        committed(
            lambda: pb_vote.cast(
                jury_session, round_.id, actor=current_user, choices=choices, points=points
            )
        )
    except ConsultError as error:
        fields = error.fields if error.status == 422 else {}
        return _pb_refused(
            jury_session,
            error.message,
            error.status,
            fields=fields,
            values=kind.form_values(choices, points),
        )
    return _back(jury_session, "pb-vote", PB_DONE)


def _pb_refused(
    jury_session: Any,
    message: str,
    status: int,
    *,
    fields: dict[str, str] | None = None,
    values: Any = None,
) -> Any:
    field_id = next(iter(fields or {}), "pb-vote-heading")
    problem = Problem("pb-vote-form", field_id, message, request.form.to_dict())
    extra: dict[str, Any] = {"pb_errors": fields or {}}
    if values is not None:
        extra["pb_values"] = values
    return _juror_page(jury_session, problem=problem, status=status, **extra)


@_juror_post("minority-reports/<int:report_id>/signatures", VOTE_RATE)
def post_signature(session_id: int, report_id: int) -> Any:
    """Sign someone's minority report without JavaScript (signing twice changes nothing)."""
    jury_session = _juror_session(session_id)
    return _button_action(
        jury_session,
        lambda: decisions.sign_minority_report(jury_session, report_id, actor=current_user),
        anchor=f"report-{report_id}",
        done=gettext("You have signed the report."),
    )


def _join_rate() -> str:
    """Join-code guesses allowed per client address (LIVE_JOIN_RATE_LIMIT): as on /join."""
    return str(current_app.config.get("LIVE_JOIN_RATE_LIMIT") or "20 per minute")


@bp.route("/api/join", methods=["POST"])
@csrf.exempt
@limiter.limit(_join_rate)
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
    auth_sessions.begin(member)
    db.session.commit()
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
    return render_template(
        "live/sessions.html", juries=juries, session_statuses=rounds.SESSION_STATUS_LABELS
    )


@bp.route("/juries/<int:jury_id>/sessions/new", methods=["GET", "POST"])
@staff_required(*STAFF)
def new_session(jury_id: int) -> Any:
    jury = db.get_or_404(Jury, jury_id)
    form = SessionForm()
    if form.validate_on_submit():
        with unit_of_work():
            jury_session = rounds.create_session(
                jury, actor=current_user, title=form.title.data, template=form.template.data
            )
        flash(gettext("Session created. Check the agenda."), "success")
        return redirect(url_for("live.agenda", session_id=jury_session.id))
    status = 400 if form.errors else 200
    return render_template("live/session_new.html", form=form, jury=jury), status


def _save_round(jury_session: Any, form: RoundForm, round_: Any, message: str) -> Any:
    """Add (`round_` None) or change a round from the agenda form, then back to the agenda."""
    with unit_of_work():
        rounds.save_round(
            jury_session,
            actor=current_user,
            round_=round_,
            kind=form.kind.data,
            title=form.title.data,
            planned_minutes=form.planned_minutes.data,
            instructions=form.instructions.data or "",
            title_cy=form.title_cy.data or "",
            instructions_cy=form.instructions_cy.data or "",
            script=form.script.data or "",
            materials=form.materials.data or "",
            public=form.public.data,
            auto_advance=form.auto_advance.data,
            pb_round_id=form.pb_round_id.data or None,
        )
    flash(message, "success")
    return redirect(url_for("live.agenda", session_id=jury_session.id))


@bp.route("/sessions/<int:session_id>/agenda", methods=["GET", "POST"])
@staff_required(*STAFF)
def agenda(session_id: int) -> Any:
    jury_session = _session(session_id)
    form = RoundForm()
    form.pb_round_id.choices = pb_vote.link_choices()
    if form.validate_on_submit():
        return _save_round(jury_session, form, None, gettext("Round added."))
    status = 400 if form.errors else 200
    return render_template(
        "live/agenda.html",
        form=form,
        jury_session=jury_session,
        labels=rounds.ROUND_LABELS,
        round_statuses=rounds.ROUND_STATUS_LABELS,
    ), status


@bp.route("/sessions/<int:session_id>/rounds/<int:round_id>", methods=["GET", "POST"])
@staff_required(*STAFF)
def edit_round(session_id: int, round_id: int) -> Any:
    jury_session = _session(session_id)
    round_ = _round(jury_session, round_id)
    form = RoundForm(obj=round_)
    form.pb_round_id.choices = pb_vote.link_choices(round_.pb_round_id)
    if form.validate_on_submit():
        return _save_round(jury_session, form, round_, gettext("Round saved."))
    status = 400 if form.errors else 200
    return render_template(
        "live/round_edit.html", form=form, jury_session=jury_session, round_=round_
    ), status


@bp.route("/sessions/<int:session_id>/rounds/<int:round_id>/move", methods=["POST"])
@staff_required(*STAFF)
def move_round(session_id: int, round_id: int) -> Any:
    jury_session = _session(session_id)
    round_ = _round(jury_session, round_id)
    with unit_of_work():
        if request.form.get("remove"):
            rounds.remove_round(jury_session, round_, actor=current_user)
        else:
            offset = -1 if request.form.get("direction") == "up" else 1
            rounds.move_round(jury_session, round_, actor=current_user, offset=offset)
    return redirect(url_for("live.agenda", session_id=session_id))


# The console's panels, the current round's kind first (static/js/live-console.js keeps
# the same order as rounds change).
CONSOLE_PANELS = ("queue", "room", "polls", "ideas", "recommendations")
PANEL_FIRST = {
    "open_discussion": "queue",
    "table_discussion": "room",
    "ideas": "ideas",
    "poll": "polls",
    "drafting": "recommendations",
    "final_vote": "recommendations",
}


def panel_order(round_kind: str | None) -> list[str]:
    first = PANEL_FIRST.get(round_kind or "")
    return ([first] if first else []) + [p for p in CONSOLE_PANELS if p != first]


@bp.route("/sessions/<int:session_id>/console")
@staff_required(*STAFF)
def console(session_id: int) -> Any:
    jury_session = _session(session_id)
    current = jury_session.current_round
    return render_template(
        "live/console.html",
        control_form=ControlForm(),
        panel_order=panel_order(current.kind if current is not None else None),
        **_page_context(jury_session, current_user),
    )


@bp.route("/sessions/<int:session_id>/end")
@staff_required(*STAFF)
def end_session(session_id: int) -> Any:
    """Ending a session cannot be undone: the console's "End the session" asks here first."""
    jury_session = _session(session_id)
    if jury_session.status == "ended":
        flash(gettext("The session has already ended."), "error")
        return redirect(url_for("live.console", session_id=session_id))
    still_open = {
        "polls": db.session.scalar(
            select(func.count(Poll.id)).where(
                Poll.session_id == jury_session.id, Poll.status == "open"
            )
        ),
        "votes": db.session.scalar(
            select(func.count(Recommendation.id)).where(
                Recommendation.session_id == jury_session.id, Recommendation.status == "voting"
            )
        ),
    }
    return render_template(
        "live/end_session.html", jury_session=jury_session, still_open=still_open
    )


@bp.route("/sessions/<int:session_id>/control", methods=["POST"])
@staff_required(*STAFF)
def control(session_id: int) -> Any:
    """The console's buttons without JavaScript (start, pause, resume, extend, advance,
    back, end; open or close the gallery)."""
    jury_session = _session(session_id)
    form = ControlForm()
    action = form.action.data or ""
    if action == "end" and request.form.get("confirm") != "yes":
        # ending cannot be undone: only the confirmation page's button ends it
        return redirect(url_for("live.end_session", session_id=session_id))
    try:
        with unit_of_work():
            if action in ("gallery_open", "gallery_close"):
                rounds.set_gallery(jury_session, actor=current_user, open_=action == "gallery_open")
            else:
                rounds.control(
                    jury_session,
                    action,
                    actor=current_user,
                    minutes=form.minutes.data or 5,
                    round_id=request.form.get("round_id"),
                )
    except ConsultError as error:
        flash(error.message, "error")
    else:
        if action == "end":
            flash(gettext("The session has ended. Jurors now see that it is over."), "success")
    return redirect(url_for("live.console", session_id=session_id))
