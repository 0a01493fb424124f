"""Participatory budgeting, voting without a code: the eligibility check by postcode and
date of birth (consult/pb/eligibility.py). A resident who passes it goes to the same
ballot page as a code holder; the same answers later bring back the same ballot to change
until voting closes."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from consult.auth.access import public
from consult.dates import DateProblem, date_from_form, typed_parts
from consult.errors import Conflict, ConsultError
from consult.extensions import db, limiter
from consult.pb import eligibility, forms, services
from consult.pb.ballot_pages import ELIGIBLE_KEY, remember_voter
from consult.pb.blueprint import bp
from consult.pb.language import localised_round


@bp.route("/<slug>/vote/check", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@public
def eligibility_check(slug: str) -> ResponseReturnValue:
    pb_round = services.find_round(slug, public=True)
    if not pb_round.eligibility_check:
        raise Conflict(gettext("This round uses voting codes only: use the code from your card."))
    services.require_voting_open(pb_round)
    form = forms.EligibilityForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        try:
            born = date_from_form(request.form, "date_of_birth", what="Date of birth")
        except DateProblem as problem:
            born = None
            errors["date_of_birth"] = str(problem)
        try:
            voter = eligibility.check_eligibility(
                pb_round,
                postcode=form.postcode.data or "",
                born=born,
                identity=form.identity.data or "",
            )
        except ConsultError as error:
            db.session.rollback()
            if error.status != 422:
                raise
            errors = error.fields | errors
        else:
            if not errors:
                db.session.commit()
                remember_voter(pb_round, ELIGIBLE_KEY, voter.id)
                return redirect(url_for("pb.ballot", slug=slug))
    errors = {name: text for name, text in errors.items()} or {
        name: messages[0] for name, messages in form.errors.items() if messages
    }
    return render_template(
        "pb/eligibility.html",
        pb_round=localised_round(pb_round),
        form=form,
        errors=errors,
        born=typed_parts(request.form, "date_of_birth", None),
    ), (400 if errors else 200)
