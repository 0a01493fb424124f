"""Officer workspace pages: analysis runs, theme review, charts, exports and the council
response register. Views parse, call a service, commit, and render or redirect."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from consult.auth.access import staff_required
from consult.errors import ConsultError, Invalid
from consult.extensions import db
from consult.models import (
    AnalysisRun,
    Answer,
    Consultation,
    Contribution,
    CouncilResponse,
    DuplicateGroupRecord,
    Jury,
    Question,
    Recommendation,
    ReferenceShare,
    Theme,
    ThemeAssignment,
    User,
)
from consult.models.outcomes import RESPONSE_STATUSES
from consult.workspace import bp, charts, exports, jobs, payloads, queries, services
from consult.workspace.services import STATUS_LABELS, ResponseInput

PER_PAGE = 20


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"response_status_labels": STATUS_LABELS}


# --------------------------------------------------------------------------- index


@bp.route("/")
@staff_required("officer")
def index():  # type: ignore[no-untyped-def]
    consultations = db.session.scalars(
        select(Consultation)
        .where(Consultation.status != "draft")
        .order_by(Consultation.closes_at.desc())
    ).all()
    juries = db.session.scalars(select(Jury).order_by(Jury.id.desc())).all()
    return render_template(
        "workspace/index.html",
        consultations=consultations,
        juries=juries,
        overdue=services.overdue_responses(),
    )


# --------------------------------------------------------------------------- runs


def _subject_runs(consultation: Consultation | None = None, jury: Jury | None = None):  # type: ignore[no-untyped-def]
    where = (
        AnalysisRun.consultation_id == consultation.id
        if consultation
        else AnalysisRun.jury_id == jury.id  # type: ignore[union-attr]
    )
    return db.session.scalars(
        select(AnalysisRun).where(where).order_by(AnalysisRun.id.desc())
    ).all()


def _duplicates(run: AnalysisRun | None) -> dict[int | None, list[DuplicateGroupRecord]]:
    out: dict[int | None, list[DuplicateGroupRecord]] = {}
    if run is None:
        return out
    for group in db.session.scalars(
        select(DuplicateGroupRecord)
        .where(DuplicateGroupRecord.run_id == run.id)
        .order_by(DuplicateGroupRecord.count.desc())
    ):
        out.setdefault(group.question_id, []).append(group)
    return out


def _responses_by_theme(themes: list[Theme]) -> dict[int, CouncilResponse]:
    ids = [t.id for t in themes]
    if not ids:
        return {}
    return {
        r.theme_id: r
        for r in db.session.scalars(
            select(CouncilResponse).where(CouncilResponse.theme_id.in_(ids))
        )
    }


@bp.route("/consultations/<int:consultation_id>")
@staff_required("officer")
def consultation(consultation_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(Consultation, consultation_id)
    run = queries.current_run(consultation_id=item.id)
    questions = [q for q in item.questions if q.kind == "free_text"]
    themes = {q.id: queries.live_themes(run, q.id) if run else [] for q in questions}
    all_themes = [t for ts in themes.values() for t in ts]
    return render_template(
        "workspace/consultation.html",
        consultation=item,
        run=run,
        runs=_subject_runs(consultation=item),
        questions=questions,
        themes=themes,
        duplicates=_duplicates(run),
        responses=_responses_by_theme(all_themes),
        answer_count=item.responses.filter_by(status="submitted").count(),
    )


@bp.route("/juries/<int:jury_id>")
@staff_required("officer")
def jury(jury_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(Jury, jury_id)
    run = queries.current_run(jury_id=item.id)
    themes = queries.live_themes(run) if run else []
    recommendations = db.session.scalars(
        select(Recommendation)
        .where(Recommendation.jury_id == item.id, Recommendation.status == "passed")
        .order_by(Recommendation.position)
    ).all()
    responses = {
        r.recommendation_id: r
        for r in db.session.scalars(
            select(CouncilResponse).where(
                CouncilResponse.recommendation_id.in_([r.id for r in recommendations] or [0])
            )
        )
    }
    return render_template(
        "workspace/jury.html",
        jury=item,
        run=run,
        runs=_subject_runs(jury=item),
        themes=themes,
        recommendations=recommendations,
        responses=responses,
        opinion=charts.jury_opinion_maps(item),
    )


def _start(consultation: Consultation | None = None, jury: Jury | None = None):  # type: ignore[no-untyped-def]
    n_themes = (request.form.get("n_themes") or "auto").strip() or "auto"
    seed = request.form.get("random_state") or 0
    try:
        seed = int(seed)
    except ValueError:
        seed = 0
    run = jobs.start_run(
        consultation=consultation,
        jury=jury,
        actor=current_user,
        n_themes=n_themes,
        random_state=seed,
    )
    db.session.commit()
    jobs.dispatch(run.id)
    return redirect(url_for("workspace.run", run_id=run.id))


@bp.route("/consultations/<int:consultation_id>/runs", methods=["POST"])
@staff_required("officer")
def start_consultation_run(consultation_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(Consultation, consultation_id)
    try:
        return _start(consultation=item)
    except ConsultError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("workspace.consultation", consultation_id=item.id))


@bp.route("/juries/<int:jury_id>/runs", methods=["POST"])
@staff_required("officer")
def start_jury_run(jury_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(Jury, jury_id)
    try:
        return _start(jury=item)
    except ConsultError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("workspace.jury", jury_id=item.id))


@bp.route("/runs/<int:run_id>")
@staff_required("officer")
def run(run_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(AnalysisRun, run_id)
    subject = (
        db.session.get(Consultation, item.consultation_id)
        if item.consultation_id
        else db.session.get(Jury, item.jury_id)
    )
    return render_template(
        "workspace/run.html", run=item, subject=subject, state=payloads.run_progress(item)
    )


@bp.route("/runs/<int:run_id>/progress")
@staff_required("officer")
def run_progress(run_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(AnalysisRun, run_id)
    return jsonify(payloads.run_progress(item))


# --------------------------------------------------------------------------- themes


def _theme(theme_id: int) -> Theme:
    return db.get_or_404(Theme, theme_id)


def _theme_context(theme: Theme) -> tuple[AnalysisRun, Any, Question | None]:
    run = db.session.get(AnalysisRun, theme.run_id)
    subject = (
        db.session.get(Consultation, run.consultation_id)
        if run.consultation_id
        else db.session.get(Jury, run.jury_id)
    )
    question = db.session.get(Question, theme.question_id) if theme.question_id else None
    return run, subject, question


@bp.route("/themes/<int:theme_id>")
@staff_required("officer")
def theme(theme_id: int):  # type: ignore[no-untyped-def]
    item = _theme(theme_id)
    if item.merged_into_id:
        return redirect(url_for("workspace.theme", theme_id=item.merged_into_id))
    run, subject, question = _theme_context(item)
    term = (request.args.get("q") or "").strip()
    original = request.args.get("text") == "original"
    cited = request.args.get("cited", type=int)
    page = max(1, request.args.get("page", 1, type=int))
    query = select(ThemeAssignment).where(
        ThemeAssignment.theme_id == item.id, ThemeAssignment.primary.is_(True)
    )
    is_answer = item.question_id is not None
    if is_answer:
        query = query.join(Answer, ThemeAssignment.answer_id == Answer.id)
        if term:
            column = Answer.text if original else Answer.redacted_text
            query = query.where(func.lower(column).contains(term.lower()))
    else:
        query = query.join(Contribution, ThemeAssignment.contribution_id == Contribution.id)
        if term:
            query = query.where(func.lower(Contribution.text).contains(term.lower()))
    if cited is not None and 0 <= cited < len(item.summary or []):
        ids = [int(i) for i in item.summary[cited].get("response_ids", [])]
        column = ThemeAssignment.answer_id if is_answer else ThemeAssignment.contribution_id
        query = query.where(column.in_(ids or [0]))
    pagination = db.paginate(
        query.order_by(ThemeAssignment.not_relevant, ThemeAssignment.confidence.desc()),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )
    rows = []
    for row in pagination.items:
        if is_answer:
            answer = db.session.get(Answer, row.answer_id)
            text = (answer.text or "") if original else services.publishable_text(answer)
            rows.append(
                {"row": row, "item_id": answer.id, "text": text, "flags": answer.flags or []}
            )
        else:
            contribution = db.session.get(Contribution, row.contribution_id)
            from consult.consultations.redaction import moderate

            text = contribution.text if original else moderate(contribution.text)[0]
            rows.append({"row": row, "item_id": contribution.id, "text": text, "flags": []})
    siblings = (
        [t for t in queries.live_themes(run, item.question_id) if t.id != item.id]
        if item.question_id
        else [t for t in queries.live_themes(run) if t.id != item.id]
    )
    response = db.session.scalar(select(CouncilResponse).where(CouncilResponse.theme_id == item.id))
    return render_template(
        "workspace/theme.html",
        theme=item,
        run=run,
        subject=subject,
        question=question,
        rows=rows,
        pagination=pagination,
        term=term,
        original=original,
        cited=cited,
        siblings=siblings,
        response=response,
        approver=db.session.get(User, item.approved_by_id) if item.approved_by_id else None,
        errors=request.args.getlist("error"),
    )


def _back(theme: Theme, **extra: Any):  # type: ignore[no-untyped-def]
    return redirect(url_for("workspace.theme", theme_id=theme.id, **extra))


def _edit(theme_id: int, action):  # type: ignore[no-untyped-def]
    item = _theme(theme_id)
    try:
        result = action(item)
    except ConsultError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(db.get_or_404(Theme, theme_id))
    db.session.commit()
    return result


@bp.route("/themes/<int:theme_id>/rename", methods=["POST"])
@staff_required("officer")
def rename_theme(theme_id: int):  # type: ignore[no-untyped-def]
    def act(item: Theme):  # type: ignore[no-untyped-def]
        services.rename_theme(item, request.form.get("label", ""), actor=current_user)
        flash(f"Renamed the theme to “{item.label}”.", "success")
        return _back(item)

    return _edit(theme_id, act)


@bp.route("/themes/<int:theme_id>/merge", methods=["POST"])
@staff_required("officer")
def merge_theme(theme_id: int):  # type: ignore[no-untyped-def]
    def act(item: Theme):  # type: ignore[no-untyped-def]
        ids = [int(v) for v in request.form.getlist("sources") if v.isdigit()]
        sources = [db.session.get(Theme, i) for i in ids]
        services.merge_themes(item, [s for s in sources if s], actor=current_user)
        flash(f"Merged {len(ids)} theme(s) into “{item.label}”.", "success")
        return _back(item)

    return _edit(theme_id, act)


@bp.route("/themes/<int:theme_id>/split", methods=["POST"])
@staff_required("officer")
def split_theme(theme_id: int):  # type: ignore[no-untyped-def]
    def act(item: Theme):  # type: ignore[no-untyped-def]
        parts = services.split_theme(item, request.form.get("parts") or "auto", actor=current_user)
        flash(f"Split into {len(parts)} themes: " + "; ".join(p.label for p in parts), "success")
        return _back(item)

    return _edit(theme_id, act)


@bp.route("/themes/<int:theme_id>/approve", methods=["POST"])
@staff_required("officer")
def approve_theme(theme_id: int):  # type: ignore[no-untyped-def]
    def act(item: Theme):  # type: ignore[no-untyped-def]
        approved = request.form.get("approved", "yes") == "yes"
        services.approve_theme(item, actor=current_user, approved=approved)
        flash("Theme approved." if approved else "Approval withdrawn.", "success")
        return _back(item)

    return _edit(theme_id, act)


@bp.route("/themes/<int:theme_id>/move", methods=["POST"])
@staff_required("officer")
def move_item(theme_id: int):  # type: ignore[no-untyped-def]
    def act(item: Theme):  # type: ignore[no-untyped-def]
        target = db.session.get(Theme, request.form.get("target", type=int) or 0)
        if target is None:
            raise Invalid(
                "Choose a theme to move the answer to.", fields={"target": "Choose a theme"}
            )
        services.move_item(
            item, request.form.get("item", type=int) or 0, target, actor=current_user
        )
        flash(f"Moved the answer to “{target.label}”.", "success")
        return _back(item)

    return _edit(theme_id, act)


@bp.route("/themes/<int:theme_id>/relevance", methods=["POST"])
@staff_required("officer")
def mark_relevance(theme_id: int):  # type: ignore[no-untyped-def]
    def act(item: Theme):  # type: ignore[no-untyped-def]
        value = request.form.get("not_relevant", "yes") == "yes"
        services.mark_not_relevant(
            item, request.form.get("item", type=int) or 0, actor=current_user, value=value
        )
        flash("Marked as not relevant." if value else "Marked as relevant again.", "success")
        return _back(item)

    return _edit(theme_id, act)


@bp.route("/runs/<int:run_id>/publish", methods=["POST"])
@staff_required("officer")
def publish_themes(run_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(AnalysisRun, run_id)
    count = services.publish_themes(item, actor=current_user)
    db.session.commit()
    flash(f"Published {count} approved theme(s).", "success")
    if item.consultation_id:
        return redirect(url_for("workspace.consultation", consultation_id=item.consultation_id))
    return redirect(url_for("workspace.jury", jury_id=item.jury_id))


# --------------------------------------------------------------------------- council responses


def _parse_date(value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise Invalid(
            "Enter a real date.", fields={"due_date": "Enter a real date, like 2027-03-31"}
        ) from error


def _response_input(form: Any, prefix: str = "") -> ResponseInput:
    return ResponseInput(
        status=form.get(f"{prefix}status", ""),
        text=form.get(f"{prefix}text", ""),
        reasons=form.get(f"{prefix}reasons", ""),
        owner=form.get(f"{prefix}owner", ""),
        due_date=_parse_date(form.get(f"{prefix}due_date")),
    )


def _response_page(*, theme: Theme | None = None, recommendation: Recommendation | None = None):  # type: ignore[no-untyped-def]
    where = (
        CouncilResponse.theme_id == theme.id
        if theme is not None
        else CouncilResponse.recommendation_id == recommendation.id  # type: ignore[union-attr]
    )
    existing = db.session.scalar(select(CouncilResponse).where(where))
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            data = _response_input(request.form)
            saved = services.record_response(
                data, theme=theme, recommendation=recommendation, actor=current_user
            )
            if request.form.get("publish") == "yes":
                sent = services.publish_response(saved, actor=current_user)
                flash(f"Response saved and published; {sent} resident(s) e-mailed.", "success")
            else:
                flash("Response saved.", "success")
            db.session.commit()
            return redirect(request.path)
        except Invalid as error:
            db.session.rollback()
            errors = error.fields or {"status": error.message}
            status = 422
    elif existing is not None:
        values = {
            "status": existing.status,
            "text": existing.text,
            "reasons": existing.reasons or "",
            "owner": existing.owner,
            "due_date": existing.due_date.isoformat() if existing.due_date else "",
        }
    if theme is not None:
        _, subject, question = _theme_context(theme)
        back = (
            url_for("workspace.consultation", consultation_id=subject.id)
            if isinstance(subject, Consultation)
            else url_for("workspace.jury", jury_id=subject.id)
        )
        title, context = theme.label, (question.prompt if question else subject.title)
    else:
        subject = db.session.get(Jury, recommendation.jury_id)  # type: ignore[union-attr]
        back = url_for("workspace.jury", jury_id=subject.id)
        title, context = recommendation.title, recommendation.text  # type: ignore[union-attr]
    return (
        render_template(
            "workspace/response.html",
            title=title,
            context=context,
            subject=subject,
            theme=theme,
            recommendation=recommendation,
            response=existing,
            values=values,
            errors=errors,
            statuses=RESPONSE_STATUSES,
            back=back,
        ),
        status,
    )


@bp.route("/themes/<int:theme_id>/response", methods=["GET", "POST"])
@staff_required("officer")
def theme_response(theme_id: int):  # type: ignore[no-untyped-def]
    return _response_page(theme=_theme(theme_id))


@bp.route("/recommendations/<int:recommendation_id>/response", methods=["GET", "POST"])
@staff_required("officer")
def recommendation_response(recommendation_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(Recommendation, recommendation_id)
    if item.status != "passed":
        abort(404)
    return _response_page(recommendation=item)


def _response_back(response: CouncilResponse) -> str:
    if response.theme_id:
        return url_for("workspace.theme_response", theme_id=response.theme_id)
    return url_for(
        "workspace.recommendation_response", recommendation_id=response.recommendation_id
    )


@bp.route("/council-responses/<int:response_id>/progress", methods=["POST"])
@staff_required("officer")
def add_progress(response_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(CouncilResponse, response_id)
    try:
        services.add_progress(
            item, request.form.get("percent"), request.form.get("note", ""), actor=current_user
        )
    except Invalid as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(_response_back(item))
    db.session.commit()
    flash("Progress recorded.", "success")
    return redirect(_response_back(item))


@bp.route("/council-responses/<int:response_id>/publish", methods=["POST"])
@staff_required("officer")
def publish_response(response_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(CouncilResponse, response_id)
    sent = services.publish_response(item, actor=current_user)
    db.session.commit()
    flash(f"Published. {sent} resident(s) who asked for updates were e-mailed.", "success")
    return redirect(_response_back(item))


def _register_rows(consultation: Consultation | None = None, jury: Jury | None = None):  # type: ignore[no-untyped-def]
    """(label, context, recommendation, theme, response) for every item needing a response."""
    rows = []
    if consultation is not None:
        run = queries.current_run(consultation_id=consultation.id)
        for question in consultation.questions:
            if question.kind != "free_text" or run is None:
                continue
            for theme in queries.live_themes(run, question.id):
                if theme.no_substantive_comment:
                    continue
                rows.append((theme.label, question.prompt, None, theme))
    else:
        for rec in db.session.scalars(
            select(Recommendation)
            .where(Recommendation.jury_id == jury.id, Recommendation.status == "passed")  # type: ignore[union-attr]
            .order_by(Recommendation.position)
        ):
            rows.append((rec.title, rec.text, rec, None))
    out = []
    for label, context, rec, theme in rows:
        where = (
            CouncilResponse.recommendation_id == rec.id
            if rec is not None
            else CouncilResponse.theme_id == theme.id
        )
        out.append(
            (label, context, rec, theme, db.session.scalar(select(CouncilResponse).where(where)))
        )
    return out


def _register(consultation: Consultation | None = None, jury: Jury | None = None):  # type: ignore[no-untyped-def]
    rows = _register_rows(consultation, jury)
    errors: dict[str, str] = {}
    status = 200
    values: dict[str, str] = {}
    if request.method == "POST":
        values = request.form.to_dict()
        entries = []
        try:
            for number, (_, _, rec, theme, response) in enumerate(rows):
                if not request.form.get(f"row-{number}-status"):
                    continue  # rows left blank are not touched
                data = _response_input(request.form, prefix=f"row-{number}-")
                entries.append((number, (response, rec, theme, data)))
        except Invalid as error:
            errors = {"row-0-due_date": error.message}
        if not errors:
            saved, raw_errors = services.bulk_record([e for _, e in entries], actor=current_user)
            # errors come back keyed by position in `entries`: map to the row numbers
            for key, message in raw_errors.items():
                _, index, name = key.split("-", 2)
                errors[f"row-{entries[int(index)][0]}-{name}"] = message
            if not errors:
                db.session.commit()
                flash(f"Saved {len(saved)} response(s).", "success")
                return redirect(request.path)
        db.session.rollback()
        status = 422
    return (
        render_template(
            "workspace/register.html",
            consultation=consultation,
            jury=jury,
            rows=rows,
            errors=errors,
            values=values,
            statuses=RESPONSE_STATUSES,
        ),
        status,
    )


@bp.route("/consultations/<int:consultation_id>/responses", methods=["GET", "POST"])
@staff_required("officer")
def consultation_register(consultation_id: int):  # type: ignore[no-untyped-def]
    return _register(consultation=db.get_or_404(Consultation, consultation_id))


@bp.route("/juries/<int:jury_id>/responses", methods=["GET", "POST"])
@staff_required("officer")
def jury_register(jury_id: int):  # type: ignore[no-untyped-def]
    return _register(jury=db.get_or_404(Jury, jury_id))


# --------------------------------------------------------------------------- charts


@bp.route("/consultations/<int:consultation_id>/charts")
@staff_required("officer")
def consultation_charts(consultation_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(Consultation, consultation_id)
    references = db.session.scalars(
        select(ReferenceShare)
        .where(ReferenceShare.consultation_id == item.id)
        .order_by(ReferenceShare.field, ReferenceShare.value)
    ).all()
    return render_template(
        "workspace/charts.html",
        consultation=item,
        data=charts.consultation_charts(item),
        references=references,
        fields=charts.PROFILE_FIELDS,
    )


@bp.route("/consultations/<int:consultation_id>/charts.json")
@staff_required("officer")
def consultation_charts_json(consultation_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(Consultation, consultation_id)
    return jsonify(charts.consultation_charts(item))


@bp.route("/consultations/<int:consultation_id>/reference", methods=["POST"])
@staff_required("officer")
def save_reference(consultation_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(Consultation, consultation_id)
    try:
        count = charts.save_reference_shares(
            item, request.form.get("field", ""), request.form.get("shares", ""), actor=current_user
        )
    except Invalid as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("workspace.consultation_charts", consultation_id=item.id))
    db.session.commit()
    flash(f"Saved {count} reference share(s).", "success")
    return redirect(url_for("workspace.consultation_charts", consultation_id=item.id) + "#profile")


# --------------------------------------------------------------------------- exports


@bp.route("/consultations/<int:consultation_id>/export.<fmt>")
@staff_required("officer")
def export(consultation_id: int, fmt: str):  # type: ignore[no-untyped-def]
    item = db.get_or_404(Consultation, consultation_id)
    makers = {
        "xlsx": (exports.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "csv": (exports.csv_answers, "text/csv; charset=utf-8"),
        "docx": (
            exports.docx_report,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "json": (exports.open_data_json, "application/json"),
    }
    if fmt not in makers:
        abort(404)
    maker, mimetype = makers[fmt]
    body = maker(item)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{item.slug}.{fmt}"'},
    )
