"""Analysis runs as background jobs: queued by a view, executed inline (tests), in a thread
(the default) or by an RQ worker on Redis (`ANALYSIS_QUEUE`). The same `execute(run_id)`
does the work in every case, in its own app context and session, committing progress as it
goes so a reload shows it. A failure records its cause and leaves the previous run current.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

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
#: Progress is written to the database whenever it moves by at least this much.
PROGRESS_STEP = 0.03


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
    """Hand a committed, queued run to the configured queue."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    queue = app.config.get("ANALYSIS_QUEUE", "thread")
    if queue == "inline":
        execute(run_id)
    elif queue == "rq":
        from redis import Redis
        from rq import Queue

        connection = Redis.from_url(app.config["REDIS_URL"])
        Queue("analysis", connection=connection).enqueue(
            "consult.workspace.jobs.rq_execute", run_id, job_timeout=3600
        )
    else:
        thread = threading.Thread(
            target=_execute_in_app, args=(app, run_id), name=f"analysis-{run_id}", daemon=True
        )
        thread.start()


def _execute_in_app(app: Flask, run_id: int) -> None:
    with app.app_context():
        try:
            execute(run_id)
        finally:
            db.session.remove()


def rq_execute(run_id: int) -> None:  # pragma: no cover - runs in an RQ worker process
    """Entry point for an RQ worker (`rq worker analysis`): builds the app from the
    environment and runs the job."""
    from consult import create_app

    _execute_in_app(create_app(), run_id)


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


def execute(run_id: int) -> None:
    """Do one queued run: compute everything first, then store it in one go. On failure
    the run is marked failed with the cause and nothing of it is kept."""
    run = db.session.get(AnalysisRun, run_id)
    if run is None or run.status not in ("queued",):
        return
    run.status, run.started_at, run.progress, run.message = "running", utcnow(), 0.0, "Starting"
    db.session.commit()
    progress = _Progress(run)
    try:
        if run.consultation_id is not None:
            summary = analysis_store.analyse_consultation(run, progress)
        else:
            summary = analysis_store.analyse_jury(run, progress)
    except Exception as error:
        db.session.rollback()
        log.exception("analysis run %s failed", run_id)
        run = db.session.get(AnalysisRun, run_id)
        assert run is not None
        run.status = "failed"
        run.error = f"{type(error).__name__}: {error}\n\n{traceback.format_exc(limit=6)}"[:8000]
        run.message = "Failed"
        run.finished_at = utcnow()
        db.session.commit()
        return
    run.summary = summary
    run.status, run.progress, run.message = "done", 1.0, "Finished"
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
