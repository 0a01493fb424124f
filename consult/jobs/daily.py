"""Daily jobs (the job runner's clock). A feature registers a job kind's `execute`
function (module-level, taking an unused run id like every job kind) with
`register(app, name, execute)`; `start(app)` then starts one background thread (a greenlet
under gevent) that, every `CHECK_SECONDS`, hands each registered job to the job runner:
on the `thread` and `inline` queues it runs it in an app context of its own, on the `rq`
queue it enqueues it for the RQ worker (the thread then only talks to Redis, and the
job runs in a work horse like every other job). The job decides itself whether it is due
(the purge reads when it last ran from the database, so several processes share one day's
run).

Where the clock starts: with JOB_QUEUE `rq`, in the RQ worker (`flask --app wsgi workspace worker`);
otherwise in the web process at its first request (`start_with_first_request`). Never in
a command-line run or in tests (`TESTING`), which call the job themselves."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

#: How often each daily job is handed to the runner to see whether it is due.
CHECK_SECONDS = 3600.0
_EXTENSION = "consult.daily_jobs"


def register(app: Flask, name: str, execute: Callable[[int], None]) -> None:
    """Add a daily job to `app` (the feature's own setting decides whether to call this)."""
    state = app.extensions.setdefault(_EXTENSION, {"jobs": {}, "started": False})
    state["jobs"][name] = execute


def registered(app: Flask) -> dict[str, Callable[[int], None]]:
    return dict(app.extensions.get(_EXTENSION, {}).get("jobs", {}))


def start(app: Flask, *, interval: float = CHECK_SECONDS) -> bool:
    """Start the clock once per app (not under TESTING, not without jobs)."""
    state = app.extensions.get(_EXTENSION)
    if not state or not state["jobs"] or state["started"] or app.testing:
        return False
    state["started"] = True
    thread = threading.Thread(target=_loop, args=(app, interval), name="daily-jobs", daemon=True)
    thread.start()
    return True


def hand_over(app: Flask) -> None:
    """Hand every registered daily job to the job runner once (what the clock does on
    each tick)."""
    from consult.jobs import (
        RQ_JOB_TIMEOUT,
        WORKER_FUNCTION,
        execute_in_app,
        function_path,
        queue_kind,
        queue_name,
        redis_connection,
        rq_queue,
    )

    for name, execute in registered(app).items():
        try:
            if queue_kind(app) == "rq":
                connection = redis_connection(app)
                try:
                    rq_queue(connection, queue_name(app)).enqueue(
                        WORKER_FUNCTION,
                        function_path(execute),
                        0,
                        job_timeout=RQ_JOB_TIMEOUT,
                        description=f"daily: {name}",
                    )
                finally:
                    connection.close()
            else:
                execute_in_app(app, execute, 0)
        except Exception:  # a failed run must not stop the clock
            app.logger.exception("the daily job %s failed", name)


def _loop(app: Flask, interval: float) -> None:
    stop = threading.Event()
    while not stop.is_set():
        hand_over(app)
        stop.wait(interval)


def start_with_first_request(app: Flask) -> None:
    """Start the clock with the web process's first request, unless an RQ worker runs it
    (JOB_QUEUE rq)."""
    if app.config.get("JOB_QUEUE") == "rq":
        return

    @app.before_request
    def _start_daily_jobs() -> None:
        if not app.extensions.get(_EXTENSION, {}).get("started"):
            start(app)
