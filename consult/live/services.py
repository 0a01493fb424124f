"""Live deliberation rules: who may do what in a running session, and what it changes.

Every verb takes the acting person as `actor=` (a staff `User` or a juror `PanelMember`),
checks permission, changes rows, records audit entries for moderation, appends what the
rooms must be told to the session's event log (`publish`) and flushes. It never commits:
the caller (a Socket.IO handler, a view, a CLI command) commits, then calls
`flush_outbox()` to broadcast, so nothing is ever seen before it is on disk.
"""

from __future__ import annotations

import copy
import hashlib
import math
import random
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, g
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from consult.errors import Conflict, ConsultError, Invalid, NotFound, NotPermitted
from consult.extensions import db, socketio
from consult.models import (
    Amendment,
    AuditEntry,
    Ballot,
    Contribution,
    HandRaise,
    Jury,
    JurySession,
    JuryTable,
    LiveEvent,
    MinorityReport,
    MinorityReportSignature,
    PanelMember,
    Poll,
    PollStatement,
    Recommendation,
    RecommendationVote,
    Round,
    SpeakingTurn,
    TableAllocation,
    TableSeat,
    utcnow,
)
from consult.models.live import POLL_KINDS, ROUND_KINDS

NAMESPACE = "/live"
STAFF_ROLES = ("facilitator", "officer")  # admins always pass has_role
MAX_TEXT = 1000
MAX_LONG_TEXT = 5000
MAX_CLIENT_ID = 64
RESYNC_LIMIT = 2000

ROUND_LABELS = {
    "briefing": "Briefing and evidence",
    "open_discussion": "Open discussion",
    "table_discussion": "Table discussion",
    "ideas": "Ideas",
    "poll": "Poll",
    "drafting": "Recommendation drafting",
    "final_vote": "Final vote",
    "reflection": "Reflection",
}

# A standard jury day (about six hours with breaks outside the agenda).
JURY_DAY_TEMPLATE: tuple[tuple[str, str, int, str], ...] = (
    ("briefing", "Welcome and evidence", 30, "Listen to the briefing; note any questions."),
    ("table_discussion", "Table discussion", 40, "Discuss the evidence at your table."),
    ("ideas", "Ideas", 25, "Add as many ideas as you like; one idea per card."),
    ("poll", "Where do we stand?", 15, "Agree, disagree or pass on each statement."),
    ("open_discussion", "Open discussion", 30, "Raise your hand to speak to the whole room."),
    ("drafting", "Drafting recommendations", 60, "Read the drafts and propose amendments."),
    ("final_vote", "Final vote", 20, "Vote on each recommendation."),
    ("reflection", "Reflection", 10, "How did today go for you?"),
)


class RateLimited(ConsultError):
    code, status = "rate_limited", 429


# --------------------------------------------------------------------------- people


def is_staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_staff", False)) and actor.has_role(*STAFF_ROLES)


def is_member_of(actor: Any, jury_session: JurySession) -> bool:
    return (
        getattr(actor, "kind", None) == "member"
        and actor.jury_id == jury_session.jury_id
        and actor.status not in ("declined", "dropped")
    )


def require_staff(actor: Any, message: str = "Only the facilitator can do that.") -> None:
    if not is_staff(actor):
        raise NotPermitted(message)


def require_participant(actor: Any, jury_session: JurySession) -> None:
    """Staff or a juror of this session's jury."""
    if not (is_staff(actor) or is_member_of(actor, jury_session)):
        raise NotPermitted("You are not part of this session.")


def require_member(actor: Any, jury_session: JurySession, *, speaking: bool = False) -> None:
    """A juror of this session's jury; `speaking` also refuses a muted juror."""
    if not is_member_of(actor, jury_session):
        raise NotPermitted("Only jurors of this jury can do that.")
    if speaking and actor.muted:
        raise NotPermitted("The facilitator has muted you for now.")


def require_running(jury_session: JurySession) -> None:
    if jury_session.status not in ("live", "paused"):
        raise Conflict("The session is not running.")


def author_name(actor: Any) -> str:
    if getattr(actor, "kind", None) == "member":
        return actor.display_name
    return f"{actor.name} (facilitator)"


# --------------------------------------------------------------------------- input


def clean_text(
    value: Any, *, field: str = "text", limit: int = MAX_TEXT, required: bool = True
) -> str:
    """Trimmed text within `limit` characters; raises Invalid with the field named."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid("Text must be a string.", fields={field: "Enter some text"})
    text = value.strip()
    if required and not text:
        raise Invalid("Enter some text.", fields={field: "Enter some text"})
    if len(text) > limit:
        raise Invalid(
            f"Keep it under {limit} characters.",
            fields={field: f"Keep it under {limit} characters"},
        )
    return text


def clean_client_id(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_CLIENT_ID:
        raise Invalid(
            "Every contribution needs a client_id (up to 64 characters).",
            fields={"client_id": "Missing or too long"},
        )
    return value.strip()


def clean_int(value: Any, *, field: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool):
        raise Invalid(f"{field} must be a whole number.", fields={field: "Enter a whole number"})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(
            f"{field} must be a whole number.", fields={field: "Enter a whole number"}
        ) from None
    if (low is not None and number < low) or (high is not None and number > high):
        raise Invalid(
            f"{field} must be between {low} and {high}.",
            fields={field: f"Enter a number from {low} to {high}"},
        )
    return number


def get_session(session_id: Any) -> JurySession:
    jury_session = db.session.get(JurySession, clean_int(session_id, field="session_id"))
    if jury_session is None:
        raise NotFound("There is no such session.")
    return jury_session


def _get(model: type, object_id: Any, jury_session: JurySession, *, field: str) -> Any:
    row = db.session.get(model, clean_int(object_id, field=field))
    session_id = getattr(row, "session_id", None)
    if model is Amendment and row is not None:
        session_id = row.recommendation.session_id
    if model is MinorityReport and row is not None:
        session_id = row.recommendation.session_id
    if row is None or session_id != jury_session.id:
        raise NotFound("That is not part of this session.")
    return row


# --------------------------------------------------------------------------- event log


def rooms_for_session(jury_session: JurySession) -> dict[str, str]:
    return {
        "session": f"session:{jury_session.id}",
        "staff": f"staff:{jury_session.id}",
        "gallery": f"gallery:{jury_session.id}",
    }


def session_room(jury_session: JurySession) -> str:
    return f"session:{jury_session.id}"


def staff_room(jury_session: JurySession) -> str:
    return f"staff:{jury_session.id}"


def gallery_room(jury_session: JurySession) -> str:
    return f"gallery:{jury_session.id}"


def table_room(table_id: int) -> str:
    return f"table:{table_id}"


def member_room(member_id: int) -> str:
    return f"member:{member_id}"


def next_seq(jury_session: JurySession) -> int:
    """Take the session's next sequence number. The UPDATE … RETURNING locks the session
    row (PostgreSQL) or the database (SQLite) until commit, so sequence numbers are
    committed in order and never shared."""
    seq = db.session.execute(
        update(JurySession.__table__)
        .where(JurySession.__table__.c.id == jury_session.id)
        .values(last_seq=JurySession.__table__.c.last_seq + 1)
        .returning(JurySession.__table__.c.last_seq)
    ).scalar_one()
    set_committed_value(jury_session, "last_seq", seq)
    return seq


def last_seq_in_room(jury_session: JurySession, room: str) -> int:
    """The sequence number of the room's latest logged event (0 before the first)."""
    return (
        db.session.scalar(
            select(func.max(LiveEvent.seq)).where(
                LiveEvent.session_id == jury_session.id, LiveEvent.room == room
            )
        )
        or 0
    )


