"""The officer's pages for what goes into a jury's draw: the pool of registrants (one by
one, imported from a file, exported) and the quotas (categories, their answers and Welsh
labels, the targets, the suggested relaxation). On the juries blueprint, like views.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_login import current_user

from analysis.io import InputError, decode_text
from consult.auth.access import staff_required
from consult.errors import ConsultError
from consult.extensions import db
from consult.forms_common import refusal, saved
from consult.juries import forms, labels, lifecycle, queries, services
from consult.juries.blueprint import bp, csv_download
from consult.models import Jury, JuryCategory

OFFICER = ("officer",)
T = TypeVar("T")

# --- the pool --------------------------------------------------------------------------------


@bp.route("/<slug>/pool")
@staff_required(*OFFICER)
def pool(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    search = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    if status not in ("", "registered", "reserve", "selected", "withdrawn"):
        status = ""
    page = db.paginate(
        services.pool_query(jury, search=search, status=status), per_page=50, error_out=False
    )
    return render_template(
        "juries/pool.html",
        jury=jury,
        page=page,
        search=search,
        status=status,
        counts=services.pool_counts(jury),
        households=queries.household_sizes(jury),
        upload_form=forms.UploadForm(),
    )


@bp.route("/<slug>/pool/<int:registrant_id>", methods=["GET", "POST"])
@staff_required(*OFFICER)
def registrant(slug: str, registrant_id: int) -> ResponseReturnValue:
    jury = queries.jury(slug)
    person = queries.registrant(jury, registrant_id)
    form = forms.RegistrantForm(obj=person)
    feature_errors: dict[str, str] = {}
    if form.validate_on_submit():
        features = {
            category.name: request.form.get(f"feature-{category.name}", "")
            for category in jury.categories
        }
        with refusal(form) as refused:
            services.update_registrant(
                person,
                actor=current_user,
                **forms.contact_details(form),
                features={k: v for k, v in features.items() if v},
            )
        if not refused:
            return saved(
                gettext("Saved %(name)s.", name=person.name), "juries.pool", slug=jury.slug
            )
        person = queries.registrant(queries.jury(slug), registrant_id)
        feature_errors = {k: v for k, v in refused.fields.items() if k.startswith("feature-")}
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


@bp.route("/<slug>/finish", methods=["POST"])
@staff_required(*OFFICER)
def finish(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    lifecycle.finish_jury(jury, actor=current_user)
    return saved(
        gettext(
            "The jury is marked as finished. Its jurors' personal data will be erased when the "
            "retention period ends (see the privacy notice)."
        ),
        "juries.manage",
        slug=jury.slug,
    )


@bp.route("/<slug>/pool/<int:registrant_id>/withdraw", methods=["POST"])
@staff_required(*OFFICER)
def withdraw(slug: str, registrant_id: int) -> ResponseReturnValue:
    jury = queries.jury(slug)
    person = queries.registrant(jury, registrant_id)
    form = forms.WithdrawForm()
    if request.form.get("restore"):
        services.restore_registrant(person, actor=current_user)
        message = gettext("%(name)s is back in the pool.", name=person.name)
    else:
        services.withdraw_registrant(person, actor=current_user, reason=form.reason.data or "")
        message = gettext("%(name)s has been withdrawn from the pool.", name=person.name)
    return saved(message, "juries.pool", slug=jury.slug)


@bp.route("/<slug>/pool/import", methods=["GET", "POST"])
@staff_required(*OFFICER)
def import_pool(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    form = forms.UploadForm()
    summary = None
    if form.validate_on_submit():
        summary = _import_upload(
            form, lambda text: services.import_respondents(jury, text, actor=current_user)
        )
        if summary is None:
            jury = queries.jury(slug)
    status = 400 if form.errors else 200
    return render_template("juries/import_pool.html", jury=jury, form=form, summary=summary), status


def _read_upload(form: Any) -> str | None:
    try:
        return decode_text(form.file.data.read(), gettext("The file"))[0]
    except InputError as error:
        form.file.errors = [str(error)]
        return None


def _import_upload(form: Any, service: Callable[[str], T]) -> T | None:
    """Read the uploaded file and hand its text to `service`: committed when it succeeds
    (its result is returned); otherwise the reason goes on the file field, nothing is
    kept, and None is returned (the caller reloads the jury and shows the form again)."""
    text = _read_upload(form)
    if text is None:
        return None
    try:
        result = service(text)
    except ConsultError as error:
        db.session.rollback()
        form.file.errors = [error.fields.get("file", error.message)]
        return None
    db.session.commit()
    return result


@bp.route("/<slug>/pool/export.csv")
@staff_required(*OFFICER)
def export_pool(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    text = services.export_full_pool(jury, actor=current_user)
    db.session.commit()
    return csv_download(text, f"{jury.slug}-pool.csv")


@bp.route("/<slug>/pool/respondents.csv")
@staff_required(*OFFICER)
def export_anonymised_pool(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    return csv_download(services.anonymised_pool_csv(jury), f"{jury.slug}-respondents.csv")


# --- quotas ----------------------------------------------------------------------------------


def _quota_page(
    jury: Jury,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    category_form: Any = None,
    upload: Any = None,
    warnings: list[str] | None = None,
) -> ResponseReturnValue:
    pool = services.build_pool(jury)
    report = services.check_quotas(jury, pool)
    choices = services.relaxation_choices(report)
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
        choices=choices,
        offered=services.offered(choices),
        pool=pool,
        counts=counts,
        category_form=category_form or forms.CategoryForm(formdata=None),
        upload_form=upload or forms.UploadForm(formdata=None),
        warnings=warnings or [],
        locked=bool(services.confirmed_draw(jury) or services.current_plan(jury)),
        plan=services.current_plan(jury),
        labels=queries.category_labels(jury),
        missing_welsh=labels.missing_welsh_labels(jury),
        prefer_not_to_say=services.PREFER_NOT_TO_SAY,
    ), status


def _change_quotas(
    slug: str,
    change: Callable[[], T],
    said: Callable[[T], str],
    *,
    refused: Callable[[ConsultError], dict[str, str]],
) -> ResponseReturnValue:
    """A change made on the quotas page: committed, `said(result)` flashed and back to the
    page; or, when the service refuses, rolled back and the page again at the refusal's
    status, with `refused(error)` as its errors (field name -> message)."""
    try:
        result = change()
    except ConsultError as error:
        db.session.rollback()
        return _quota_page(queries.jury(slug), errors=refused(error), status=error.status)
    return saved(said(result), "juries.quotas", slug=slug)


@bp.route("/<slug>/quotas", methods=["GET", "POST"])
@staff_required(*OFFICER)
def quotas(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    if request.method == "POST":
        values: dict[int, tuple[str, str]] = {}
        for category in jury.categories:
            for value in category.values:
                low = request.form.get(f"min-{value.id}")
                high = request.form.get(f"max-{value.id}")
                if low is not None or high is not None:
                    values[value.id] = (low or "", high or "")
        if not values:
            return _quota_page(
                jury, errors={"quotas": gettext("There are no quotas to save")}, status=400
            )
        return _change_quotas(
            slug,
            lambda: services.set_quotas(jury, values, actor=current_user),
            lambda _: gettext("Quotas saved."),
            refused=lambda error: error.fields or {"quotas": error.message},
        )
    return _quota_page(jury)


@bp.route("/<slug>/quotas/relax", methods=["POST"])
@staff_required(*OFFICER)
def relax_quotas(slug: str) -> ResponseReturnValue:
    """Apply the suggested smallest change of the quotas (the one chosen, when several)."""
    jury = queries.jury(slug)
    try:
        choice = int(request.form.get("choice", "0"))
    except ValueError:
        choice = -1
    return _change_quotas(
        slug,
        lambda: services.apply_relaxation(
            jury, choice=choice, actor=current_user, shown=request.form.get("offered")
        ),
        lambda changes: gettext(
            "Quotas changed: %(changes)s.", changes="; ".join(str(change) for change in changes)
        ),
        refused=lambda error: {"relaxation": error.message},  # at the choices, whatever field
    )


@bp.route("/<slug>/quotas/categories", methods=["POST"])
@staff_required(*OFFICER)
def add_category(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    form = forms.CategoryForm()
    if form.validate_on_submit():
        with refusal(form) as refused:
            services.add_category(
                jury,
                label=form.label.data or "",
                values=(form.values.data or "").splitlines(),
                prefer_not_to_say=bool(form.prefer_not_to_say.data),
                actor=current_user,
            )
        if not refused:
            return saved(
                gettext("Added %(category)s. Now set its quotas.", category=form.label.data),
                "juries.quotas",
                slug=jury.slug,
            )
        jury = queries.jury(slug)
    return _quota_page(jury, category_form=form, status=400)


@bp.route("/<slug>/quotas/categories/<int:category_id>/delete", methods=["POST"])
@staff_required(*OFFICER)
def delete_category(slug: str, category_id: int) -> ResponseReturnValue:
    jury = queries.jury(slug)
    category = queries.of_jury(
        JuryCategory, category_id, jury, gettext("That category is not part of this jury.")
    )
    label = category.label
    services.delete_category(category, actor=current_user)
    return saved(gettext("Removed %(category)s.", category=label), "juries.quotas", slug=jury.slug)


@bp.route("/<slug>/quotas/welsh", methods=["POST"])
@staff_required(*OFFICER)
def welsh_labels(slug: str) -> ResponseReturnValue:
    """The Welsh versions of the categories' and answers' labels (display words only, so
    they may change after the draw too)."""
    jury = queries.jury(slug)
    given = {
        key: value for key, value in request.form.items() if key.startswith(("category-", "value-"))
    }
    return _change_quotas(
        slug,
        lambda: services.set_welsh_labels(jury, given, actor=current_user),
        lambda changed: (
            ngettext("%(num)s Welsh label saved.", "%(num)s Welsh labels saved.", changed)
            if changed
            else gettext("No Welsh label changed.")
        ),
        refused=lambda error: error.fields or {"": error.message},
    )


@bp.route("/<slug>/quotas/import", methods=["POST"])
@staff_required(*OFFICER)
def import_quotas(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    form = forms.UploadForm()
    if form.validate_on_submit():
        warnings = _import_upload(
            form, lambda text: services.import_categories(jury, text, actor=current_user)
        )
        if warnings is not None:
            flash(gettext("Categories and quotas imported."), "success")
            if warnings:
                return _quota_page(jury, warnings=warnings)
            return redirect(url_for("juries.quotas", slug=jury.slug))
        jury = queries.jury(slug)
    return _quota_page(jury, upload=form, status=400)


@bp.route("/<slug>/quotas/categories.csv")
@staff_required(*OFFICER)
def export_quotas(slug: str) -> ResponseReturnValue:
    jury = queries.jury(slug)
    return csv_download(services.categories_csv(jury), f"{jury.slug}-categories.csv")
