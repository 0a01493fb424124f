"""Live deliberation: the floor. What people say (messages to the room or a table,
ideas, a scribe's notes, private reflections, announcements), its moderation (hiding,
showing in the public gallery, muting), the raise-hand queues of the room and of each
table, and speaking turns with the speaking-time balance the facilitator watches.
Every contribution carries a `client_id`, so a retry returns the first row. Services
check permission, publish and flush; callers commit."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from consult.errors import Conflict, Invalid, NotFound, NotPermitted
from consult.extensions import db
from consult.live import payloads
from consult.live.checks import (
    MAX_LONG_TEXT,
    MAX_TEXT,
    author_name,
    clean_client_id,
    clean_int,
    clean_text,
    client_id_taken,
    get_in_session,
    get_juror,
    is_staff,
    require_member,
    require_participant,
    require_running,
    require_staff,
)
from consult.live.ideas import refresh_idea_board
from consult.live.outbox import (
    gallery_room,
    member_room,
    publish,
    scope_room,
    session_room,
    signal,
    staff_room,
    table_room,
)
from consult.live.seating import is_scribe, session_members, table_of
from consult.models import (
    AuditEntry,
    Contribution,
    HandRaise,
    JurySession,
    JuryTable,
    PanelMember,
    SpeakingTurn,
    audit,
    utcnow,
)

CONTRIBUTION_KINDS = ("message", "idea", "note", "reflection", "announcement")


def add_contribution(
    jury_session: JurySession,
    *,
    kind: str,
    text: Any,
    client_id: Any,
    actor: Any,
    scope: str | None = None,
) -> tuple[Contribution, bool]:
    """Write a message, idea, scribe's note, reflection or announcement, then publish it.
    A repeated `client_id` returns the first row and publishes nothing (a retry).
    Returns (contribution, replayed). Flushes."""
    if kind not in CONTRIBUTION_KINDS:
        raise Invalid(
            gettext("Unknown kind of contribution."), fields={"kind": gettext("Unknown kind")}
        )
    client_id = clean_client_id(client_id)
    existing = db.session.scalar(
        select(Contribution).where(
            Contribution.session_id == jury_session.id, Contribution.client_id == client_id
        )
    )
    if existing is not None:
        same = (
            existing.member_id == actor.id
            if getattr(actor, "kind", None) == "member"
            else existing.user_id == actor.id
        )
        if not same:
            raise client_id_taken()
        return existing, True
    text = clean_text(text, limit=MAX_TEXT if kind != "announcement" else MAX_LONG_TEXT)
    staff = is_staff(actor)
    if kind == "announcement":
        require_staff(actor, gettext("Only the facilitator can make announcements."))
    elif not staff:
        require_member(actor, jury_session, speaking=True)
    else:
        require_participant(actor, jury_session)
    require_running(jury_session)
    current = jury_session.current_round
    table = None
    if kind == "note":
        table = table_of(jury_session, actor)
        if not is_scribe(actor, table):
            raise NotPermitted(gettext("Only your table's scribe can take notes."))
    elif kind == "message":
        if scope is None:
            scope = (
                "table" if current is not None and current.kind == "table_discussion" else "room"
            )
        if scope not in ("table", "room"):
            raise Invalid(gettext("Scope is table or room."), fields={"scope": "table or room"})
        if scope == "table":
            if staff:
                raise Invalid(
                    gettext("Facilitators speak to the room."),
                    fields={"scope": gettext("Use room")},
                )
            table = table_of(jury_session, actor)
            if table is None:
                raise Conflict(gettext("You are not seated at a table yet."))
    contribution = Contribution(
        session_id=jury_session.id,
        round_id=current.id if current is not None else None,
        table_id=table.id if table is not None else None,
        member_id=actor.id if not staff else None,
        user_id=actor.id if staff else None,
        kind=kind,
        text=text,
        client_id=client_id,
        hidden=False,
        public=False,
    )
    db.session.add(contribution)
    if kind == "announcement":
        jury_session.announcement = text
    db.session.flush()
    body = payloads.contribution(contribution, author=author_name(actor))
    room = contribution_room(jury_session, contribution)
    contribution.seq = publish(jury_session, room, "contribution_added", body)
    if kind == "note":  # notes also reach the console
        publish(jury_session, staff_room(jury_session), "contribution_added", body)
    return contribution, False


def contribution_room(jury_session: JurySession, contribution: Contribution) -> str:
    if contribution.kind == "reflection":
        return staff_room(jury_session)
    if contribution.table_id is not None:
        return table_room(contribution.table_id)
    return session_room(jury_session)


def hide_contribution(
    jury_session: JurySession, contribution_id: Any, *, actor: Any, reason: Any = ""
) -> Contribution:
    """Hide a contribution from everyone but staff (it is kept, never deleted). Audited."""
    require_staff(actor, gettext("Only the facilitator can hide messages."))
    contribution = get_in_session(
        Contribution, contribution_id, jury_session, field="contribution_id"
    )
    contribution.hidden = True
    contribution.hidden_reason = clean_text(reason, field="reason", limit=500, required=False)
    contribution.public = False
    audit(
        "contribution.hidden",
        actor=actor,
        subject=contribution,
        reason=contribution.hidden_reason,
    )
    body = {"id": contribution.id, "kind": contribution.kind}
    publish(
        jury_session, contribution_room(jury_session, contribution), "contribution_hidden", body
    )
    if jury_session.gallery_open:
        publish(jury_session, gallery_room(jury_session), "contribution_hidden", body)
    if contribution.kind == "idea":
        refresh_idea_board(jury_session, recluster=False)
    return contribution


def set_contribution_public(
    jury_session: JurySession, contribution_id: Any, *, actor: Any, public: bool
) -> Contribution:
    """Show (or stop showing) a contribution in the public gallery. Staff only."""
    require_staff(actor, gettext("Only the facilitator can choose what the gallery shows."))
    contribution = get_in_session(
        Contribution, contribution_id, jury_session, field="contribution_id"
    )
    if contribution.hidden and public:
        raise Conflict(gettext("A hidden contribution cannot be made public."))
    contribution.public = bool(public)
    audit("contribution.public", actor=actor, subject=contribution, public=bool(public))
    if public:
        body = payloads.public_contribution(contribution)
        publish(jury_session, gallery_room(jury_session), "contribution_added", body)
    else:
        publish(
            jury_session, gallery_room(jury_session), "contribution_hidden", {"id": contribution.id}
        )
    publish(
        jury_session,
        staff_room(jury_session),
        "contribution_public",
        {"id": contribution.id, "public": contribution.public},
    )
    return contribution


def mute_member(
    jury_session: JurySession, member_id: Any, *, actor: Any, muted: bool
) -> PanelMember:
    """Mute (or unmute) a juror: they can still vote but not post or raise a hand. Audited."""
    require_staff(actor, gettext("Only the facilitator can mute someone."))
    member = get_juror(jury_session, member_id)
    member.muted = bool(muted)
    audit(
        "member.muted" if muted else "member.unmuted",
        actor=actor,
        subject=member,
        session_id=jury_session.id,
    )
    body = {"member_id": member.id, "muted": member.muted}
    publish(jury_session, member_room(member.id), "member_muted", body)
    publish(jury_session, staff_room(jury_session), "member_muted", body)
    return member


# --------------------------------------------------------------------------- hands & floor
def raise_hand(
    jury_session: JurySession, *, actor: Any, client_id: Any, scope: str = "room"
) -> tuple[HandRaise, bool]:
    """Join the queue of the room or of the juror's table. A retry (same client_id) or a
    hand already up in that queue returns that hand. Returns (hand, replayed)."""
    client_id = clean_client_id(client_id)
    require_member(actor, jury_session, speaking=True)
    existing = db.session.scalar(
        select(HandRaise).where(
            HandRaise.session_id == jury_session.id, HandRaise.client_id == client_id
        )
    )
    if existing is not None:
        if existing.member_id != actor.id:
            raise client_id_taken()
        return existing, True
    require_running(jury_session)
    if scope not in ("table", "room"):
        raise Invalid(gettext("Scope is table or room."), fields={"scope": "table or room"})
    table_id = None
    if scope == "table":
        table = table_of(jury_session, actor)
        if table is None:
            raise Conflict(gettext("You are not seated at a table yet."))
        table_id = table.id
    up = db.session.scalar(
        select(HandRaise).where(
            HandRaise.session_id == jury_session.id,
            HandRaise.member_id == actor.id,
            HandRaise.table_id.is_(None) if table_id is None else HandRaise.table_id == table_id,
            HandRaise.lowered_at.is_(None),
            HandRaise.floor_given_at.is_(None),
        )
    )
    if up is not None:
        return up, True
    hand = HandRaise(
        session_id=jury_session.id,
        round_id=jury_session.current_round_id,
        table_id=table_id,
        member_id=actor.id,
        client_id=client_id,
    )
    db.session.add(hand)
    db.session.flush()
    publish(
        jury_session,
        scope_room(jury_session, table_id),
        "hand_raised",
        payloads.hand(hand, actor.display_name),
    )
    return hand, False


def _publish_in_queue(jury_session: JurySession, event: str, row: HandRaise | SpeakingTurn) -> None:
    """Tell the hand's or turn's queue (its table's, or the room's) that it ended."""
    body = {"id": row.id, "member_id": row.member_id, "table_id": row.table_id}
    publish(jury_session, scope_room(jury_session, row.table_id), event, body)


def lower_hand(jury_session: JurySession, hand_id: Any, *, actor: Any) -> HandRaise:
    """Take a hand out of the queue: its owner, staff or the table's scribe."""
    hand = get_in_session(HandRaise, hand_id, jury_session, field="hand_id")
    table = db.session.get(JuryTable, hand.table_id) if hand.table_id else None
    if not (
        is_staff(actor)
        or (getattr(actor, "kind", None) == "member" and actor.id == hand.member_id)
        or is_scribe(actor, table)
    ):
        raise NotPermitted(gettext("You cannot lower someone else's hand."))
    if hand.lowered_at is not None or hand.floor_given_at is not None:
        return hand
    hand.lowered_at = utcnow()
    db.session.flush()
    _publish_in_queue(jury_session, "hand_lowered", hand)
    return hand