def room_seqs(jury_session: JurySession, rooms: Iterable[str]) -> dict[str, int]:
    """The latest sequence number in each of `rooms` (0 for a room with no events yet)."""
    rooms = list(rooms)
    found = dict(
        db.session.execute(
            select(LiveEvent.room, func.max(LiveEvent.seq))
            .where(LiveEvent.session_id == jury_session.id, LiveEvent.room.in_(rooms))
            .group_by(LiveEvent.room)
        ).all()
    )
    return {room: found.get(room, 0) for room in rooms}


def publish(jury_session: JurySession, room: str, event: str, payload: dict[str, Any]) -> int:
    """Append `event` for `room` to the session's log with the next sequence number and
    queue it for broadcast after commit. Returns the sequence number.

    Each event also carries its `room` and `prev_seq`, the sequence number of the room's
    previous event, so a client that sees a `prev_seq` it never received knows a
    broadcast went missing (a message queue can drop messages while a server process
    reconnects to it) and resyncs. `next_seq` holds the session's lock until commit, so
    the previous event is committed and `prev_seq` is exact."""
    seq = next_seq(jury_session)
    body = {
        **payload,
        "seq": seq,
        "session_id": jury_session.id,
        "room": room,
        "prev_seq": last_seq_in_room(jury_session, room),
    }
    db.session.add(
        LiveEvent(session_id=jury_session.id, seq=seq, room=room, event=event, payload=body)
    )
    outbox().append((event, body, room))
    return seq


def signal(room: str, event: str, payload: dict[str, Any]) -> None:
    """Queue an ephemeral, unsequenced notice (presence, tallies) for after commit."""
    outbox().append((event, payload, room))


def outbox() -> list[tuple[str, dict[str, Any], str]]:
    if "live_outbox" not in g:
        g.live_outbox = []
    return g.live_outbox


def discard_outbox() -> None:
    g.pop("live_outbox", None)


def flush_outbox() -> int:
    """Broadcast everything queued since the last flush; call after `db.session.commit()`."""
    items = g.pop("live_outbox", [])
    for event, payload, room in items:
        socketio.emit(event, payload, to=room, namespace=NAMESPACE)
    return len(items)


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


def create_session(
    jury: Jury, *, actor: Any, title: str, starts_at: datetime | None = None, template: bool = True
) -> JurySession:
    """A planned session for `jury`, with the standard jury-day agenda unless `template`
    is false. Staff only. Flushes."""
    require_staff(actor, "Only facilitators and officers can create sessions.")
    jury_session = JurySession(
        jury=jury,
        title=clean_text(title, field="title", limit=200),
        starts_at=starts_at,
        status="planned",
        last_seq=0,
        facilitator_id=actor.id,
    )
    db.session.add(jury_session)
    if template:
        for position, (kind, round_title, minutes, instructions) in enumerate(JURY_DAY_TEMPLATE):
            jury_session.rounds.append(
                Round(
                    position=position,
                    kind=kind,
                    title=round_title,
                    planned_minutes=minutes,
                    instructions=instructions,
                    materials="",
                )
            )
    db.session.flush()
    AuditEntry.record("session.created", actor=actor, subject=jury_session)
    db.session.flush()
    return jury_session


def save_round(
    jury_session: JurySession,
    *,
    actor: Any,
    round_: Round | None = None,
    kind: str,
    title: str,
    planned_minutes: int,
    instructions: str = "",
    materials: str = "",
    public: bool = True,
    auto_advance: bool = False,
) -> Round:
    """Add a round at the end of the agenda, or change `round_`. Staff only. Flushes."""
    require_staff(actor, "Only facilitators and officers can change the agenda.")
    if kind not in ROUND_KINDS:
        raise Invalid("Choose a kind of round.", fields={"kind": "Choose a kind of round"})
    minutes = clean_int(planned_minutes, field="planned_minutes", low=1, high=480)
    if round_ is None:
        round_ = Round(position=len(jury_session.rounds), status="pending")
        jury_session.rounds.append(round_)
    round_.kind = kind
    round_.title = clean_text(title, field="title", limit=200)
    round_.planned_minutes = minutes
    round_.instructions = clean_text(
        instructions, field="instructions", limit=MAX_LONG_TEXT, required=False
    )
    round_.materials = clean_text(materials, field="materials", limit=MAX_LONG_TEXT, required=False)
    round_.public = bool(public)
    round_.auto_advance = bool(auto_advance)
    db.session.flush()
    if jury_session.status in ("live", "paused"):
        publish(jury_session, session_room(jury_session), "agenda_changed", agenda(jury_session))
    return round_


def move_round(jury_session: JurySession, round_: Round, *, actor: Any, offset: int) -> None:
    """Move a round up (-1) or down (+1) the agenda. Staff only. Flushes."""
    require_staff(actor, "Only facilitators and officers can change the agenda.")
    rounds = list(jury_session.rounds)
    index = rounds.index(round_)
    target = index + offset
    if target < 0 or target >= len(rounds):
        raise Conflict("That round cannot move any further.")
    rounds[index], rounds[target] = rounds[target], rounds[index]
    for position, item in enumerate(rounds):
        item.position = position
    db.session.flush()
    db.session.expire(jury_session, ["rounds"])
    if jury_session.status in ("live", "paused"):
        publish(jury_session, session_room(jury_session), "agenda_changed", agenda(jury_session))


def remove_round(jury_session: JurySession, round_: Round, *, actor: Any) -> None:
    require_staff(actor, "Only facilitators and officers can change the agenda.")
    if round_.status != "pending" or jury_session.current_round_id == round_.id:
        raise Conflict("Only a round that has not started can be removed.")
    jury_session.rounds.remove(round_)
    for position, item in enumerate(jury_session.rounds):
        item.position = position
    db.session.flush()


def agenda(jury_session: JurySession) -> dict[str, Any]:
    from consult.live import payloads

    return {"rounds": [payloads.round_(r) for r in jury_session.rounds]}


# --------------------------------------------------------------------------- running rounds


def _set_current(jury_session: JurySession, round_: Round) -> None:
    """Make `round_` the session's current round."""
    jury_session.current_round = round_


def _remaining(round_: Round, now: datetime) -> int:
    if round_.status == "running" and round_.ends_at is not None:
        return max(0, math.ceil((round_.ends_at - now).total_seconds()))
    return max(0, round_.remaining_seconds or 0)


def remaining_seconds(round_: Round) -> int:
    """Seconds left in the round now (0 once its time is up)."""
    return _remaining(round_, utcnow())


def _leave_round(round_: Round, now: datetime) -> None:
    round_.remaining_seconds = _remaining(round_, now)
    round_.ends_at = None
    round_.status = "done"


def _start_round(round_: Round, now: datetime) -> None:
    seconds = round_.remaining_seconds if round_.status == "done" else None
    if not seconds:
        seconds = round_.planned_minutes * 60
    round_.status = "running"
    round_.started_at = round_.started_at or now
    round_.ends_at = now + timedelta(seconds=seconds)
    round_.remaining_seconds = None


def _announce_round(jury_session: JurySession, action: str) -> int:
    from consult.live import payloads

    body = {"action": action, **payloads.session_header(jury_session)}
    seq = publish(jury_session, session_room(jury_session), "round_changed", body)
    if jury_session.gallery_open:
        public_body = {
            "action": action,
            **payloads.session_header(jury_session, public_only=True),
        }
        publish(jury_session, gallery_room(jury_session), "round_changed", public_body)
    return seq


def _move_to(jury_session: JurySession, target: Round, now: datetime) -> None:
    """Leave the current round (keeping what was left of its time) and start `target`."""
    current = jury_session.current_round
    if current is not None and current is not target:
        _leave_round(current, now)
    _set_current(jury_session, target)
    jury_session.status = "live"
    _start_round(target, now)
    _end_open_turns(jury_session, now)


