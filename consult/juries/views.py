"""The officer's jury pages: the list, a new jury, its overview, the seeded draw, the panel
and its invitations, replacements and tables. The pool and the quotas are in
pool_views.py, the published draw's sequence in plan_views.py, the public pages and the
juror's answer in public.py, all on the same blueprint; the `flask jury ...` commands in
cli.py."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user

from consult import signals
from consult.auth.access import staff_required
from consult.errors import ConsultError
from consult.extensions import db
from consult.forms_common import refusal, saved
from consult.juries import draw_jobs, forms, invitations, labels, queries, services
from consult.juries.blueprint import bp
from consult.juries.running import start_computation
from consult.live import outbox
from consult.live import seating as live_seating
from consult.models import DrawPlan, Jury, PanelMember, User

OFFICER = ("officer",)


# --- index and a new jury -----------------------------------------------------------------


@bp.route("/")
@staff_required("officer", "facilitator")
def index() -> ResponseReturnValue:
    juries = queries.juries_newest_first()
    counts = queries.pool_counts_by_jury(juries)
    return render_template("juries/index.html", juries=juries, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@staff_required(*OFFICER)
def new() -> ResponseReturnValue:
    form = forms.JuryForm()
    if request.method == "GET":
        form.registration_open.data = True
    if form.validate_on_submit():
        with refusal(form) as refused:
            jury = services.create_jury(
                title=form.title.data or "",
                question=form.question.data or "",
                description=form.description.data or "",
                panel_size=form.panel_size.data or 0,
                slug=form.slug.data or None,
                actor=current_user,
            )
        if not refused:
            return saved(
                gettext(
                    "%(title)s is set up. Next, add its categories and quotas.", title=jury.title
                ),
                "juries.quotas",
                slug=jury.slug,
            )
    status = 400 if form.errors else 200
    return render_template("juries/new.html", form=form), status


# --- the officer's overview and settings -----------------------------------------------------


@bp.route("/<slug>/manage", methods=["GET", "POST"])
@staff_required(*OFFICER)
def manage(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    form = forms.JuryForm(obj=jury)
    if form.validate_on_submit():
        with refusal(form) as refused:
            services.update_jury(
                jury,
                actor=current_user,
                title=form.title.data or "",
                question=form.question.data or "",
                description=form.description.data or "",
                panel_size=form.panel_size.data or 0,
                registration_open=bool(form.registration_open.data),
                welsh={name: getattr(form, name).data for name in services.WELSH_FIELDS},
            )
        if not refused:
            return saved(gettext("Saved."), "juries.manage", slug=jury.slug)
        jury = queries.jury(slug)
    status = 400 if form.errors else 200
    return render_template(
        "juries/manage.html",
        jury=jury,
        form=form,
        counts=services.pool_counts(jury),
        draw=services.confirmed_draw(jury),
        report=services.check_quotas(jury) if jury.status == "recruiting" else None,
        members=jury.members,
        missing_labels=labels.missing_welsh_labels(jury),
    ), status


# --- seed and draw ---------------------------------------------------------------------------


@bp.route("/<slug>/seed", methods=["POST"])
@staff_required(*OFFICER)
def publish_seed(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    form = forms.SeedForm()
    if form.validate_on_submit():
        try:
            services.publish_seed(jury, form.seed.data or "", actor=current_user)
        except ConsultError as error:
            db.session.rollback()
            form.seed.errors = [error.fields.get("seed", error.message)]
        else:
            return saved(
                gettext("The seed is published on the jury's public page."),
                "juries.draw",
                slug=jury.slug,
            )
    return _draw_page(queries.jury(slug), seed_form=form, status=400)


def _draw_page(
    jury: Jury,
    *,
    seed_form: Any = None,
    draw_form: Any = None,
    problem: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    draws = services.draws(jury)
    active = services.active_draw_run(jury)
    stalled = active is not None and draw_jobs.abandoned(active)  # its server restarted
    latest = draw_jobs.latest_run(jury)
    failed = (
        latest
        if latest is not None
        and latest.status == "failed"
        and (not draws or latest.created_at >= draws[0].created_at)
        else None
    )
    return render_template(
        "juries/draw.html",
        jury=jury,
        seed_form=seed_form or forms.SeedForm(formdata=None, seed=jury.lottery_seed or ""),
        draw_form=draw_form or forms.DrawForm(formdata=None),
        draws=draws,
        numbers=queries.draw_numbers(jury),
        confirmed=services.confirmed_draw(jury),
        counts=services.pool_counts(jury),
        plan=services.current_plan(jury),
        problem=problem,
        active=active if active is not None and not stalled else None,
        stalled=active if stalled else None,
        failed=failed,
    ), status


@bp.route("/<slug>/draw", methods=["GET", "POST"])
@staff_required(*OFFICER)
def draw(slug: str) -> ResponseReturnValue:
    """The seed and draw page; its form queues a draw computed in the background and goes
    to that draw's progress page (or to the one already being computed)."""
    jury = queries.jury(slug)
    form = forms.DrawForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _draw_page(jury, draw_form=form, status=400)
        return start_computation(
            slug,
            lambda: draw_jobs.start_draw(
                jury, algorithm=form.algorithm.data or "", actor=current_user
            ),
            gettext("A draw is already being computed for this jury: here is its progress."),
            back="juries.draw",
            refused=lambda error: _draw_page(
                queries.jury(slug), draw_form=form, problem=error.message, status=error.status
            ),
        )
    return _draw_page(jury)