def end_open_turns(
    jury_session: JurySession, now: datetime, *, table_id: Any = "all"
) -> list[SpeakingTurn]:
    """End the speaking turns still open: every queue's (`table_id` "all"), the room's
    (None) or one table's; each end is published. Flushes nothing itself."""
    query = select(SpeakingTurn).where(
        SpeakingTurn.session_id == jury_session.id, SpeakingTurn.ended_at.is_(None)
    )
    if table_id != "all":
        query = query.where(
            SpeakingTurn.table_id.is_(None)
            if table_id is None
            else SpeakingTurn.table_id == table_id
        )
    turns = list(db.session.scalars(query))
    for turn in turns:
        turn.ended_at = now
        _publish_in_queue(jury_session, "floor_ended", turn)
    return turns


def give_floor(
    jury_session: JurySession,
    *,
    actor: Any,
    hand_id: Any = None,
    member_id: Any = None,
    table_id: Any = None,
) -> SpeakingTurn:
    """Give the floor to the person behind `hand_id`, or invite `member_id` in without a
    raised hand (the quiet-voice nudge). Staff, or the scribe for their table's queue.
    Ends whoever was speaking in that queue and starts the speaking clock."""
    require_running(jury_session)
    now = utcnow()
    hand = None
    if hand_id not in (None, ""):
        hand = get_in_session(HandRaise, hand_id, jury_session, field="hand_id")
        if hand.lowered_at is not None or hand.floor_given_at is not None:
            raise Conflict(gettext("That hand is no longer raised."))
        member = hand.member
        scope_table_id = hand.table_id
    else:
        member = get_juror(jury_session, member_id)
        scope_table_id = None if table_id in (None, "") else clean_int(table_id, field="table_id")
    table = db.session.get(JuryTable, scope_table_id) if scope_table_id else None
    if scope_table_id and (table is None or table.session_id != jury_session.id):
        raise NotFound(gettext("That table is not part of this session."))
    if not (is_staff(actor) or is_scribe(actor, table)):
        raise NotPermitted(
            gettext("Only the facilitator or the table's scribe can give the floor.")
        )
    end_open_turns(jury_session, now, table_id=scope_table_id)
    if hand is not None:
        hand.floor_given_at = now
    turn = SpeakingTurn(
        session_id=jury_session.id,
        round_id=jury_session.current_round_id,
        table_id=scope_table_id,
        member_id=member.id,
        hand_id=hand.id if hand else None,
        started_at=now,
    )
    db.session.add(turn)
    db.session.flush()
    body = {**payloads.turn(turn, member.display_name), "invited": hand is None}
    publish(jury_session, scope_room(jury_session, scope_table_id), "floor_given", body)
    if hand is None:
        publish(jury_session, member_room(member.id), "invited_to_speak", body)
        AuditEntry.record("floor.invited", actor=actor, subject=member, session_id=jury_session.id)
    _publish_balance(jury_session)
    return turn