def advance_due_rounds(now: datetime | None = None) -> list[int]:
    """Move every live session whose current round's time is up, and which is set to move
    on by itself, to its next round; commit and broadcast each. Every server process runs
    this about once a second (consult/live/clock.py): a conditional UPDATE on the round
    decides which of them moves it, so a session moves once. The last round of an agenda
    never ends by itself. Returns the ids of the sessions moved."""
    now = now or utcnow()
    due = db.session.execute(
        select(Round.id, Round.session_id)
        .join(JurySession, JurySession.current_round_id == Round.id)
        .where(
            JurySession.status == "live",
            Round.status == "running",
            Round.auto_advance.is_(True),
            Round.ends_at <= now,
        )
    ).all()
    db.session.rollback()
    moved = []
    for round_id, session_id in due:
        try:
            if _advance_if_due(session_id, round_id, now):
                db.session.commit()
                flush_outbox()
                moved.append(session_id)
            else:
                db.session.rollback()
                discard_outbox()
        except Exception:
            db.session.rollback()
            discard_outbox()
            current_app.logger.exception("moving session %s on by itself failed", session_id)
    return moved


def _advance_if_due(session_id: int, round_id: int, now: datetime) -> bool:
    jury_session = db.session.get(JurySession, session_id)
    if jury_session is None or jury_session.current_round_id != round_id:
        return False
    rounds = list(jury_session.rounds)
    index = next((i for i, r in enumerate(rounds) if r.id == round_id), None)
    if index is None or index + 1 >= len(rounds):
        return False
    claimed = db.session.execute(
        update(Round.__table__)
        .where(
            Round.__table__.c.id == round_id,
            Round.__table__.c.status == "running",
            Round.__table__.c.ends_at <= now,
        )
        .values(status="done", ends_at=None, remaining_seconds=0)
    ).rowcount
    if claimed != 1:  # another process moved it, or the facilitator changed it meanwhile
        return False
    db.session.expire(rounds[index])
    _move_to(jury_session, rounds[index + 1], now)
    db.session.flush()
    AuditEntry.record(
        "session.auto_advance",
        subject=jury_session,
        round_id=jury_session.current_round_id,
        from_round_id=round_id,
    )
    db.session.flush()
    _announce_round(jury_session, "advance")
    return True


def control(jury_session: JurySession, action: str, *, actor: Any, **options: Any) -> int:
    """Run the session: start, pause, resume, extend (minutes), advance, back, go_to
    (round_id), end. Staff only. The timer is the round's `ends_at` (or, paused, its
    `remaining_seconds`): nothing runs on the server between events. Returns the seq."""
    require_staff(actor, "Only the facilitator can run the session.")
    now = utcnow()
    rounds = list(jury_session.rounds)
    current = jury_session.current_round
    if action == "start":
        if jury_session.status != "planned":
            raise Conflict("The session has already started.")
        if not rounds:
            raise Conflict("Add a round to the agenda first.")
        jury_session.status = "live"
        _set_current(jury_session, rounds[0])
        _start_round(rounds[0], now)
    elif action in ("advance", "back", "go_to"):
        if jury_session.status not in ("live", "paused"):
            raise Conflict("Start the session first.")
        if action == "go_to":
            target = _get(Round, options.get("round_id"), jury_session, field="round_id")
        else:
            index = rounds.index(current) if current in rounds else -1
            step = 1 if action == "advance" else -1
            if not 0 <= index + step < len(rounds):
                raise Conflict(
                    "This is the last round." if step > 0 else "This is the first round."
                )
            target = rounds[index + step]
        if target is current:
            raise Conflict("That round is already the current one.")
        _move_to(jury_session, target, now)
    elif action == "pause":
        if current is None or current.status != "running":
            raise Conflict("There is no running round to pause.")
        current.remaining_seconds = _remaining(current, now)
        current.ends_at = None
        current.status = "paused"
        jury_session.status = "paused"
    elif action == "resume":
        if current is None or current.status != "paused":
            raise Conflict("The round is not paused.")
        current.ends_at = now + timedelta(seconds=current.remaining_seconds or 0)
        current.remaining_seconds = None
        current.status = "running"
        jury_session.status = "live"
    elif action == "extend":
        minutes = clean_int(options.get("minutes", 5), field="minutes", low=1, high=120)
        if current is None or current.status not in ("running", "paused"):
            raise Conflict("There is no round to extend.")
        if current.status == "running":
            current.ends_at = max(current.ends_at or now, now) + timedelta(minutes=minutes)
        else:
            current.remaining_seconds = (current.remaining_seconds or 0) + minutes * 60
    elif action == "end":
        if jury_session.status == "ended":
            raise Conflict("The session has already ended.")
        if current is not None:
            _leave_round(current, now)
        jury_session.status = "ended"
        _end_open_turns(jury_session, now)
    else:
        raise Invalid("Unknown action.", fields={"action": "Unknown action"})
    db.session.flush()
    AuditEntry.record(
        f"session.{action}",
        actor=actor,
        subject=jury_session,
        round_id=jury_session.current_round_id,
    )
    db.session.flush()
    return _announce_round(jury_session, action)


def set_gallery(jury_session: JurySession, *, actor: Any, open_: bool) -> int:
    require_staff(actor, "Only the facilitator can open the public gallery.")
    jury_session.gallery_open = bool(open_)
    AuditEntry.record("session.gallery", actor=actor, subject=jury_session, open=bool(open_))
    db.session.flush()
    return publish(
        jury_session,
        staff_room(jury_session),
        "gallery_changed",
        {"gallery_open": jury_session.gallery_open},
    )


# --------------------------------------------------------------------------- tables


def active_allocation(jury_session: JurySession) -> TableAllocation | None:
    return db.session.scalar(
        select(TableAllocation)
        .where(TableAllocation.session_id == jury_session.id, TableAllocation.active.is_(True))
        .order_by(TableAllocation.id.desc())
        .limit(1)
    )


def seating(jury_session: JurySession) -> dict[int, int]:
    """member id -> table id in the active allocation."""
    allocation = active_allocation(jury_session)
    if allocation is None:
        return {}
    return dict(
        db.session.execute(
            select(TableSeat.member_id, TableSeat.table_id).where(
                TableSeat.allocation_id == allocation.id
            )
        ).all()
    )


def table_of(jury_session: JurySession, member: Any) -> JuryTable | None:
    if getattr(member, "kind", None) != "member":
        return None
    allocation = active_allocation(jury_session)
    if allocation is None:
        return None
    return db.session.scalar(
        select(JuryTable)
        .join(TableSeat, TableSeat.table_id == JuryTable.id)
        .where(TableSeat.allocation_id == allocation.id, TableSeat.member_id == member.id)
    )


def session_members(jury_session: JurySession) -> list[PanelMember]:
    return list(
        db.session.scalars(
            select(PanelMember)
            .where(
                PanelMember.jury_id == jury_session.jury_id,
                PanelMember.status.not_in(("declined", "dropped")),
            )
            .order_by(PanelMember.id)
        )
    )


def allocate_tables(
    jury_session: JurySession, *, actor: Any, table_size: int = 6, seed: int | None = None
) -> TableAllocation:
    """Seat the jury at tables: the juries feature's balanced allocation when it is
    installed, otherwise round-robin in a seeded random order. Staff only. Flushes."""
    require_staff(actor, "Only the facilitator can allocate tables.")
    table_size = clean_int(table_size, field="table_size", low=2, high=30)
    try:
        from consult.juries.services import allocate_session_tables  # type: ignore[attr-defined]
    except ImportError:
        allocate_session_tables = None
    allocation = None
    if allocate_session_tables is not None:
        try:
            allocation = allocate_session_tables(
                jury_session, table_size=table_size, actor=actor, seed=seed, remix=False
            )
        except ConsultError:
            raise
        except Exception:  # the balanced allocation failed: seat people anyway
            current_app.logger.exception("balanced table allocation failed; using round-robin")
    if allocation is None:
        allocation = _round_robin(jury_session, table_size=table_size, seed=seed)
    db.session.flush()
    AuditEntry.record(
        "session.tables_allocated", actor=actor, subject=jury_session, method=allocation.method
    )
    db.session.flush()
    db.session.expire(jury_session, ["tables"])
    publish(jury_session, session_room(jury_session), "tables_changed", {})
    return allocation


