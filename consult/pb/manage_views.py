"""Participatory budgeting, officers' pages: set up a round, move it through its phases
(opening voting freezes the rule and ballot), make printable voting codes, enter paper
ballots twice, count, and compare the rules. Proposals (moderation, assessment, pictures,
merges) are proposal_manage_views.py. Opening voting and counting tell the proposers."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, select

from consult.auth.access import staff_required
from consult.dates import DateProblem, date_from_form
from consult.errors import ConsultError
from consult.extensions import db
from consult.forms_common import refusal, saved
from consult.models import CouncilResponse, PBBallot, PBRound, PBVoterCode
from consult.pb import ballots as ballot_kinds
from consult.pb import counting, forms, language, notices, services
from consult.pb.blueprint import bp

OFFICER = ("officer",)


@bp.route("/manage")
@staff_required(*OFFICER)
def manage_index() -> ResponseReturnValue:
    rounds = db.session.scalars(select(PBRound).order_by(PBRound.id.desc())).all()
    return render_template("pb/manage/index.html", rounds=rounds, phases=services.PHASE_LABELS)


@bp.route("/manage/new", methods=["GET", "POST"])
@staff_required(*OFFICER)
def new() -> ResponseReturnValue:
    form = forms.RoundForm()
    if request.method == "GET":
        form.rule.data = "equalshares/add1"
    if form.validate_on_submit():
        with refusal(form) as refused:
            pb_round = services.create_round(
                actor=current_user, slug=form.slug.data or None, **form.settings()
            )
        if not refused:
            return saved(
                gettext(
                    "%(title)s is set up. Open it for ideas when you are ready.",
                    title=pb_round.title,
                ),
                "pb.manage",
                slug=pb_round.slug,
            )
    return render_template("pb/manage/new.html", form=form), (400 if form.errors else 200)


def _counts(pb_round: PBRound) -> dict[str, int]:
    ballots = dict(
        db.session.execute(
            select(PBBallot.channel, func.count())
            .where(PBBallot.round_id == pb_round.id)
            .group_by(PBBallot.channel)
        ).all()
    )
    codes = db.session.scalar(
        select(func.count()).select_from(PBVoterCode).where(PBVoterCode.round_id == pb_round.id)
    )
    return {
        "online": ballots.get("online", 0),
        "paper": ballots.get("paper", 0),
        "kiosk": ballots.get("kiosk", 0),
        "codes": codes or 0,
    }


@bp.route("/<slug>/manage", methods=["GET", "POST"])
@staff_required(*OFFICER)
def manage(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug)
    form = forms.RoundForm(obj=pb_round)
    if request.method == "GET":
        form.wards.data = "\n".join(pb_round.wards or [])
        form.postcode_areas.data = "\n".join(pb_round.postcode_areas or [])
    if form.validate_on_submit():
        with refusal(form, general=form.title) as refused:
            services.update_round(pb_round, actor=current_user, **form.settings())
        if not refused:
            return saved(gettext("Saved."), "pb.manage", slug=slug)
        pb_round = services.find_round(slug)
    return render_template(
        "pb/manage/round.html",
        pb_round=pb_round,
        missing_welsh=language.missing_welsh(pb_round),
        form=form,
        counts=_counts(pb_round),
        phases=services.PHASE_LABELS,
        next_phase=services.NEXT_PHASE.get(pb_round.status),
    ), (400 if form.errors else 200)


@bp.route("/<slug>/manage/phase", methods=["POST"])
@staff_required(*OFFICER)
def advance(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug)
    status = services.advance_phase(pb_round, actor=current_user)
    db.session.commit()
    if status == "voting":
        notices.on_ballot(pb_round)
    message = gettext(
        "The round is now: %(phase)s.", phase=gettext(services.PHASE_LABELS[status]).lower()
    )
    if status == "voting":
        frozen = gettext(
            "Rules frozen with checksum %(checksum)s.", checksum=pb_round.rules_checksum
        )
        message = f"{message} {frozen}"
    flash(message, "success")
    return redirect(url_for("pb.manage", slug=slug))


@bp.route("/<slug>/manage/codes", methods=["GET", "POST"])
@staff_required(*OFFICER)
def codes(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug)
    form = forms.CodesForm()
    if form.validate_on_submit():
        with refusal(form, general=form.count) as refused:
            made = services.generate_codes(
                pb_round,
                count=form.count.data or 0,
                batch=form.batch.data or "",
                actor=current_user,
            )
        if not refused:
            db.session.commit()
            return render_template(
                "pb/manage/codes_print.html",
                pb_round=pb_round,
                codes=made,
                batch=form.batch.data or "",
                vote_url=url_for("pb.vote", slug=slug, _external=True),
            )
    return render_template(
        "pb/manage/codes.html", pb_round=pb_round, form=form, counts=_counts(pb_round)
    ), (400 if form.errors else 200)


@bp.route("/<slug>/manage/paper", methods=["GET", "POST"])
@staff_required(*OFFICER)
def paper(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug)
    errors: dict[str, str] = {}
    kind = ballot_kinds.kind_of(pb_round)
    values: dict[str, Any] = {"serial": "", "ward": "", "age_band": ""}
    choices: list[str] = []
    points: list[str] | None = None
    if request.method == "POST":
        values = {
            "serial": request.form.get("serial", ""),
            "ward": request.form.get("ward", ""),
            "age_band": request.form.get("age_band", ""),
        }
        choices, points = kind.read_form(request.form, pb_round)
        try:
            outcome = services.enter_paper_ballot(
                pb_round,
                serial=str(values["serial"]),
                choices=choices,
                points=points,
                ward=str(values["ward"]),
                age_band=str(values["age_band"]),
                actor=current_user,
            )
        except ConsultError as error:
            db.session.rollback()
            errors = error.fields or {"serial": error.message}
        else:
            db.session.commit()
            serial = str(values["serial"]).strip().upper()
            if outcome.state == "first":
                flash(
                    gettext(
                        "First entry of paper ballot %(serial)s saved. A colleague must enter it "
                        "again.",
                        serial=serial,
                    ),
                    "success",
                )
            elif outcome.state == "counted":
                flash(
                    gettext(
                        "Paper ballot %(serial)s: both entries agree. It is counted.", serial=serial
                    ),
                    "success",
                )
            else:
                flash(
                    gettext(
                        "Paper ballot %(serial)s: this entry does not match the earlier one. "
                        "Check the paper; a third person's entry that matches either settles it.",
                        serial=serial,
                    ),
                    "important",
                )
            return redirect(url_for("pb.paper", slug=slug))
    return render_template(
        "pb/manage/paper.html",
        pb_round=pb_round,
        projects=(pb_round.frozen_rules or {}).get("projects", []),
        kind=kind,
        ballot_values=kind.form_values(choices, points),
        values=values,
        errors=errors,
        waiting=services.paper_entries_waiting(pb_round),
        counts=_counts(pb_round),
        age_bands=services.AGE_BANDS,
    ), (400 if errors else 200)


@bp.route("/<slug>/manage/count", methods=["POST"])
@staff_required(*OFFICER)
def count(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug)
    counting.count_round(pb_round, actor=current_user)
    db.session.commit()
    notices.results(pb_round)
    flash(gettext("Counted. The results are published."), "success")
    return redirect(url_for("pb.results", slug=slug))


@bp.route("/<slug>/manage/compare")
@staff_required(*OFFICER)
def compare(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug)
    rows = counting.compare_rules(pb_round) if pb_round.frozen_rules else []
    titles = {
        p["project_id"]: p["title"] for p in (pb_round.frozen_rules or {}).get("projects", [])
    }
    return render_template("pb/manage/compare.html", pb_round=pb_round, rows=rows, titles=titles)


@bp.route("/<slug>/manage/delivery", methods=["GET", "POST"])
@staff_required(*OFFICER)
def delivery(slug: str) -> ResponseReturnValue:
    """Funded projects on the response register: owner, due date, and progress (recorded
    through the register's own progress form)."""
    pb_round = services.find_round(slug)
    errors: dict[str, str] = {}
    if request.method == "POST":
        response = db.get_or_404(CouncilResponse, request.form.get("response_id", type=int) or 0)
        if response.pb_proposal is None or response.pb_proposal.round_id != pb_round.id:
            return redirect(url_for("pb.delivery", slug=slug))
        try:
            due = date_from_form(request.form, "due_date", what="Due date")
        except DateProblem as problem:
            errors = {f"due_date-{response.id}": str(problem)}
        else:
            try:
                counting.update_delivery(
                    response, owner=request.form.get("owner", ""), due_date=due, actor=current_user
                )
            except ConsultError as error:
                db.session.rollback()
                errors = {f"{name}-{response.id}": text for name, text in error.fields.items()}
                errors = errors or {f"owner-{response.id}": error.message}
            else:
                return saved(gettext("Saved."), "pb.delivery", slug=slug)
    return render_template(
        "pb/manage/delivery.html",
        pb_round=pb_round,
        rows=counting.delivery(pb_round),
        errors=errors,
    ), (400 if errors else 200)
