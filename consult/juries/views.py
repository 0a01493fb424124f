"""Jury pages: the public jury page and registration form, and the officer's pages for
the pool, quotas, the seeded lottery, the panel and its invitations, replacements and
tables; the juror's invitation answer; and the `flask jury select` command (cli.py)."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, logout_user
from sqlalchemy import select

from consult import signals
from consult.auth.access import juror_required, public, staff_required
from consult.errors import ConsultError, NotFound
from consult.extensions import db, limiter
from consult.juries import draw_jobs, forms, invitations, services
from consult.live import outbox
from consult.live import seating as live_seating
from consult.mail import send_mail
from consult.models import (
    AuditEntry,
    DrawRun,
    Jury,
    JuryCategory,
    PanelMember,
    Registrant,
    SelectionDraw,
    User,
)

bp = Blueprint("juries", __name__, url_prefix="/juries", cli_group="jury")

from consult.juries import cli as _cli  # noqa: E402,F401  (registers `flask jury ...`)

OFFICER = ("officer",)


def _jury(slug: str) -> Jury:
    jury = services.jury_by_slug(slug)
    if jury is None:
        raise NotFound("There is no jury at that address.")
    return jury


T = TypeVar("T")


def _of_jury(model: type[T], row_id: int, jury: Jury, missing: str) -> T:
    """The row `row_id` of `model` if it belongs to `jury`; NotFound (with `missing`)
    otherwise, so an id from another jury never reaches a service."""
    row = db.session.get(model, row_id)
    if row is None or row.jury_id != jury.id:  # type: ignore[attr-defined]
        raise NotFound(missing)
    return row


def _member(jury: Jury, member_id: int) -> PanelMember:
    return _of_jury(PanelMember, member_id, jury, "That juror is not on this jury's panel.")


def _field_errors(form: Any, error: ConsultError) -> None:
    """Put a service's field errors on the form's fields (or keep them for the summary)."""
    for name, message in error.fields.items():
        field = form._fields.get(name) if hasattr(form, "_fields") else None
        if field is not None:
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- index and a new jury -----------------------------------------------------------------


@bp.route("/")
@staff_required("officer", "facilitator")
def index() -> Any:
    juries = db.session.scalars(select(Jury).order_by(Jury.created_at.desc())).all()
    counts = {jury.id: services.pool_counts(jury) for jury in juries}
    return render_template("juries/index.html", juries=juries, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@staff_required(*OFFICER)
def new() -> Any:
    form = forms.JuryForm()
    if request.method == "GET":
        form.registration_open.data = True
    if form.validate_on_submit():
        try:
            jury = services.create_jury(
                title=form.title.data or "",
                question=form.question.data or "",
                description=form.description.data or "",
                panel_size=form.panel_size.data or 0,
                slug=form.slug.data or None,
                actor=current_user,
            )
        except ConsultError as error:
            db.session.rollback()
            _field_errors(form, error)
        else:
            db.session.commit()
            flash(f"{jury.title} is set up. Next, add its categories and quotas.", "success")
            return redirect(url_for("juries.quotas", slug=jury.slug))
    status = 400 if form.errors else 200
    return render_template("juries/new.html", form=form), status


# --- the public page and registration ----------------------------------------------------


@bp.route("/<slug>")
@public
def show(slug: str) -> Any:
    jury = _jury(slug)
    draw = services.confirmed_draw(jury)
    return render_template("juries/public.html", jury=jury, draw=draw)


@bp.route("/<slug>/register", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@public
def register(slug: str) -> Any:
    jury = _jury(slug)
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
                first_name=form.first_name.data or "",
                last_name=form.last_name.data or "",
                email=form.email.data,
                phone=form.phone.data,
                address_line=form.address_line.data,
                postcode=form.postcode.data,
                features=features,
                availability=form.availability.data or [],
                consent=bool(form.consent.data),
            )
        except ConsultError as error:
            db.session.rollback()
            _field_errors(form, error)
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
def registered(slug: str) -> Any:
    return render_template("juries/registered.html", jury=_jury(slug))


@bp.route("/<slug>/draws/<int:draw_id>/<any(categories, respondents):kind>.csv")
@public
def draw_inputs(slug: str, draw_id: int, kind: str) -> Any:
    """The exact inputs of a confirmed draw (anonymised), so anyone can re-run it."""
    jury = _jury(slug)
    draw = db.session.get(SelectionDraw, draw_id)
    if draw is None or draw.jury_id != jury.id or not draw.confirmed:
        raise NotFound("There is no confirmed draw at that address.")
    text = (draw.result.get("inputs") or {}).get(kind)
    if text is None:
        raise NotFound("This draw's inputs were not kept.")
    return _csv(text, f"{jury.slug}-draw-{draw.id}-{kind}.csv")


# --- the officer's overview and settings -----------------------------------------------------


@bp.route("/<slug>/manage", methods=["GET", "POST"])
@staff_required(*OFFICER)
def manage(slug: str) -> Any:
    jury = _jury(slug)
    form = forms.JuryForm(obj=jury)
    if form.validate_on_submit():
        try:
            services.update_jury(
                jury,
                actor=current_user,
                title=form.title.data or "",
                question=form.question.data or "",
                description=form.description.data or "",
                panel_size=form.panel_size.data or 0,
                registration_open=bool(form.registration_open.data),
            )
        except ConsultError as error:
            db.session.rollback()
            jury = _jury(slug)
            _field_errors(form, error)
        else:
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for("juries.manage", slug=jury.slug))
    status = 400 if form.errors else 200
    return render_template(
        "juries/manage.html",
        jury=jury,
        form=form,
        counts=services.pool_counts(jury),
        draw=services.confirmed_draw(jury),
        report=services.check_quotas(jury) if jury.status == "recruiting" else None,
        members=jury.members,
    ), status


# --- the pool --------------------------------------------------------------------------------


@bp.route("/<slug>/pool")
@staff_required(*OFFICER)
def pool(slug: str) -> Any:
    jury = _jury(slug)
    search = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    if status not in ("", "registered", "reserve", "selected", "withdrawn"):
        status = ""
    page = db.paginate(
        services.pool_query(jury, search=search, status=status), per_page=50, error_out=False
    )
    households: dict[str, int] = {}
    for key in db.session.scalars(
        select(Registrant.household_key).where(
            Registrant.jury_id == jury.id, Registrant.household_key.is_not(None)
        )
    ):
        households[key] = households.get(key, 0) + 1
    return render_template(
        "juries/pool.html",
        jury=jury,
        page=page,
        search=search,
        status=status,
        counts=services.pool_counts(jury),
        households=households,
        upload_form=forms.UploadForm(),
    )


@bp.route("/<slug>/pool/<int:registrant_id>", methods=["GET", "POST"])
@staff_required(*OFFICER)
def registrant(slug: str, registrant_id: int) -> Any:
    jury = _jury(slug)
    person = _of_jury(Registrant, registrant_id, jury, "That person is not in this jury's pool.")
    form = forms.RegistrantForm(obj=person)
    feature_errors: dict[str, str] = {}
    if form.validate_on_submit():
        features = {
            category.name: request.form.get(f"feature-{category.name}", "")
            for category in jury.categories
        }
        try:
            services.update_registrant(
                person,
                actor=current_user,
                first_name=form.first_name.data or "",
                last_name=form.last_name.data or "",
                email=form.email.data,
                phone=form.phone.data,
                address_line=form.address_line.data,
                postcode=form.postcode.data,
                features={k: v for k, v in features.items() if v},
            )
        except ConsultError as error:
            db.session.rollback()
            person = db.session.get(Registrant, registrant_id)
            _field_errors(form, error)
            feature_errors = {k: v for k, v in error.fields.items() if k.startswith("feature-")}
        else:
            db.session.commit()
            flash(f"Saved {person.name}.", "success")
            return redirect(url_for("juries.pool", slug=jury.slug))
    status = 400 if (form.errors or feature_errors) else 200
    return render_template(
        "juries/registrant.html",
        jury=jury,
        person=person,
        form=form,
        feature_errors=feature_errors,
        withdraw=forms.WithdrawForm(),
        prefer_not_to_say=services.PREFER_NOT_TO_SAY,
    ), status


@bp.route("/<slug>/pool/<int:registrant_id>/withdraw", methods=["POST"])
@staff_required(*OFFICER)
def withdraw(slug: str, registrant_id: int) -> Any:
    jury = _jury(slug)
    person = _of_jury(Registrant, registrant_id, jury, "That person is not in this jury's pool.")
    form = forms.WithdrawForm()
    if request.form.get("restore"):
        services.restore_registrant(person, actor=current_user)
        message = f"{person.name} is back in the pool."
    else:
        services.withdraw_registrant(person, actor=current_user, reason=form.reason.data or "")
        message = f"{person.name} has been withdrawn from the pool."
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("juries.pool", slug=jury.slug))


@bp.route("/<slug>/pool/import", methods=["GET", "POST"])
@staff_required(*OFFICER)
def import_pool(slug: str) -> Any:
    jury = _jury(slug)
    form = forms.UploadForm()
    summary = None
    if form.validate_on_submit():
        text = _read_upload(form)
        if text is not None:
            try:
                summary = services.import_respondents(jury, text, actor=current_user)
            except ConsultError as error:
                db.session.rollback()
                form.file.errors = [error.fields.get("file", error.message)]
            else:
                db.session.commit()
    status = 400 if form.errors else 200
    return render_template("juries/import_pool.html", jury=jury, form=form, summary=summary), status


def _read_upload(form: Any) -> str | None:
    raw = form.file.data.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            form.file.errors = ["The file must be a CSV file saved as UTF-8 text"]
            return None


@bp.route("/<slug>/pool/export.csv")
@staff_required(*OFFICER)
def export_pool(slug: str) -> Any:
    jury = _jury(slug)
    AuditEntry.record("jury.pool_exported", actor=current_user, subject=jury, personal_data=True)
    db.session.commit()
    return _csv(services.full_pool_csv(jury), f"{jury.slug}-pool.csv")


@bp.route("/<slug>/pool/respondents.csv")
@staff_required(*OFFICER)
def export_anonymised_pool(slug: str) -> Any:
    jury = _jury(slug)
    return _csv(services.anonymised_pool_csv(jury), f"{jury.slug}-respondents.csv")


# --- quotas ----------------------------------------------------------------------------------


def _quota_page(
    jury: Jury,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    category_form: Any = None,
    upload: Any = None,
    warnings: list[str] | None = None,
) -> Any:
    pool = services.build_pool(jury)
    report = services.check_quotas(jury, pool)
    counts: dict[tuple[str, str], int] = {}
    for person in pool.people:
        for name, value in person.features.items():
            counts[(name, value)] = counts.get((name, value), 0) + 1
    return render_template(
        "juries/quotas.html",
        jury=jury,
        errors=errors or {},
        submitted=request.form if errors else {},
        report=report,
        pool=pool,
        counts=counts,
        category_form=category_form or forms.CategoryForm(formdata=None),
        upload_form=upload or forms.UploadForm(formdata=None),
        warnings=warnings or [],
        locked=services.confirmed_draw(jury) is not None,
        labels={
            (category.name, value.value): (category.label, value.label)
            for category in jury.categories
            for value in category.values
        },
    ), status


@bp.route("/<slug>/quotas", methods=["GET", "POST"])
@staff_required(*OFFICER)
def quotas(slug: str) -> Any:
    jury = _jury(slug)
    if request.method == "POST":
        values: dict[int, tuple[str, str]] = {}
        for category in jury.categories:
            for value in category.values:
                low = request.form.get(f"min-{value.id}")
                high = request.form.get(f"max-{value.id}")
                if low is not None or high is not None:
                    values[value.id] = (low or "", high or "")
        if not values:
            return _quota_page(jury, errors={"quotas": "There are no quotas to save"}, status=400)
        try:
            services.set_quotas(jury, values, actor=current_user)
        except ConsultError as error:
            db.session.rollback()
            return _quota_page(
                _jury(slug), errors=error.fields or {"quotas": error.message}, status=error.status
            )
        db.session.commit()
        flash("Quotas saved.", "success")
        return redirect(url_for("juries.quotas", slug=jury.slug))
    return _quota_page(jury)


@bp.route("/<slug>/quotas/categories", methods=["POST"])
@staff_required(*OFFICER)
def add_category(slug: str) -> Any:
    jury = _jury(slug)
    form = forms.CategoryForm()
    if form.validate_on_submit():
        try:
            services.add_category(
                jury,
                label=form.label.data or "",
                values=(form.values.data or "").splitlines(),
                prefer_not_to_say=bool(form.prefer_not_to_say.data),
                actor=current_user,
            )
        except ConsultError as error:
            db.session.rollback()
            jury = _jury(slug)
            _field_errors(form, error)
        else:
            db.session.commit()
            flash(f"Added {form.label.data}. Now set its quotas.", "success")
            return redirect(url_for("juries.quotas", slug=jury.slug))
    return _quota_page(jury, category_form=form, status=400)


@bp.route("/<slug>/quotas/categories/<int:category_id>/delete", methods=["POST"])
@staff_required(*OFFICER)
def delete_category(slug: str, category_id: int) -> Any:
    jury = _jury(slug)
    category = _of_jury(JuryCategory, category_id, jury, "That category is not part of this jury.")
    label = category.label
    services.delete_category(category, actor=current_user)
    db.session.commit()
    flash(f"Removed {label}.", "success")
    return redirect(url_for("juries.quotas", slug=jury.slug))


@bp.route("/<slug>/quotas/import", methods=["POST"])
@staff_required(*OFFICER)
def import_quotas(slug: str) -> Any:
    jury = _jury(slug)
    form = forms.UploadForm()
    if form.validate_on_submit():
        text = _read_upload(form)
        if text is not None:
            try:
                warnings = services.import_categories(jury, text, actor=current_user)
            except ConsultError as error:
                db.session.rollback()
                jury = _jury(slug)
                form.file.errors = [error.fields.get("file", error.message)]
            else:
                db.session.commit()
                flash("Categories and quotas imported.", "success")
                if warnings:
                    return _quota_page(jury, warnings=warnings)
                return redirect(url_for("juries.quotas", slug=jury.slug))
    return _quota_page(jury, upload=form, status=400)


@bp.route("/<slug>/quotas/categories.csv")
@staff_required(*OFFICER)
def export_quotas(slug: str) -> Any:
    jury = _jury(slug)
    return _csv(services.categories_csv(jury), f"{jury.slug}-categories.csv")


# --- seed and draw ---------------------------------------------------------------------------


@bp.route("/<slug>/seed", methods=["POST"])
@staff_required(*OFFICER)
def publish_seed(slug: str) -> Any:
    jury = _jury(slug)
    form = forms.SeedForm()
    if form.validate_on_submit():
        try:
            services.publish_seed(jury, form.seed.data or "", actor=current_user)
        except ConsultError as error:
            db.session.rollback()
            form.seed.errors = [error.fields.get("seed", error.message)]
        else:
            db.session.commit()
            flash("The seed is published on the jury's public page.", "success")
            return redirect(url_for("juries.draw", slug=jury.slug))
    return _draw_page(_jury(slug), seed_form=form, status=400)


def _draw_page(
    jury: Jury,
    *,
    seed_form: Any = None,
    draw_form: Any = None,
    problem: str | None = None,
    status: int = 200,
) -> Any:
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
        confirmed=services.confirmed_draw(jury),
        counts=services.pool_counts(jury),
        problem=problem,
        active=active if active is not None and not stalled else None,
        stalled=active if stalled else None,
        failed=failed,
    ), status


@bp.route("/<slug>/draw", methods=["GET", "POST"])
@staff_required(*OFFICER)
def draw(slug: str) -> Any:
    """The seed and draw page; its form queues a draw computed in the background and goes
    to that draw's progress page (or to the one already being computed)."""
    jury = _jury(slug)
    form = forms.DrawForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _draw_page(jury, draw_form=form, status=400)
        try:
            run = draw_jobs.start_draw(
                jury, algorithm=form.algorithm.data or "", actor=current_user
            )
        except draw_jobs.DrawAlreadyRunning as busy:
            db.session.rollback()
            running = busy.run or services.active_draw_run(_jury(slug))
            flash("A draw is already being computed for this jury: here is its progress.", "info")
            if running is None:  # it finished in the meantime
                return redirect(url_for("juries.draw", slug=slug))
            return redirect(url_for("juries.draw_run", slug=slug, run_id=running.id))
        except ConsultError as error:
            db.session.rollback()
            return _draw_page(
                _jury(slug), draw_form=form, problem=error.message, status=error.status
            )
        db.session.commit()
        draw_jobs.dispatch(run.id)
        return redirect(url_for("juries.draw_run", slug=jury.slug, run_id=run.id))
    return _draw_page(jury)