def _round_robin(
    jury_session: JurySession, *, table_size: int, seed: int | None
) -> TableAllocation:
    members = session_members(jury_session)
    if not members:
        raise Conflict("There is nobody to seat.")
    count = max(1, math.ceil(len(members) / table_size))
    tables = list(jury_session.tables)
    for number in range(len(tables) + 1, count + 1):
        table = JuryTable(session_id=jury_session.id, number=number, name=f"Table {number}")
        db.session.add(table)
        tables.append(table)
    db.session.flush()
    for old in db.session.scalars(
        select(TableAllocation).where(
            TableAllocation.session_id == jury_session.id, TableAllocation.active.is_(True)
        )
    ):
        old.active = False
    order = list(members)
    random.Random(seed).shuffle(order)
    allocation = TableAllocation(
        session_id=jury_session.id,
        from_round_id=jury_session.current_round_id,
        method="round_robin",
        report={"tables": count, "members": len(members), "seed": seed},
        active=True,
    )
    db.session.add(allocation)
    for index, member in enumerate(order):
        allocation.seats.append(TableSeat(table_id=tables[index % count].id, member_id=member.id))
    return allocation


def move_member(
    jury_session: JurySession, member_id: Any, table_id: Any, *, actor: Any
) -> TableSeat:
    """Move a juror to another table (by hand). Staff only; audited. Flushes."""
    require_staff(actor, "Only the facilitator can move people between tables.")
    member = db.session.get(PanelMember, clean_int(member_id, field="member_id"))
    if member is None or not is_member_of(member, jury_session):
        raise NotFound("That juror is not part of this session.")
    table = _get(JuryTable, table_id, jury_session, field="table_id")
    allocation = active_allocation(jury_session)
    if allocation is None:
        allocation = TableAllocation(
            session_id=jury_session.id, method="manual", report={}, active=True
        )
        db.session.add(allocation)
        db.session.flush()
    seat = db.session.scalar(
        select(TableSeat).where(
            TableSeat.allocation_id == allocation.id, TableSeat.member_id == member.id
        )
    )
    old_table_id = seat.table_id if seat else None
    if seat is None:
        seat = TableSeat(allocation_id=allocation.id, member_id=member.id, table_id=table.id)
        db.session.add(seat)
    seat.table_id = table.id
    AuditEntry.record(
        "session.member_moved",
        actor=actor,
        subject=member,
        session_id=jury_session.id,
        from_table=old_table_id,
        to_table=table.id,
    )
    db.session.flush()
    body = {"member_id": member.id, "table_id": table.id, "table_name": table.name}
    publish(jury_session, member_room(member.id), "table_changed", body)
    publish(jury_session, staff_room(jury_session), "table_changed", body)
    return seat


def set_scribe(
    jury_session: JurySession, table_id: Any, member_id: Any, *, actor: Any
) -> JuryTable:
    require_staff(actor, "Only the facilitator can choose a scribe.")
    table = _get(JuryTable, table_id, jury_session, field="table_id")
    if member_id in (None, ""):
        table.scribe_member_id = None
    else:
        member = db.session.get(PanelMember, clean_int(member_id, field="member_id"))
        if member is None or not is_member_of(member, jury_session):
            raise NotFound("That juror is not part of this session.")
        table.scribe_member_id = member.id
    db.session.flush()
    publish(
        jury_session,
        table_room(table.id),
        "scribe_changed",
        {"table_id": table.id, "scribe_member_id": table.scribe_member_id},
    )
    return table


def is_scribe(actor: Any, table: JuryTable | None) -> bool:
    return (
        table is not None
        and getattr(actor, "kind", None) == "member"
        and table.scribe_member_id == actor.id
    )


# --------------------------------------------------------------------------- contributions


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
        raise Invalid("Unknown kind of contribution.", fields={"kind": "Unknown kind"})
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
            raise Conflict("That client_id is already taken.")
        return existing, True
    text = clean_text(text, limit=MAX_TEXT if kind != "announcement" else MAX_LONG_TEXT)
    staff = is_staff(actor)
    if kind == "announcement":
        require_staff(actor, "Only the facilitator can make announcements.")
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
            raise NotPermitted("Only your table's scribe can take notes.")
    elif kind == "message":
        if scope is None:
            scope = (
                "table" if current is not None and current.kind == "table_discussion" else "room"
            )
        if scope not in ("table", "room"):
            raise Invalid("Scope is table or room.", fields={"scope": "table or room"})
        if scope == "table":
            if staff:
                raise Invalid("Facilitators speak to the room.", fields={"scope": "Use room"})
            table = table_of(jury_session, actor)
            if table is None:
                raise Conflict("You are not seated at a table yet.")
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
    from consult.live import payloads

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
    require_staff(actor, "Only the facilitator can hide messages.")
    contribution = _get(Contribution, contribution_id, jury_session, field="contribution_id")
    contribution.hidden = True
    contribution.hidden_reason = clean_text(reason, field="reason", limit=500, required=False)
    contribution.public = False
    AuditEntry.record(
        "contribution.hidden",
        actor=actor,
        subject=contribution,
        reason=contribution.hidden_reason,
    )
    db.session.flush()
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
    require_staff(actor, "Only the facilitator can choose what the gallery shows.")
    contribution = _get(Contribution, contribution_id, jury_session, field="contribution_id")
    if contribution.hidden and public:
        raise Conflict("A hidden contribution cannot be made public.")
    contribution.public = bool(public)
    AuditEntry.record("contribution.public", actor=actor, subject=contribution, public=bool(public))
    db.session.flush()
    from consult.live import payloads

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
    require_staff(actor, "Only the facilitator can mute someone.")
    member = db.session.get(PanelMember, clean_int(member_id, field="member_id"))
    if member is None or not is_member_of(member, jury_session):
        raise NotFound("That juror is not part of this session.")
    member.muted = bool(muted)
    AuditEntry.record(
        "member.muted" if muted else "member.unmuted",
        actor=actor,
        subject=member,
        session_id=jury_session.id,
    )
    db.session.flush()
    body = {"member_id": member.id, "muted": member.muted}
    publish(jury_session, member_room(member.id), "member_muted", body)
    publish(jury_session, staff_room(jury_session), "member_muted", body)
    return member


# --------------------------------------------------------------------------- hands & floor


def _scope_room(jury_session: JurySession, table_id: int | None) -> str:
    return table_room(table_id) if table_id is not None else session_room(jury_session)


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
            raise Conflict("That client_id is already taken.")
        return existing, True
    require_running(jury_session)
    if scope not in ("table", "room"):
        raise Invalid("Scope is table or room.", fields={"scope": "table or room"})
    table_id = None
    if scope == "table":
        table = table_of(jury_session, actor)
        if table is None:
            raise Conflict("You are not seated at a table yet.")
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
    from consult.live import payloads

    publish(
        jury_session,
        _scope_room(jury_session, table_id),
        "hand_raised",
        payloads.hand(hand, actor.display_name),
    )
    return hand, False


def lower_hand(jury_session: JurySession, hand_id: Any, *, actor: Any) -> HandRaise:
    """Take a hand out of the queue: its owner, staff or the table's scribe."""
    hand = _get(HandRaise, hand_id, jury_session, field="hand_id")
    table = db.session.get(JuryTable, hand.table_id) if hand.table_id else None
    if not (
        is_staff(actor)
        or (getattr(actor, "kind", None) == "member" and actor.id == hand.member_id)
        or is_scribe(actor, table)
    ):
        raise NotPermitted("You cannot lower someone else's hand.")
    if hand.lowered_at is not None or hand.floor_given_at is not None:
        return hand
    hand.lowered_at = utcnow()
    db.session.flush()
    publish(
        jury_session,
        _scope_room(jury_session, hand.table_id),
        "hand_lowered",
        {"id": hand.id, "member_id": hand.member_id, "table_id": hand.table_id},
    )
    return hand


