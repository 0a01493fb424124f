"""Background jobs: analysis runs (this module) and jury draws (`consult.juries.draw_jobs`).

A view queues a run row and commits; `run_job` hands it to the configured queue, the same
for every kind of job: executed inline (tests), in a thread (the default) or by an RQ worker
on Redis (`ANALYSIS_QUEUE=rq`, `REDIS_URL`; the worker is `flask --app wsgi workspace worker`,
see `work`, and it does every kind). The same `execute(run_id)` of the job's kind does the
work in every case, in an app context with its own session, committing progress as it goes
so a reload shows it. A failure records its cause and leaves the previous result current.

Under gevent (production) a "thread" is a greenlet on the one server thread: work that
computes without waiting on I/O stops every other request until it yields. So in `thread`
mode the sums are done in a child process and the thread only waits on its output: an
analysis run reads the answers, hands them to `python -m analysis.job` (see
`run_analysis_process`; at `ANALYSIS_NICENESS`, stopped after `ANALYSIS_TIME_LIMIT`
seconds) and stores what it sends back; draws do the same with `analysis.sortition.job`
(see `consult.juries.draw_jobs`). Inline (tests) and on an RQ worker (a process of its own,
which stops a job after `ANALYSIS_TIME_LIMIT` seconds) an analysis is computed in-process
by the same `analysis.job.analyse`, so every mode stores the same result.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import select

from consult.child import run_child
from consult.errors import Conflict, Invalid, NotPermitted
from consult.extensions import db
from consult.models import (
    AnalysisRun,
    AuditEntry,
    Consultation,
    Jury,
    Theme,
    User,
    utcnow,
)
from consult.workspace import analysis_store

log = logging.getLogger(__name__)

QUEUES = ("inline", "thread", "rq")
#: The RQ queue background jobs are put on (analysis runs and jury draws; the name is
#: older than the draws, and deployed workers listen to it).
RQ_QUEUE = "analysis"
#: The longest an RQ worker lets a job take (seconds) unless the job's kind says otherwise;
#: analysis runs use `ANALYSIS_TIME_LIMIT`, whose default this is.
RQ_JOB_TIMEOUT = 3600
#: Progress is written to the database whenever it moves by at least this much.
PROGRESS_STEP = 0.03


def older_than(moment: datetime | None, seconds: float) -> bool:
    """Whether `moment` is more than `seconds` ago (False when there is no moment)."""
    return moment is not None and utcnow() - moment > timedelta(seconds=seconds)


def time_limit(app: Flask | None = None) -> float:
    """`ANALYSIS_TIME_LIMIT`: seconds an analysis run may compute before it is stopped."""
    config = (app or current_app).config
    return float(config.get("ANALYSIS_TIME_LIMIT", RQ_JOB_TIMEOUT))


def _abandoned(run: AnalysisRun) -> bool:
    """A queued or running run older than the time limit (plus five minutes for reading
    and saving) can no longer be alive: its process was restarted or killed."""
    return older_than(run.started_at or run.created_at, time_limit() + 300)


def start_run(
    *,
    consultation: Consultation | None = None,
    jury: Jury | None = None,
    actor: User,
    n_themes: int | str = "auto",
    random_state: int = 0,
    threshold: float = 0.5,
) -> AnalysisRun:
    """Queue an analysis of a consultation's free-text answers or a jury's contributions.
    Officers only; one run at a time per subject. Flushes; the caller commits, then calls
    `dispatch(run.id)`."""
    if not getattr(actor, "is_staff", False) or not actor.has_role("officer"):
        raise NotPermitted("Only officers can run the analysis.")
    if (consultation is None) == (jury is None):
        raise ValueError("Give a consultation or a jury.")
    if n_themes != "auto":
        try:
            n_themes = int(n_themes)
        except (TypeError, ValueError):
            n_themes = 0
        if not 2 <= n_themes <= 30:
            raise Invalid(
                "The number of themes must be between 2 and 30, or automatic.",
                fields={"n_themes": "Enter a number between 2 and 30, or leave it automatic"},
            )
    subject = (
        AnalysisRun.consultation_id == consultation.id
        if consultation
        else (
            AnalysisRun.jury_id == jury.id  # type: ignore[union-attr]
        )
    )
    busy = db.session.scalar(
        select(AnalysisRun).where(subject, AnalysisRun.status.in_(("queued", "running")))
    )
    if busy is not None and _abandoned(busy):
        # Its process died (a restart during a thread run, a killed worker): say so and
        # let the officer start again, rather than refuse every later run.
        busy.status = "failed"
        busy.error = (
            "This run stopped without finishing (the server or worker running it was "
            "restarted). Start the analysis again."
        )
        busy.finished_at = utcnow()
        db.session.flush()
        busy = None
    if busy is not None:
        raise Conflict("An analysis is already running; wait for it to finish.")
    run = AnalysisRun(
        consultation_id=consultation.id if consultation else None,
        jury_id=jury.id if jury else None,
        status="queued",
        progress=0.0,
        message="Waiting to start",
        parameters={
            "n_themes": n_themes,
            "random_state": int(random_state),
            "coding_threshold": float(threshold),
            "engine": "analysis.themes",
        },
        started_by_id=actor.id,
    )
    db.session.add(run)
    db.session.flush()
    AuditEntry.record("analysis.started", actor=actor, subject=run)
    db.session.flush()
    return run


def dispatch(run_id: int, app: Flask | None = None) -> None:
    """Hand a committed, queued analysis run to the configured queue (see `run_job`): in
    `thread` mode its sums are done in a child process (`execute_in_child`), inline and on
    an RQ worker in that process (`execute`)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    in_thread = app.config.get("ANALYSIS_QUEUE", "thread") not in ("inline", "rq")
    run_job(
        execute_in_child if in_thread else execute,
        rq_execute,
        run_id,
        model=AnalysisRun,
        what="the analysis",
        app=app,
        name=f"analysis-{run_id}",
        timeout=max(1, math.ceil(time_limit(app))),
    )


