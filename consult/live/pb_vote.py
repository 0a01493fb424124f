"""Live deliberation: a "participatory budgeting vote" round, so that a live event (a
UDecide-style day) votes in the room. The facilitator links the round to a PB round; while
it is the session's current round and the PB round is voting, each juror casts the PB
round's ballot (its kind, consult/pb/ballots.py) on their own device. The ballot is an
ordinary `PBBallot` with channel "live" and the member's id, one per member and PB round,
changeable until voting closes or the live round ends; it counts in the PB round's result
and its Pabulib file like any other. The console sees how many have voted, never how.
Services check permission, publish and flush; callers commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select

from consult.errors import Conflict, Invalid, NotFound
from consult.extensions import db
from consult.live.checks import get_in_session, require_member, require_running
from consult.live.outbox import publish, staff_room
from consult.models import JurySession, PanelMember, PBBallot, PBRound, Round
from consult.pb import ballots as ballot_kinds
from consult.pb import services as pb_services
from consult.pb.language import localised_round

KIND = "pb_vote"


def link_choices(kept: int | None = None) -> list[tuple[str, str]]:
    """(value, label) of the PB rounds a facilitator can link a round to: those voting
    (newest first), and the round's link already (`kept`) whatever its phase."""
    rounds = db.session.scalars(
        select(PBRound)
        .where((PBRound.status == "voting") | (PBRound.id == (kept or 0)))
        .order_by(PBRound.id.desc())
    )
    return [("", "None (not a participatory budgeting vote)")] + [
        (str(r.id), r.title) for r in rounds
    ]


def check_link(kind: str, pb_round_id: Any, *, kept: int | None = None) -> PBRound | None:
    """The PB round a round of `kind` is linked to: required (and voting, unless it is
    `kept`, the round's link already) for a "pb_vote" round, none for any other kind.
    Raises Invalid naming the field `pb_round_id`."""
    if kind != KIND:
        return None
    pb_round = None
    if pb_round_id not in (None, ""):
        try:
            pb_round = db.session.get(PBRound, int(str(pb_round_id)))
        except ValueError:
            pb_round = None
    if pb_round is None:
        message = gettext("Choose the participatory budgeting round the room votes in")
        raise Invalid(message + ".", fields={"pb_round_id": message})
    if pb_round.status != "voting" and pb_round.id != kept:
        message = gettext("Choose a participatory budgeting round whose voting is open")
        raise Invalid(message + ".", fields={"pb_round_id": message})
    return pb_round


def _ballot_of(pb_round: PBRound, member: PanelMember) -> PBBallot | None:
    return db.session.scalar(
        select(PBBallot).where(PBBallot.round_id == pb_round.id, PBBallot.member_id == member.id)
    )


def room_count(jury_session: JurySession, pb_round: PBRound) -> int:
    """How many of this session's jurors have a ballot in the PB round (cast in the room)."""
    return int(
        db.session.scalar(
            select(func.count(PBBallot.id))
            .join(PanelMember, PanelMember.id == PBBallot.member_id)
            .where(
                PBBallot.round_id == pb_round.id,
                PBBallot.channel == "live",
                PanelMember.jury_id == jury_session.jury_id,
            )
        )
        or 0
    )


def open_round(jury_session: JurySession, round_id: Any) -> tuple[Round, PBRound]:
    """The live round `round_id` and its PB round, when the room can vote in it now: the
    session running, the round its current one and a "pb_vote" round, the PB round voting.
    Raises Conflict (NotFound for a round of another session) otherwise."""
    require_running(jury_session)
    round_ = get_in_session(Round, round_id, jury_session, field="round_id")
    if round_.kind != KIND or round_.pb_round_id is None:
        raise NotFound(gettext("This round has no participatory budgeting vote."))
    if jury_session.current_round_id != round_.id or round_.status not in ("running", "paused"):
        raise Conflict(
            gettext("This vote is not the current round: ballots can no longer be cast here.")
        )
    pb_round = db.session.get(PBRound, round_.pb_round_id)
    assert pb_round is not None  # the foreign key
    pb_services.require_voting_open(pb_round)
    return round_, pb_round


def cast(
    jury_session: JurySession,
    round_id: Any,
    *,
    actor: Any,
    choices: Iterable[Any],
    points: Iterable[Any] | None = None,
) -> PBBallot:
    """Cast or change the juror's ballot in the linked PB round. Raises NotPermitted for
    anyone but a juror of the session, Conflict when the room cannot vote now, Invalid for
    a ballot the PB round does not allow (with fields); nothing changes then. Publishes the
    new count to the staff room."""
    require_member(actor, jury_session)
    _round, pb_round = open_round(jury_session, round_id)
    vote = pb_services.check_choices(pb_round, choices, points=points)
    ballot = _ballot_of(pb_round, actor)
    first = ballot is None
    if ballot is None:
        ballot = PBBallot(
            round_id=pb_round.id,
            channel="live",
            member_id=actor.id,
            reference=pb_services._reference("PBV"),
        )
        db.session.add(ballot)
    ballot_kinds.store(ballot, vote)
    db.session.flush()
    if first:  # the count changed (the console is told how many, never how)
        publish(
            jury_session,
            staff_room(jury_session),
            "pb_count",
            {"round_id": _round.id, "count": room_count(jury_session, pb_round)},
        )
    return ballot


def state(jury_session: JurySession, viewer: Any) -> dict[str, Any] | None:
    """What the juror page and the console show for the current round when it is a PB vote:
    the PB round, whether the room can vote now, the room's count, and (for a juror) their
    ballot and its lines in words. None for any other round."""
    round_ = jury_session.current_round
    if round_ is None or round_.kind != KIND or round_.pb_round_id is None:
        return None
    pb_round = db.session.get(PBRound, round_.pb_round_id)
    if pb_round is None:
        return None
    ballot = None
    if getattr(viewer, "kind", None) == "member":
        ballot = _ballot_of(pb_round, viewer)
    titles = {str(p["project_id"]): p["title"] for p in ballot_kinds.ballot_projects(pb_round)}
    kind = ballot_kinds.kind_of(pb_round)
    return {
        "round": round_,
        "pb_round": localised_round(pb_round),
        "open": (
            pb_round.status == "voting"
            and jury_session.status in ("live", "paused")
            and round_.status in ("running", "paused")
        ),
        "count": room_count(jury_session, pb_round),
        "ballot": ballot,
        "lines": kind.describe(ballot_kinds.vote_of(ballot), titles) if ballot else [],
        "chosen": kind.form_values(*((ballot.choices, ballot.points) if ballot else ([], None))),
        "kind": kind,
        "projects": ballot_kinds.ballot_projects(pb_round),
        "proposals": {p.project_id: p for p in pb_round.proposals},
    }
