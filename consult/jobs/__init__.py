"""The job runner: background jobs of every kind (analysis runs, `consult.workspace.jobs`;
jury draws, `consult.juries.draw_jobs`) go through here.

A job is a row (an `AnalysisRun`, a `DrawRun`: `status` queued → running → done or
failed, `progress`, `message`, `error`, `started_at`, `finished_at`) and an
`execute(run_id)` function of its kind. A view queues the row and commits; `run_job` hands
it to the queue `JOB_QUEUE` names: `inline` (tests: now, in this request), `thread` (the
default: a thread of the web process with an app context of its own) or `rq` (an RQ worker
on Redis at `REDIS_URL`, listening to the queue `JOB_QUEUE_NAME`; the worker is `flask
--app wsgi workspace worker`, see `work`, or a plain `rq worker analysis`, and it does
every kind). The same `execute` does the work in every case, in an app context with its
own session, committing progress as it goes (`Progress`) so a reload shows it. A failure
is recorded on the row with its cause (`record_failure`), so the previous result stays
current, and a run whose process died is recognised as such (`abandoned`) so it does not
block the next one.

Under gevent (production) a "thread" is a greenlet on the one server thread, so a kind
whose sums take long does them in a child process (`consult.jobs.child`) and only waits
on its output.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from flask import Flask, current_app
from werkzeug.local import LocalProxy

from consult.extensions import db
from consult.models import utcnow

log = logging.getLogger(__name__)

QUEUES = ("inline", "thread", "rq")
#: The RQ queue jobs go on by default (`JOB_QUEUE_NAME`): the name is older than the
#: draws, and deployed workers listen to it.
DEFAULT_QUEUE_NAME = "analysis"
#: The longest an RQ worker lets a job take (seconds) unless the job's kind says otherwise.
RQ_JOB_TIMEOUT = 3600
#: Seconds a run may take beyond its time limit (reading its inputs and saving its
#: result) before it is presumed dead.
GRACE = 300
#: What RQ runs: the worker's side (`consult.jobs.worker`), named rather than imported,
#: because it builds the app, which imports the modules that queue jobs.
WORKER_FUNCTION = "consult.jobs.worker.perform"


class Run(Protocol):
    """What the runner needs of a job's row (`AnalysisRun` and `DrawRun` have it)."""

    id: int
    status: str
    progress: float
    message: str
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def _app(app: Flask | None) -> Flask:
    """`app`, or the one behind `current_app` (a thread needs the object, not the proxy;
    Flask declares the proxy as a `Flask`, hence the cast to what it is)."""
    return app or cast("LocalProxy[Flask]", current_app)._get_current_object()


def queue_kind(app: Flask | None = None) -> str:
    """`JOB_QUEUE`: `inline`, `thread` or `rq`."""
    return str(_app(app).config.get("JOB_QUEUE") or "thread")


def queue_name(app: Flask | None = None) -> str:
    """`JOB_QUEUE_NAME`: the RQ queue jobs go on and workers listen to."""
    return str(_app(app).config.get("JOB_QUEUE_NAME") or DEFAULT_QUEUE_NAME)


# --- queueing ---------------------------------------------------------------------------


def run_job(
    execute: Callable[[int], None],
    run_id: int,
    *,
    model: type[Any],
    what: str,
    app: Flask | None = None,
    name: str,
    timeout: int = RQ_JOB_TIMEOUT,
) -> None:
    """Hand a committed, queued run (a row of `model`) to the configured queue:
    `execute(run_id)` now (inline), in a thread with its own app context, or on an RQ
    worker (`execute` must then be a module-level function, which the worker finds by
    name), stopped after `timeout` seconds. If Redis refuses the job the run is marked
    failed with the cause (and committed), so it does not stay "queued" and block the next
    run; the person sees why on the run's page. `what` names the job in that message
    ("the analysis")."""
    app = _app(app)
    queue = queue_kind(app)
    if queue == "inline":
        execute(run_id)
    elif queue == "rq":
        _enqueue(app, execute, run_id, model=model, what=what, timeout=timeout, description=name)
    else:
        thread = threading.Thread(
            target=execute_in_app, args=(app, execute, run_id), name=name, daemon=True
        )
        thread.start()


def function_path(function: Callable[..., Any]) -> str:
    """`module.name` of a module-level function, as RQ and `worker.perform` name it."""
    return f"{function.__module__}.{function.__qualname__}"


def redis_connection(app: Flask) -> Any:
    """A Redis client for `REDIS_URL`; the caller closes it. Raises ValueError when unset."""
    from redis import Redis

    url = app.config.get("REDIS_URL")
    if not url:
        raise ValueError("JOB_QUEUE is rq but REDIS_URL is not set")
    return Redis.from_url(url)


def rq_queue(connection: Any, name: str = DEFAULT_QUEUE_NAME) -> Any:
    """The RQ queue `name` on `connection` (jobs go on it, workers listen to it)."""
    from rq import Queue

    return Queue(name, connection=connection)


