"""Officer workspace pages: analysis runs, theme review, charts, exports and the council
response register. Views parse, call a service, commit, and render or redirect."""

from __future__ import annotations

from collections.abc import Callable
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
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_login import current_user

from analysis.language import WELSH_GROUP_TITLE
from consult.auth.access import staff_required
from consult.dates import DateProblem, date_from_form
from consult.errors import ConsultError, Invalid
from consult.extensions import db
from consult.i18n import register_browser_strings
from consult.models import (
    AnalysisRun,
    Consultation,
    CouncilResponse,
    Jury,
    Recommendation,
    Theme,
)
from consult.models.outcomes import RESPONSE_STATUSES
from consult.workspace import (
    bp,
    charts,
    exports,
    jobs,
    jury_exports,
    payloads,
    queries,
    services,
    wording,
)
from consult.workspace.browser_strings import workspace_strings
from consult.workspace.services import STATUS_LABELS, ResponseInput

register_browser_strings(bp.name, workspace_strings)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"response_status_labels": STATUS_LABELS}


@bp.record_once
def _globals(state: Any) -> None:
    # a global, not a context variable: the macros of _macros.html read it too
    state.app.jinja_env.globals["wording"] = wording
    # the title of the one group of Welsh answers: English, so never marked lang="cy"
    state.app.jinja_env.globals["welsh_group_label"] = WELSH_GROUP_TITLE


# --------------------------------------------------------------------------- index


@bp.route("/")
@staff_required("officer")
def index() -> ResponseReturnValue:
    return render_template(
        "workspace/index.html",
        consultations=queries.open_consultations(),
        juries=queries.juries(),
        overdue=services.overdue_responses(),
    )


# --------------------------------------------------------------------------- runs


@bp.route("/consultations/<int:consultation_id>")
@staff_required("officer")
def consultation(consultation_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Consultation, consultation_id)
    run = queries.current_run(consultation_id=item.id)
    questions = [q for q in item.questions if q.kind == "free_text"]
    themes = {q.id: queries.live_themes(run, q.id) if run else [] for q in questions}
    return render_template(
        "workspace/consultation.html",
        consultation=item,
        run=run,
        runs=queries.subject_runs(item),
        questions=questions,
        themes=themes,
        subthemes=queries.subthemes_of([t for ts in themes.values() for t in ts]),
        duplicates=queries.duplicate_groups(run),
        responses=queries.responses_by_theme([t for ts in themes.values() for t in ts]),
        answer_count=queries.submitted_count(item),
        publish_refusal=services.not_yet_publishable(item, themes=True),
    )


@bp.route("/juries/<int:jury_id>")
@staff_required("officer")
def jury(jury_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Jury, jury_id)
    run = queries.current_run(jury_id=item.id)
    recommendations = queries.passed_recommendations(item)
    themes = queries.live_themes(run) if run else []
    return render_template(
        "workspace/jury.html",
        jury=item,
        run=run,
        runs=queries.subject_runs(item),
        themes=themes,
        subthemes=queries.subthemes_of(themes),
        recommendations=recommendations,
        responses=queries.responses_by_recommendation(recommendations),
        opinion=charts.jury_opinion_maps(item),
    )


def _start(subject: Consultation | Jury, back: str) -> ResponseReturnValue:
    """Queue an analysis run of `subject` and go to its progress page; a refusal is
    flashed on `back`."""
    n_themes = (request.form.get("n_themes") or "auto").strip() or "auto"
    seed = request.form.get("random_state", 0, type=int)
    try:
        run = jobs.start_run(
            consultation=subject if isinstance(subject, Consultation) else None,
            jury=subject if isinstance(subject, Jury) else None,
            actor=current_user,
            n_themes=n_themes,
            random_state=seed,
            backend=(request.form.get("backend") or "").strip() or None,
        )
    except ConsultError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    jobs.dispatch(run.id)
    return redirect(url_for("workspace.run", run_id=run.id))


@bp.route("/consultations/<int:consultation_id>/runs", methods=["POST"])
@staff_required("officer")
def start_consultation_run(consultation_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Consultation, consultation_id)
    return _start(item, url_for("workspace.consultation", consultation_id=item.id))


@bp.route("/juries/<int:jury_id>/runs", methods=["POST"])
@staff_required("officer")
def start_jury_run(jury_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Jury, jury_id)
    return _start(item, url_for("workspace.jury", jury_id=item.id))


