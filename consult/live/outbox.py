"""Live deliberation: the session's event log and the outbox of what the rooms must be
told. Services `publish` sequenced events (logged with the session's next sequence
number) and `signal` ephemeral notices; nothing is sent until the caller's transaction is
committed. `unit_of_work()` is that caller's side, the one place in live/ that commits:
commit, then broadcast; on any failure, roll back and drop what was queued."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import current_app, g
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from consult.extensions import db, socketio
from consult.models import JurySession, LiveEvent

NAMESPACE = "/live"
T = TypeVar("T")

# --------------------------------------------------------------------------- rooms


def session_room(jury_session: JurySession) -> str:
    return f"session:{jury_session.id}"


def staff_room(jury_session: JurySession) -> str:
    return f"staff:{jury_session.id}"


def gallery_room(jury_session: JurySession) -> str:
    return gallery_room_of(jury_session.id)


def gallery_room_of(session_id: int) -> str:
    return f"gallery:{session_id}"


def table_room(table_id: int) -> str:
    return f"table:{table_id}"


def member_room(member_id: int) -> str:
    return f"member:{member_id}"


def scope_room(jury_session: JurySession, table_id: int | None) -> str:
    """A table's room, or the whole session's when `table_id` is None."""
    return table_room(table_id) if table_id is not None else session_room(jury_session)


# --------------------------------------------------------------------------- the log


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


# --------------------------------------------------------------------------- the outbox


def outbox() -> list[tuple[str, dict[str, Any], str]]:
    if "live_outbox" not in g:
        g.live_outbox = []
    return g.live_outbox


def after_commit(work: Callable[[], Any]) -> None:
    """Queue `work` (moving people's connections between rooms, consult/live/connections.py)
    to run after commit, before the queued broadcasts go out; dropped on rollback."""
    if "live_after_commit" not in g:
        g.live_after_commit = []
    g.live_after_commit.append(work)


def discard_outbox() -> None:
    g.pop("live_outbox", None)
    g.pop("live_after_commit", None)


def flush_outbox() -> int:
    """Run the after-commit work, then broadcast everything queued since the last flush;
    call after `db.session.commit()`. The work is best effort: what it changes the
    client also gets at its next `join`, so a failure is logged, not raised."""
    for work in g.pop("live_after_commit", []):
        try:
            work()
        except Exception:
            current_app.logger.exception("live after-commit work failed")
    items = g.pop("live_outbox", [])
    for event, payload, room in items:
        socketio.emit(event, payload, to=room, namespace=NAMESPACE)
    return len(items)


@contextmanager
def unit_of_work() -> Iterator[None]:
    """One transaction for the service calls in the block: commit, then broadcast what they
    queued. Any exception rolls back, drops the queue and propagates."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        discard_outbox()
        raise
    flush_outbox()


def committed(work: Callable[[], T]) -> T:
    """`work()` in a unit of work, run a second time if the first trips a unique
    constraint: the same client id sent twice at once (a double click, a socket retry)
    races to insert, and the second run finds the row the first one wrote."""
    try:
        with unit_of_work():
            return work()
    except IntegrityError:
        with unit_of_work():
            return work()


@contextmanager
def best_effort(what: str, *args: Any) -> Iterator[None]:
    """A follow-up unit of work whose failure is logged (as `what % args`), not raised:
    the work it follows is already committed and acknowledged."""
    try:
        with unit_of_work():
            yield
    except Exception:
        current_app.logger.exception(what + " failed", *args)