def _end_open_turns(
    jury_session: JurySession, now: datetime, *, table_id: Any = "all"
) -> list[SpeakingTurn]:
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
        publish(
            jury_session,
            _scope_room(jury_session, turn.table_id),
            "floor_ended",
            {"id": turn.id, "member_id": turn.member_id, "table_id": turn.table_id},
        )
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
        hand = _get(HandRaise, hand_id, jury_session, field="hand_id")
        if hand.lowered_at is not None or hand.floor_given_at is not None:
            raise Conflict("That hand is no longer raised.")
        member = hand.member
        scope_table_id = hand.table_id
    else:
        member = db.session.get(PanelMember, clean_int(member_id, field="member_id"))
        if member is None or not is_member_of(member, jury_session):
            raise NotFound("That juror is not part of this session.")
        scope_table_id = None if table_id in (None, "") else clean_int(table_id, field="table_id")
    table = db.session.get(JuryTable, scope_table_id) if scope_table_id else None
    if scope_table_id and (table is None or table.session_id != jury_session.id):
        raise NotFound("That table is not part of this session.")
    if not (is_staff(actor) or is_scribe(actor, table)):
        raise NotPermitted("Only the facilitator or the table's scribe can give the floor.")
    _end_open_turns(jury_session, now, table_id=scope_table_id)
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
    from consult.live import payloads

    body = {**payloads.turn(turn, member.display_name), "invited": hand is None}
    publish(jury_session, _scope_room(jury_session, scope_table_id), "floor_given", body)
    if hand is None:
        publish(jury_session, member_room(member.id), "invited_to_speak", body)
        AuditEntry.record("floor.invited", actor=actor, subject=member, session_id=jury_session.id)
    _publish_balance(jury_session)
    return turn


def end_floor(jury_session: JurySession, turn_id: Any, *, actor: Any) -> SpeakingTurn:
    """Stop the speaking clock: staff, the table's scribe, or the speaker."""
    turn = _get(SpeakingTurn, turn_id, jury_session, field="turn_id")
    table = db.session.get(JuryTable, turn.table_id) if turn.table_id else None
    if not (
        is_staff(actor)
        or is_scribe(actor, table)
        or (getattr(actor, "kind", None) == "member" and actor.id == turn.member_id)
    ):
        raise NotPermitted("Only the facilitator, the scribe or the speaker can end a turn.")
    if turn.ended_at is None:
        turn.ended_at = utcnow()
        db.session.flush()
        publish(
            jury_session,
            _scope_room(jury_session, turn.table_id),
            "floor_ended",
            {"id": turn.id, "member_id": turn.member_id, "table_id": turn.table_id},
        )
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


# --------------------------------------------------------------------------- polls


def create_poll(
    jury_session: JurySession,
    *,
    actor: Any,
    kind: str,
    question: Any,
    options: Sequence[Any] = (),
    statements: Sequence[Any] = (),
    dots_per_member: Any = None,
    budget_total: Any = None,
    round_id: Any = None,
) -> Poll:
    """A draft poll. Options are labels (their values are generated); statements are
    for agree/disagree polls. Staff only. Flushes."""
    require_staff(actor, "Only the facilitator can create polls.")
    if kind not in POLL_KINDS:
        raise Invalid("Choose a kind of poll.", fields={"kind": "Choose a kind of poll"})
    question = clean_text(question, field="question")
    labels = [clean_text(o, field="options", limit=200) for o in options if str(o or "").strip()]
    texts = [clean_text(s, field="statements") for s in statements if str(s or "").strip()]
    if kind == "agree_disagree" and not texts:
        raise Invalid("Add at least one statement.", fields={"statements": "Add a statement"})
    if kind != "agree_disagree" and len(labels) < 2:
        raise Invalid("Add at least two options.", fields={"options": "Add two or more options"})
    if len(labels) > 30 or len(texts) > 100:
        raise Invalid("That is too many.", fields={"options": "Up to 30 options, 100 statements"})
    poll = Poll(
        session_id=jury_session.id,
        round_id=(
            _get(Round, round_id, jury_session, field="round_id").id
            if round_id not in (None, "")
            else jury_session.current_round_id
        ),
        kind=kind,
        question=question,
        options=[{"value": f"o{i + 1}", "label": label} for i, label in enumerate(labels)],
        status="draft",
        revealed=False,
        dots_per_member=(
            clean_int(dots_per_member or 5, field="dots_per_member", low=1, high=100)
            if kind == "dots"
            else None
        ),
        budget_total=(
            clean_int(budget_total or 100, field="budget_total", low=1, high=10_000_000)
            if kind == "budget"
            else None
        ),
    )
    for position, text in enumerate(texts):
        poll.statements.append(PollStatement(position=position, text=text))
    db.session.add(poll)
    db.session.flush()
    from consult.live import payloads

    publish(jury_session, staff_room(jury_session), "poll_changed", payloads.poll(poll, staff=True))
    return poll


def set_poll_status(jury_session: JurySession, poll_id: Any, action: str, *, actor: Any) -> Poll:
    """open, close or reveal a poll. Staff only. Revealing shows the results to everyone
    (and to the gallery when the session's gallery is open)."""
    require_staff(actor, "Only the facilitator can run polls.")
    poll = _get(Poll, poll_id, jury_session, field="poll_id")
    now = utcnow()
    if action == "open":
        if poll.status != "draft":
            raise Conflict("That poll has already been opened.")
        poll.status, poll.opened_at = "open", now
    elif action == "close":
        if poll.status != "open":
            raise Conflict("That poll is not open.")
        poll.status, poll.closed_at = "closed", now
    elif action == "reveal":
        if poll.status == "draft":
            raise Conflict("Open the poll first.")
        poll.revealed = True
    else:
        raise Invalid("Unknown action.", fields={"action": "open, close or reveal"})
    AuditEntry.record(f"poll.{action}", actor=actor, subject=poll)
    db.session.flush()
    from consult.live import payloads

    results = poll_results(poll) if poll.revealed else None
    publish(
        jury_session,
        session_room(jury_session),
        "poll_changed",
        payloads.poll(poll, results=results),
    )
    publish(
        jury_session,
        staff_room(jury_session),
        "poll_results",
        {"poll_id": poll.id, "results": poll_results(poll)},
    )
    if poll.revealed and jury_session.gallery_open:
        publish(
            jury_session,
            gallery_room(jury_session),
            "poll_changed",
            payloads.poll(poll, results=results),
        )
    return poll


def _clean_ballot(poll: Poll, value: Any) -> Any:
    options = [o["value"] for o in poll.options]
    bad = Invalid("That ballot does not fit this poll.", fields={"value": "Check your choices"})
    if poll.kind == "agree_disagree":
        if not isinstance(value, dict) or not value:
            raise bad
        statement_ids = {str(s.id) for s in poll.statements if not s.moderated_out}
        clean = {}
        for key, vote in value.items():
            if str(key) not in statement_ids or vote not in (1, 0, -1) or isinstance(vote, bool):
                raise bad
            clean[str(key)] = vote
        return clean
    if poll.kind == "single_choice":
        if value not in options:
            raise bad
        return value
    if poll.kind == "ranking":
        if not isinstance(value, list) or not value or len(set(value)) != len(value):
            raise bad
        if any(v not in options for v in value):
            raise bad
        return value
    if not isinstance(value, dict):
        raise bad
    limit = poll.dots_per_member if poll.kind == "dots" else poll.budget_total
    clean = {}
    for key, amount in value.items():
        if key not in options or isinstance(amount, bool) or not isinstance(amount, int | float):
            raise bad
        if amount < 0:
            raise bad
        if amount:
            clean[key] = int(amount) if poll.kind == "dots" else round(float(amount), 2)
    if sum(clean.values()) > (limit or 0) + 1e-9:
        raise Invalid(
            f"Use at most {limit} in total.", fields={"value": f"Use at most {limit} in total"}
        )
    return clean