@bp.route("/<slug>/draw-runs/<int:run_id>")
@staff_required(*OFFICER)
def draw_run(slug: str, run_id: int) -> ResponseReturnValue:
    """A draw being computed: its stage, progress and time so far (the page's script
    polls `draw_run_progress`; without it, a refresh link). Once done, the proposal."""
    jury = queries.jury(slug)
    run = queries.draw_run(jury, run_id)
    done = draw_jobs.result_url(run, jury.slug)
    if done is not None:
        return redirect(done)
    starter = db.session.get(User, run.started_by_id) if run.started_by_id else None
    return render_template(
        "juries/draw_run.html",
        jury=jury,
        run=run,
        starter=starter,
        plan=db.session.get(DrawPlan, run.plan_id) if run.plan_id else None,
        state=draw_jobs.state(run, jury.slug),
    )


@bp.route("/<slug>/draw-runs/<int:run_id>/progress")
@staff_required(*OFFICER)
def draw_run_progress(slug: str, run_id: int) -> ResponseReturnValue:
    jury = queries.jury(slug)
    return jsonify(draw_jobs.state(queries.draw_run(jury, run_id), jury.slug))


@bp.route("/<slug>/draws/<int:draw_id>")
@staff_required(*OFFICER)
def draw_result(slug: str, draw_id: int) -> ResponseReturnValue:
    jury = queries.jury(slug)
    selection = queries.selection_draw(jury, draw_id)
    result = selection.result or {}
    probabilities = sorted(
        result.get("probabilities", {}).items(), key=lambda item: (item[1], int(item[0]))
    )
    return render_template(
        "juries/draw_result.html",
        jury=jury,
        draw=selection,
        result=result,
        people=queries.registrants_by_id(int(i) for i in result.get("probabilities", {})),
        labels=queries.category_labels(jury),
        probabilities=probabilities,
        panel=set(result.get("panel", [])),
        confirmed=services.confirmed_draw(jury),
        numbers=queries.draw_numbers(jury),
    )


@bp.route("/<slug>/draws/<int:draw_id>/confirm", methods=["GET", "POST"])
@staff_required(*OFFICER)
def confirm_draw(slug: str, draw_id: int) -> ResponseReturnValue:
    """Confirming cannot be undone, so the page asks first (GET); the form confirms."""
    jury = queries.jury(slug)
    selection = queries.selection_draw(jury, draw_id)
    if request.method == "GET":
        return render_template(
            "juries/confirm_draw.html",
            jury=jury,
            draw=selection,
            numbers=queries.draw_numbers(jury),
            confirmed=services.confirmed_draw(jury),
        )
    members = services.confirm_draw(selection, actor=current_user)
    return saved(
        gettext(
            "The panel of %(count)s is confirmed. Next, send the invitations.", count=len(members)
        ),
        "juries.panel",
        slug=jury.slug,
    )


