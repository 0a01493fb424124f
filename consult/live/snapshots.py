"""Live deliberation: snapshots of a session for one viewer, built from the rooms below
(seating, floor, polls, decisions, ideas) and serialised by payloads.py. `state` is what
a page is drawn from and what a joining socket starts from (the public gallery's is
`gallery_state`); `events_after` is what a reconnecting client missed, from the event
log, in the rooms it may see (`visible_rooms`). Reads only: nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.extensions import db
from consult.live.checks import is_staff, member_names
from consult.live.decisions import recommendation_payload, vote_outcome
from consult.live.floor import speaking_balance
from consult.live.ideas import idea_board
from consult.live.outbox import gallery_room, member_room, session_room, staff_room, table_room
from consult.live.payloads import (
    contribution,
    hand,
    poll,
    public_contribution,
    public_poll,
    public_recommendation,
    session_header,
    turn,
)
from consult.live.polls import poll_results
from consult.live.seating import is_scribe, seating, session_members, table_of
from consult.models import (
    Ballot,
    Contribution,
    HandRaise,
    JurySession,
    LiveEvent,
    MinorityReport,
    Poll,
    Recommendation,
    RecommendationVote,
    SpeakingTurn,
    User,
)

RESYNC_LIMIT = 2000
CHAT_HISTORY = 200


def visible_rooms(jury_session: JurySession, actor: Any) -> list[str]:
    """The rooms this person is in (and whose logged events a resync may return)."""
    if actor is None:
        return [gallery_room(jury_session)]
    rooms = [session_room(jury_session)]
    if is_staff(actor):
        rooms.append(staff_room(jury_session))
        rooms.extend(table_room(table.id) for table in jury_session.tables)
        return rooms
    rooms.append(member_room(actor.id))
    table = table_of(jury_session, actor)
    if table is not None:
        rooms.append(table_room(table.id))
    return rooms


def events_after(
    jury_session: JurySession,
    actor: Any,
    after_seq: int,
    *,
    limit: int = RESYNC_LIMIT,
    rooms: Iterable[str] | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Logged events after `after_seq` in this person's rooms (`rooms` when the caller
    already has them from `visible_rooms`), in order, with hidden contributions blanked
    for non-staff. Returns (events, truncated)."""
    rooms = list(rooms) if rooms is not None else visible_rooms(jury_session, actor)
    rows = db.session.scalars(
        select(LiveEvent)
        .where(
            LiveEvent.session_id == jury_session.id,
            LiveEvent.seq > after_seq,
            LiveEvent.room.in_(rooms),
        )
        .order_by(LiveEvent.seq)
        .limit(limit + 1)
    ).all()
    truncated = len(rows) > limit
    rows = rows[:limit]
    hidden: set[int] = set()
    if not is_staff(actor):
        hidden = set(
            db.session.scalars(
                select(Contribution.id).where(
                    Contribution.session_id == jury_session.id, Contribution.hidden.is_(True)
                )
            )
        )
    events = []
    for row in rows:
        payload = dict(row.payload)
        if row.event == "contribution_added" and payload.get("id") in hidden:
            payload.update(text="", hidden=True)
        events.append({"event": row.event, "seq": row.seq, "payload": payload})
    return events, truncated


# --------------------------------------------------------------------------- sessions & agenda


def _author(c: Contribution, members: dict[int, str], users: dict[int, str]) -> str:
    if c.member_id is not None:
        return members.get(c.member_id, "A juror")
    if c.user_id is not None:
        return f"{users.get(c.user_id, 'Facilitator')} (facilitator)"
    return "Someone"


def _in_session(model: Any, jury_session: JurySession, *where: Any) -> Any:
    """A SELECT of the rows of `model` that belong to the session and meet `where`."""
    return select(model).where(model.session_id == jury_session.id, *where)


def _contributions(
    jury_session: JurySession, where: list[Any], *, staff: bool, limit: int = CHAT_HISTORY
) -> list[dict[str, Any]]:
    rows = list(
        db.session.scalars(
            _in_session(Contribution, jury_session, *where)
            .order_by(Contribution.id.desc())
            .limit(limit)
        )
    )
    rows.reverse()
    members = member_names({c.member_id for c in rows})
    user_ids = {c.user_id for c in rows if c.user_id is not None}
    users = (
        dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())
        if user_ids
        else {}
    )
    return [contribution(c, author=_author(c, members, users), staff=staff) for c in rows]


