"""Fixtures for live deliberation: a session with its jury, facilitator and jurors, and
Socket.IO test clients that share a signed-in Flask test client's cookie."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from consult.extensions import socketio
from tests.conftest import DEFAULT_PASSWORD


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
