"""Participatory budgeting, public pages: the rounds, a round's page (phases, rules and
their checksum, the proposals and the reasons for any not on the ballot), proposing an
idea, voting with a one-time code (and changing the ballot until voting closes), the
results, and the downloads anyone can recompute from."""

from __future__ import annotations

from flask import Response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from consult.auth.access import public
from consult.errors import Conflict, ConsultError, NotFound
from consult.extensions import db, limiter
from consult.models import PBBallot, PBRound, PBVoterCode
from consult.pb import counting, forms, proposal_pages, proposals, services
from consult.pb.blueprint import bp, field_errors

SESSION_KEY = "pb_votes"  # round id -> voting code id, for the ballot pages


@bp.route("/")
@public
def index() -> ResponseReturnValue:
    rounds = db.session.scalars(
        select(PBRound).where(PBRound.status != "draft").order_by(PBRound.id.desc())
    ).all()
    return render_template("pb/index.html", rounds=rounds, phases=services.PHASE_LABELS)


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
        pb_round=pb_round,
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
        raise Conflict("This round is not collecting ideas just now.")
    form = forms.ProposalForm()
    if form.validate_on_submit():
        try:
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
        except ConsultError as error:
            db.session.rollback()
            field_errors(form, error)
        else:
            db.session.commit()
            return proposal_pages.proposed(pb_round, proposal)
    status = 400 if form.errors else 200
    return render_template("pb/propose.html", pb_round=pb_round, form=form), status


@bp.route("/<slug>/vote", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
@public
def vote(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    form = forms.VoterCodeForm()
    if pb_round.status == "voting" and form.validate_on_submit():
        try:
            code = services.voter_code(pb_round, form.code.data or "")
        except ConsultError as error:
            field_errors(form, error)
        else:
            votes = dict(session.get(SESSION_KEY, {}))
            votes[str(pb_round.id)] = code.id
            session[SESSION_KEY] = votes
            return redirect(url_for("pb.ballot", slug=slug))
    status = 400 if form.errors else 200
    return render_template("pb/vote.html", pb_round=pb_round, form=form), status


def _session_code(pb_round: PBRound) -> PBVoterCode | None:
    code_id = session.get(SESSION_KEY, {}).get(str(pb_round.id))
    code = db.session.get(PBVoterCode, code_id) if isinstance(code_id, int) else None
    return code if code is not None and code.round_id == pb_round.id else None


@bp.route("/<slug>/ballot", methods=["GET", "POST"])
@public
def ballot(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    code = _session_code(pb_round)
    if code is None:
        return redirect(url_for("pb.vote", slug=slug))
    services.require_voting_open(pb_round)
    existing = services.ballot_for_code(code)
    chosen = list(existing.choices) if existing else []
    ward = (existing.voter_ward or "") if existing else ""
    age_band = (existing.voter_age_band or "") if existing else ""
    errors: dict[str, str] = {}
    if request.method == "POST":
        chosen_raw = request.form.getlist("choices")
        ward = request.form.get("ward", "")
        age_band = request.form.get("age_band", "")
        try:
            services.cast_ballot(pb_round, code, chosen_raw, ward=ward, age_band=age_band)
        except ConsultError as error:
            db.session.rollback()
            if error.status != 422:
                raise
            errors = error.fields or {"choices": error.message}
            chosen = [int(v) for v in chosen_raw if v.isdigit()]
        else:
            db.session.commit()
            return redirect(url_for("pb.counted", slug=slug))
    return render_template(
        "pb/ballot.html",
        pb_round=pb_round,
        projects=pb_round.frozen_rules["projects"] if pb_round.frozen_rules else [],
        proposals={p.project_id: p for p in pb_round.proposals},
        chosen=chosen,
        ward=ward,
        age_band=age_band,
        age_bands=services.AGE_BANDS,
        errors=errors,
        changing=existing is not None,
    ), (400 if errors else 200)


@bp.route("/<slug>/ballot/counted")
@public
def counted(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    code = _session_code(pb_round)
    cast = services.ballot_for_code(code) if code else None
    if cast is None:
        return redirect(url_for("pb.vote", slug=slug))
    titles = {
        p["project_id"]: p["title"] for p in (pb_round.frozen_rules or {}).get("projects", [])
    }
    return render_template(
        "pb/counted.html",
        pb_round=pb_round,
        ballot=cast,
        titles=[titles.get(str(pid), str(pid)) for pid in cast.choices],
    )


@bp.route("/<slug>/results")
@public
def results(slug: str) -> ResponseReturnValue:
    pb_round = _counted(slug, "The results of this round have not been published yet.")
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
        pb_round=pb_round,
        result=result,
        titles=titles,
        funded=[p for p in result["projects"] if p["funded"]],
        not_funded=[p for p in result["projects"] if not p["funded"]],
        channels=channels,
        filename=f"{pb_round.slug}.pb",
        delivery={p.project_id: r for p, r in counting.delivery(pb_round) if r.published_at},
    )


@bp.route("/<slug>/ballots.pb")
@public
def ballots_file(slug: str) -> ResponseReturnValue:
    pb_round = _counted(slug, "The ballots are published with the results.")
    return _download(counting.pabulib_text(pb_round), "text/plain", f"{pb_round.slug}.pb")


@bp.route("/<slug>/rules.json")
@public
def rules_file(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    if pb_round.frozen_rules is None:
        raise NotFound("The rules are published when voting opens.")
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