def run_job(
    execute_run: Callable[[int], None],
    rq_function: Callable[[int], None],
    run_id: int,
    *,
    model: type[Any],
    what: str,
    app: Flask | None = None,
    name: str,
    timeout: int = RQ_JOB_TIMEOUT,
) -> None:
    """Hand a committed, queued run (a row of `model` with `status`, `message`, `error` and
    `finished_at`) to the configured queue: `execute_run(run_id)` now (inline) or in a
    thread with its own app context, or `rq_function(run_id)` (a module-level function,
    so RQ can import it) on an RQ worker, stopped after `timeout` seconds. If Redis refuses
    the job the run is marked failed with the cause (and committed), so it does not stay
    "queued" and block the next run; the officer sees why on the run's page."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    queue = app.config.get("ANALYSIS_QUEUE", "thread")
    if queue == "inline":
        execute_run(run_id)
    elif queue == "rq":
        _enqueue(
            app, rq_function, run_id, model=model, what=what, timeout=timeout, description=name
        )
    else:
        thread = threading.Thread(
            target=_execute_in_app, args=(app, execute_run, run_id), name=name, daemon=True
        )
        thread.start()


def redis_connection(app: Flask) -> Any:
    """A Redis client for `REDIS_URL`; the caller closes it. Raises ValueError when unset."""
    from redis import Redis

    url = app.config.get("REDIS_URL")
    if not url:
        raise ValueError("ANALYSIS_QUEUE is rq but REDIS_URL is not set")
    return Redis.from_url(url)


def rq_queue(connection: Any) -> Any:
    """The RQ queue analysis runs go on (and workers listen to)."""
    from rq import Queue

    return Queue(RQ_QUEUE, connection=connection)


def _enqueue(
    app: Flask,
    function: Callable[[int], None],
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
            rq_queue(connection).enqueue(
                function, run_id, job_timeout=timeout, description=description
            )
        finally:
            connection.close()
    except (RedisError, ValueError) as error:
        log.exception("%s (run %s) could not be queued", what, run_id)
        run = db.session.get(model, run_id)
        if run is None:
            return
        run.status, run.message, run.finished_at = "failed", "Failed", utcnow()
        run.error = f"Could not queue {what}: {type(error).__name__}: {error}"[:8000]
        db.session.commit()


def _execute_in_app(app: Flask, execute_run: Callable[[int], None], run_id: int) -> None:
    with app.app_context():
        try:
            execute_run(run_id)
        finally:
            db.session.remove()


def rq_execute(run_id: int) -> None:
    """The RQ job of an analysis run (see `in_worker`)."""
    in_worker(execute, run_id)


def in_worker(execute_run: Callable[[int], None], run_id: int) -> None:
    """Run `execute_run(run_id)` as an RQ job. Under `flask workspace worker` (see `work`)
    it runs in that command's app context; under a plain `rq worker analysis` it builds
    the app from the environment (`create_app()`, so `DATABASE_URL` and the rest must be
    set) and disposes of it after."""
    if has_app_context():
        try:
            execute_run(run_id)
        finally:
            db.session.remove()
        return
    from consult import create_app

    app = create_app()
    try:
        _execute_in_app(app, execute_run, run_id)
    finally:
        with app.app_context():
            db.engine.dispose()


def work(app: Flask, *, burst: bool = False) -> bool:
    """Process the job queue (analysis runs and jury draws) until stopped (or, with
    `burst`, until it is empty): `flask --app wsgi workspace worker [--burst]`. Each job
    runs in a forked work horse that inherits this app; the database pool is emptied first
    so no horse shares a connection with its parent. Returns whether any job was processed."""
    from rq import Worker

    with app.app_context():
        db.engine.dispose()
        connection = redis_connection(app)
        try:
            return Worker([rq_queue(connection)], connection=connection).work(burst=burst)
        finally:
            connection.close()


class _Progress:
    """Writes (fraction, message) to the run row, committing every few percent."""

    def __init__(self, run: AnalysisRun) -> None:
        self.run = run
        self.last = -1.0
        self.last_time = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        fraction = max(0.0, min(1.0, float(fraction)))
        now = time.monotonic()
        if fraction - self.last < PROGRESS_STEP and now - self.last_time < 1.0:
            return
        self.last, self.last_time = fraction, now
        self.run.progress = round(fraction, 4)
        self.run.message = message[:300]
        db.session.commit()


class AnalysisFailed(Exception):
    """The child process gave no result: `message` says why, for the officer (the first
    line of the run's error); `technical` is detail shown under it."""

    def __init__(self, message: str, technical: str = "") -> None:
        super().__init__(message)
        self.message, self.technical = message, technical


class _Superseded(Exception):
    """The run was marked failed (presumed dead) while it computed: keep nothing."""


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:g} seconds"
    return f"{seconds / 60:g} minutes"