def _enqueue(
    app: Flask,
    execute: Callable[[int], None],
    run_id: int,
    *,
    model: type[Any],
    what: str,
    timeout: int,
    description: str,
) -> None:
    from redis.exceptions import RedisError

    try:
        connection = redis_connection(app)
        try:
            rq_queue(connection, queue_name(app)).enqueue(
                WORKER_FUNCTION,
                function_path(execute),
                run_id,
                job_timeout=timeout,
                description=description,
            )
        finally:
            connection.close()
    except (RedisError, ValueError) as error:
        log.exception("%s (run %s) could not be queued", what, run_id)
        run = db.session.get(model, run_id)
        if run is None:
            return
        mark_failed(run, f"Could not queue {what}: {type(error).__name__}: {error}")
        db.session.commit()


def execute_in_app(app: Flask, execute: Callable[[int], None], run_id: int) -> None:
    """`execute(run_id)` in an app context of its own, its session removed after."""
    with app.app_context():
        try:
            execute(run_id)
        finally:
            db.session.remove()


def work(app: Flask | None = None, *, burst: bool = False) -> bool:
    """Process the job queue (every kind of job) until stopped (or, with `burst`, until
    it is empty): `flask --app wsgi workspace worker [--burst]`. Each job runs in a forked
    work horse that inherits this app; the database pool is emptied first so no horse
    shares a connection with its parent. Returns whether any job was processed."""
    from rq import Worker

    app = _app(app)
    with app.app_context():
        db.engine.dispose()
        connection = redis_connection(app)
        try:
            worker = Worker([rq_queue(connection, queue_name(app))], connection=connection)
            return bool(worker.work(burst=burst))
        finally:
            connection.close()


# --- doing ------------------------------------------------------------------------------


def older_than(moment: datetime | None, seconds: float) -> bool:
    """Whether `moment` is more than `seconds` ago (False when there is no moment)."""
    return moment is not None and utcnow() - moment > timedelta(seconds=seconds)


def abandoned(
    run: Run, *, time_limit: float, heartbeat: float | None = None, app: Flask | None = None
) -> bool:
    """Whether a queued or running run's process cannot be alive any more (its server or
    worker was restarted or killed). A run that reports a `heartbeat` (it moves
    `updated_at` at least every so many seconds while it runs) is dead once silent for
    that long, unless it is still waiting on RQ for a worker; any other is dead once
    older than its `time_limit` plus `GRACE`."""
    if run.status not in ("queued", "running"):
        return False
    waiting_on_rq = run.status == "queued" and queue_kind(app) == "rq"
    if heartbeat is None or waiting_on_rq:
        return older_than(run.started_at or run.created_at, time_limit + GRACE)
    return older_than(getattr(run, "updated_at", None) or run.created_at, heartbeat)


def start(run: Run) -> None:
    """Mark a queued run as running, and commit (the progress page shows it at once)."""
    run.status, run.started_at, run.progress, run.message = "running", utcnow(), 0.0, "Starting"
    db.session.commit()


def finish(run: Run) -> None:
    """Mark a run as done, and commit (with whatever the caller stored on the way)."""
    run.status, run.progress, run.message, run.finished_at = "done", 1.0, "Finished", utcnow()
    db.session.commit()


def still_running(model: type[Any], run_id: int) -> bool:
    """Whether the run is still marked running in the database (not presumed dead and
    failed by someone else meanwhile): a job checks before storing its result."""
    run = db.session.get(model, run_id, populate_existing=True)
    return run is not None and run.status == "running"


def mark_failed(run: Run, error: str, *, message: str = "Failed", **fields: Any) -> None:
    """Set a run's failure (`error`, cut to fit, and any other `fields` of its model)
    without flushing: the caller flushes or commits."""
    run.status, run.message, run.finished_at = "failed", message, utcnow()
    run.error = error[:8000]
    for name, value in fields.items():
        setattr(run, name, value)


def record_failure(model: type[Any], run_id: int, error: str, **fields: Any) -> None:
    """Throw away what the failed job had not committed, then record its failure on the
    run (see `mark_failed`) and commit, so the previous result stays current."""
    db.session.rollback()
    run = db.session.get(model, run_id)
    if run is None:
        return
    mark_failed(run, error, **fields)
    db.session.commit()


class Progress:
    """Writes a job's (fraction, stage) to its run row and commits, so that a reload shows
    it: at once when the stage changes (the part before any ":"), otherwise when the
    fraction has moved by `step` or `interval` seconds have passed, whichever is first.
    A row with `updated_at` has it moved on every write: the heartbeat `abandoned` reads."""

    def __init__(self, run: Run, *, step: float = 1.0, interval: float = 1.0) -> None:
        self.run, self.step, self.interval = run, step, interval
        self.stage: str | None = None
        self.last = -1.0
        self.last_time = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        fraction = max(0.0, min(1.0, float(fraction)))
        now = time.monotonic()
        stage = message.split(":")[0]
        if (
            stage == self.stage
            and fraction - self.last < self.step
            and now - self.last_time < self.interval
        ):
            return
        self.stage, self.last, self.last_time = stage, fraction, now
        self.run.progress = round(fraction, 4)
        self.run.message = message[:300]
        if hasattr(self.run, "updated_at"):
            self.run.updated_at = utcnow()
        db.session.commit()