def _draw_run(jury: Jury, run_id: int) -> DrawRun:
    return _of_jury(DrawRun, run_id, jury, "There is no such draw for this jury.")


@bp.route("/<slug>/draw-runs/<int:run_id>")
@staff_required(*OFFICER)
def draw_run(slug: str, run_id: int) -> Any:
    """A draw being computed: its stage, progress and time so far (the page's script
    polls `draw_run_progress`; without it, a refresh link). Once done, the proposal."""
    jury = _jury(slug)
    run = _draw_run(jury, run_id)
    if run.status == "done" and run.draw_id:
        return redirect(url_for("juries.draw_result", slug=jury.slug, draw_id=run.draw_id))
    starter = db.session.get(User, run.started_by_id) if run.started_by_id else None
    return render_template(
        "juries/draw_run.html",
        jury=jury,
        run=run,
        starter=starter,
        state=draw_jobs.state(run, jury.slug),
    )


@bp.route("/<slug>/draw-runs/<int:run_id>/progress")
@staff_required(*OFFICER)
def draw_run_progress(slug: str, run_id: int) -> Any:
    jury = _jury(slug)
    return jsonify(draw_jobs.state(_draw_run(jury, run_id), jury.slug))


@bp.route("/<slug>/draws/<int:draw_id>")
@staff_required(*OFFICER)
def draw_result(slug: str, draw_id: int) -> Any:
    jury = _jury(slug)
    selection = _of_jury(SelectionDraw, draw_id, jury, "There is no such draw for this jury.")
    result = selection.result or {}
    ids = [int(i) for i in result.get("probabilities", {})]
    people = (
        {str(r.id): r for r in db.session.scalars(select(Registrant).where(Registrant.id.in_(ids)))}
        if ids
        else {}
    )
    labels = {
        (category.name, value.value): (category.label, value.label)
        for category in jury.categories
        for value in category.values
    }
    probabilities = sorted(
        result.get("probabilities", {}).items(), key=lambda item: (item[1], int(item[0]))
    )
    return render_template(
        "juries/draw_result.html",
        jury=jury,
        draw=selection,
        result=result,
        people=people,
        labels=labels,
        probabilities=probabilities,
        panel=set(result.get("panel", [])),
        confirmed=services.confirmed_draw(jury),
    )


