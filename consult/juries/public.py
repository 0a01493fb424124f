"""The jury pages anyone may see: the public jury page and its registration form, the
inputs of a confirmed draw (so anyone can re-run it), and the juror's answer to their
invitation. The officer's pages are in views.py, on the same blueprint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, logout_user

from consult import signals
from consult.auth.access import juror_required, public
from consult.dates import local_strftime
from consult.errors import NotFound
from consult.extensions import db, limiter
from consult.forms_common import refusal
from consult.i18n import current_language, localised
from consult.juries import draw_jobs, forms, labels, plans, queries, services
from consult.juries.blueprint import bp, csv_download
from consult.models import SelectionDraw


@bp.app_template_filter("utc_time")
def utc_time(value: datetime | None) -> str:
    """A stored UTC time as the draw pages publish it ("5 December 2026, 14:30", with the
    month's name in the page's language); the page says "UTC" beside it."""
    return local_strftime(value, "%-d %B %Y, %H:%M", current_language()) if value else ""


@bp.app_template_filter("utc_date")
def utc_date(value: datetime | None) -> str:
    """A stored date as "5 December 2026", the month's name in the page's language."""
    return local_strftime(value, "%-d %B %Y", current_language()) if value else ""


# a category's or an answer's label in the page's language (lang="en-GB" when it falls back)
bp.add_app_template_global(labels.label_in_language, "jury_label")


def _page(template: str, jury: Any, status: int = 200, **context: Any) -> ResponseReturnValue:
    """A public jury page, with the jury's texts in the page's language (English fallback)."""
    return render_template(template, jury=localised(jury), **context), status


def select_command(jury: Any, draw: SelectionDraw | None) -> str:
    """The command that re-runs a confirmed seeded draw from its published inputs (a
    command, so the same in every language)."""
    if draw is None:
        return ""
    prefix = f"{jury.slug}-draw-{draw.id}"
    return (
        f"flask --app wsgi jury select --categories {prefix}-categories.csv "
        f"--respondents {prefix}-respondents.csv --panel-size {draw.panel_size} "
        f'--algorithm {draw.algorithm} --seed "{draw.seed}" '
        f"--household-column {draw.result.get('household_column') or ''}"
    )


@bp.route("/<slug>")
@public
def show(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    draw = services.confirmed_draw(jury)
    published = plans.plans(jury)
    draw_jobs.active_run(jury)  # a lottery whose process died is not "being computed"
    runs = plans.lottery_runs(jury)
    return _page(
        "juries/public.html",
        jury,
        draw=draw,
        select_command=select_command(jury, draw),
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
        return _page("juries/registration_closed.html", jury)
    form = forms.registration_form(jury)
    problem = None
    status = 200
    if form.validate_on_submit():
        features = {
            field.name.removeprefix("feature-"): field.data for field in forms.feature_fields(form)
        }
        with refusal(form) as refused:
            services.register_interest(
                jury,
                **forms.contact_details(form),
                features=features,
                availability=form.availability.data or [],
                consent=bool(form.consent.data),
                language=current_language(),
            )
        if refused.error is None:
            db.session.commit()
            return redirect(url_for("juries.registered", slug=jury.slug))
        problem, status = refused.problem, refused.error.status
    if form.errors and status == 200:
        status = 400
    return _page(
        "juries/register.html",
        jury,
        status,
        form=form,
        feature_fields=forms.feature_fields(form),
        labels_fall_back=labels.labels_fall_back(jury),
        problem=problem,
    )


@bp.route("/<slug>/registered")
@public
def registered(slug: str) -> ResponseReturnValue:
    return _page("juries/registered.html", queries.jury(slug))


@bp.route("/<slug>/draws/<int:draw_id>/<any(categories, respondents):kind>.csv")
@public
def draw_inputs(slug: str, draw_id: int, kind: str) -> ResponseReturnValue:
    """The exact inputs of a confirmed draw (anonymised), so anyone can re-run it."""
    jury = queries.jury(slug)
    draw = db.session.get(SelectionDraw, draw_id)
    if draw is None or draw.jury_id != jury.id or not draw.confirmed:
        raise NotFound(gettext("There is no confirmed draw at that address."))
    text = (draw.result.get("inputs") or {}).get(kind)
    if text is None:
        raise NotFound(gettext("This draw's inputs were not kept."))
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
            return _page("juries/declined.html", member.jury)
        flash(gettext("Thank you: you have confirmed your place."), "success")
        return redirect(url_for("juries.invitation"))
    return _page(
        "juries/invitation.html", member.jury, 400 if form.errors else 200, member=member, form=form
    )
