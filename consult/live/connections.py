"""Live deliberation: what the server does to people's open connections when something
changes on their side of the database, so that they stop (or start) receiving a room's
broadcasts at once, not at their client's next `join`. Each function works on every
server process: the connections are found through the namespace's presence store
(shared in Redis when the processes share a message queue), and python-socketio's
message-queue manager carries a room change or a disconnection to the process that
holds the connection. Called after commit (`outbox.after_commit`, or a signal sent
after commit), never inside a transaction that could still roll back."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from consult.extensions import socketio
from consult.live.outbox import NAMESPACE, gallery_room_of, table_room

log = logging.getLogger(__name__)


def _handler() -> Any:
    """The `/live` namespace handler with its presence store, or None (no server yet)."""
    server = socketio.server
    handler = server.namespace_handlers.get(NAMESPACE) if server is not None else None
    return handler if getattr(handler, "presence", None) is not None else None


def sids_of(kind: str, person_id: int) -> list[str]:
    """Every open connection of one person ("staff" or "member")."""
    handler = _handler()
    return list(handler.presence.sids_of(kind, person_id)) if handler is not None else []


def close(kind: str, person_id: int) -> int:
    """Close every connection of one person; returns how many were found."""
    sids = sids_of(kind, person_id)
    for sid in sids:
        socketio.server.disconnect(sid, namespace=NAMESPACE)
    return len(sids)


def move(sids: Iterable[str], *, leave: Iterable[str] = (), enter: Iterable[str] = ()) -> None:
    """Take the connections `sids` out of the rooms `leave` and into the rooms `enter`."""
    server = socketio.server
    enter = list(enter)
    leave = [room for room in leave if room not in enter]
    for sid in sids:
        for room in leave:
            server.leave_room(sid, room, namespace=NAMESPACE)
        for room in enter:
            server.enter_room(sid, room, namespace=NAMESPACE)


def reseat(session_id: int, seats: dict[int, int], table_ids: Iterable[int]) -> None:
    """After a seating change in a session: each juror of `seats` (member id -> table id)
    connected to it leaves every other table's room of the session and enters their
    table's; connected staff enter every table's room (new tables included)."""
    handler = _handler()
    if handler is None:
        return
    rooms = [table_room(table_id) for table_id in table_ids]
    for who in handler.presence.connected(session_id):
        kind, person_id = who.get("kind"), who.get("id")
        if kind == "staff":
            move(handler.presence.sids_of("staff", person_id), enter=rooms)
        elif kind == "member" and person_id in seats:
            move(
                handler.presence.sids_of("member", person_id),
                leave=rooms,
                enter=[table_room(seats[person_id])],
            )


def close_gallery(session_id: int) -> int:
    """The session's public gallery has closed: empty its room on every process (so no
    viewer anywhere receives another broadcast) and disconnect this process's viewers.
    Returns how many were disconnected here."""
    handler = _handler()
    server = socketio.server
    if handler is None:
        return 0
    server.close_room(gallery_room_of(session_id), namespace=NAMESPACE)
    sids = [sid for sid, viewing in list(handler.gallery.items()) if viewing == session_id]
    for sid in sids:
        server.disconnect(sid, namespace=NAMESPACE)
    return len(sids)
