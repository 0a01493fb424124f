"""The jury pages anyone may see: the public jury page and its registration form, the
inputs of a confirmed draw (so anyone can re-run it), and the juror's answer to their
invitation. The officer's pages are in views.py, on the same blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user

from consult import signals
from consult.auth.access import juror_required, public
from consult.errors import ConsultError, NotFound
from consult.extensions import db, limiter
from consult.juries import draw_jobs, forms, plans, queries, services
from consult.juries.blueprint import bp, csv_download, field_errors
from consult.models import SelectionDraw


@bp.route("/<slug>")
@public
def show(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    draw = services.confirmed_draw(jury)
    published = plans.plans(jury)
    draw_jobs.active_run(jury)  # a lottery whose process died is not "being computed"
    runs = plans.lottery_runs(jury)
    return render_template(
        "juries/public.html",
        jury=jury,
        draw=draw,
        plans=published,
        stages=plans.stage_names(published, runs),
        runs=runs,
        commands={p.number: plans.verify_command(jury, p) for p in published if p.panel_file},
    )


@bp.route("/<slug>/register", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@public
def register(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    if not jury.registration_open or jury.status != "recruiting":
        return render_template("juries/registration_closed.html", jury=jury)
    form = forms.registration_form(jury)
    problem = None
    status = 200
    if form.validate_on_submit():
        features = {
            field.name.removeprefix("feature-"): field.data for field in forms.feature_fields(form)
        }
        try:
            services.register_interest(
                jury,
                **forms.contact_details(form),
                features=features,
                availability=form.availability.data or [],
                consent=bool(form.consent.data),
            )
        except ConsultError as error:
            db.session.rollback()
            field_errors(form, error)
            problem = error.message if not error.fields else None
            status = error.status
        else:
            db.session.commit()
            return redirect(url_for("juries.registered", slug=jury.slug))
    if form.errors and status == 200:
        status = 400
    return render_template(
        "juries/register.html",
        jury=jury,
        form=form,
        feature_fields=forms.feature_fields(form),
        problem=problem,
    ), status


@bp.route("/<slug>/registered")
@public
def registered(slug: str) -> ResponseReturnValue:
    return render_template("juries/registered.html", jury=queries.jury(slug))


@bp.route("/<slug>/draws/<int:draw_id>/<any(categories, respondents):kind>.csv")
@public
def draw_inputs(slug: str, draw_id: int, kind: str) -> ResponseReturnValue:
    """The exact inputs of a confirmed draw (anonymised), so anyone can re-run it."""
    jury = queries.jury(slug)
    draw = db.session.get(SelectionDraw, draw_id)
    if draw is None or draw.jury_id != jury.id or not draw.confirmed:
        raise NotFound("There is no confirmed draw at that address.")
    text = (draw.result.get("inputs") or {}).get(kind)
    if text is None:
        raise NotFound("This draw's inputs were not kept.")
    return csv_download(text, f"{jury.slug}-draw-{draw.id}-{kind}.csv")


@bp.route("/invitation", methods=["GET", "POST"])
@juror_required
def invitation() -> ResponseReturnValue:
    member = current_user._get_current_object()  # still the member after signing out
    form = forms.InvitationAnswerForm()
    if form.validate_on_submit():
        accept = form.answer.data == "confirm"
        services.respond_to_invitation(member, accept=accept)
        db.session.commit()
        if not accept:
            signals.juror_declined.send(member)  # out of the live room now
            logout_user()
            return render_template("juries/declined.html", jury=member.jury)
        flash("Thank you: you have confirmed your place.", "success")
        return redirect(url_for("juries.invitation"))
    status = 400 if form.errors else 200
    return render_template(
        "juries/invitation.html", member=member, jury=member.jury, form=form
    ), status
