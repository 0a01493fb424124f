"""The round clock: moves live sessions on when a round set to end by itself runs out of
time. It starts in a server process with the first live connection (so command-line
runs never start one) as a greenlet under gevent; every process runs its own and
`services.advance_due_rounds` makes sure each round moves once. Timers themselves need
no clock (clients count down to the round's `ends_at`); only moving on does. After a
restart the first connection starts the clock again and its first tick catches up."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

from consult.extensions import db, socketio
from consult.live import services

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
            return services.advance_due_rounds()
        except Exception:  # a failed tick must not stop the clock
            app.logger.exception("round clock tick failed")
            return []
        finally:
            db.session.remove()


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
