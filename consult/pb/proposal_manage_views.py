"""Participatory budgeting, officers' pages about proposals: the list (with possible
duplicates), one proposal (moderation, assessment, hiding its picture), and merges (suggest
one, follow the answers, record an answer heard by phone, withdraw). Each change is
committed, then the proposers are told (notices.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from consult.auth.access import staff_required
from consult.errors import ConsultError, NotFound
from consult.extensions import db
from consult.forms_common import refusal
from consult.models import PBMerge, PBMergeAnswer, PBProposal, PBRound
from consult.pb import forms, images, merges, notices, services
from consult.pb import proposals as proposal_services
from consult.pb.blueprint import bp
from consult.pb.proposal_pages import image_response

OFFICER = ("officer",)


def attempt(form: Any, field: str, action: Callable[[], object]) -> bool:
    """Run a service call and commit; on a refusal roll back, put its messages on the
    form (on `field` when it names none) and return False."""
    with refusal(form, general=getattr(form, field)) as refused:
        action()
    if refused:
        return False
    db.session.commit()
    return True


def _round_proposal(slug: str, proposal_id: int) -> tuple[PBRound, PBProposal]:
    pb_round = services.find_round(slug)
    item = db.get_or_404(PBProposal, proposal_id)
    if item.round_id != pb_round.id:
        raise NotFound(gettext("There is no such proposal in this round."))
    return pb_round, item


@bp.route("/<slug>/manage/proposals")
@staff_required(*OFFICER)
def proposals(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug)
    return render_template(
        "pb/manage/proposals.html",
        pb_round=pb_round,
        assessments=services.ASSESSMENT_LABELS,
        duplicates=proposal_services.possible_duplicates(pb_round),
        merges=merges.merges_of(pb_round),
    )


def _assessment_of(item: PBProposal) -> tuple[Any, ...]:
    return (item.assessment, item.assessed_cost, item.assessment_reasons)


@bp.route("/<slug>/manage/proposals/<int:proposal_id>", methods=["GET", "POST"])
@staff_required(*OFFICER)
def proposal(slug: str, proposal_id: int) -> ResponseReturnValue:
    pb_round, item = _round_proposal(slug, proposal_id)
    moderation = forms.ModerationForm(prefix="moderation")
    assessment = forms.AssessmentForm(prefix="assessment", obj=None)
    if request.method == "GET":
        assessment.assessment.data = item.assessment
        assessment.assessed_cost.data = item.assessed_cost
        assessment.reasons.data = item.assessment_reasons or ""
    action = request.form.get("action")
    before = (item.moderation, _assessment_of(item))
    done, tell, saved = False, notices.moderated, gettext("Moderation saved.")
    if action == "moderate" and moderation.validate_on_submit():
        decision, reason = moderation.decision.data or "", moderation.reason.data or ""
        done = attempt(
            moderation,
            "decision",
            lambda: proposal_services.moderate_proposal(
                item, decision=decision, reason=reason, actor=current_user
            ),
        )
    elif action == "assess" and assessment.validate_on_submit():
        tell = notices.assessed
        saved = gettext("Assessment of %(reference)s saved.", reference=item.reference)
        done = attempt(
            assessment,
            "assessment",
            lambda: proposal_services.assess_proposal(
                item,
                assessment=assessment.assessment.data or "",
                reasons=assessment.reasons.data or "",
                assessed_cost=assessment.assessed_cost.data,
                actor=current_user,
            ),
        )
    if done:
        if (item.moderation, _assessment_of(item)) != before:
            tell(item)  # only when something changed
        flash(saved, "success")
        return redirect(url_for("pb.proposals", slug=slug))
    item = db.get_or_404(PBProposal, proposal_id)  # reloaded after any rollback
    failed = bool(moderation.errors or assessment.errors)
    return render_template(
        "pb/manage/proposal.html",
        pb_round=pb_round,
        proposal=item,
        moderation=moderation,
        assessment=assessment,
        assessments=services.ASSESSMENT_LABELS,
        merge=proposal_services.pending_merge(item),
        image_errors={},
    ), (400 if failed else 200)


@bp.route("/<slug>/manage/proposals/<int:proposal_id>/image", methods=["GET", "POST"])
@staff_required(*OFFICER)
def proposal_image_manage(slug: str, proposal_id: int) -> ResponseReturnValue:
    """Officers see the picture even when hidden; POST hides it (with a reason) or shows it."""
    pb_round, item = _round_proposal(slug, proposal_id)
    if request.method == "GET":
        if item.image is None:
            raise NotFound(gettext("This proposal has no picture."))
        return image_response(item.image)
    hide = request.form.get("action") == "hide"
    try:
        changed = images.set_image_hidden(
            item, hidden=hide, reason=request.form.get("image_reason", ""), actor=current_user
        )
    except ConsultError as error:
        db.session.rollback()
        item = db.get_or_404(PBProposal, proposal_id)
        return render_template(
            "pb/manage/proposal.html",
            pb_round=pb_round,
            proposal=item,
            moderation=forms.ModerationForm(prefix="moderation"),
            assessment=forms.AssessmentForm(prefix="assessment", obj=None),
            assessments=services.ASSESSMENT_LABELS,
            merge=proposal_services.pending_merge(item),
            image_errors=error.fields or {"image_reason": error.message},
        ), error.status if error.status != 422 else 400
    db.session.commit()
    if changed and hide:
        notices.image_hidden(item)
    flash(
        gettext("The picture is hidden.") if hide else gettext("The picture is shown again."),
        "success",
    )
    return redirect(url_for("pb.proposal", slug=slug, proposal_id=proposal_id))


# --- merges ------------------------------------------------------------------------------


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


@bp.route("/<slug>/manage/merges/new", methods=["GET", "POST"])
@staff_required(*OFFICER)
def new_merge(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug)
    errors: dict[str, str] = {}
    chosen = _ids(request.values.getlist("proposals"))
    first = next((p for p in pb_round.proposals if p.id in chosen), None)
    values: dict[str, Any] = {
        "survivor": first.id if first else None,
        "title": first.title_original if first else "",
        "description": first.description_original if first else "",
        "estimated_cost": str(first.estimated_cost) if first else "",
    }
    if request.method == "POST":
        values = {
            "survivor": request.form.get("survivor", type=int),
            "title": request.form.get("title", ""),
            "description": request.form.get("description", ""),
            "estimated_cost": request.form.get("estimated_cost", ""),
        }
        cost = values["estimated_cost"].strip().replace(",", "").lstrip("£")
        try:
            merge = merges.propose_merge(
                pb_round,
                proposal_ids=chosen,
                survivor_id=values["survivor"],
                title=values["title"],
                description=values["description"],
                estimated_cost=int(cost) if cost.isdigit() else None,
                actor=current_user,
            )
        except ConsultError as error:
            db.session.rollback()
            pb_round = services.find_round(slug)
            errors = error.fields or {"proposals": error.message}
        else:
            db.session.commit()
            asked = _ask(merge)
            flash(
                ngettext(
                    "Merge suggested. %(num)s proposer emailed; the others can answer on their "
                    "idea's private page, or tell you.",
                    "Merge suggested. %(num)s proposers emailed; the others can answer on their "
                    "idea's private page, or tell you.",
                    asked,
                ),
                "success",
            )
            return redirect(url_for("pb.merge", slug=slug, merge_id=merge.id))
    return render_template(
        "pb/manage/merge_new.html",
        pb_round=pb_round,
        candidates=[p for p in pb_round.proposals if p.moderation == "published"],
        chosen=chosen,
        values=values,
        errors=errors,
    ), (400 if errors else 200)


def _ask(merge: PBMerge) -> int:
    """Email each proposer their own link to answer."""
    sent = 0
    for answer in merge.answers:
        url = notices.link_to(
            "pb.merge_answer", slug=merge.pb_round.slug, token=merges.answer_token(answer)
        )
        sent += notices.merge_asked(merge, answer.proposal, url)
    return sent


def _round_merge(slug: str, merge_id: int) -> PBMerge:
    pb_round = services.find_round(slug)
    merge = db.get_or_404(PBMerge, merge_id)
    if merge.round_id != pb_round.id:
        raise NotFound(gettext("There is no such merge in this round."))
    return merge


@bp.route("/<slug>/manage/merges/<int:merge_id>")
@staff_required(*OFFICER)
def merge(slug: str, merge_id: int) -> ResponseReturnValue:
    return render_template(
        "pb/manage/merge.html",
        pb_round=services.find_round(slug),
        merge=_round_merge(slug, merge_id),
    )


@bp.route("/<slug>/manage/merges/<int:merge_id>/answers/<int:answer_id>", methods=["POST"])
@staff_required(*OFFICER)
def record_merge_answer(slug: str, merge_id: int, answer_id: int) -> WerkzeugResponse:
    """An answer the proposer gave by phone or in person, recorded in the officer's name."""
    merge = _round_merge(slug, merge_id)
    answer = db.get_or_404(PBMergeAnswer, answer_id)
    if answer.merge_id != merge.id:
        raise NotFound(gettext("There is no such answer in this merge."))
    merges.answer_merge(answer, agree=request.form.get("answer") == "yes", actor=current_user)
    db.session.commit()
    if merge.status != "asking":
        notices.merge_settled(merge)
    flash(gettext("Answer recorded."), "success")
    return redirect(url_for("pb.merge", slug=slug, merge_id=merge_id))


@bp.route("/<slug>/manage/merges/<int:merge_id>/withdraw", methods=["POST"])
@staff_required(*OFFICER)
def withdraw_merge(slug: str, merge_id: int) -> WerkzeugResponse:
    merge = _round_merge(slug, merge_id)
    merges.withdraw_merge(merge, actor=current_user)
    db.session.commit()
    notices.merge_settled(merge)
    flash(gettext("Merge withdrawn. The proposals stay as they are."), "success")
    return redirect(url_for("pb.merge", slug=slug, merge_id=merge_id))