@bp.route("/runs/<int:run_id>")
@staff_required("officer")
def run(run_id: int) -> ResponseReturnValue:
    item = db.get_or_404(AnalysisRun, run_id)
    return render_template(
        "workspace/run.html",
        run=item,
        subject=queries.run_subject(item),
        state=payloads.run_progress(item),
        settings=wording.run_settings(item),
        technical=wording.run_technical(item),
    )


@bp.route("/runs/<int:run_id>/progress")
@staff_required("officer")
def run_progress(run_id: int) -> ResponseReturnValue:
    item = db.get_or_404(AnalysisRun, run_id)
    return jsonify(payloads.run_progress(item))


# --------------------------------------------------------------------------- themes


@bp.route("/themes/<int:theme_id>")
@staff_required("officer")
def theme(theme_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Theme, theme_id)
    if item.merged_into_id:
        return redirect(url_for("workspace.theme", theme_id=item.merged_into_id))
    where = queries.theme_context(item)
    term = (request.args.get("q") or "").strip()
    original = request.args.get("text") == "original"
    cited = request.args.get("cited", type=int)
    page = queries.theme_page(
        item,
        term=term,
        original=original,
        cited=cited,
        page=request.args.get("page", 1, type=int),
    )
    tree = queries.move_targets(item, where.run)
    level = [sub for _, subs in tree for sub in subs] if item.parent_id else [t for t, _ in tree]
    return render_template(
        "workspace/theme.html",
        theme=item,
        tree=tree,
        parent=next((top for top, _ in tree if top.id == item.parent_id), None),
        children=next((subs for top, subs in tree if top.id == item.id), []),
        merge_candidates=[t for t in level if t.id != item.id and not t.no_substantive_comment],
        kind="sub-theme" if item.parent_id else "theme",
        run=where.run,
        subject=where.subject,
        question=where.question,
        rows=page.rows,
        pagination=page.pagination,
        term=term,
        original=original,
        cited=cited,
        response=queries.council_response(theme=item),
        approver=queries.approver(item),
        errors=request.args.getlist("error"),
    )


#: An edit on a theme: a service call that returns the message to flash.
ThemeEdit = Callable[[Theme], str]


def _back(theme: Theme) -> ResponseReturnValue:
    return redirect(url_for("workspace.theme", theme_id=theme.id))


def _edit(theme_id: int, action: ThemeEdit) -> ResponseReturnValue:
    """Apply `action` (a service call that returns the message to flash) to the theme,
    commit and go back to its page; a refusal is rolled back and flashed instead."""
    item = db.get_or_404(Theme, theme_id)
    try:
        message = action(item)
    except ConsultError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(db.get_or_404(Theme, theme_id))
    db.session.commit()
    flash(message, "success")
    return _back(item)


def _theme_edit(path: str) -> Callable[[ThemeEdit], ThemeEdit]:
    """Register `act` as an officer's form on a theme page: a POST to
    `/themes/<theme_id>/<path>` that applies it through `_edit`. The endpoint is the
    function's name."""

    def register(act: ThemeEdit) -> ThemeEdit:
        def view(theme_id: int) -> ResponseReturnValue:
            return _edit(theme_id, act)

        bp.add_url_rule(
            f"/themes/<int:theme_id>/{path}",
            act.__name__,
            staff_required("officer")(view),
            methods=["POST"],
        )
        return act

    return register


@_theme_edit("rename")
def rename_theme(item: Theme) -> str:
    services.rename_theme(item, request.form.get("label", ""), actor=current_user)
    if item.parent_id:
        return gettext("Renamed the sub-theme to “%(label)s”.", label=item.label)
    return gettext("Renamed the theme to “%(label)s”.", label=item.label)


@_theme_edit("describe")
def describe_theme(item: Theme) -> str:
    services.describe_theme(item, request.form.get("description", ""), actor=current_user)
    return gettext("Description saved.")


