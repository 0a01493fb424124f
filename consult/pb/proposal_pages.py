"""Participatory budgeting, public pages about one proposal: its page (with its picture,
its assessment, and for a merged idea where it lives on now, crediting every proposer),
the picture itself, the proposer's private page (the link they get when they propose),
and the page where a proposer answers a merge (the signed link in their email)."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy import select

from consult.auth.access import public
from consult.errors import NotFound
from consult.extensions import db, limiter
from consult.models import PBProposal, PBProposalImage, PBRound
from consult.pb import images, merges, notices, services
from consult.pb.blueprint import bp
from consult.pb.language import localised_round

PROPOSED_KEY = "pb_proposed"  # ids of the proposals sent from this browser (the last 10)


def uploaded_image(form: Any) -> dict[str, Any]:
    """The picture a proposal form carried, for `submit_proposal` (read up to one byte
    over the cap, so an oversized file is refused without reading all of it)."""
    upload = form.image.data
    data = b""
    if upload is not None:
        with upload.stream as stream:
            data = stream.read(images.MAX_IMAGE_BYTES + 1)
    return {"image": data or None, "image_alt": form.image_alt.data or ""}


def proposed(pb_round: PBRound, proposal: PBProposal) -> ResponseReturnValue:
    """The confirmation after proposing, with the proposer's private link (and this
    browser remembers the idea, so its page offers that link again)."""
    mine = [i for i in session.get(PROPOSED_KEY, []) if i != proposal.id]
    session[PROPOSED_KEY] = [*mine, proposal.id][-10:]
    return render_template(
        "pb/proposed.html",
        pb_round=localised_round(pb_round),
        proposal=proposal,
        private_url=_private_url(proposal),
    )


def _private_url(proposal: PBProposal) -> str:
    return notices.link_to(
        "pb.your_idea", slug=proposal.pb_round.slug, token=merges.proposer_token(proposal)
    )


def _proposal(slug: str, reference: str) -> PBProposal:
    """A proposal anyone may see: published, or merged into another (its page says where)."""
    pb_round = services.find_round(slug, public=True)
    proposal = db.session.scalar(
        select(PBProposal).where(
            PBProposal.round_id == pb_round.id, PBProposal.reference == reference.upper()
        )
    )
    if proposal is None or proposal.moderation not in ("published", "merged"):
        raise NotFound(gettext("There is no published proposal with that reference."))
    return proposal


@bp.route("/<slug>/proposals/<reference>")
@public
def proposal_page(slug: str, reference: str) -> ResponseReturnValue:
    proposal = _proposal(slug, reference)
    mine = proposal.id in session.get(PROPOSED_KEY, [])
    return render_template(
        "pb/proposal.html",
        pb_round=localised_round(proposal.pb_round),
        proposal=proposal,
        image=images.public_image(proposal),
        home=merges.final_home(proposal),
        credited=merges.merged_into_it(proposal),
        assessments=services.ASSESSMENT_LABELS,
        private_url=_private_url(proposal) if mine else None,
    )


def image_response(image: PBProposalImage) -> Response:
    response = Response(image.data, mimetype=image.content_type)
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/<slug>/proposals/<reference>/image")
@public
def proposal_image(slug: str, reference: str) -> ResponseReturnValue:
    image = images.public_image(_proposal(slug, reference))
    if image is None:
        raise NotFound(gettext("This proposal has no picture to show."))
    return image_response(image)


@bp.route("/<slug>/your-idea/<token>")
@public
def your_idea(slug: str, token: str) -> ResponseReturnValue:
    proposal = merges.proposal_for_token(token)
    if proposal.pb_round.slug != slug:
        raise NotFound(gettext("This link is not right. Check it against the one you kept."))
    questions = [
        (answer, url_for("pb.merge_answer", slug=slug, token=merges.answer_token(answer)))
        for answer in merges.answers_waiting(proposal)
    ]
    return render_template(
        "pb/your_idea.html",
        pb_round=localised_round(proposal.pb_round),
        proposal=proposal,
        home=merges.final_home(proposal),
        questions=questions,
        assessments=services.ASSESSMENT_LABELS,
    )


@bp.route("/<slug>/merge-answer/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
@public
def merge_answer(slug: str, token: str) -> ResponseReturnValue:
    answer = merges.answer_for_token(token)
    merge = answer.merge
    if merge.pb_round.slug != slug:
        raise NotFound(gettext("This link is not right. Check it against your email."))
    errors: dict[str, str] = {}
    if request.method == "POST":
        choice = request.form.get("answer", "")
        if choice not in ("yes", "no"):
            errors = {"answer": gettext("Choose yes if you agree to the merge, or no")}
        else:
            merges.answer_merge(answer, agree=choice == "yes")
            db.session.commit()
            if merge.status != "asking":
                notices.merge_settled(merge)
            flash(
                gettext("Thank you: you agreed to the merge.")
                if choice == "yes"
                else gettext("Thank you: your idea stays as it is."),
                "success",
            )
            return redirect(url_for("pb.merge_answer", slug=slug, token=token))
    return render_template(
        "pb/merge_answer.html",
        pb_round=localised_round(merge.pb_round),
        merge=merge,
        answer=answer,
        errors=errors,
    ), (400 if errors else 200)
