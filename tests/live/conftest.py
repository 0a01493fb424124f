"""Helpers for live deliberation tests: send an event and read what a client received.
The fixtures (`make_live_session`, `connect`) are in tests/conftest.py, so every folder
has them."""

from __future__ import annotations

from typing import Any


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