@bp.route("/themes/<int:theme_id>/merge", methods=["POST"])
@staff_required("officer")
def merge_theme(theme_id: int) -> ResponseReturnValue:
    """A merge cannot be undone, so the chosen themes go to a confirmation page first;
    only a POST with confirm=yes merges."""
    ids = [int(v) for v in request.form.getlist("sources") if v.isdigit()]
    if ids and request.form.get("confirm") != "yes":
        target = db.get_or_404(Theme, theme_id)
        chosen = [t for t in (db.session.get(Theme, i) for i in ids) if t and t.id != target.id]
        return render_template("workspace/merge.html", theme=target, sources=chosen)

    def act(item: Theme) -> str:
        sources = [db.session.get(Theme, i) for i in ids]
        services.merge_themes(item, [s for s in sources if s], actor=current_user)
        if item.parent_id:
            return ngettext(
                "Merged %(num)s sub-theme into “%(label)s”.",
                "Merged %(num)s sub-themes into “%(label)s”.",
                len(ids),
                label=item.label,
            )
        return ngettext(
            "Merged %(num)s theme into “%(label)s”.",
            "Merged %(num)s themes into “%(label)s”.",
            len(ids),
            label=item.label,
        )

    return _edit(theme_id, act)


@_theme_edit("split")
def split_theme(item: Theme) -> str:
    parts = services.split_theme(item, request.form.get("parts") or "auto", actor=current_user)
    labels = "; ".join(p.label for p in parts)
    if item.parent_id:
        return ngettext(
            "Split into %(num)s sub-theme: %(labels)s",
            "Split into %(num)s sub-themes: %(labels)s",
            len(parts),
            labels=labels,
        )
    return ngettext(
        "Split into %(num)s theme: %(labels)s",
        "Split into %(num)s themes: %(labels)s",
        len(parts),
        labels=labels,
    )


@_theme_edit("approve")
def approve_theme(item: Theme) -> str:
    approved = request.form.get("approved", "yes") == "yes"
    services.approve_theme(item, actor=current_user, approved=approved)
    return gettext("Theme approved.") if approved else gettext("Approval withdrawn.")


@_theme_edit("move")
def move_item(item: Theme) -> str:
    target = db.session.get(Theme, request.form.get("target", type=int) or 0)
    if target is None:
        raise Invalid(
            gettext("Choose a theme to move the answer to."),
            fields={"target": gettext("Choose a theme")},
        )
    services.move_item(item, request.form.get("item", type=int) or 0, target, actor=current_user)
    return gettext("Moved the answer to “%(label)s”.", label=target.label)


@_theme_edit("relevance")
def mark_relevance(item: Theme) -> str:
    value = request.form.get("not_relevant", "yes") == "yes"
    services.mark_not_relevant(
        item, request.form.get("item", type=int) or 0, actor=current_user, value=value
    )
    if value:
        return gettext("Marked as not relevant.")
    return gettext("Marked as relevant again.")


@bp.route("/runs/<int:run_id>/publish", methods=["POST"])
@staff_required("officer")
def publish_themes(run_id: int) -> ResponseReturnValue:
    item = db.get_or_404(AnalysisRun, run_id)
    count = services.publish_themes(item, actor=current_user)
    db.session.commit()
    flash(
        ngettext("Published %(num)s approved theme.", "Published %(num)s approved themes.", count),
        "success",
    )
    if item.consultation_id:
        return redirect(url_for("workspace.consultation", consultation_id=item.consultation_id))
    return redirect(url_for("workspace.jury", jury_id=item.jury_id))


# --------------------------------------------------------------------------- council responses


def _due_date(form: Any, prefix: str) -> date | None:
    """The due date typed in the GOV.UK date boxes (or one ISO date, from scripts)."""
    try:
        return date_from_form(form, f"{prefix}due_date", what=gettext("Due date"))
    except DateProblem as problem:
        raise Invalid(str(problem), fields={f"{prefix}due_date": str(problem)}) from problem


def _response_input(form: Any, prefix: str = "") -> ResponseInput:
    return ResponseInput(
        status=form.get(f"{prefix}status", ""),
        text=form.get(f"{prefix}text", ""),
        reasons=form.get(f"{prefix}reasons", ""),
        owner=form.get(f"{prefix}owner", ""),
        due_date=_due_date(form, prefix),
        text_cy=form.get(f"{prefix}text_cy", ""),
        reasons_cy=form.get(f"{prefix}reasons_cy", ""),
    )


def _subject_url(subject: Consultation | Jury) -> str:
    if isinstance(subject, Consultation):
        return url_for("workspace.consultation", consultation_id=subject.id)
    return url_for("workspace.jury", jury_id=subject.id)