def end_floor(jury_session: JurySession, turn_id: Any, *, actor: Any) -> SpeakingTurn:
    """Stop the speaking clock: staff, the table's scribe, or the speaker."""
    turn = get_in_session(SpeakingTurn, turn_id, jury_session, field="turn_id")
    table = db.session.get(JuryTable, turn.table_id) if turn.table_id else None
    if not (
        is_staff(actor)
        or is_scribe(actor, table)
        or (getattr(actor, "kind", None) == "member" and actor.id == turn.member_id)
    ):
        raise NotPermitted(
            gettext("Only the facilitator, the scribe or the speaker can end a turn.")
        )
    if turn.ended_at is None:
        turn.ended_at = utcnow()
        db.session.flush()
        _publish_in_queue(jury_session, "floor_ended", turn)
        _publish_balance(jury_session)
    return turn


def speaking_balance(jury_session: JurySession) -> dict[str, Any]:
    """Each juror's speaking time against a fair share (total time / jurors), and who has
    not spoken yet (quietest first, so the facilitator can invite them in)."""
    now = utcnow()
    totals: dict[int, float] = defaultdict(float)
    turns = db.session.scalars(
        select(SpeakingTurn).where(SpeakingTurn.session_id == jury_session.id)
    ).all()
    for turn in turns:
        end = turn.ended_at or now
        totals[turn.member_id] += max(0.0, (end - turn.started_at).total_seconds())
    members = session_members(jury_session)
    total = sum(totals.values())
    fair = total / len(members) if members else 0.0
    people = [
        {
            "member_id": m.id,
            "name": m.display_name,
            "seconds": round(totals.get(m.id, 0.0), 1),
            "share": round(totals.get(m.id, 0.0) / total, 3) if total else 0.0,
            "ratio": round(totals.get(m.id, 0.0) / fair, 2) if fair else 0.0,
            "muted": m.muted,
        }
        for m in members
    ]
    people.sort(key=lambda p: (-p["seconds"], p["name"]))
    for p in people:
        p["has_spoken"] = p["member_id"] in totals
    not_spoken = [p for p in people if p["member_id"] not in totals]
    return {
        "total_seconds": round(total, 1),
        "fair_share_seconds": round(fair, 1),
        "people": people,
        "not_spoken": [{"member_id": p["member_id"], "name": p["name"]} for p in not_spoken],
    }


def _publish_balance(jury_session: JurySession) -> None:
    signal(staff_room(jury_session), "balance", speaking_balance(jury_session))
