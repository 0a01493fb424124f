"""Live deliberation: rows turned into JSON-able dicts for events, acknowledgements and
the state snapshot a page (or a reconnecting client) starts from. Text stays text: the
browser inserts it with textContent, and templates escape it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.extensions import db
from consult.models import (
    Ballot,
    Contribution,
    HandRaise,
    JurySession,
    MinorityReport,
    PanelMember,
    Poll,
    Recommendation,
    RecommendationVote,
    Round,
    SpeakingTurn,
    User,
    utcnow,
)

CHAT_HISTORY = 200


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def round_(r: Round | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "id": r.id,
        "position": r.position,
        "kind": r.kind,
        "title": r.title,
        "planned_minutes": r.planned_minutes,
        "instructions": r.instructions,
        "materials": r.materials,
        "status": r.status,
        "ends_at": iso(r.ends_at),
        "remaining_seconds": r.remaining_seconds,
        "public": r.public,
        "auto_advance": r.auto_advance,
    }


def session_header(jury_session: JurySession, *, public_only: bool = False) -> dict[str, Any]:
    """The session, its agenda and its clock (clients count down to `round.ends_at`,
    corrected by `server_now`)."""
    current = jury_session.current_round
    rounds = list(jury_session.rounds)
    if public_only:
        current = current if current is not None and current.public else None
        rounds = [r for r in rounds if r.public]
    return {
        "session": {
            "id": jury_session.id,
            "title": jury_session.title,
            "status": jury_session.status,
            "announcement": jury_session.announcement,
            "gallery_open": jury_session.gallery_open,
        },
        "round": round_(current),
        "rounds": [
            {
                "id": r.id,
                "position": r.position,
                "title": r.title,
                "kind": r.kind,
                "status": r.status,
            }
            for r in rounds
        ],
        "server_now": iso(utcnow()),
    }


def contribution(
    c: Contribution, *, author: str | None = None, staff: bool = True
) -> dict[str, Any]:
    hidden_text = c.hidden and not staff
    return {
        "id": c.id,
        "client_id": c.client_id,
        "kind": c.kind,
        "text": "" if hidden_text else c.text,
        "author": author,
        "member_id": c.member_id,
        "staff_author": c.user_id is not None,
        "table_id": c.table_id,
        "round_id": c.round_id,
        "created_at": iso(c.created_at),
        "hidden": c.hidden,
        "public": c.public,
        "idea_group": c.idea_group,
    }


def public_contribution(c: Contribution) -> dict[str, Any]:
    """What the gallery sees: no author, no ids of people."""
    return {"id": c.id, "kind": c.kind, "text": c.text, "created_at": iso(c.created_at)}


def hand(h: HandRaise, name: str) -> dict[str, Any]:
    return {
        "id": h.id,
        "client_id": h.client_id,
        "member_id": h.member_id,
        "name": name,
        "table_id": h.table_id,
        "raised_at": iso(h.created_at),
    }


def turn(t: SpeakingTurn, name: str) -> dict[str, Any]:
    return {
        "id": t.id,
        "member_id": t.member_id,
        "name": name,
        "table_id": t.table_id,
        "hand_id": t.hand_id,
        "started_at": iso(t.started_at),
        "ended_at": iso(t.ended_at),
    }


def poll(
    p: Poll,
    *,
    staff: bool = False,
    results: dict[str, Any] | None = None,
    my_ballot: Any = None,
) -> dict[str, Any]:
    return {
        "id": p.id,
        "kind": p.kind,
        "question": p.question,
        "options": list(p.options or []),
        "statements": [{"id": s.id, "text": s.text} for s in p.statements if not s.moderated_out],
        "status": p.status,
        "revealed": p.revealed,
        "dots_per_member": p.dots_per_member,
        "budget_total": p.budget_total,
        "round_id": p.round_id,
        "results": results,
        "my_ballot": my_ballot,
    }


def recommendation(r: Recommendation, *, viewer_id: int | None = None) -> dict[str, Any]:
    names = _member_names(
        {a.member_id for a in r.amendments} | {m.author_member_id for m in r.minority_reports}
    )
    return {
        "id": r.id,
        "client_id": r.client_id,
        "position": r.position,
        "title": r.title,
        "text": r.text,
        "status": r.status,
        "threshold": r.threshold,
        "quorum": r.quorum,
        "votes_for": r.votes_for,
        "votes_against": r.votes_against,
        "votes_abstain": r.votes_abstain,
        "decided_at": iso(r.decided_at),
        "amendments": [
            {
                "id": a.id,
                "client_id": a.client_id,
                "text": a.text,
                "rationale": a.rationale,
                "status": a.status,
                "member_id": a.member_id,
                "author": names.get(a.member_id),
            }
            for a in r.amendments
        ],
        "minority_reports": [
            {
                "id": m.id,
                "client_id": m.client_id,
                "text": m.text,
                "author": names.get(m.author_member_id),
                "signatures": len(m.signatures),
                "signer_ids": [s.member_id for s in m.signatures],
            }
            for m in r.minority_reports
        ],
    }


def _member_names(ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(PanelMember.id, PanelMember.display_name).where(PanelMember.id.in_(ids))
        ).all()
    )


def _author(c: Contribution, members: dict[int, str], users: dict[int, str]) -> str:
    if c.member_id is not None:
        return members.get(c.member_id, "A juror")
    if c.user_id is not None:
        return f"{users.get(c.user_id, 'Facilitator')} (facilitator)"
    return "Someone"


def _contributions(
    jury_session: JurySession, where: list[Any], *, staff: bool, limit: int = CHAT_HISTORY
) -> list[dict[str, Any]]:
    rows = list(
        db.session.scalars(
            select(Contribution)
            .where(Contribution.session_id == jury_session.id, *where)
            .order_by(Contribution.id.desc())
            .limit(limit)
        )
    )
    rows.reverse()
    members = _member_names({c.member_id for c in rows})
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
    from consult.live import services

    if viewer is None:
        return gallery_state(jury_session)
    staff = services.is_staff(viewer)
    header = session_header(jury_session)
    table = None if staff else services.table_of(jury_session, viewer)
    seats = services.seating(jury_session)
    body: dict[str, Any] = {
        **header,
        "last_seq": jury_session.last_seq,
        "viewer": {
            "kind": "staff" if staff else "member",
            "id": viewer.id,
            "name": viewer.name if staff else viewer.display_name,
            "muted": False if staff else viewer.muted,
            "scribe": services.is_scribe(viewer, table),
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
    body["ideas"] = _contributions(
        jury_session, [Contribution.kind == "idea"], staff=staff, limit=2000
    )
    if not staff:
        body["ideas"] = [i for i in body["ideas"] if not i["hidden"]]
        body["room_chat"] = [m for m in body["room_chat"] if not m["hidden"]]
        body["table_chat"] = [m for m in body["table_chat"] if not m["hidden"]]
    board = services.idea_board(jury_session)
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
            results=services.poll_results(p) if (staff or p.revealed) else None,
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
        item = recommendation(r)
        item["my_vote"] = my_votes.get(r.id)
        if staff and r.status == "voting":
            outcome = services.vote_outcome(r)
            item["tally"] = {
                "support": outcome.support,
                "oppose": outcome.oppose,
                "abstain": outcome.abstain,
            }
        body["recommendations"].append(item)
    if staff:
        members = services.session_members(jury_session)
        body["members"] = [
            {
                "id": m.id,
                "name": m.display_name,
                "muted": m.muted,
                "table_id": seats.get(m.id),
            }
            for m in members
        ]
        body["balance"] = services.speaking_balance(jury_session)
        body["reflections"] = _contributions(
            jury_session, [Contribution.kind == "reflection"], staff=True
        )
    return body


def gallery_state(jury_session: JurySession) -> dict[str, Any]:
    """What the public gallery may show: public rounds, public contributions, revealed
    polls and decided recommendations; no names."""
    from consult.live import services

    rows = db.session.scalars(
        select(Contribution)
        .where(
            Contribution.session_id == jury_session.id,
            Contribution.public.is_(True),
            Contribution.hidden.is_(False),
        )
        .order_by(Contribution.id)
    ).all()
    announcements = db.session.scalars(
        select(Contribution)
        .where(
            Contribution.session_id == jury_session.id,
            Contribution.kind == "announcement",
            Contribution.hidden.is_(False),
        )
        .order_by(Contribution.id.desc())
        .limit(1)
    ).all()
    polls = db.session.scalars(
        select(Poll)
        .where(Poll.session_id == jury_session.id, Poll.revealed.is_(True))
        .order_by(Poll.id)
    ).all()
    recommendations = db.session.scalars(
        select(Recommendation)
        .where(
            Recommendation.session_id == jury_session.id,
            Recommendation.status.in_(("passed", "failed")),
        )
        .order_by(Recommendation.position, Recommendation.id)
    ).all()
    return {
        **session_header(jury_session, public_only=True),
        "last_seq": jury_session.last_seq,
        "viewer": {"kind": "gallery"},
        "contributions": [public_contribution(c) for c in rows],
        "announcement": announcements[0].text if announcements else None,
        "polls": [poll(p, results=services.poll_results(p)) for p in polls],
        "recommendations": [
            {
                k: v
                for k, v in recommendation(r).items()
                if k not in ("amendments", "minority_reports")
            }
            | {"minority_reports": len(r.minority_reports)}
            for r in recommendations
        ],
    }