def _response_page(
    *, theme: Theme | None = None, recommendation: Recommendation | None = None
) -> ResponseReturnValue:
    """The council response to one theme or one recommendation: the form, and on POST
    save it (and publish it when asked)."""
    subject: Consultation | Jury
    if theme is not None:
        where = queries.theme_context(theme)
        subject = where.subject
        title = theme.label
        context = where.question.prompt if where.question else subject.title
    elif recommendation is not None:
        subject = db.get_or_404(Jury, recommendation.jury_id)
        title, context = recommendation.title, recommendation.text
    else:
        raise ValueError("give a theme or a recommendation")
    refusal = services.not_yet_publishable(subject if isinstance(subject, Consultation) else None)
    existing = queries.council_response(theme=theme, recommendation=recommendation)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            if request.form.get("publish") == "yes" and refusal:
                raise Invalid(refusal, fields={"publish": refusal})
            data = _response_input(request.form)
            saved = services.record_response(
                data, theme=theme, recommendation=recommendation, actor=current_user
            )
            if request.form.get("publish") == "yes":
                sent = services.publish_response(saved, actor=current_user)
                flash(
                    ngettext(
                        "Response saved and published; %(num)s resident emailed.",
                        "Response saved and published; %(num)s residents emailed.",
                        sent,
                    ),
                    "success",
                )
            else:
                flash(gettext("Response saved."), "success")
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
            "text_cy": existing.text_cy or "",
            "reasons_cy": existing.reasons_cy or "",
            "owner": existing.owner,
            "due_date": existing.due_date.isoformat() if existing.due_date else "",
        }
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
            back=_subject_url(subject),
            publish_refusal=refusal,
        ),
        status,
    )


@bp.route("/themes/<int:theme_id>/response", methods=["GET", "POST"])
@staff_required("officer")
def theme_response(theme_id: int) -> ResponseReturnValue:
    return _response_page(theme=db.get_or_404(Theme, theme_id))


@bp.route("/recommendations/<int:recommendation_id>/response", methods=["GET", "POST"])
@staff_required("officer")
def recommendation_response(recommendation_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Recommendation, recommendation_id)
    if item.status != "passed":
        abort(404)
    return _response_page(recommendation=item)


def _response_back(response: CouncilResponse) -> str:
    if response.pb_proposal is not None:
        return url_for("pb.delivery", slug=response.pb_proposal.pb_round.slug)
    if response.theme_id:
        return url_for("workspace.theme_response", theme_id=response.theme_id)
    return url_for(
        "workspace.recommendation_response", recommendation_id=response.recommendation_id
    )


@bp.route("/council-responses/<int:response_id>/progress", methods=["POST"])
@staff_required("officer")
def add_progress(response_id: int) -> ResponseReturnValue:
    item = db.get_or_404(CouncilResponse, response_id)
    try:
        services.add_progress(
            item,
            request.form.get("percent"),
            request.form.get("note", ""),
            note_cy=request.form.get("note_cy", ""),
            actor=current_user,
        )
    except Invalid as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(_response_back(item))
    db.session.commit()
    flash(gettext("Progress recorded."), "success")
    return redirect(_response_back(item))


@bp.route("/council-responses/<int:response_id>/publish", methods=["POST"])
@staff_required("officer")
def publish_response(response_id: int) -> ResponseReturnValue:
    item = db.get_or_404(CouncilResponse, response_id)
    sent = services.publish_response(item, actor=current_user)
    db.session.commit()
    flash(
        ngettext(
            "Published. %(num)s resident who asked for updates was emailed.",
            "Published. %(num)s residents who asked for updates were emailed.",
            sent,
        ),
        "success",
    )
    return redirect(_response_back(item))