def run_analysis_process(
    request: dict[str, Any],
    progress: analysis_store.Progress,
    *,
    time_limit: float,
    niceness: int = 10,
) -> dict[str, Any]:
    """Compute `request` with `python -m analysis.job` in a child process and return its
    result, telling `progress` what it reports on the way. This process only writes the
    request and waits on the child's output, so under gevent the server answers everyone
    else meanwhile. The child runs at `niceness` and is killed after `time_limit` seconds.
    Raises AnalysisFailed for a request the job refuses, an error in the engine, the time
    limit or a child that ended without a result. The child never outlives this call."""
    outcome = run_child(
        "analysis.job", {**request, "niceness": niceness}, progress, time_limit=time_limit
    )
    if outcome.result is not None:
        return outcome.result
    if outcome.timed_out:
        raise AnalysisFailed(
            f"The analysis did not finish within its time limit ({_duration(time_limit)}) "
            "and was stopped. The more answers there are, the longer it takes: ask your "
            "administrator for a longer ANALYSIS_TIME_LIMIT, or to run analyses on a worker."
        )
    error = outcome.error
    if error:
        if error.get("kind") == "input":
            raise AnalysisFailed(f"The analysis refused its inputs: {error.get('message')}")
        raise AnalysisFailed(
            f"The analysis stopped because of an error: {error.get('message')}",
            str(error.get("traceback", "")),
        )
    raise AnalysisFailed(
        f"The analysis process ended without a result (exit status {outcome.returncode}).",
        outcome.stderr,
    )


