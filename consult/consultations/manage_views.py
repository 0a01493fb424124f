"""Officer pages for consultations, under /consultations/manage/: design (details,
questions, reorder, preview, publish, close early, duplicate), moderation, imports, and
each consultation's dashboard at /consultations/<slug>/dashboard."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from consult.auth.access import staff_required
from consult.consultations import bp, imports, services, submission
from consult.consultations import dashboard as dashboards
from consult.consultations.forms import (
    ConsultationForm,
    ImportUploadForm,
    QuestionForm,
    to_local,
    to_utc,
)
from consult.consultations.kinds import KINDS, TEXT_KINDS
from consult.consultations.lookup import consultation_or_404
from consult.errors import Invalid
from consult.extensions import db
from consult.forms_common import save_form, saved
from consult.models import Answer, Consultation, Question, Response, ResponseImport
from consult.workspace import charts, queries


def _consultation(slug: str) -> Consultation:
    return consultation_or_404(slug)


def _question(consultation: Consultation, question_id: int) -> Question:
    question = next((q for q in consultation.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


@bp.route("/manage/")
@staff_required("officer")
def manage_index() -> Any:
    consultations = db.session.scalars(
        select(Consultation).order_by(Consultation.created_at.desc())
    ).all()
    if services.refresh_all(consultations):
        db.session.commit()
    counts = {c.id: submission.count_submitted(c) for c in consultations}
    return render_template(
        "consultations/manage/index.html", consultations=consultations, counts=counts
    )


def _consultation_data(form: ConsultationForm) -> dict[str, Any]:
    return {
        "title": form.title.data,
        "slug": form.slug.data,
        "summary": form.summary.data,
        "background": form.background.data,
        "title_cy": form.title_cy.data,
        "summary_cy": form.summary_cy.data,
        "background_cy": form.background_cy.data,
        "opens_at": to_utc(form.opens_at.data),
        "closes_at": to_utc(form.closes_at.data),
        "documents": services.parse_documents(form.documents.data or ""),
    }


def _details_page(consultation: Consultation | None) -> Any:
    """A new consultation's details (`consultation` None), or an existing one's to edit."""
    form = ConsultationForm(obj=None if request.method == "POST" else consultation)
    if request.method == "GET" and consultation is not None:
        form.opens_at.data = to_local(consultation.opens_at)
        form.closes_at.data = to_local(consultation.closes_at)
        form.documents.data = "\n".join(f"{d.title} | {d.url}" for d in consultation.documents)
    if form.validate_on_submit() and (
        saved := save_form(
            form,
            services.save_consultation,
            consultation,
            _consultation_data(form),
            actor=current_user,
        )
    ):
        if consultation is None:
            flash(gettext("Consultation created. Now add its questions."), "success")
        else:
            flash(gettext("Details saved."), "success")
        return redirect(url_for("consultations.manage_show", slug=saved.slug))
    return (
        render_template("consultations/manage/edit.html", form=form, consultation=consultation),
        400 if form.errors else 200,
    )


@bp.route("/manage/new", methods=["GET", "POST"])
@staff_required("officer")
def manage_new() -> Any:
    return _details_page(None)


@bp.route("/manage/<slug>/edit", methods=["GET", "POST"])
@staff_required("officer")
def manage_edit(slug: str) -> Any:
    return _details_page(_consultation(slug))


@bp.route("/manage/<slug>")
@staff_required("officer")
def manage_show(slug: str) -> Any:
    consultation = _consultation(slug)
    return render_template(
        "consultations/manage/show.html",
        consultation=consultation,
        count=submission.count_submitted(consultation),
        editable=consultation.status == "draft" and consultation.published_at is None,
    )


def _question_data(form: QuestionForm) -> dict[str, Any]:
    return {
        "kind": form.kind.data,
        "prompt": form.prompt.data,
        "hint": form.hint.data,
        "prompt_cy": form.prompt_cy.data,
        "hint_cy": form.hint_cy.data,
        "options_cy": [line.strip() for line in (form.options_cy.data or "").splitlines()],
        "required": form.required.data,
        "options": services.parse_options(form.options.data or ""),
        "max_length": form.max_length.data,
        "budget_total": form.budget_total.data,
    }


COMMON_QUESTION_FIELDS = ("prompt", "hint", "required")  # each with its Welsh version
KIND_FIELDS = ("options", "max_length", "budget_total")


def _question_page(consultation: Consultation, question: Question | None) -> Any:
    """The question form shows only the fields the chosen kind uses. With JavaScript the
    page swaps them as the kind changes (static/js/question-form.js); without it the form
    is two steps: choose the kind and Continue (a POST with step=kind, which saves
    nothing), then that kind's fields. A field the kind does not use is neither checked
    nor kept."""
    chosen = request.form.get("kind") if request.method == "POST" else None
    kind = KINDS.get(chosen or "") or (KINDS.get(question.kind) if question else None)
    formdata = None
    if request.method == "POST":
        unused = set(KIND_FIELDS) - set(kind.design_fields if kind else KIND_FIELDS)
        formdata = MultiDict(
            (key, value) for key, value in request.form.items(multi=True) if key not in unused
        )
    form = QuestionForm(formdata=formdata, obj=None if request.method == "POST" else question)
    if request.method == "GET" and question is not None:
        form.options.data = "\n".join(
            f"{o['value']} | {o['label']}" for o in question.options or []
        )
        form.options_cy.data = "\n".join(question.options_cy or [])
    choosing = request.method == "POST" and request.form.get("step") == "kind"
    if choosing:
        if kind is None:
            form.kind.errors = [gettext("Select the type of question")]
    elif form.validate_on_submit() and save_form(
        form,
        services.save_question,
        consultation,
        question,
        _question_data(form),
        actor=current_user,
    ):
        flash(gettext("Question saved."), "success")
        return redirect(url_for("consultations.manage_show", slug=consultation.slug))
    fields = {name: [*COMMON_QUESTION_FIELDS, *each.design_fields] for name, each in KINDS.items()}
    return (
        render_template(
            "consultations/manage/question.html",
            form=form,
            consultation=consultation,
            question=question,
            kind=kind,
            shown=fields[kind.name] if kind else [],
            fields_by_kind=fields,
        ),
        400 if form.errors else 200,
    )


@bp.route("/manage/<slug>/questions/new", methods=["GET", "POST"])
@staff_required("officer")
def manage_question_new(slug: str) -> Any:
    return _question_page(_consultation(slug), None)


@bp.route("/manage/<slug>/questions/<int:question_id>", methods=["GET", "POST"])
@staff_required("officer")
def manage_question_edit(slug: str, question_id: int) -> Any:
    consultation = _consultation(slug)
    return _question_page(consultation, _question(consultation, question_id))


@bp.route("/manage/<slug>/questions/<int:question_id>/move", methods=["POST"])
@staff_required("officer")
def manage_question_move(slug: str, question_id: int) -> Any:
    consultation = _consultation(slug)
    direction = -1 if request.form.get("direction") == "up" else 1
    services.move_question(_question(consultation, question_id), direction, actor=current_user)
    db.session.commit()
    return redirect(url_for("consultations.manage_show", slug=slug, _anchor="questions"))


@bp.route("/manage/<slug>/questions/<int:question_id>/delete", methods=["POST"])
@staff_required("officer")
def manage_question_delete(slug: str, question_id: int) -> Any:
    consultation = _consultation(slug)
    services.delete_question(_question(consultation, question_id), actor=current_user)
    return saved(
        gettext("Question deleted."), "consultations.manage_show", slug=slug, _anchor="questions"
    )


@bp.route("/manage/<slug>/preview")
@staff_required("officer")
def manage_preview(slug: str) -> Any:
    return render_template("consultations/manage/preview.html", consultation=_consultation(slug))


@bp.route("/manage/<slug>/publish", methods=["GET", "POST"])
@staff_required("officer")
def manage_publish(slug: str) -> Any:
    """Publishing locks the questions, so it asks first: GET (or a POST without
    confirm=yes) shows what will happen and a 'Yes, publish' button."""
    consultation = _consultation(slug)
    if consultation.published_at is not None or consultation.status != "draft":
        flash(gettext("This consultation is already published."), "error")
        return redirect(url_for("consultations.manage_show", slug=slug))
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return render_template("consultations/manage/publish.html", consultation=consultation)
    try:
        services.publish(consultation, actor=current_user)
    except Invalid as problem:
        db.session.rollback()
        for message in problem.fields.values():
            flash(message, "error")
        return redirect(url_for("consultations.manage_show", slug=slug))
    db.session.commit()
    flash(
        gettext("Published: it is open now.")
        if consultation.status == "open"
        else gettext("Published: it will open at its opening time."),
        "success",
    )
    return redirect(url_for("consultations.manage_show", slug=slug))


@bp.route("/manage/<slug>/close", methods=["POST"])
@staff_required("officer")
def manage_close(slug: str) -> Any:
    services.close_early(_consultation(slug), actor=current_user)
    return saved(
        gettext("Closed. Residents can no longer respond."), "consultations.manage_show", slug=slug
    )


@bp.route("/manage/<slug>/advance", methods=["POST"])
@staff_required("officer")
def manage_advance(slug: str) -> Any:
    status = services.advance_status(_consultation(slug), actor=current_user)
    message = {
        "analysed": gettext("Marked as analysed."),
        "responded": gettext("Marked as responded."),
    }.get(status, gettext("Marked as %(status)s.", status=status))
    return saved(message, "consultations.manage_show", slug=slug)


@bp.route("/manage/<slug>/duplicate", methods=["POST"])
@staff_required("officer")
def manage_duplicate(slug: str) -> Any:
    copy = services.duplicate(_consultation(slug), actor=current_user)
    return saved(
        gettext("Copied as a new draft. Change its details and dates before publishing."),
        "consultations.manage_show",
        slug=copy.slug,
    )


# --- moderation ---------------------------------------------------------------------------


@bp.route("/manage/<slug>/moderation")
@staff_required("officer")
def manage_moderation(slug: str) -> Any:
    consultation = _consultation(slug)
    show = request.args.get("show", "flagged")
    query = (
        select(Answer)
        .join(Answer.response)
        .join(Answer.question)
        .where(
            Response.consultation_id == consultation.id,
            Response.status == "submitted",
            Question.kind.in_(TEXT_KINDS),
        )
        .order_by(Response.submitted_at.desc(), Answer.id)
        .options(selectinload(Answer.response), selectinload(Answer.question))
    )
    if show == "hidden":
        query = query.where(Answer.moderation == "hidden")
    page = db.paginate(query, per_page=200, error_out=False)
    answers = list(page.items)
    if show == "flagged":
        answers = [a for a in answers if a.flags or a.moderation == "hidden"]
    return render_template(
        "consultations/manage/moderation.html",
        consultation=consultation,
        answers=answers,
        show=show,
        page=page,
    )


@bp.route("/manage/<slug>/answers/<int:answer_id>/moderate", methods=["POST"])
@staff_required("officer")
def manage_moderate(slug: str, answer_id: int) -> Any:
    consultation = _consultation(slug)
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.response.consultation_id != consultation.id:
        abort(404)
    hide = request.form.get("action") == "hide"
    try:
        services.moderate_answer(
            answer, hide=hide, reason=request.form.get("reason", ""), actor=current_user
        )
    except Invalid as problem:
        db.session.rollback()
        flash(problem.fields.get("reason", problem.message), "error")
    else:
        db.session.commit()
        flash(gettext("Answer hidden.") if hide else gettext("Answer restored."), "success")
    return redirect(
        url_for(
            "consultations.manage_moderation",
            slug=slug,
            show=request.form.get("show", "flagged"),
            _anchor=f"answer-{answer_id}",
        )
    )


# --- imports ------------------------------------------------------------------------------


@bp.route("/manage/<slug>/imports/new", methods=["GET", "POST"])
@staff_required("officer")
def manage_import_new(slug: str) -> Any:
    consultation = _consultation(slug)
    form = ImportUploadForm()
    if form.validate_on_submit():
        try:
            record = imports.start_import(
                consultation,
                form.file.data.filename,
                form.file.data.read(),
                channel=form.channel.data,
                actor=current_user,
            )
        except Invalid as problem:
            db.session.rollback()
            form.file.errors = [*form.file.errors, problem.fields.get("file", problem.message)]
        else:
            db.session.commit()
            return redirect(url_for("consultations.manage_import", slug=slug, import_id=record.id))
    earlier = db.session.scalars(
        select(ResponseImport)
        .where(ResponseImport.consultation_id == consultation.id)
        .order_by(ResponseImport.created_at.desc())
    ).all()
    return (
        render_template(
            "consultations/manage/import_new.html",
            consultation=consultation,
            form=form,
            earlier=earlier,
        ),
        400 if form.errors else 200,
    )


@bp.route("/manage/<slug>/imports/<int:import_id>", methods=["GET", "POST"])
@staff_required("officer")
def manage_import(slug: str, import_id: int) -> Any:
    consultation = _consultation(slug)
    record = db.session.get(ResponseImport, import_id)
    if record is None or record.consultation_id != consultation.id:
        abort(404)
    if request.method == "POST" and record.finished_at is None:
        mapping = imports.mapping_from_form(consultation, request.form)
        choice = request.form.get("action", "check")
        result = imports.run_import(
            consultation,
            record,
            mapping,
            import_good_rows=choice == "import_good",
            actor=current_user,
        )
        db.session.commit()
        if result.imported:
            flash(
                ngettext(
                    "Imported %(num)s response.", "Imported %(num)s responses.", result.imported
                ),
                "success",
            )
        return redirect(url_for("consultations.manage_import", slug=slug, import_id=record.id))
    return render_template(
        "consultations/manage/import.html",
        consultation=consultation,
        record=record,
        fields=imports.target_fields(consultation),
        guess=imports.guess_mapping(consultation, record),
    )


# --- dashboard ----------------------------------------------------------------------------


@bp.route("/<slug>/dashboard")
@staff_required("officer")
def dashboard(slug: str) -> Any:
    """The consultation's one dashboard (the workspace's charts page redirects here)."""
    consultation = _consultation(slug)
    return render_template(
        "consultations/manage/dashboard.html",
        consultation=consultation,
        figures=dashboards.figures(consultation),
        references=queries.reference_shares(consultation),
        reference_fields=charts.PROFILE_FIELDS,
    )