def _register(subject: Consultation | Jury) -> ResponseReturnValue:
    """The register of every item of `subject` needing a council response; on POST save
    the rows filled in, all or none."""
    rows = queries.register_rows(subject)
    errors: dict[str, str] = {}
    status = 200
    values: dict[str, str] = {}
    if request.method == "POST":
        values = request.form.to_dict()
        entries = []
        try:
            for number, row in enumerate(rows):
                if not request.form.get(f"row-{number}-status"):
                    continue  # rows left blank are not touched
                data = _response_input(request.form, prefix=f"row-{number}-")
                entries.append((number, (row.response, row.recommendation, row.theme, data)))
        except Invalid as error:
            errors = dict(error.fields or {"row-0-due_date": error.message})
        if not errors:
            saved, raw_errors = services.bulk_record([e for _, e in entries], actor=current_user)
            # errors come back keyed by position in `entries`: map to the row numbers
            for key, message in raw_errors.items():
                _, index, name = key.split("-", 2)
                errors[f"row-{entries[int(index)][0]}-{name}"] = message
            if not errors:
                db.session.commit()
                flash(
                    ngettext("Saved %(num)s response.", "Saved %(num)s responses.", len(saved)),
                    "success",
                )
                return redirect(request.path)
        db.session.rollback()
        status = 422
    return (
        render_template(
            "workspace/register.html",
            consultation=subject if isinstance(subject, Consultation) else None,
            jury=subject if isinstance(subject, Jury) else None,
            rows=rows,
            errors=errors,
            values=values,
            statuses=RESPONSE_STATUSES,
        ),
        status,
    )


@bp.route("/consultations/<int:consultation_id>/responses", methods=["GET", "POST"])
@staff_required("officer")
def consultation_register(consultation_id: int) -> ResponseReturnValue:
    return _register(db.get_or_404(Consultation, consultation_id))


@bp.route("/juries/<int:jury_id>/responses", methods=["GET", "POST"])
@staff_required("officer")
def jury_register(jury_id: int) -> ResponseReturnValue:
    return _register(db.get_or_404(Jury, jury_id))


# --------------------------------------------------------------------------- charts


@bp.route("/consultations/<int:consultation_id>/charts")
@staff_required("officer")
def consultation_charts(consultation_id: int) -> ResponseReturnValue:
    """The charts are on the consultation's one dashboard now: old links go there."""
    return redirect(_dashboard_url(db.get_or_404(Consultation, consultation_id)), 301)


def _dashboard_url(consultation: Consultation, part: str = "") -> str:
    return url_for("consultations.dashboard", slug=consultation.slug) + part


@bp.route("/consultations/<int:consultation_id>/charts.json")
@staff_required("officer")
def consultation_charts_json(consultation_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Consultation, consultation_id)
    return jsonify(charts.consultation_charts(item))


@bp.route("/consultations/<int:consultation_id>/reference", methods=["POST"])
@staff_required("officer")
def save_reference(consultation_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Consultation, consultation_id)
    try:
        count = charts.save_reference_shares(
            item, request.form.get("field", ""), request.form.get("shares", ""), actor=current_user
        )
    except Invalid as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(_dashboard_url(item, "#profile"))
    db.session.commit()
    flash(
        ngettext("Saved %(num)s reference share.", "Saved %(num)s reference shares.", count),
        "success",
    )
    return redirect(_dashboard_url(item, "#profile"))


# --------------------------------------------------------------------------- exports

EXPORTS: dict[str, tuple[Callable[[Consultation], Any], str]] = {
    "xlsx": (exports.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (exports.csv_answers, "text/csv; charset=utf-8"),
    "docx": (
        exports.docx_report,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "json": (exports.open_data_json, "application/json"),
}


JURY_EXPORTS: dict[str, tuple[Callable[[Jury], Any], str]] = {
    "xlsx": (jury_exports.jury_xlsx, EXPORTS["xlsx"][1]),
    "docx": (jury_exports.jury_docx, EXPORTS["docx"][1]),
}


def _download(subject: Any, fmt: str, makers: dict[str, Any], filename: str) -> Response:
    """`subject` exported by `makers[fmt]` as an attachment; 404 for a format not offered."""
    if fmt not in makers:
        abort(404)
    maker, mimetype = makers[fmt]
    return Response(
        maker(subject),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'},
    )


@bp.route("/juries/<int:jury_id>/export.<fmt>")
@staff_required("officer")
def jury_export(jury_id: int, fmt: str) -> ResponseReturnValue:
    """The jury's report: recommendations and responses, who took part, what changed."""
    item = db.get_or_404(Jury, jury_id)
    return _download(item, fmt, JURY_EXPORTS, f"{item.slug}-jury-report")


@bp.route("/consultations/<int:consultation_id>/export.<fmt>")
@staff_required("officer")
def export(consultation_id: int, fmt: str) -> ResponseReturnValue:
    item = db.get_or_404(Consultation, consultation_id)
    return _download(item, fmt, EXPORTS, item.slug)