@bp.route("/<slug>/draws/<int:draw_id>/confirm", methods=["POST"])
@staff_required(*OFFICER)
def confirm_draw(slug: str, draw_id: int) -> Any:
    jury = _jury(slug)
    selection = _of_jury(SelectionDraw, draw_id, jury, "There is no such draw for this jury.")
    members = services.confirm_draw(selection, actor=current_user)
    db.session.commit()
    flash(f"The panel of {len(members)} is confirmed. Next, send the invitations.", "success")
    return redirect(url_for("juries.panel", slug=jury.slug))


# --- the panel, invitations and replacements --------------------------------------------------


def _drop_reasons(jury: Jury) -> dict[int, str]:
    ids = [m.id for m in jury.members if m.status == "dropped"]
    if not ids:
        return {}
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "member.dropped",
            AuditEntry.subject_type == "PanelMember",
            AuditEntry.subject_id.in_(ids),
        )
    )
    return {entry.subject_id: entry.details.get("reason", "") for entry in entries}


@bp.route("/<slug>/panel")
@staff_required(*OFFICER)
def panel(slug: str) -> Any:
    jury = _jury(slug)
    replaced = {m.replaces_id: m for m in jury.members if m.replaces_id}
    return render_template(
        "juries/panel.html",
        jury=jury,
        members=jury.members,
        replaced=replaced,
        reasons=_drop_reasons(jury),
        invitation_form=forms.InvitationForm(formdata=None),
        drop_form=forms.DropForm(formdata=None),
        response_form=forms.ResponseForm(formdata=None),
        labels={
            (category.name, value.value): value.label
            for category in jury.categories
            for value in category.values
        },
        now=services.utcnow(),
    )