def execute_in_child(run_id: int) -> None:
    """`execute`, with the sums done in a child process (`run_analysis_process`)."""
    execute(run_id, in_child=True)


def execute(run_id: int, *, in_child: bool = False) -> None:
    """Do one queued run: read the answers, compute everything (in this process, or in a
    child process with `in_child`), then store it in one go. On failure the run is marked
    failed with the cause and nothing of it is kept, so the previous run stays current."""
    run = db.session.get(AnalysisRun, run_id)
    if run is None or run.status not in ("queued",):
        return
    run.status, run.started_at, run.progress, run.message = "running", utcnow(), 0.0, "Starting"
    db.session.commit()
    progress = _Progress(run)
    limit = time_limit()
    niceness = int(current_app.config.get("ANALYSIS_NICENESS", 10))

    def compute(request: dict[str, Any], report: analysis_store.Progress) -> dict[str, Any]:
        if in_child:
            result = run_analysis_process(request, report, time_limit=limit, niceness=niceness)
        else:
            result = analysis_store.compute_here(request, report)
        current = db.session.get(AnalysisRun, run_id, populate_existing=True)
        if current is None or current.status != "running":
            raise _Superseded()
        return result

    try:
        if run.consultation_id is not None:
            summary = analysis_store.analyse_consultation(run, progress, compute)
        else:
            summary = analysis_store.analyse_jury(run, progress, compute)
    except _Superseded:
        db.session.rollback()
        return
    except AnalysisFailed as failure:
        log.warning("analysis run %s failed: %s", run_id, failure.message)
        detail = (
            f"{failure.message}\n\n{failure.technical}" if failure.technical else failure.message
        )
        _fail(run_id, detail)
        return
    except Exception as error:
        log.exception("analysis run %s failed", run_id)
        _fail(run_id, f"{type(error).__name__}: {error}\n\n{traceback.format_exc(limit=6)}")
        return
    run.summary = summary
    run.status, run.progress, run.message = "done", 1.0, "Finished"
    run.finished_at = utcnow()
    db.session.commit()


def _fail(run_id: int, error: str) -> None:
    db.session.rollback()
    run = db.session.get(AnalysisRun, run_id)
    if run is None:
        return
    run.status = "failed"
    run.error = error[:8000]
    run.message = "Failed"
    run.finished_at = utcnow()
    db.session.commit()


def current_run(*, consultation_id: int | None = None, jury_id: int | None = None) -> Any:
    """The latest finished run of a consultation or jury (a failed run never replaces it)."""
    where = (
        AnalysisRun.consultation_id == consultation_id
        if consultation_id is not None
        else AnalysisRun.jury_id == jury_id
    )
    return db.session.scalar(
        select(AnalysisRun)
        .where(where, AnalysisRun.status == "done")
        .order_by(AnalysisRun.finished_at.desc(), AnalysisRun.id.desc())
        .limit(1)
    )


def live_themes(run: AnalysisRun, question_id: int | None = None) -> list[Theme]:
    """A run's themes that have not been merged away, in order (no-comment last)."""
    query = select(Theme).where(Theme.run_id == run.id, Theme.merged_into_id.is_(None))
    if question_id is not None:
        query = query.where(Theme.question_id == question_id)
    rows = db.session.scalars(query.order_by(Theme.position, Theme.id)).all()
    return sorted(rows, key=lambda t: (t.no_substantive_comment, t.position, t.id))
