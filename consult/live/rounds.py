"""Live deliberation: a session's agenda and the running of its rounds. Staff create a
session (from the standard jury-day template), edit its rounds, and run it: start,
pause, resume, extend, advance, back, go to, end. The timer is the round's `ends_at`
(or, paused, its `remaining_seconds`): nothing runs on the server between events except
the round clock (clock.py), which calls `advance_if_due` for rounds set to move on by
themselves. Services check permission, audit, publish and flush; callers commit."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from flask_babel import gettext
from sqlalchemy import select, update

from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.live import connections, payloads, pb_vote
from consult.live.checks import MAX_LONG_TEXT, clean_int, clean_text, get_in_session, require_staff
from consult.live.floor import end_open_turns
from consult.live.outbox import after_commit, gallery_room, publish, session_room, staff_room
from consult.models import Jury, JurySession, Round, audit, utcnow
from consult.models.live import ROUND_KINDS
from consult.wording import N_

ROUND_LABELS = {  # marked for translation: juror and gallery pages show them in their language
    "briefing": N_("Briefing and evidence"),
    "open_discussion": N_("Open discussion"),
    "table_discussion": N_("Table discussion"),
    "ideas": N_("Ideas"),
    "poll": N_("Poll"),
    "drafting": N_("Recommendation drafting"),
    "final_vote": N_("Final vote"),
    "reflection": N_("Reflection"),
    "pb_vote": N_("Participatory budgeting vote"),
}

# What the staff pages call a round's and a session's status (stored in English)
ROUND_STATUS_LABELS = {
    "pending": N_("Not started"),
    "running": N_("Running"),
    "paused": N_("Paused"),
    "done": N_("Done"),
}
SESSION_STATUS_LABELS = {
    "planned": N_("Planned"),
    "live": N_("Live"),
    "paused": N_("Paused"),
    "ended": N_("Ended"),
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

# --------------------------------------------------------------------------- sessions & agenda


def create_session(
    jury: Jury, *, actor: Any, title: str, starts_at: datetime | None = None, template: bool = True
) -> JurySession:
    """A planned session for `jury`, with the standard jury-day agenda unless `template`
    is false. Staff only. Flushes."""
    require_staff(actor, gettext("Only facilitators and officers can create sessions."))
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
    audit("session.created", actor=actor, subject=jury_session)
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
    script: str = "",
    auto_advance: bool = False,
    title_cy: str = "",
    instructions_cy: str = "",
    pb_round_id: Any = None,
) -> Round:
    """Add a round at the end of the agenda, or change `round_`. A participatory budgeting
    vote names a PB round in its voting phase (`pb_round_id`). Staff only. Flushes."""
    require_staff(actor, gettext("Only facilitators and officers can change the agenda."))
    if kind not in ROUND_KINDS:
        raise Invalid(
            gettext("Choose a kind of round."), fields={"kind": gettext("Choose a kind of round")}
        )
    pb_round = pb_vote.check_link(
        kind, pb_round_id, kept=round_.pb_round_id if round_ is not None else None
    )
    minutes = clean_int(planned_minutes, field="planned_minutes", low=1, high=480)
    if round_ is None:
        round_ = Round(position=len(jury_session.rounds), status="pending")
        jury_session.rounds.append(round_)
    round_.kind = kind
    round_.pb_round_id = pb_round.id if pb_round is not None else None
    round_.title = clean_text(title, field="title", limit=200)
    round_.planned_minutes = minutes
    round_.instructions = clean_text(
        instructions, field="instructions", limit=MAX_LONG_TEXT, required=False
    )
    round_.title_cy = clean_text(title_cy, field="title_cy", limit=200, required=False) or None
    round_.instructions_cy = (
        clean_text(instructions_cy, field="instructions_cy", limit=MAX_LONG_TEXT, required=False)
        or None
    )
    round_.materials = clean_text(materials, field="materials", limit=MAX_LONG_TEXT, required=False)
    round_.script = clean_text(script, field="script", limit=MAX_LONG_TEXT, required=False)
    round_.public = bool(public)
    round_.auto_advance = bool(auto_advance)
    db.session.flush()
    if jury_session.status in ("live", "paused"):
        publish(jury_session, session_room(jury_session), "agenda_changed", agenda(jury_session))
    return round_


def move_round(jury_session: JurySession, round_: Round, *, actor: Any, offset: int) -> None:
    """Move a round up (-1) or down (+1) the agenda. Staff only. Flushes."""
    require_staff(actor, gettext("Only facilitators and officers can change the agenda."))
    rounds = list(jury_session.rounds)
    index = rounds.index(round_)
    target = index + offset
    if target < 0 or target >= len(rounds):
        raise Conflict(gettext("That round cannot move any further."))
    rounds[index], rounds[target] = rounds[target], rounds[index]
    for position, item in enumerate(rounds):
        item.position = position
    db.session.flush()
    db.session.expire(jury_session, ["rounds"])
    if jury_session.status in ("live", "paused"):
        publish(jury_session, session_room(jury_session), "agenda_changed", agenda(jury_session))


def remove_round(jury_session: JurySession, round_: Round, *, actor: Any) -> None:
    require_staff(actor, gettext("Only facilitators and officers can change the agenda."))
    if round_.status != "pending" or jury_session.current_round_id == round_.id:
        raise Conflict(gettext("Only a round that has not started can be removed."))
    jury_session.rounds.remove(round_)
    for position, item in enumerate(jury_session.rounds):
        item.position = position
    db.session.flush()


def agenda(jury_session: JurySession) -> dict[str, Any]:
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
    end_open_turns(jury_session, now)


def due_rounds(now: datetime) -> list[tuple[int, int]]:
    """(round id, session id) of every live session's current round whose time is up and
    which is set to move on by itself."""
    return [
        (round_id, session_id)
        for round_id, session_id in db.session.execute(
            select(Round.id, Round.session_id)
            .join(JurySession, JurySession.current_round_id == Round.id)
            .where(
                JurySession.status == "live",
                Round.status == "running",
                Round.auto_advance.is_(True),
                Round.ends_at <= now,
            )
        ).all()
    ]


def advance_if_due(session_id: int, round_id: int, now: datetime) -> bool:
    """Move the session on from `round_id` to the next round if that round is still its
    current one and its time is still up (never past the last round). Every server
    process's clock may try: a conditional UPDATE on the round decides which one moves
    it, so a session moves once. Audited as `session.auto_advance`. Returns whether it
    moved. Flushes."""
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
    audit(
        "session.auto_advance",
        subject=jury_session,
        round_id=jury_session.current_round_id,
        from_round_id=round_id,
    )
    _announce_round(jury_session, "advance")
    return True


def control(jury_session: JurySession, action: str, *, actor: Any, **options: Any) -> int:
    """Run the session: start, pause, resume, extend (minutes), advance, back, go_to
    (round_id), end. Staff only. The timer is the round's `ends_at` (or, paused, its
    `remaining_seconds`): nothing runs on the server between events. Returns the seq."""
    require_staff(actor, gettext("Only the facilitator can run the session."))
    now = utcnow()
    rounds = list(jury_session.rounds)
    current = jury_session.current_round
    if action == "start":
        if jury_session.status != "planned":
            raise Conflict(gettext("The session has already started."))
        if not rounds:
            raise Conflict(gettext("Add a round to the agenda first."))
        jury_session.status = "live"
        _set_current(jury_session, rounds[0])
        _start_round(rounds[0], now)
    elif action in ("advance", "back", "go_to"):
        if jury_session.status not in ("live", "paused"):
            raise Conflict(gettext("Start the session first."))
        if action == "go_to":
            target = get_in_session(Round, options.get("round_id"), jury_session, field="round_id")
        else:
            index = rounds.index(current) if current in rounds else -1
            step = 1 if action == "advance" else -1
            if not 0 <= index + step < len(rounds):
                raise Conflict(
                    gettext("This is the last round.") if step > 0 else "This is the first round."
                )
            target = rounds[index + step]
        if target is current:
            raise Conflict(gettext("That round is already the current one."))
        _move_to(jury_session, target, now)
    elif action == "pause":
        if current is None or current.status != "running":
            raise Conflict(gettext("There is no running round to pause."))
        current.remaining_seconds = _remaining(current, now)
        current.ends_at = None
        current.status = "paused"
        jury_session.status = "paused"
    elif action == "resume":
        if current is None or current.status != "paused":
            raise Conflict(gettext("The round is not paused."))
        current.ends_at = now + timedelta(seconds=current.remaining_seconds or 0)
        current.remaining_seconds = None
        current.status = "running"
        jury_session.status = "live"
    elif action == "extend":
        minutes = clean_int(options.get("minutes", 5), field="minutes", low=1, high=120)
        if current is None or current.status not in ("running", "paused"):
            raise Conflict(gettext("There is no round to extend."))
        if current.status == "running":
            current.ends_at = max(current.ends_at or now, now) + timedelta(minutes=minutes)
        else:
            current.remaining_seconds = (current.remaining_seconds or 0) + minutes * 60
    elif action == "end":
        if jury_session.status == "ended":
            raise Conflict(gettext("The session has already ended."))
        if current is not None:
            _leave_round(current, now)
        jury_session.status = "ended"
        end_open_turns(jury_session, now)
    else:
        raise Invalid(gettext("Unknown action."), fields={"action": gettext("Unknown action")})
    db.session.flush()
    audit(
        f"session.{action}",
        actor=actor,
        subject=jury_session,
        round_id=jury_session.current_round_id,
    )
    return _announce_round(jury_session, action)


def set_gallery(jury_session: JurySession, *, actor: Any, open_: bool) -> int:
    require_staff(actor, gettext("Only the facilitator can open the public gallery."))
    jury_session.gallery_open = bool(open_)
    audit("session.gallery", actor=actor, subject=jury_session, open=bool(open_))
    if not open_:  # viewers still connected stop receiving anything, on every process
        after_commit(partial(connections.close_gallery, jury_session.id))
    return publish(
        jury_session,
        staff_room(jury_session),
        "gallery_changed",
        {"gallery_open": jury_session.gallery_open},
    )
