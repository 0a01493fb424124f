"""Participatory budgeting: what the ballot pages share (the page for voters with a code
or after the eligibility check, and the kiosk's): which code or person this browser votes
as, reading and casting a ballot of the round's kind, and the ballot in words."""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template, request, session

from consult.errors import ConsultError
from consult.extensions import db
from consult.models import PBBallot, PBEligibleVoter, PBRound, PBVoterCode
from consult.pb import ballots as ballot_kinds
from consult.pb import services
from consult.pb.language import localised_round

SESSION_KEY = "pb_votes"  # round id -> voting code id, for the ballot pages
ELIGIBLE_KEY = "pb_voters"  # round id -> eligible voter id (the eligibility check)


def remember_voter(pb_round: PBRound, key: str, voter_id: int) -> None:
    """This browser now votes in the round as this code (`SESSION_KEY`) or this person
    (`ELIGIBLE_KEY`), and no longer as the other."""
    for name in (SESSION_KEY, ELIGIBLE_KEY):
        voters = dict(session.get(name, {}))
        voters.pop(str(pb_round.id), None)
        if name == key:
            voters[str(pb_round.id)] = voter_id
        session[name] = voters


def submit_ballot(
    pb_round: PBRound, cast: Callable[..., PBBallot]
) -> tuple[PBBallot | None, object, dict[str, str], str, str]:
    """Read the ballot page's fields for the round's kind and `cast(choices, points=,
    ward=, age_band=)` them: (ballot, values, errors, ward, age_band), the ballot None and
    the session rolled back when the ballot was refused (what was typed comes back in
    `values` to show again). Refusals other than a bad ballot propagate."""
    kind = ballot_kinds.kind_of(pb_round)
    choices, points = kind.read_form(request.form, pb_round)
    ward, age_band = request.form.get("ward", ""), request.form.get("age_band", "")
    try:
        ballot = cast(choices, points=points, ward=ward, age_band=age_band)
    except ConsultError as error:
        db.session.rollback()
        if error.status != 422:
            raise
        errors = error.fields or {"choices": error.message}
        return None, kind.form_values(choices, points), errors, ward, age_band
    db.session.commit()
    return ballot, None, {}, ward, age_band


def session_voter(pb_round: PBRound) -> services.Voter | None:
    """The voting code, or the voter who passed the eligibility check, on this browser."""
    code_id = session.get(SESSION_KEY, {}).get(str(pb_round.id))
    person_id = session.get(ELIGIBLE_KEY, {}).get(str(pb_round.id))
    voter: services.Voter | None = None
    if isinstance(code_id, int):
        voter = db.session.get(PBVoterCode, code_id)
    elif isinstance(person_id, int):
        voter = db.session.get(PBEligibleVoter, person_id)
    return voter if voter is not None and voter.round_id == pb_round.id else None


def ballot_page(
    pb_round: PBRound,
    *,
    values: object,
    errors: dict[str, str],
    changing: bool,
    **extra: object,
) -> str:
    """The ballot of the round's kind (for the ballot page, and the kiosk's)."""
    kind = ballot_kinds.kind_of(pb_round)
    return render_template(
        extra.pop("template", "pb/ballot.html"),  # type: ignore[arg-type]
        pb_round=localised_round(pb_round),
        kind=kind,
        projects=ballot_kinds.ballot_projects(pb_round),
        proposals={p.project_id: p for p in pb_round.proposals},
        values=values,
        age_bands=services.AGE_BANDS,
        errors=errors,
        changing=changing,
        **extra,
    )


def ballot_lines(pb_round: PBRound, cast: PBBallot) -> list[str]:
    """The ballot in words (each project, with its points or rank), for its owner."""
    titles = {str(p["project_id"]): p["title"] for p in ballot_kinds.ballot_projects(pb_round)}
    return ballot_kinds.kind_of(pb_round).describe(ballot_kinds.vote_of(cast), titles)
