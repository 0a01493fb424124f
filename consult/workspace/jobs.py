"""Analysis runs: one client of the job runner (`consult.jobs`; the other is jury draws,
`consult.juries.draw_jobs`).

`start_run` queues a run of a consultation's free-text answers or a jury's contributions;
`dispatch` hands it to the runner's queue (`JOB_QUEUE`); `execute(run_id)` does it. In
`thread` mode the sums are done in a child process (`ANALYSIS`, `python -m analysis.job`;
at `ANALYSIS_NICENESS`, stopped after `ANALYSIS_TIME_LIMIT` seconds) and the thread only
stores what it sends back; inline (tests) and on an RQ worker (a process of its own, which
stops a job after `ANALYSIS_TIME_LIMIT` seconds) an analysis is computed in-process by the
same `analysis.job.analyse`, so every mode stores the same result. A failure keeps its
cause on the run and the previous run stays current. Reading runs and their themes is
`consult.workspace.queries`.
"""

from __future__ import annotations

import logging
import math
import traceback
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from consult import jobs
from consult.errors import Conflict, Invalid, NotPermitted
from consult.extensions import db
from consult.jobs.child import ChildJob, JobFailed
from consult.models import AnalysisRun, Consultation, Jury, User, audit
from consult.workspace import analysis_store

log = logging.getLogger(__name__)

#: Progress is written to the database whenever it moves by at least this much.
PROGRESS_STEP = 0.03

#: The analysis engine in a child process, and how its failures are worded.
ANALYSIS = ChildJob(
    module="analysis.job",
    job="The analysis",
    engine="The analysis",
    crashed="The analysis stopped because of an error",
    time_limit_advice=(
        "The more answers there are, the longer it takes: ask your administrator for a "
        "longer ANALYSIS_TIME_LIMIT, or to run analyses on a worker."
    ),
)


def time_limit(app: Flask | None = None) -> float:
    """`ANALYSIS_TIME_LIMIT`: seconds an analysis run may compute before it is stopped."""
    config = (app or current_app).config
    return float(config.get("ANALYSIS_TIME_LIMIT", jobs.RQ_JOB_TIMEOUT))


def start_run(
    *,
    consultation: Consultation | None = None,
    jury: Jury | None = None,
    actor: User,
    n_themes: int | str = "auto",
    random_state: int = 0,
    threshold: float = 0.5,
    backend: str | None = None,
) -> AnalysisRun:
    """Queue an analysis of a consultation's free-text answers or a jury's contributions.
    Officers only; one run at a time per subject. `backend` ("light" or "embeddings")
    defaults to ANALYSIS_BACKEND. Flushes; the caller commits, then calls
    `dispatch(run.id)`."""
    if not getattr(actor, "is_staff", False) or not actor.has_role("officer"):
        raise NotPermitted("Only officers can run the analysis.")
    if consultation is not None and jury is None:
        subject = AnalysisRun.consultation_id == consultation.id
    elif jury is not None and consultation is None:
        subject = AnalysisRun.jury_id == jury.id
    else:
        raise ValueError("Give a consultation or a jury.")
    n_themes = analysis_store.theme_count(
        n_themes,
        30,
        refusal="The number of themes must be between 2 and 30, or automatic.",
        field="n_themes",
        hint="Enter a number between 2 and 30, or leave it automatic",
    )
    backend = backend or current_app.config.get("ANALYSIS_BACKEND", "light")
    if backend not in ("light", "embeddings"):
        raise Invalid(
            "Choose the light analysis or sentence embeddings.",
            fields={"backend": "Choose light or embeddings"},
        )
    busy = db.session.scalar(
        select(AnalysisRun).where(subject, AnalysisRun.status.in_(("queued", "running")))
    )
    if busy is not None and jobs.abandoned(busy, time_limit=time_limit()):
        # Its process died (a restart during a thread run, a killed worker): say so and
        # let the officer start again, rather than refuse every later run.
        jobs.mark_failed(
            busy,
            "This run stopped without finishing (the server or worker running it was "
            "restarted). Start the analysis again.",
        )
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
            "backend": backend,
            "engine": "analysis.themes",
        },
        started_by_id=actor.id,
    )
    db.session.add(run)
    db.session.flush()
    audit("analysis.started", actor=actor, subject=run)
    return run


def dispatch(run_id: int, app: Flask | None = None) -> None:
    """Hand a committed, queued analysis run to the runner's queue (`jobs.run_job`): in
    `thread` mode its sums are done in a child process (`execute_in_child`), inline and on
    an RQ worker in that process (`execute`)."""
    in_thread = jobs.queue_kind(app) not in ("inline", "rq")
    jobs.run_job(
        execute_in_child if in_thread else execute,
        run_id,
        model=AnalysisRun,
        what="the analysis",
        app=app,
        name=f"analysis-{run_id}",
        timeout=max(1, math.ceil(time_limit(app))),
    )


class _Superseded(Exception):
    """The run was marked failed (presumed dead) while it computed: keep nothing."""


def execute_in_child(run_id: int) -> None:
    """`execute`, with the sums done in a child process (`ANALYSIS`)."""
    execute(run_id, in_child=True)


def execute(run_id: int, *, in_child: bool = False) -> None:
    """Do one queued run: read the answers, compute everything (in this process, or in a
    child process with `in_child`), then store it in one go. On failure the run is marked
    failed with the cause and nothing of it is kept, so the previous run stays current."""
    run = db.session.get(AnalysisRun, run_id)
    if run is None or run.status not in ("queued",):
        return
    jobs.start(run)
    progress = jobs.Progress(run, step=PROGRESS_STEP)
    limit = time_limit()
    niceness = int(current_app.config.get("ANALYSIS_NICENESS", 10))

    def compute(request: dict[str, Any], report: analysis_store.Progress) -> dict[str, Any]:
        if in_child:
            request = {**request, "niceness": niceness}
            result = ANALYSIS.run(request, report, time_limit=limit)
        else:
            result = analysis_store.compute_here(request, report)
        if not jobs.still_running(AnalysisRun, run_id):
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
    except JobFailed as failure:
        log.warning("analysis run %s failed: %s", run_id, failure.message)
        jobs.record_failure(AnalysisRun, run_id, failure.as_text())
        return
    except Exception as error:
        log.exception("analysis run %s failed", run_id)
        jobs.record_failure(
            AnalysisRun,
            run_id,
            f"{type(error).__name__}: {error}\n\n{traceback.format_exc(limit=6)}",
        )
        return
    run.summary = summary
    jobs.finish(run)
