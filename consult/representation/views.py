"""Representativeness pages: population figures, who answered against who lives here with
weighted results, a jury's pool and panel against the area, and the jury questionnaire.
Views parse, call a service, commit, and render or redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_login import current_user

from consult.auth.access import juror_required, staff_required
from consult.errors import Invalid
from consult.extensions import db
from consult.i18n import localised
from consult.models import Consultation, Jury, JuryQuestion, PanelMember, PopulationMargins
from consult.representation import bp, exports, margins, questionnaire, report


@bp.app_context_processor
def _questionnaire_helpers() -> dict[str, Any]:
    """`questionnaire_size(jury)` for the juror's home page (links only when there are
    questions to answer) and `who_answered(consultation)` for the workspace dashboard."""
    return {
        "questionnaire_size": lambda jury: len(questionnaire.questions(jury)),
        "who_answered": report.consultation_representation,
    }


def _invalid(error: Invalid) -> dict[str, str]:
    db.session.rollback()
    return error.fields or {"form": error.message}


# --------------------------------------------------------------------------- margins


@bp.route("/workspace/population", methods=["GET", "POST"])
@staff_required("officer")
def population() -> ResponseReturnValue:
    """Enter the figures on the page, or import them from a CSV file."""
    errors: dict[str, str] = {}
    form: dict[str, str] = {}
    if request.method == "POST":
        form = {key: value for key, value in request.form.items() if key != "csrf_token"}
        try:
            if request.form.get("action") == "import":
                upload = request.files.get("file")
                shares: Any = margins.read_csv(upload.read() if upload else b"")
            else:
                shares = margins.form_shares(request.form)
            saved = margins.save_margins(
                area=request.form.get("area", ""),
                source=request.form.get("source", ""),
                year=request.form.get("year", ""),
                shares=shares,
                actor=current_user,
            )
        except Invalid as error:
            errors = _invalid(error)
        else:
            db.session.commit()
            flash(gettext("Population figures saved for %(area)s.", area=saved.name), "success")
            return redirect(url_for("representation.population"))
    return render_template(
        "representation/population.html",
        sets=margins.all_margins(),
        dimensions=margins.DIMENSIONS,
        errors=errors,
        form=form,
    ), (400 if errors else 200)


@bp.route("/workspace/population/<int:margins_id>/delete", methods=["POST"])
@staff_required("officer")
def delete_population(margins_id: int) -> ResponseReturnValue:
    item = db.get_or_404(PopulationMargins, margins_id)
    name = item.name
    margins.delete_margins(item, actor=current_user)
    db.session.commit()
    flash(gettext("Population figures removed for %(area)s.", area=name), "success")
    return redirect(url_for("representation.population"))


# --------------------------------------------------------------------------- consultations


def _consultation_page(item: Consultation, errors: dict[str, str], status: int) -> Any:
    setting = report.weighting_of(item)
    return render_template(
        "representation/consultation.html",
        consultation=item,
        representation=report.consultation_representation(item),
        results=report.weighted_results(item),
        setting=setting,
        areas=margins.all_margins(),
        dimensions=margins.DIMENSIONS,
        errors=errors,
        form=request.form if errors else None,
    ), status


@bp.route("/workspace/consultations/<int:consultation_id>/representation")
@staff_required("officer")
def consultation(consultation_id: int) -> ResponseReturnValue:
    return _consultation_page(db.get_or_404(Consultation, consultation_id), {}, 200)


@bp.route(
    "/workspace/consultations/<int:consultation_id>/representation/weighting", methods=["POST"]
)
@staff_required("officer")
def save_weighting(consultation_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Consultation, consultation_id)
    area = request.form.get("margins", "")
    try:
        report.save_weighting(
            item,
            margins_id=int(area) if area.isdigit() else None,
            dimensions=request.form.getlist("dimensions"),
            trim=(request.form.get("trim_low", ""), request.form.get("trim_high", "")),
            actor=current_user,
        )
    except Invalid as error:
        return _consultation_page(item, _invalid(error), 400)
    db.session.commit()
    flash(gettext("Weighting saved."), "success")
    return redirect(url_for("representation.consultation", consultation_id=item.id) + "#weighted")


# --------------------------------------------------------------------------- juries


@bp.route("/workspace/juries/<int:jury_id>/representation")
@staff_required("officer", "facilitator")
def jury(jury_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Jury, jury_id)
    return render_template(
        "representation/jury.html", jury=item, representation=report.jury_representation(item)
    )


def _questionnaire_page(item: Jury, errors: dict[str, str], status: int) -> Any:
    return render_template(
        "representation/questionnaire.html",
        jury=item,
        questions=questionnaire.questions(item),
        members=sorted(item.members, key=lambda m: m.display_name),
        stages={stage: gettext(label) for stage, label in questionnaire.STAGES.items()},
        scale=questionnaire.scale,
        missing_welsh=questionnaire.missing_welsh(item),
        changes=questionnaire.report(item),
        errors=errors,
        form=request.form,
    ), status


def _questionnaire_change(
    item: Jury, done: Callable[[Any], str], change: Callable[..., Any], *args: Any, **kwargs: Any
) -> ResponseReturnValue:
    """An officer's change to the questionnaire, `change(*args, **kwargs, actor=...)`: refused, the
    page again with its messages (400); done, committed and back to the page with the
    message `done(result)`."""
    try:
        result = change(*args, **kwargs, actor=current_user)
    except Invalid as error:
        return _questionnaire_page(item, _invalid(error), 400)
    db.session.commit()
    flash(done(result), "success")
    return redirect(url_for("representation.jury_questionnaire", jury_id=item.id))


@bp.route("/workspace/juries/<int:jury_id>/questionnaire")
@staff_required("officer", "facilitator")
def jury_questionnaire(jury_id: int) -> ResponseReturnValue:
    return _questionnaire_page(db.get_or_404(Jury, jury_id), {}, 200)


@bp.route("/workspace/juries/<int:jury_id>/questionnaire.csv")
@staff_required("officer", "facilitator")
def questionnaire_csv(jury_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Jury, jury_id)
    return Response(
        exports.questionnaire_csv(item),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{item.slug}-before-after.csv"'},
    )


@bp.route("/workspace/juries/<int:jury_id>/questionnaire/questions", methods=["POST"])
@staff_required("officer", "facilitator")
def add_question(jury_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Jury, jury_id)
    return _questionnaire_change(
        item,
        lambda _: gettext("Question added."),
        questionnaire.add_question,
        item,
        prompt=request.form.get("prompt", ""),
        kind=request.form.get("kind", ""),
        options=request.form.get("options", ""),
        prompt_cy=request.form.get("prompt_cy", ""),
        options_cy=request.form.get("options_cy", ""),
    )


@bp.route("/workspace/juries/<int:jury_id>/questionnaire/welsh", methods=["POST"])
@staff_required("officer", "facilitator")
def welsh_questions(jury_id: int) -> ResponseReturnValue:
    """The Welsh versions of the questions already asked (they change no answer)."""
    item = db.get_or_404(Jury, jury_id)
    return _questionnaire_change(
        item,
        lambda count: ngettext(
            "Welsh version saved for %(num)s question.",
            "Welsh versions saved for %(num)s questions.",
            count,
        ),
        questionnaire.set_welsh_versions,
        item,
        request.form,
    )


@bp.route("/workspace/jury-questions/<int:question_id>/delete", methods=["POST"])
@staff_required("officer", "facilitator")
def delete_question(question_id: int) -> ResponseReturnValue:
    question = db.get_or_404(JuryQuestion, question_id)
    item = db.get_or_404(Jury, question.jury_id)
    return _questionnaire_change(
        item, lambda _: gettext("Question removed."), questionnaire.delete_question, question
    )


@bp.route("/workspace/juries/<int:jury_id>/questionnaire/paper", methods=["POST"])
@staff_required("officer", "facilitator")
def enter_paper(jury_id: int) -> ResponseReturnValue:
    """A facilitator types in one juror's paper questionnaire."""
    item = db.get_or_404(Jury, jury_id)
    member_id = request.form.get("member", "")
    member = db.session.get(PanelMember, int(member_id)) if member_id.isdigit() else None
    if member is None or member.jury_id != item.id:
        return _questionnaire_page(
            item, {"member": gettext("Choose the juror whose form this is")}, 400
        )
    return _questionnaire_change(
        item,
        lambda count: ngettext(
            "%(num)s answer saved for %(name)s.",
            "%(num)s answers saved for %(name)s.",
            count,
            name=member.display_name,
        ),
        questionnaire.record_answers,
        item,
        member,
        request.form.get("stage", ""),
        request.form,
    )


@bp.route("/juries/<int:jury_id>/questionnaire/<stage>", methods=["GET", "POST"])
@juror_required
def juror_questionnaire(jury_id: int, stage: str) -> ResponseReturnValue:
    """A juror answers the questionnaire online, before the first session or after the last."""
    item = db.get_or_404(Jury, jury_id)
    member = current_user
    if member.jury_id != item.id:
        abort(403)
    if stage not in questionnaire.STAGES:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            questionnaire.record_answers(item, member, stage, request.form, actor=member)
        except Invalid as error:
            errors = _invalid(error)
        else:
            db.session.commit()
            flash(gettext("Thank you: your answers are saved."), "success")
            return redirect(
                url_for("representation.juror_questionnaire", jury_id=item.id, stage=stage)
            )
    shown = [questionnaire.in_language(question) for question in questionnaire.questions(item)]
    return render_template(
        "representation/juror_questionnaire.html",
        jury=localised(item),
        stage=stage,
        questions=shown,
        scale=lambda question: question.points,
        falls_back=any(question.missing_translation for question in shown),
        answers=request.form if errors else questionnaire.answers_of(member, stage),
        errors=errors,
    ), (400 if errors else 200)
