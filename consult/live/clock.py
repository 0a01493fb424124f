"""The round clock: moves live sessions on when a round set to end by itself runs out of
time. It starts in a server process with the first live connection (so command-line
runs never start one) as a greenlet under gevent; every process runs its own and
`rounds.advance_if_due` makes sure each round moves once. Timers themselves need
no clock (clients count down to the round's `ends_at`); only moving on does. After a
restart the first connection starts the clock again and its first tick catches up."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from flask import Flask, current_app

from consult.extensions import db, socketio
from consult.live import rounds
from consult.live.outbox import unit_of_work
from consult.models import utcnow

TICK_SECONDS = 1.0


def run(app: Flask, *, ticks: int | None = None, interval: float = TICK_SECONDS) -> None:
    """Tick every `interval` seconds, forever (or `ticks` times, for tests)."""
    done = 0
    while ticks is None or done < ticks:
        tick(app)
        done += 1
        socketio.sleep(interval)


def tick(app: Flask) -> list[int]:
    with app.app_context():
        try:
            return advance_due_rounds()
        except Exception:  # a failed tick must not stop the clock
            app.logger.exception("round clock tick failed")
            return []
        finally:
            db.session.remove()


def advance_due_rounds(now: datetime | None = None) -> list[int]:
    """Move every live session whose current round's time is up, and which is set to move
    on by itself, to its next round: each in a unit of work of its own (commit, then
    broadcast), so one failure is logged and the others still move. The last round of an
    agenda never ends by itself. Returns the ids of the sessions moved."""
    now = now or utcnow()
    due = rounds.due_rounds(now)
    db.session.rollback()
    moved = []
    for round_id, session_id in due:
        try:
            with unit_of_work():
                advanced = rounds.advance_if_due(session_id, round_id, now)
        except Exception:
            current_app.logger.exception("moving session %s on by itself failed", session_id)
            continue
        if advanced:
            moved.append(session_id)
    return moved


_started: set[int] = set()  # ids of the apps whose clock runs in this process
_lock = threading.Lock()


def ensure_started(app: Flask) -> Any:
    """Start this app's clock unless it runs already or LIVE_ROUND_CLOCK is off."""
    if not app.config.get("LIVE_ROUND_CLOCK", True):
        return None
    with _lock:
        if id(app) in _started:
            return None
        _started.add(id(app))
    return socketio.start_background_task(run, app)
