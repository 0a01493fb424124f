"""Participatory budgeting, public pages: the rounds, a round's page (phases, rules and
their checksum, the proposals and the reasons for any not on the ballot), proposing an
idea, voting with a one-time code (and changing the ballot until voting closes), the
results, and the downloads anyone can recompute from."""

from __future__ import annotations

from functools import partial

from flask import Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy import select

from consult.auth.access import public
from consult.errors import Conflict, NotFound
from consult.extensions import db, limiter
from consult.forms_common import refusal
from consult.models import PBBallot, PBRound
from consult.pb import ballots as ballot_kinds
from consult.pb import counting, forms, proposal_pages, proposals, services
from consult.pb.ballot_pages import (
    SESSION_KEY,
    ballot_lines,
    ballot_page,
    remember_voter,
    session_voter,
    submit_ballot,
)
from consult.pb.blueprint import bp
from consult.pb.language import localised_round


@bp.route("/")
@public
def index() -> ResponseReturnValue:
    rounds = db.session.scalars(
        select(PBRound).where(PBRound.status != "draft").order_by(PBRound.id.desc())
    ).all()
    shown = [localised_round(pb_round) for pb_round in rounds]
    return render_template("pb/index.html", rounds=shown, phases=services.PHASE_LABELS)


@bp.route("/<slug>")
@public
def show(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    published = [p for p in pb_round.proposals if p.moderation == "published"]
    not_on_ballot = [
        p
        for p in pb_round.proposals
        if p.moderation == "rejected" or p.assessment == "not_feasible"
    ]
    return render_template(
        "pb/show.html",
        pb_round=localised_round(pb_round),
        published=published,
        not_on_ballot=not_on_ballot,
        phases=services.PHASE_LABELS,
        assessments=services.ASSESSMENT_LABELS,
        rule_label=services.RULE_LABELS.get(pb_round.rule, pb_round.rule),
        rule_words=counting.rule_in_words(pb_round.rule),
    )


@bp.route("/<slug>/propose", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@public
def propose(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    if pb_round.status != "proposals":
        raise Conflict(gettext("This round is not collecting ideas just now."))
    form = forms.ProposalForm()
    if form.validate_on_submit():
        # the round closing meanwhile names no field: it shows at the project's name
        with refusal(form, general=form.title) as refused:
            proposal = proposals.submit_proposal(
                pb_round,
                title=form.title.data or "",
                description=form.description.data or "",
                ward=(form.ward.data or "").strip(),
                estimated_cost=form.estimated_cost.data,
                proposer_name=form.proposer_name.data or "",
                proposer_email=form.proposer_email.data or "",
                **proposal_pages.uploaded_image(form),
            )
        if not refused:
            db.session.commit()
            return proposal_pages.proposed(pb_round, proposal)
    status = 400 if form.errors else 200
    return render_template("pb/propose.html", pb_round=localised_round(pb_round), form=form), status


@bp.route("/<slug>/vote", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
@public
def vote(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    form = forms.VoterCodeForm()
    if pb_round.status == "voting" and form.validate_on_submit():
        with refusal(form) as refused:
            code = services.voter_code(pb_round, form.code.data or "")
        if not refused:
            remember_voter(pb_round, SESSION_KEY, code.id)
            return redirect(url_for("pb.ballot", slug=slug))
    status = 400 if form.errors else 200
    return render_template("pb/vote.html", pb_round=localised_round(pb_round), form=form), status


@bp.route("/<slug>/ballot", methods=["GET", "POST"])
@public
def ballot(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    code = session_voter(pb_round)
    if code is None:
        return redirect(url_for("pb.vote", slug=slug))
    services.require_voting_open(pb_round)
    existing = services.ballot_for_code(code)
    kind = ballot_kinds.kind_of(pb_round)
    values = (
        kind.form_values(existing.choices, existing.points)
        if existing
        else kind.form_values([], None)
    )
    ward = (existing.voter_ward or "") if existing else ""
    age_band = (existing.voter_age_band or "") if existing else ""
    errors: dict[str, str] = {}
    if request.method == "POST":
        cast, typed, errors, ward, age_band = submit_ballot(
            pb_round, partial(services.cast_ballot, pb_round, code)
        )
        if cast is not None:
            return redirect(url_for("pb.counted", slug=slug))
        values = typed
    page = ballot_page(
        pb_round,
        values=values,
        errors=errors,
        changing=existing is not None,
        ward=ward,
        age_band=age_band,
    )
    return page, (400 if errors else 200)


@bp.route("/<slug>/ballot/counted")
@public
def counted(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    code = session_voter(pb_round)
    cast = services.ballot_for_code(code) if code else None
    if cast is None:
        return redirect(url_for("pb.vote", slug=slug))
    return render_template(
        "pb/counted.html",
        pb_round=localised_round(pb_round),
        ballot=cast,
        titles=ballot_lines(pb_round, cast),
    )


@bp.route("/<slug>/results")
@public
def results(slug: str) -> ResponseReturnValue:
    pb_round = _counted(slug, gettext("The results of this round have not been published yet."))
    result = pb_round.result
    titles = {p["project_id"]: p["title"] for p in (pb_round.frozen_rules or {})["projects"]}
    channels: dict[str, int] = dict(
        db.session.execute(
            select(PBBallot.channel, db.func.count())
            .where(PBBallot.round_id == pb_round.id)
            .group_by(PBBallot.channel)
        ).all()
    )
    return render_template(
        "pb/results.html",
        pb_round=localised_round(pb_round),
        result=result,
        titles=titles,
        funded=[p for p in result["projects"] if p["funded"]],
        not_funded=[p for p in result["projects"] if not p["funded"]],
        channels=channels,
        filename=f"{pb_round.slug}.pb",
        command=f"python -m analysis pb {pb_round.slug}.pb",
        rule_words=counting.rule_in_words(result["rule"]),
        tie_words=counting.tie_breaking(pb_round.tie_seed),
        delivery={p.project_id: r for p, r in counting.delivery(pb_round) if r.published_at},
    )


@bp.route("/<slug>/ballots.pb")
@public
def ballots_file(slug: str) -> ResponseReturnValue:
    pb_round = _counted(slug, gettext("The ballots are published with the results."))
    return _download(counting.pabulib_text(pb_round), "text/plain", f"{pb_round.slug}.pb")


@bp.route("/<slug>/rules.json")
@public
def rules_file(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    if pb_round.frozen_rules is None:
        raise NotFound(gettext("The rules are published when voting opens."))
    rules = services.rules_json(pb_round.frozen_rules)
    return _download(rules, "application/json", f"{pb_round.slug}-rules.json")


def _counted(slug: str, not_yet: str) -> PBRound:
    """The round, once its results are published (NotFound saying `not_yet` before)."""
    pb_round = services.find_round(slug, public=True)
    if pb_round.result is None:
        raise NotFound(not_yet)
    return pb_round


def _download(text: str, mimetype: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(text, mimetype=mimetype, headers={"Content-Disposition": disposition})