def _invitation_sheets(
    jury: Jury, issued: list[tuple[PanelMember, str]], *, send_email: bool
) -> Any:
    sheets = []
    for member, code in issued:
        url = invitations.join_url(code)
        sheets.append(
            {
                "member": member,
                "code": code,
                "url": url,
                "qr": invitations.qr_data_uri(url),
            }
        )
        registrant = member.registrant
        if send_email and registrant is not None and registrant.email:
            send_mail(
                registrant.email,
                f"You have been chosen for {jury.title}",
                render_template(
                    "juries/invitation_email.txt", jury=jury, member=member, code=code, url=url
                ),
            )
    response = Response(
        render_template("juries/invitations.html", jury=jury, sheets=sheets, emailed=send_email)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<slug>/invitations", methods=["POST"])
@staff_required(*OFFICER)
def invite(slug: str) -> Any:
    jury = _jury(slug)
    form = forms.InvitationForm()
    if not form.validate_on_submit():
        flash("Choose who to invite.", "info")
        return redirect(url_for("juries.panel", slug=jury.slug))
    members = [
        m
        for m in jury.members
        if m.status in services.ACTIVE_MEMBER_STATUSES
        and (form.scope.data == "all" or m.join_code_hash is None)
    ]
    if not members:
        flash("Everyone still on the panel already has a code.", "info")
        return redirect(url_for("juries.panel", slug=jury.slug))
    issued = services.issue_invitations(
        members, actor=current_user, days_valid=form.days_valid.data or 60
    )
    db.session.commit()
    return _invitation_sheets(jury, issued, send_email=bool(form.send_email.data))


@bp.route("/<slug>/members/<int:member_id>/invitation", methods=["POST"])
@staff_required(*OFFICER)
def invite_member(slug: str, member_id: int) -> Any:
    jury = _jury(slug)
    member = _member(jury, member_id)
    if member.status not in services.ACTIVE_MEMBER_STATUSES:
        flash(f"{member.display_name} is no longer on the panel.", "info")
        return redirect(url_for("juries.panel", slug=jury.slug))
    issued = services.issue_invitations([member], actor=current_user)
    db.session.commit()
    return _invitation_sheets(jury, issued, send_email=bool(request.form.get("send_email")))


@bp.route("/<slug>/members/<int:member_id>/response", methods=["POST"])
@staff_required(*OFFICER)
def record_response(slug: str, member_id: int) -> Any:
    jury = _jury(slug)
    member = _member(jury, member_id)
    form = forms.ResponseForm()
    if not form.validate_on_submit():
        flash("Choose whether they confirmed or declined.", "info")
        return redirect(url_for("juries.panel", slug=jury.slug))
    services.record_response(member, response=form.response.data or "", actor=current_user)
    db.session.commit()
    flash(f"Recorded: {member.display_name} {form.response.data}.", "success")
    return redirect(url_for("juries.panel", slug=jury.slug))


@bp.route("/<slug>/members/<int:member_id>/drop", methods=["GET", "POST"])
@staff_required(*OFFICER)
def drop(slug: str, member_id: int) -> Any:
    jury = _jury(slug)
    member = _member(jury, member_id)
    form = forms.DropForm()
    problem = None
    if form.validate_on_submit():
        try:
            services.drop_member(member, reason=form.reason.data or "", actor=current_user)
            replacement = (
                services.replace_member(member, actor=current_user) if form.replace.data else None
            )
        except ConsultError as error:
            db.session.rollback()
            member = _member(_jury(slug), member_id)
            _field_errors(form, error)
            problem = None if error.fields else error.message
        else:
            db.session.commit()
            signals.juror_dropped_out.send(member)  # out of the live room now
            message = f"{member.display_name} has dropped out."
            if replacement is not None:
                message += f" {replacement.display_name} replaces them: send their invitation."
            flash(message, "success")
            return redirect(url_for("juries.panel", slug=jury.slug))
    status = 400 if (form.errors or problem) else 200
    return render_template(
        "juries/drop.html", jury=jury, member=member, form=form, problem=problem
    ), status


@bp.route("/<slug>/members/<int:member_id>/replace", methods=["POST"])
@staff_required(*OFFICER)
def replace(slug: str, member_id: int) -> Any:
    jury = _jury(slug)
    member = _member(jury, member_id)
    replacement = services.replace_member(member, actor=current_user)
    db.session.commit()
    flash(
        f"{replacement.display_name} replaces {member.display_name}: send their invitation.",
        "success",
    )
    return redirect(url_for("juries.panel", slug=jury.slug))


# --- the juror's answer -------------------------------------------------------------------------


@bp.route("/invitation", methods=["GET", "POST"])
@juror_required
def invitation() -> Any:
    member = current_user._get_current_object()  # still the member after signing out
    form = forms.InvitationAnswerForm()
    if form.validate_on_submit():
        accept = form.answer.data == "confirm"
        services.respond_to_invitation(member, accept=accept)
        db.session.commit()
        if not accept:
            logout_user()
            return render_template("juries/declined.html", jury=member.jury)
        flash("Thank you: you have confirmed your place.", "success")
        return redirect(url_for("juries.invitation"))
    status = 400 if form.errors else 200
    return render_template(
        "juries/invitation.html", member=member, jury=member.jury, form=form
    ), status


# --- tables ----------------------------------------------------------------------------------


@bp.route("/<slug>/tables", methods=["GET", "POST"])
@staff_required("officer", "facilitator")
def tables(slug: str) -> Any:
    jury = _jury(slug)
    form = forms.TablesForm()
    problem = None
    if form.validate_on_submit():
        try:
            session = services.first_session(jury, actor=current_user)
            live_seating.allocate_tables(
                session,
                table_size=form.table_size.data or live_seating.DEFAULT_TABLE_SIZE,
                remix=bool(form.remix.data),
                actor=current_user,
            )
        except ConsultError as error:
            db.session.rollback()
            jury = _jury(slug)
            _field_errors(form, error)
            problem = None if error.fields else error.message
        else:
            db.session.commit()
            outbox.flush_outbox()
            flash("Tables allocated.", "success")
            return redirect(url_for("juries.tables", slug=jury.slug))
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
def move(slug: str) -> Any:
    jury = _jury(slug)
    form = forms.MoveForm()
    session = next(iter(sorted(jury.sessions, key=lambda s: s.id)), None)
    allocation = live_seating.active_allocation(session) if session else None
    if not form.validate_on_submit() or allocation is None:
        flash("Choose a person and a table.", "info")
        return redirect(url_for("juries.tables", slug=jury.slug))
    member = _member(jury, form.member_id.data or 0)
    table = live_seating.table_numbered(session, form.table.data)
    with outbox.unit_of_work():
        live_seating.move_member(session, member.id, table.id, actor=current_user)
    flash(f"Moved {member.display_name} to table {form.table.data}.", "success")
    return redirect(url_for("juries.tables", slug=jury.slug) + f"#table-{form.table.data}")


@bp.app_template_filter("percent")
def percent(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.{digits}f}%"
