"""Live session pages: a juror's ballot in a "participatory budgeting vote" round, without
JavaScript (a plain form post from the juror page; consult/live/pb_vote.py casts it)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user

from consult.auth.access import juror_required
from consult.errors import ConsultError
from consult.extensions import db, limiter
from consult.live import pb_vote
from consult.live.blueprint import bp
from consult.live.outbox import committed
from consult.live.views import VOTE_RATE, Problem, _back, _juror_page, _juror_session, _person
from consult.models import PBRound, Round
from consult.pb import ballots as ballot_kinds

DONE = "Your vote counted. You can change it until voting closes or this round ends."


@bp.route("/sessions/<int:session_id>/pb-vote/<int:round_id>", methods=["POST"])
@juror_required
@limiter.limit(VOTE_RATE, key_func=_person)
def post_pb_ballot(session_id: int, round_id: int) -> Any:
    """Cast or change the juror's ballot in the round's PB round: back to the page with the
    confirmation that it counted, or the page again with the refusal beside its field and
    the choices as they were ticked."""
    jury_session = _juror_session(session_id)
    round_ = db.session.get(Round, round_id)
    pb_round = None
    if round_ is not None and round_.pb_round_id is not None:
        pb_round = db.session.get(PBRound, round_.pb_round_id)
    if round_ is None or round_.session_id != jury_session.id or pb_round is None:
        return _refused(jury_session, "This round has no participatory budgeting vote.", 404)
    kind = ballot_kinds.kind_of(pb_round)
    choices, points = kind.read_form(request.form, pb_round)
    try:  # a double submit races on one ballot per member: `committed` runs it again
        committed(
            lambda: pb_vote.cast(
                jury_session, round_.id, actor=current_user, choices=choices, points=points
            )
        )
    except ConsultError as error:
        fields = error.fields if error.status == 422 else {}
        return _refused(
            jury_session,
            error.message,
            error.status,
            fields=fields,
            values=kind.form_values(choices, points),
        )
    return _back(jury_session, "pb-vote", DONE)


def _refused(
    jury_session: Any,
    message: str,
    status: int,
    *,
    fields: dict[str, str] | None = None,
    values: Any = None,
) -> Any:
    field_id = next(iter(fields or {}), "pb-vote-heading")
    problem = Problem("pb-vote-form", field_id, message, request.form.to_dict())
    extra: dict[str, Any] = {"pb_errors": fields or {}}
    if values is not None:
        extra["pb_values"] = values
    return _juror_page(jury_session, problem=problem, status=status, **extra)