def cast_ballot(
    jury_session: JurySession, poll_id: Any, value: Any, *, actor: Any, client_id: Any
) -> tuple[Ballot, bool]:
    """A juror's ballot: one per juror per poll, replaced by a later one while the poll is
    open. A retry with the same client_id changes nothing. Returns (ballot, replayed)."""
    client_id = clean_client_id(client_id)
    require_member(actor, jury_session)
    poll = _get(Poll, poll_id, jury_session, field="poll_id")
    ballot = db.session.scalar(
        select(Ballot).where(Ballot.poll_id == poll.id, Ballot.member_id == actor.id)
    )
    if ballot is not None and ballot.client_id == client_id:
        return ballot, True
    if poll.status != "open":
        raise Conflict("This poll is not open for votes.")
    clean = _clean_ballot(poll, value)
    if ballot is None:
        ballot = Ballot(poll_id=poll.id, member_id=actor.id, value=clean, client_id=client_id)
        db.session.add(ballot)
    else:
        ballot.value, ballot.client_id = clean, client_id
    db.session.flush()
    count = db.session.scalar(select(func.count(Ballot.id)).where(Ballot.poll_id == poll.id))
    signal(staff_room(jury_session), "poll_tally", {"poll_id": poll.id, "ballots": count})
    return ballot, False


def poll_results(poll: Poll, *, with_map: bool = True) -> dict[str, Any]:
    """Counts for the poll's kind; for agree/disagree also the live opinion map."""
    ballots = db.session.scalars(select(Ballot).where(Ballot.poll_id == poll.id)).all()
    result: dict[str, Any] = {"ballots": len(ballots), "kind": poll.kind}
    labels = {o["value"]: o["label"] for o in poll.options}
    if poll.kind == "agree_disagree":
        rows = []
        votes: list[tuple[str, str, int]] = []
        for statement in poll.statements:
            counts = {"agree": 0, "disagree": 0, "pass": 0}
            for ballot in ballots:
                vote = (ballot.value or {}).get(str(statement.id))
                if vote is None:
                    continue
                counts[{1: "agree", -1: "disagree", 0: "pass"}[vote]] += 1
                votes.append((f"p{ballot.member_id}", str(statement.id), vote))
            rows.append({"statement_id": statement.id, "text": statement.text, **counts})
        result["statements"] = rows
        if with_map:
            result["opinion"] = opinion_map(poll, votes)
    elif poll.kind == "single_choice":
        counts = {value: 0 for value in labels}
        for ballot in ballots:
            counts[ballot.value] = counts.get(ballot.value, 0) + 1
        result["options"] = [
            {"value": v, "label": labels[v], "count": counts.get(v, 0)} for v in labels
        ]
    elif poll.kind == "ranking":
        n = len(labels)
        scores = {value: 0 for value in labels}
        firsts = {value: 0 for value in labels}
        for ballot in ballots:
            for place, value in enumerate(ballot.value or []):
                scores[value] = scores.get(value, 0) + (n - place)
            if ballot.value:
                firsts[ballot.value[0]] = firsts.get(ballot.value[0], 0) + 1
        result["options"] = sorted(
            (
                {"value": v, "label": labels[v], "score": scores[v], "first": firsts[v]}
                for v in labels
            ),
            key=lambda row: (-row["score"], row["label"]),
        )
    else:
        totals = {value: 0.0 for value in labels}
        for ballot in ballots:
            for value, amount in (ballot.value or {}).items():
                totals[value] = totals.get(value, 0.0) + amount
        result["options"] = [
            {
                "value": v,
                "label": labels[v],
                "total": round(totals[v], 2),
                "mean": round(totals[v] / len(ballots), 2) if ballots else 0.0,
            }
            for v in labels
        ]
    return result


# Opinion maps already computed, by poll and exact votes: a room of a thousand phones
# reconnecting after a wifi drop asks for a revealed poll's map a thousand times.
_MAP_CACHE: OrderedDict[str, dict[str, Any]] = OrderedDict()
_MAP_CACHE_SIZE = 64
_MAP_CACHE_LOCK = threading.Lock()


def opinion_map(poll: Poll, votes: list[tuple[str, str, int]]) -> dict[str, Any]:
    """Opinion groups from the analysis engine, anonymised: points carry a group, not a
    person. Falls back to no map if the engine is missing or fails. Computed once per
    distinct set of votes (and statement texts) in each process."""
    if not votes:
        return {"available": False, "points": [], "groups": [], "consensus": [], "divisive": []}
    texts = sorted((s.id, s.text) for s in poll.statements)
    key = hashlib.sha256(repr((poll.id, sorted(votes), texts)).encode()).hexdigest()
    with _MAP_CACHE_LOCK:
        if key in _MAP_CACHE:
            _MAP_CACHE.move_to_end(key)
            return copy.deepcopy(_MAP_CACHE[key])
    result = _compute_opinion_map(poll, votes)
    if result["available"]:
        with _MAP_CACHE_LOCK:
            _MAP_CACHE[key] = copy.deepcopy(result)
            while len(_MAP_CACHE) > _MAP_CACHE_SIZE:
                _MAP_CACHE.popitem(last=False)
    return result


def _compute_opinion_map(poll: Poll, votes: list[tuple[str, str, int]]) -> dict[str, Any]:
    try:
        from analysis.opinion import opinion_groups

        groups = opinion_groups(votes, random_state=0).as_dict()
    except Exception as error:  # a missing or failing engine must not stop the poll
        return {"available": False, "reason": str(error)[:200], "points": [], "groups": []}
    texts = {str(s.id): s.text for s in poll.statements}
    assignments = groups.get("assignments", {})
    points = [
        {"x": round(x, 4), "y": round(y, 4), "group": assignments.get(person)}
        for person, (x, y) in sorted(groups.get("coordinates", {}).items())
    ]
    random.Random(poll.id).shuffle(points)  # order must not identify anyone

    def scored(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "statement_id": item["statement"],
                "text": texts.get(item["statement"], ""),
                "agree": round(item["agree"], 3),
                "disagree": round(item["disagree"], 3),
            }
            for item in items
        ]

    return {
        "available": True,
        "points": points,
        "groups": [
            {
                "id": group["id"],
                "size": len(group["participants"]),
                "representative": scored(group["representative"]),
            }
            for group in groups.get("groups", [])
        ],
        "consensus": scored(groups.get("consensus", [])),
        "divisive": scored(groups.get("divisive", [])),
    }


# --------------------------------------------------------------------------- recommendations


def create_recommendation(
    jury_session: JurySession,
    *,
    actor: Any,
    title: Any,
    text: Any,
    client_id: Any,
    threshold: Any = 0.8,
    quorum: Any = None,
) -> tuple[Recommendation, bool]:
    """A draft recommendation: staff at any time, a juror during a drafting round."""
    client_id = clean_client_id(client_id)
    existing = db.session.scalar(
        select(Recommendation).where(Recommendation.client_id == client_id)
    )
    if existing is not None:
        if existing.session_id != jury_session.id:
            raise Conflict("That client_id is already taken.")
        return existing, True
    if not is_staff(actor):
        require_member(actor, jury_session, speaking=True)
        current = jury_session.current_round
        if current is None or current.kind != "drafting":
            raise Conflict("Jurors draft recommendations in a drafting round.")
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        threshold = -1
    if not 0 < threshold <= 1:
        raise Invalid(
            "The threshold is a share between 0 and 1.", fields={"threshold": "e.g. 0.8 for 80%"}
        )
    members = len(session_members(jury_session))
    quorum = (
        clean_int(quorum, field="quorum", low=1, high=100_000)
        if quorum not in (None, "")
        else max(1, math.ceil(members / 2))
    )
    position = db.session.scalar(
        select(func.count(Recommendation.id)).where(Recommendation.session_id == jury_session.id)
    )
    recommendation = Recommendation(
        jury_id=jury_session.jury_id,
        session_id=jury_session.id,
        position=position or 0,
        title=clean_text(title, field="title", limit=300),
        text=clean_text(text, limit=MAX_LONG_TEXT),
        status="draft",
        threshold=threshold,
        quorum=quorum,
        author_member_id=actor.id if not is_staff(actor) else None,
        client_id=client_id,
    )
    db.session.add(recommendation)
    db.session.flush()
    _publish_recommendation(jury_session, recommendation)
    return recommendation, False