def state(jury_session: JurySession, viewer: Any) -> dict[str, Any]:
    """Everything a page needs to draw the session as it is now, for this viewer
    (a juror, staff, or None for the public gallery)."""
    if viewer is None:
        return gallery_state(jury_session)
    staff = is_staff(viewer)
    header = session_header(jury_session)
    table = None if staff else table_of(jury_session, viewer)
    seats = seating(jury_session)
    body: dict[str, Any] = {
        **header,
        "last_seq": jury_session.last_seq,
        "viewer": {
            "kind": "staff" if staff else "member",
            "id": viewer.id,
            "name": viewer.name if staff else viewer.display_name,
            "muted": False if staff else viewer.muted,
            "scribe": is_scribe(viewer, table),
        },
        "table": (
            {"id": table.id, "name": table.name, "scribe_member_id": table.scribe_member_id}
            if table
            else None
        ),
        "tables": [
            {"id": t.id, "name": t.name, "number": t.number, "scribe_member_id": t.scribe_member_id}
            for t in jury_session.tables
        ],
    }
    # chat: the room, and the viewer's table (staff: every table)
    room_where = [
        Contribution.kind.in_(("message", "announcement")),
        Contribution.table_id.is_(None),
    ]
    body["room_chat"] = _contributions(jury_session, room_where, staff=staff)
    if staff:
        body["table_chat"] = _contributions(
            jury_session,
            [Contribution.kind.in_(("message", "note")), Contribution.table_id.is_not(None)],
            staff=True,
            limit=CHAT_HISTORY * 2,
        )
    elif table is not None:
        body["table_chat"] = _contributions(
            jury_session,
            [Contribution.kind.in_(("message", "note")), Contribution.table_id == table.id],
            staff=False,
        )
    else:
        body["table_chat"] = []
    # the jurors taking part: a decided recommendation's turnout is counted against them
    body["jurors"] = len(session_members(jury_session))
    if staff:  # the facilitator's script for each round: never in a juror's state
        body["scripts"] = {str(r.id): r.script or "" for r in jury_session.rounds}
    body["ideas"] = _contributions(
        jury_session, [Contribution.kind == "idea"], staff=staff, limit=2000
    )
    if not staff:
        body["ideas"] = [i for i in body["ideas"] if not i["hidden"]]
        body["room_chat"] = [m for m in body["room_chat"] if not m["hidden"]]
        body["table_chat"] = [m for m in body["table_chat"] if not m["hidden"]]
    board = idea_board(jury_session)
    body["idea_board"] = {k: board.get(k) for k in ("themes", "unthemed", "engine", "seq")}
    # hands and the floor
    hands = list(
        db.session.scalars(
            select(HandRaise)
            .options(selectinload(HandRaise.member))
            .where(
                HandRaise.session_id == jury_session.id,
                HandRaise.lowered_at.is_(None),
                HandRaise.floor_given_at.is_(None),
            )
            .order_by(HandRaise.id)
        )
    )
    turns = list(
        db.session.scalars(
            select(SpeakingTurn)
            .options(selectinload(SpeakingTurn.member))
            .where(SpeakingTurn.session_id == jury_session.id, SpeakingTurn.ended_at.is_(None))
        )
    )
    visible_table = (
        (lambda tid: True)
        if staff
        else (lambda tid: tid is None or (table is not None and tid == table.id))
    )
    body["hands"] = [hand(h, h.member.display_name) for h in hands if visible_table(h.table_id)]
    body["floor"] = [turn(t, t.member.display_name) for t in turns if visible_table(t.table_id)]
    # polls
    polls = list(
        db.session.scalars(
            select(Poll)
            .options(selectinload(Poll.statements))
            .where(Poll.session_id == jury_session.id)
            .order_by(Poll.id)
        )
    )
    mine: dict[int, Any] = {}
    if not staff:
        mine = dict(
            db.session.execute(
                select(Ballot.poll_id, Ballot.value).where(Ballot.member_id == viewer.id)
            ).all()
        )
    body["polls"] = [
        poll(
            p,
            staff=staff,
            results=poll_results(p) if (staff or p.revealed) else None,
            my_ballot=mine.get(p.id),
        )
        for p in polls
        if staff or p.status != "draft"
    ]
    # recommendations
    recommendations = list(
        db.session.scalars(
            select(Recommendation)
            .options(
                selectinload(Recommendation.amendments),
                selectinload(Recommendation.minority_reports).selectinload(
                    MinorityReport.signatures
                ),
            )
            .where(Recommendation.session_id == jury_session.id)
            .order_by(Recommendation.position, Recommendation.id)
        )
    )
    my_votes: dict[int, str] = {}
    if not staff:
        my_votes = dict(
            db.session.execute(
                select(RecommendationVote.recommendation_id, RecommendationVote.choice).where(
                    RecommendationVote.member_id == viewer.id
                )
            ).all()
        )
    body["recommendations"] = []
    for r in recommendations:
        item = recommendation_payload(r)
        item["my_vote"] = my_votes.get(r.id)
        if staff and r.status == "voting":
            outcome = vote_outcome(r)
            item["tally"] = {
                "support": outcome.support,
                "oppose": outcome.oppose,
                "abstain": outcome.abstain,
            }
        body["recommendations"].append(item)
    if staff:
        members = session_members(jury_session)
        body["members"] = [
            {
                "id": m.id,
                "name": m.display_name,
                "muted": m.muted,
                "table_id": seats.get(m.id),
            }
            for m in members
        ]
        body["balance"] = speaking_balance(jury_session)
        body["reflections"] = _contributions(
            jury_session, [Contribution.kind == "reflection"], staff=True
        )
    return body


def gallery_state(jury_session: JurySession) -> dict[str, Any]:
    """What the public gallery may show: public rounds, public contributions, revealed
    polls and decided recommendations; no names."""
    shown = _in_session(Contribution, jury_session, Contribution.hidden.is_(False))
    rows = db.session.scalars(
        shown.where(Contribution.public.is_(True)).order_by(Contribution.id)
    ).all()
    announcements = db.session.scalars(
        shown.where(Contribution.kind == "announcement").order_by(Contribution.id.desc()).limit(1)
    ).all()
    polls = db.session.scalars(
        _in_session(Poll, jury_session, Poll.revealed.is_(True)).order_by(Poll.id)
    ).all()
    recommendations = db.session.scalars(
        _in_session(
            Recommendation, jury_session, Recommendation.status.in_(("passed", "failed"))
        ).order_by(Recommendation.position, Recommendation.id)
    ).all()
    return {
        **session_header(jury_session, public_only=True),
        "last_seq": jury_session.last_seq,
        "viewer": {"kind": "gallery"},
        "contributions": [public_contribution(c) for c in rows],
        "announcement": announcements[0].text if announcements else None,
        "polls": [public_poll(p, results=poll_results(p)) for p in polls],
        "recommendations": [public_recommendation(r) for r in recommendations],
    }
