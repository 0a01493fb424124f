"""The published draw's pages: the officer's sequence (freeze the inputs, publish the
lottery, enter the random value, start over) and the published files anyone may download.
The rules are in plans.py; the confirmation of the drawn panel is the usual draw page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from consult.auth.access import public, staff_required
from consult.errors import ConsultError, NotFound
from consult.extensions import db
from consult.forms_common import refusal, saved
from consult.juries import draw_jobs, forms, plans, queries, services
from consult.juries.blueprint import bp
from consult.juries.running import start_computation
from consult.models import Jury, User

OFFICER = ("officer",)
FILES = {
    "inputs.json": ("inputs_file", "application/json"),
    "lottery.csv": ("lottery_file", "text/csv"),
    "panel.csv": ("panel_file", "text/csv"),
}


def _plan_page(
    jury: Jury,
    *,
    publish_form: Any = None,
    value_form: Any = None,
    start_over_form: Any = None,
    problem: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    draw_jobs.active_run(jury)  # a lottery whose process died is marked failed on the way
    plan = services.current_plan(jury)
    runs = plans.lottery_runs(jury)
    people = {
        user.id: user.name
        for user in db.session.scalars(
            select(User).where(
                User.id.in_(
                    [
                        i
                        for p in plans.plans(jury)
                        for i in (p.published_by_id, p.value_entered_by_id, p.abandoned_by_id)
                        if i
                    ]
                )
            )
        )
    }
    return render_template(
        "juries/plan.html",
        jury=jury,
        plan=plan,
        plans=plans.plans(jury),
        stages=plans.stage_names(plans.plans(jury), runs),
        lottery_run=runs.get(plan.id) if plan else None,
        people=people,
        confirmed=services.confirmed_draw(jury),
        counts=services.pool_counts(jury),
        publish_form=publish_form or forms.PublishPlanForm(formdata=None),
        value_form=value_form or forms.RandomValueForm(formdata=None),
        start_over_form=start_over_form or forms.StartOverForm(formdata=None),
        command=plans.verify_command(jury, plan) if plan and plan.panel_file else None,
        problem=problem,
    ), status


@bp.route("/<slug>/plan")
@staff_required(*OFFICER)
def plan(slug: str) -> ResponseReturnValue:
    """The published draw: where the sequence stands and its next step."""
    return _plan_page(queries.jury(slug))


def _form_step(
    slug: str, form_name: str, form: Any, step: Callable[[Jury], str]
) -> ResponseReturnValue:
    """One form of the sequence: a form with errors shows the page again with them (400);
    `step` (a service call, returning what to tell the officer) refused shows its reason,
    with nothing kept; done, it is committed and the officer is back on the page."""
    jury = queries.jury(slug)
    if not form.validate_on_submit():
        return _plan_page(jury, status=400, **{form_name: form})
    try:
        message = step(jury)
    except ConsultError as error:
        db.session.rollback()
        return _plan_page(queries.jury(slug), problem=error.message, status=error.status)
    return saved(message, "juries.plan", slug=slug)


@bp.route("/<slug>/plan/publish", methods=["POST"])
@staff_required(*OFFICER)
def publish_plan(slug: str) -> ResponseReturnValue:
    def step(jury: Jury) -> str:
        published = plans.publish_plan(jury, actor=current_user)
        return gettext(
            "Draw plan %(number)s is published and its inputs are frozen. "
            "Next, publish the lottery.",
            number=published.number,
        )

    return _form_step(slug, "publish_form", forms.PublishPlanForm(), step)


@bp.route("/<slug>/plan/<int:number>/lottery", methods=["POST"])
@staff_required(*OFFICER)
def publish_lottery(slug: str, number: int) -> ResponseReturnValue:
    """Queue the lottery's computation in the background and go to its progress page (or to
    the computation already under way: one at a time per jury)."""
    jury = queries.jury(slug)
    return start_computation(
        slug,
        lambda: draw_jobs.start_lottery(plans.plan_by_number(jury, number), actor=current_user),
        gettext("The lottery is already being computed for this jury: here is its progress."),
        back="juries.plan",
        refused=lambda error: _plan_page(
            queries.jury(slug), problem=error.message, status=error.status
        ),
    )


@bp.route("/<slug>/plan/<int:number>/value", methods=["POST"])
@staff_required(*OFFICER)
def enter_random_value(slug: str, number: int) -> ResponseReturnValue:
    jury = queries.jury(slug)
    form = forms.RandomValueForm()
    if not form.validate_on_submit():
        return _plan_page(jury, value_form=form, status=400)
    with refusal(form) as refused:
        draw = plans.enter_random_value(
            plans.plan_by_number(jury, number),
            value=form.value.data or "",
            source=form.source.data or "",
            actor=current_user,
        )
    if refused.error is not None:
        return _plan_page(
            queries.jury(slug),
            value_form=form,
            problem=refused.problem,
            status=refused.error.status,
        )
    db.session.commit()
    flash(gettext("The panel is drawn. Check it, then confirm it."), "success")
    return redirect(url_for("juries.draw_result", slug=jury.slug, draw_id=draw.id))


@bp.route("/<slug>/plan/<int:number>/start-over", methods=["POST"])
@staff_required(*OFFICER)
def start_over(slug: str, number: int) -> ResponseReturnValue:
    form = forms.StartOverForm()

    def step(jury: Jury) -> str:
        plan = plans.plan_by_number(jury, number)
        plans.start_over(plan, reason=form.reason.data or "", actor=current_user)
        return gettext(
            "Draw plan %(number)s is abandoned (the public page still lists it). The inputs "
            "can change again; publish a new draw plan when they are ready.",
            number=number,
        )

    return _form_step(slug, "start_over_form", form, step)


@bp.route("/<slug>/plans/<int:number>/<any('inputs.json', 'lottery.csv', 'panel.csv'):name>")
@public
def plan_file(slug: str, number: int, name: str) -> ResponseReturnValue:
    """A published file of a draw plan, byte for byte as its checksum was taken."""
    jury = queries.jury(slug)
    plan = plans.plan_by_number(jury, number)
    column, mimetype = FILES[name]
    text = getattr(plan, column)
    if text is None:
        raise NotFound(gettext("This file is not published yet."))
    filename = f"{jury.slug}-plan-{plan.number}-{name}"
    return Response(
        text.encode("utf-8"),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