def _publish_recommendation(jury_session: JurySession, recommendation: Recommendation) -> int:
    from consult.live import payloads

    body = payloads.recommendation(recommendation)
    seq = publish(jury_session, session_room(jury_session), "recommendation_changed", body)
    if jury_session.gallery_open and recommendation.status in ("passed", "failed"):
        publish(jury_session, gallery_room(jury_session), "recommendation_changed", body)
    return seq


def propose_amendment(
    jury_session: JurySession,
    recommendation_id: Any,
    *,
    actor: Any,
    text: Any,
    rationale: Any = "",
    client_id: Any,
) -> tuple[Amendment, bool]:
    """A juror proposes new wording for a draft recommendation."""
    client_id = clean_client_id(client_id)
    existing = db.session.scalar(select(Amendment).where(Amendment.client_id == client_id))
    if existing is not None:
        if existing.member_id != getattr(actor, "id", None):
            raise Conflict("That client_id is already taken.")
        return existing, True
    require_member(actor, jury_session, speaking=True)
    recommendation = _get(
        Recommendation, recommendation_id, jury_session, field="recommendation_id"
    )
    if recommendation.status != "draft":
        raise Conflict("Amendments close when the vote opens.")
    amendment = Amendment(
        recommendation_id=recommendation.id,
        member_id=actor.id,
        text=clean_text(text, limit=MAX_LONG_TEXT),
        rationale=clean_text(rationale, field="rationale", limit=MAX_TEXT, required=False),
        status="proposed",
        client_id=client_id,
    )
    db.session.add(amendment)
    db.session.flush()
    db.session.expire(recommendation, ["amendments"])
    _publish_recommendation(jury_session, recommendation)
    return amendment, False


def decide_amendment(
    jury_session: JurySession, amendment_id: Any, *, actor: Any, accept: bool
) -> Amendment:
    """Record the room's decision on an amendment; accepting it rewrites the draft."""
    require_staff(actor, "Only the facilitator records the room's decision.")
    amendment = _get(Amendment, amendment_id, jury_session, field="amendment_id")
    if amendment.status != "proposed":
        raise Conflict("That amendment has already been decided.")
    recommendation = amendment.recommendation
    if recommendation.status != "draft":
        raise Conflict("Amendments close when the vote opens.")
    amendment.status = "accepted" if accept else "rejected"
    amendment.decided_at = utcnow()
    if accept:
        recommendation.text = amendment.text
    AuditEntry.record(f"amendment.{amendment.status}", actor=actor, subject=amendment)
    db.session.flush()
    _publish_recommendation(jury_session, recommendation)
    return amendment


def set_recommendation_status(
    jury_session: JurySession, recommendation_id: Any, action: str, *, actor: Any
) -> Recommendation:
    """open_vote, close_vote (decides it against threshold and quorum) or withdraw.
    Staff only. A passed recommendation is what the council-response register lists."""
    require_staff(actor, "Only the facilitator runs the final vote.")
    recommendation = _get(
        Recommendation, recommendation_id, jury_session, field="recommendation_id"
    )
    if action == "open_vote":
        if recommendation.status != "draft":
            raise Conflict("The vote on this recommendation has already opened.")
        recommendation.status = "voting"
    elif action == "close_vote":
        if recommendation.status != "voting":
            raise Conflict("The vote on this recommendation is not open.")
        decide_vote(recommendation)
    elif action == "withdraw":
        if recommendation.status in ("passed", "failed"):
            raise Conflict("A decided recommendation cannot be withdrawn.")
        recommendation.status = "withdrawn"
    else:
        raise Invalid("Unknown action.", fields={"action": "open_vote, close_vote or withdraw"})
    AuditEntry.record(
        f"recommendation.{action}",
        actor=actor,
        subject=recommendation,
        status=recommendation.status,
        votes_for=recommendation.votes_for,
        votes_against=recommendation.votes_against,
        votes_abstain=recommendation.votes_abstain,
    )
    db.session.flush()
    _publish_recommendation(jury_session, recommendation)
    return recommendation


@dataclass(frozen=True)
class VoteOutcome:
    support: int
    oppose: int
    abstain: int
    quorate: bool
    share: float
    passed: bool


def vote_outcome(recommendation: Recommendation) -> VoteOutcome:
    """Support share = support / (support + oppose); abstentions count towards the quorum
    (votes needed for a valid vote) but not the share."""
    counts = dict(
        db.session.execute(
            select(RecommendationVote.choice, func.count(RecommendationVote.id))
            .where(RecommendationVote.recommendation_id == recommendation.id)
            .group_by(RecommendationVote.choice)
        ).all()
    )
    support, oppose, abstain = (counts.get(c, 0) for c in ("support", "oppose", "abstain"))
    quorate = support + oppose + abstain >= recommendation.quorum
    share = support / (support + oppose) if support + oppose else 0.0
    passed = quorate and support + oppose > 0 and share >= recommendation.threshold - 1e-9
    return VoteOutcome(support, oppose, abstain, quorate, share, passed)


def decide_vote(recommendation: Recommendation) -> VoteOutcome:
    outcome = vote_outcome(recommendation)
    recommendation.votes_for = outcome.support
    recommendation.votes_against = outcome.oppose
    recommendation.votes_abstain = outcome.abstain
    recommendation.status = "passed" if outcome.passed else "failed"
    recommendation.decided_at = utcnow()
    return outcome


def cast_vote(
    jury_session: JurySession, recommendation_id: Any, choice: Any, *, actor: Any, client_id: Any
) -> tuple[RecommendationVote, bool]:
    """A juror's final vote (support, oppose, abstain): one each, changeable while open."""
    client_id = clean_client_id(client_id)
    require_member(actor, jury_session)
    recommendation = _get(
        Recommendation, recommendation_id, jury_session, field="recommendation_id"
    )
    vote = db.session.scalar(
        select(RecommendationVote).where(
            RecommendationVote.recommendation_id == recommendation.id,
            RecommendationVote.member_id == actor.id,
        )
    )
    if vote is not None and vote.client_id == client_id:
        return vote, True
    if recommendation.status != "voting":
        raise Conflict("The vote on this recommendation is not open.")
    if choice not in ("support", "oppose", "abstain"):
        raise Invalid("Choose support, oppose or abstain.", fields={"choice": "Choose one"})
    if vote is None:
        vote = RecommendationVote(
            recommendation_id=recommendation.id,
            member_id=actor.id,
            choice=choice,
            client_id=client_id,
        )
        db.session.add(vote)
    else:
        vote.choice, vote.client_id = choice, client_id
    db.session.flush()
    outcome = vote_outcome(recommendation)
    signal(
        staff_room(jury_session),
        "vote_tally",
        {
            "recommendation_id": recommendation.id,
            "support": outcome.support,
            "oppose": outcome.oppose,
            "abstain": outcome.abstain,
        },
    )
    return vote, False