# --- the panel, invitations and replacements --------------------------------------------------


@bp.route("/<slug>/panel")
@staff_required(*OFFICER)
def panel(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    replaced = {m.replaces_id: m for m in jury.members if m.replaces_id}
    return render_template(
        "juries/panel.html",
        jury=jury,
        members=jury.members,
        replaced=replaced,
        reasons=queries.drop_reasons(jury),
        invitation_form=forms.InvitationForm(formdata=None),
        drop_form=forms.DropForm(formdata=None),
        response_form=forms.ResponseForm(formdata=None),
        labels=queries.value_labels(jury),
        now=services.utcnow(),
    )


def _invitation_sheets(
    jury: Jury, issued: list[tuple[PanelMember, str]], *, send_email: bool
) -> ResponseReturnValue:
    sheets = invitations.sheets(jury, issued, send_email=send_email)
    response = Response(
        render_template("juries/invitations.html", jury=jury, sheets=sheets, emailed=send_email)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<slug>/invitations", methods=["POST"])
@staff_required(*OFFICER)
def invite(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    form = forms.InvitationForm()
    if not form.validate_on_submit():
        flash(gettext("Choose who to invite."), "info")
        return redirect(url_for("juries.panel", slug=jury.slug))
    members = queries.members_to_invite(jury, everyone=form.scope.data == "all")
    if not members:
        flash(gettext("Everyone still on the panel already has a code."), "info")
        return redirect(url_for("juries.panel", slug=jury.slug))
    issued = services.issue_invitations(
        members, actor=current_user, days_valid=form.days_valid.data or 60
    )
    db.session.commit()
    return _invitation_sheets(jury, issued, send_email=bool(form.send_email.data))


@bp.route("/<slug>/members/<int:member_id>/invitation", methods=["POST"])
@staff_required(*OFFICER)
def invite_member(slug: str, member_id: int) -> ResponseReturnValue:
    jury = queries.jury(slug)
    member = queries.member(jury, member_id)
    if member.status not in services.ACTIVE_MEMBER_STATUSES:
        flash(gettext("%(name)s is no longer on the panel.", name=member.display_name), "info")
        return redirect(url_for("juries.panel", slug=jury.slug))
    issued = services.issue_invitations([member], actor=current_user)
    db.session.commit()
    return _invitation_sheets(jury, issued, send_email=bool(request.form.get("send_email")))


@bp.route("/<slug>/members/<int:member_id>/response", methods=["POST"])
@staff_required(*OFFICER)
def record_response(slug: str, member_id: int) -> ResponseReturnValue:
    jury = queries.jury(slug)
    member = queries.member(jury, member_id)
    form = forms.ResponseForm()
    if not form.validate_on_submit():
        flash(gettext("Choose whether they confirmed or declined."), "info")
        return redirect(url_for("juries.panel", slug=jury.slug))
    services.record_response(member, response=form.response.data or "", actor=current_user)
    db.session.commit()
    if member.status == "declined":
        signals.juror_declined.send(member)  # out of the live room now
    recorded = (
        gettext("Recorded: %(name)s confirmed.", name=member.display_name)
        if form.response.data == "confirmed"
        else gettext("Recorded: %(name)s declined.", name=member.display_name)
    )
    flash(recorded, "success")
    return redirect(url_for("juries.panel", slug=jury.slug))


@bp.route("/<slug>/members/<int:member_id>/drop", methods=["GET", "POST"])
@staff_required(*OFFICER)
def drop(slug: str, member_id: int) -> ResponseReturnValue:
    jury = queries.jury(slug)
    member = queries.member(jury, member_id)
    form = forms.DropForm()
    problem = None
    if form.validate_on_submit():
        with refusal(form) as refused:
            services.drop_member(member, reason=form.reason.data or "", actor=current_user)
            replacement = (
                services.replace_member(member, actor=current_user) if form.replace.data else None
            )
        if not refused:
            db.session.commit()
            signals.juror_dropped_out.send(member)  # out of the live room now
            message = gettext("%(name)s has dropped out.", name=member.display_name)
            if replacement is not None:
                message += " " + gettext(
                    "%(name)s replaces them: send their invitation.",
                    name=replacement.display_name,
                )
            flash(message, "success")
            return redirect(url_for("juries.panel", slug=jury.slug))
        member = queries.member(queries.jury(slug), member_id)
        problem = refused.problem
    status = 400 if (form.errors or problem) else 200
    return render_template(
        "juries/drop.html", jury=jury, member=member, form=form, problem=problem
    ), status


@bp.route("/<slug>/members/<int:member_id>/replace", methods=["POST"])
@staff_required(*OFFICER)
def replace(slug: str, member_id: int) -> ResponseReturnValue:
    jury = queries.jury(slug)
    member = queries.member(jury, member_id)
    replacement = services.replace_member(member, actor=current_user)
    return saved(
        gettext(
            "%(new)s replaces %(old)s: send their invitation.",
            new=replacement.display_name,
            old=member.display_name,
        ),
        "juries.panel",
        slug=jury.slug,
    )


# --- tables ----------------------------------------------------------------------------------


@bp.route("/<slug>/tables", methods=["GET", "POST"])
@staff_required("officer", "facilitator")
def tables(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    form = forms.TablesForm()
    problem = None
    if form.validate_on_submit():
        with refusal(form) as refused:
            session = services.first_session(jury, actor=current_user)
            live_seating.allocate_tables(
                session,
                table_size=form.table_size.data or live_seating.DEFAULT_TABLE_SIZE,
                remix=bool(form.remix.data),
                actor=current_user,
            )
        if not refused:
            db.session.commit()
            outbox.flush_outbox()
            flash(gettext("Tables allocated."), "success")
            return redirect(url_for("juries.tables", slug=jury.slug))
        jury = queries.jury(slug)
        problem = refused.problem
    session = next(iter(sorted(jury.sessions, key=lambda s: s.id)), None)
    allocation = live_seating.active_allocation(session) if session else None
    seating: dict[int, list[PanelMember]] = {}
    if allocation is not None:
        numbers = {table.id: table.number for table in session.tables}
        for seat in allocation.seats:
            seating.setdefault(numbers[seat.table_id], []).append(seat.member)
        for members in seating.values():
            members.sort(key=lambda m: m.display_name)
    status = 400 if (form.errors or problem) else 200
    return render_template(
        "juries/tables.html",
        jury=jury,
        session=session,
        allocation=allocation,
        seating=dict(sorted(seating.items())),
        form=form,
        problem=problem,
        labels={
            (category.name, value.value): value.label
            for category in jury.categories
            for value in category.values
        },
        active_count=sum(1 for m in jury.members if m.status in services.ACTIVE_MEMBER_STATUSES),
    ), status


@bp.route("/<slug>/tables/move", methods=["POST"])
@staff_required("officer", "facilitator")
def move(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    form = forms.MoveForm()
    session = next(iter(sorted(jury.sessions, key=lambda s: s.id)), None)
    allocation = live_seating.active_allocation(session) if session else None
    if not form.validate_on_submit() or allocation is None:
        flash(gettext("Choose a person and a table."), "info")
        return redirect(url_for("juries.tables", slug=jury.slug))
    member = queries.member(jury, form.member_id.data or 0)
    table = live_seating.table_numbered(session, form.table.data)
    with outbox.unit_of_work():
        live_seating.move_member(session, member.id, table.id, actor=current_user)
    flash(
        gettext(
            "Moved %(name)s to table %(table)s.", name=member.display_name, table=form.table.data
        ),
        "success",
    )
    return redirect(url_for("juries.tables", slug=jury.slug) + f"#table-{form.table.data}")


@bp.app_template_filter("percent")
def percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.{digits}f}%"
