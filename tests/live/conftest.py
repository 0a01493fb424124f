"""Fixtures for live deliberation: a session with its jury, facilitator and jurors, and
Socket.IO test clients that share a signed-in Flask test client's cookie."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from consult.extensions import db, socketio
from tests.conftest import DEFAULT_PASSWORD


@dataclass
class LiveSetup:
    session_id: int
    jury_id: int
    facilitator_email: str
    members: list[tuple[int, str]] = field(default_factory=list)  # (id, join code)
    round_ids: list[int] = field(default_factory=list)


@pytest.fixture
def make_live_session(
    app: Flask, make_user: Callable[..., int], make_jury: Callable[..., int], make_panel_member
) -> Callable[..., LiveSetup]:
    """A jury with `jurors` members and a planned session on the standard jury-day agenda
    (created through the service, as a facilitator)."""
    from consult.live import outbox, rounds
    from consult.models import Jury, User

    counter = iter(range(1, 10_000))

    def make(*, jurors: int = 3, start: bool = False, gallery: bool = False) -> LiveSetup:
        email = f"fran{next(counter)}@council.example"
        user_id = make_user("facilitator", email=email, name="Fran")
        jury_id = make_jury()
        members = [
            make_panel_member(jury_id=jury_id, name=name)
            for name in ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hal"][:jurors]
        ]
        with app.app_context():
            actor = db.session.get(User, user_id)
            jury_session = rounds.create_session(
                db.session.get(Jury, jury_id), actor=actor, title="Day one"
            )
            jury_session.gallery_open = gallery
            if start:
                rounds.control(jury_session, "start", actor=actor)
            db.session.commit()
            outbox.discard_outbox()
            setup = LiveSetup(
                session_id=jury_session.id,
                jury_id=jury_id,
                facilitator_email=email,
                members=members,
                round_ids=[r.id for r in jury_session.rounds],
            )
        return setup

    return make


@pytest.fixture
def connect(app: Flask, sign_in: Callable[..., None]) -> Callable[..., Any]:
    """A Socket.IO test client for the facilitator (email=) or a juror (code=), already
    joined to the session (its join acknowledgement is kept on `.joined`)."""

    def make(session_id: int, *, email: str | None = None, code: str | None = None, join=True):
        client = app.test_client()
        if email:
            sign_in(client, email=email, password=DEFAULT_PASSWORD)
        elif code:
            sign_in(client, code=code)
        socket = socketio.test_client(app, namespace="/live", flask_test_client=client)
        assert socket.is_connected("/live")
        socket.http = client
        if join:
            socket.joined = socket.emit(
                "join", {"session_id": session_id}, namespace="/live", callback=True
            )
            assert socket.joined["ok"], socket.joined
            socket.get_received("/live")
        return socket

    return make


@pytest.fixture
def live_origin(app: Flask, live_server: str) -> str:
    """The shared live_server fixture sets PUBLIC_ORIGINS after Socket.IO was bound with
    the old list; tell the Engine.IO server about the server's real origin too."""
    socketio.server.eio.cors_allowed_origins = list(app.config["PUBLIC_ORIGINS"])
    return live_server


def emit(socket: Any, event: str, **data: Any) -> dict[str, Any]:
    """Send an event on /live and return its acknowledgement."""
    return socket.emit(event, data, namespace="/live", callback=True)


def received(socket: Any, name: str | None = None) -> list[dict[str, Any]]:
    """Events this client has received since last asked (optionally one kind of event)."""
    events = socket.get_received("/live")
    return [
        {"event": e["name"], **(e["args"][0] if e["args"] else {})}
        for e in events
        if name is None or e["name"] == name
    ]