def write_minority_report(
    jury_session: JurySession, recommendation_id: Any, *, actor: Any, text: Any, client_id: Any
) -> tuple[MinorityReport, bool]:
    """A juror who disagrees attaches a minority report (and signs it)."""
    client_id = clean_client_id(client_id)
    existing = db.session.scalar(
        select(MinorityReport).where(MinorityReport.client_id == client_id)
    )
    if existing is not None:
        if existing.author_member_id != getattr(actor, "id", None):
            raise Conflict("That client_id is already taken.")
        return existing, True
    require_member(actor, jury_session, speaking=True)
    recommendation = _get(
        Recommendation, recommendation_id, jury_session, field="recommendation_id"
    )
    if recommendation.status == "withdrawn":
        raise Conflict("That recommendation was withdrawn.")
    report = MinorityReport(
        recommendation_id=recommendation.id,
        author_member_id=actor.id,
        text=clean_text(text, limit=MAX_LONG_TEXT),
        client_id=client_id,
    )
    db.session.add(report)
    db.session.flush()
    db.session.add(MinorityReportSignature(report_id=report.id, member_id=actor.id))
    db.session.flush()
    db.session.expire(recommendation, ["minority_reports"])
    _publish_recommendation(jury_session, recommendation)
    return report, False


def sign_minority_report(
    jury_session: JurySession, report_id: Any, *, actor: Any
) -> MinorityReport:
    """Add the juror's signature (signing twice changes nothing)."""
    require_member(actor, jury_session)
    report = _get(MinorityReport, report_id, jury_session, field="report_id")
    signed = db.session.scalar(
        select(MinorityReportSignature).where(
            MinorityReportSignature.report_id == report.id,
            MinorityReportSignature.member_id == actor.id,
        )
    )
    if signed is None:
        db.session.add(MinorityReportSignature(report_id=report.id, member_id=actor.id))
        db.session.flush()
        db.session.expire(report, ["signatures"])
        _publish_recommendation(jury_session, report.recommendation)
    return report


# --------------------------------------------------------------------------- idea board


def _last_board(jury_session: JurySession) -> dict[str, Any] | None:
    row = db.session.scalar(
        select(LiveEvent)
        .where(LiveEvent.session_id == jury_session.id, LiveEvent.event == "idea_board")
        .order_by(LiveEvent.seq.desc())
        .limit(1)
    )
    return dict(row.payload) if row is not None else None


def idea_board(jury_session: JurySession) -> dict[str, Any]:
    """The last published board, or an unthemed one."""
    board = _last_board(jury_session)
    if board is not None:
        return board
    return {"themes": [], "unthemed": [], "renames": {}, "merges": {}, "engine": None}


def regroup_after_new_idea(jury_session: JurySession) -> None:
    """Re-cluster the idea board after a new idea, in a transaction of its own, and
    broadcast it: the idea is already committed (and acknowledged) whatever happens here,
    so a failure is logged, not raised."""
    try:
        refresh_idea_board(jury_session)
        db.session.commit()
        flush_outbox()
    except Exception:
        db.session.rollback()
        discard_outbox()
        current_app.logger.exception("idea board refresh failed")


def refresh_idea_board(
    jury_session: JurySession,
    *,
    recluster: bool = True,
    fresh: bool = False,
    renames: dict[str, str] | None = None,
    merges: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Group the session's visible ideas into themes (the analysis engine's
    `cluster_ideas`, warm-started from the last board so theme ids stay put), apply the
    facilitator's renames and merges, store each idea's group label and publish the board.
    If the engine is missing or fails, ideas stay unthemed."""
    ideas = list(
        db.session.scalars(
            select(Contribution)
            .where(
                Contribution.session_id == jury_session.id,
                Contribution.kind == "idea",
                Contribution.hidden.is_(False),
            )
            .order_by(Contribution.id)
        )
    )
    last = _last_board(jury_session) or {}
    renames = dict(last.get("renames", {}) if renames is None else renames)
    merges = dict(last.get("merges", {}) if merges is None else merges)
    if fresh:  # regrouping from scratch gives new theme ids: old overrides no longer apply
        renames, merges = {}, {}
    engine = last.get("engine")
    assignments: dict[str, int] = {}
    labels: dict[int, str] = {}
    if recluster or not last:
        try:
            from analysis.ideas import IdeaClusters, IdeaTheme, cluster_ideas

            previous = None
            if last.get("raw_themes") and not fresh:
                previous = IdeaClusters(
                    tuple(
                        IdeaTheme(
                            t["id"],
                            t["label"],
                            tuple(t.get("keyphrases", [])),
                            tuple(t["idea_ids"]),
                        )
                        for t in last["raw_themes"]
                    ),
                    tuple((k, int(v)) for k, v in last.get("raw_assignments", {}).items()),
                )
            clusters = cluster_ideas(
                [idea.text for idea in ideas],
                [str(idea.id) for idea in ideas],
                previous=previous,
                random_state=0,
            )
            raw = clusters.as_dict()
            assignments = {k: int(v) for k, v in raw["assignments"].items()}
            raw_themes = raw["themes"]
            labels = {t["id"]: t["label"] for t in raw_themes}
            engine = "analysis.themes.cluster_ideas"
        except Exception as error:  # degrade to an unthemed board, never lose the idea
            raw_themes, engine = [], f"unavailable: {str(error)[:120]}"
    else:
        raw_themes = last.get("raw_themes", [])
        assignments = {k: int(v) for k, v in last.get("raw_assignments", {}).items()}
        labels = {t["id"]: t["label"] for t in raw_themes}
    visible = {str(idea.id) for idea in ideas}
    groups: dict[int, list[str]] = defaultdict(list)
    for idea in ideas:
        theme_id = assignments.get(str(idea.id), 0)
        while str(theme_id) in merges:
            theme_id = int(merges[str(theme_id)])
        groups[theme_id].append(str(idea.id))
    themes = []
    for theme_id, idea_ids in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        if theme_id == 0:
            continue
        label = renames.get(str(theme_id)) or labels.get(theme_id) or f"Theme {theme_id}"
        themes.append({"id": theme_id, "label": label, "idea_ids": [int(i) for i in idea_ids]})
    label_of = {int(i): t["label"] for t in themes for i in t["idea_ids"]}
    for idea in ideas:
        idea.idea_group = label_of.get(idea.id)
    board = {
        "themes": themes,
        "unthemed": [int(i) for i in groups.get(0, []) if i in visible],
        "renames": renames,
        "merges": merges,
        "engine": engine,
        "raw_themes": raw_themes,
        "raw_assignments": {k: v for k, v in assignments.items()},
    }
    db.session.flush()
    publish(jury_session, session_room(jury_session), "idea_board", board)
    return board


def rename_theme(
    jury_session: JurySession, theme_id: Any, label: Any, *, actor: Any
) -> dict[str, Any]:
    require_staff(actor, "Only the facilitator can rename a theme.")
    theme_id = clean_int(theme_id, field="theme_id", low=1)
    label = clean_text(label, field="label", limit=200)
    board = _last_board(jury_session)
    if board is None or theme_id not in {t["id"] for t in board["themes"]}:
        raise NotFound("There is no such theme on the board.")
    renames = dict(board.get("renames", {}))
    renames[str(theme_id)] = label
    AuditEntry.record(
        "ideas.renamed", actor=actor, subject=jury_session, theme=theme_id, label=label
    )
    return refresh_idea_board(jury_session, recluster=False, renames=renames)


def merge_themes(
    jury_session: JurySession, theme_id: Any, into_id: Any, *, actor: Any
) -> dict[str, Any]:
    require_staff(actor, "Only the facilitator can merge themes.")
    theme_id = clean_int(theme_id, field="theme_id", low=1)
    into_id = clean_int(into_id, field="into_id", low=1)
    board = _last_board(jury_session)
    present = {t["id"] for t in board["themes"]} if board else set()
    if theme_id == into_id or theme_id not in present or into_id not in present:
        raise Invalid("Choose two different themes on the board.", fields={"into_id": "Choose"})
    merges = dict(board.get("merges", {}))
    merges[str(theme_id)] = str(into_id)
    AuditEntry.record(
        "ideas.merged", actor=actor, subject=jury_session, theme=theme_id, into=into_id
    )
    return refresh_idea_board(jury_session, recluster=False, merges=merges)
