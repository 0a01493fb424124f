"""Jury draws computed in the background: one client of the job runner (`consult.jobs`:
inline in tests, a thread by default, or an RQ worker; the other client is analysis runs).

An officer's "Compute a draw" freezes the inputs (the pool and quotas as the categories and
respondents files that are published with the panel) in a `DrawRun` and queues it; `execute`
hands them to `python -m analysis.sortition.job` in a child process and only waits on its
output, committing the stage and progress it reports. Under gevent the server's one
thread would otherwise do LEXIMIN's sums itself and answer no one for seconds to minutes;
waiting on a pipe lets it serve every other request meanwhile. The child runs at
`DRAW_NICENESS` and is stopped after `DRAW_TIME_LIMIT` seconds (`LOTTERY`).

A finished draw becomes a proposal through `services.record_draw` (audited `jury.drawn`
with the inputs' checksum, in the name of the officer who started it); a failure keeps its
reason (infeasible quotas with the smallest relaxation, the time limit, ...) on the run and
changes nothing else, so earlier proposals stay as they were.

A published draw plan's lottery is the other kind of run (`start_lottery`, a `DrawRun`
with `plan_id`): `python -m analysis.sortition.lottery_job` computes it from the plan's frozen
inputs file alone, and, done, it is published (`plans.record_lottery`); a failure leaves
the plan waiting for its lottery, with the reason on the run. Both kinds share the one
active run per jury, so an officer cannot start two computations at once.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from flask import Flask, current_app, url_for
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from analysis.sortition import inputs_checksum
from consult import jobs
from consult.errors import Conflict, ConsultError
from consult.extensions import db
from consult.jobs.child import ChildJob, JobFailed
from consult.juries import plans, services
from consult.juries.rules import lottery_facts, plan_facts
from consult.models import DrawPlan, DrawRun, Jury, User, audit, newest, utcnow
from consult.wording import N_

log = logging.getLogger(__name__)

#: A running draw is presumed dead (its server or worker restarted) after this many
#: seconds without news: the child reports at least every 5 s while it is alive.
STALL_LIMIT = 600
#: The stage and progress are committed at most this often (seconds) unless the stage
#: changes, so a reload always shows something at most a second old.
COMMIT_INTERVAL = 1.0
LABELS = {
    "queued": N_("Queued"),
    "running": N_("Running"),
    "done": N_("Done"),
    "failed": N_("Failed"),
}


class DrawAlreadyRunning(Conflict):
    """A draw of this jury is already queued or running: `run` is that draw."""

    def __init__(self, run: DrawRun | None) -> None:
        super().__init__(gettext("A draw is already being computed for this jury."))
        self.run = run


def _infeasible(error: dict[str, Any]) -> JobFailed:
    return JobFailed(
        "The quotas cannot be met by this pool.",
        kind="infeasible",
        conflicts=list(error.get("conflicts", [])),
        relaxation=list(error.get("relaxation", [])),
    )


#: The lottery in a child process, and how its failures are worded.
LOTTERY = ChildJob(
    module="analysis.sortition.job",
    job="The draw",
    engine="The lottery",
    crashed="The lottery's solver failed",
    time_limit_advice=(
        "LEXIMIN takes longer the more types of people the pool has (people with the same "
        "answer in every category are one type): merge some category values or use the "
        "legacy method, or ask your administrator for a longer DRAW_TIME_LIMIT."
    ),
    explain={"infeasible": _infeasible},
)


#: A published draw plan's lottery in a child process (`analysis.sortition.lottery_job`).
PLAN_LOTTERY = ChildJob(
    module="analysis.sortition.lottery_job",
    job="Computing the lottery",
    engine="The lottery",
    crashed="The lottery's solver failed",
    time_limit_advice=(
        "LEXIMIN takes longer the more types of people the pool has (people with the same "
        "answer in every category are one type): start over with a new draw plan with fewer "
        "category values, or ask your administrator for a longer DRAW_TIME_LIMIT."
    ),
    explain={"infeasible": _infeasible},
)


# --- starting ----------------------------------------------------------------------------


def abandoned(run: DrawRun) -> bool:
    """Whether a queued or running draw's process cannot be alive any more: queued on RQ
    for longer than a worker would take to start and finish it, or otherwise silent for
    `STALL_LIMIT` (its server or worker was restarted)."""
    return jobs.abandoned(run, time_limit=_job_timeout(), heartbeat=STALL_LIMIT)


def active_run(jury: Jury) -> DrawRun | None:
    """The jury's draw being computed, if any. One whose process died (a restart) is
    marked failed on the way, saying so, so it does not block every later draw. Flushes."""
    run = services.active_draw_run(jury)
    if run is not None and abandoned(run):
        what = "lottery" if run.plan_id else "draw"
        jobs.mark_failed(
            run,
            f"This {what} stopped without finishing (the server or worker computing it was "
            f"restarted). Compute the {what} again.",
            message="Stopped",
            error_details={"kind": "abandoned"},
        )
        db.session.flush()
        return None
    return run


def start_draw(jury: Jury, *, algorithm: str, actor: User) -> DrawRun:
    """Queue a draw of the jury's current pool and quotas with its published seed.
    Officers only; the seed must be published and no panel confirmed (see
    `services.check_can_draw`). One at a time per jury: raises DrawAlreadyRunning (a
    Conflict naming the run) when one is queued or running, including when another
    request started one a moment ago (the database's unique index tells). Audited
    `jury.draw_started`. Flushes; the caller commits, then calls `dispatch(run.id)`."""
    services.check_can_draw(jury, algorithm=algorithm, actor=actor)
    pool = services.build_pool(jury)
    if not pool.categories.quotas:
        raise Conflict(gettext("Set up the categories and quotas before the draw."))
    if not pool.people:
        raise Conflict(gettext("There is no one in the pool to draw from yet."))
    checksum = inputs_checksum(
        pool.categories,
        pool.respondents,
        jury.panel_size,
        household_column=services.HOUSEHOLD_COLUMN,
    )
    run = _queue(
        jury,
        actor,
        algorithm=algorithm,
        seed=jury.lottery_seed or "",
        panel_size=jury.panel_size,
        inputs_checksum=checksum,
        inputs=services.draw_inputs(pool),
    )
    audit(
        "jury.draw_started",
        actor=actor,
        subject=run,
        pool_size=len(pool.people),
        **lottery_facts(jury, run),
    )
    return run


def _queue(jury: Jury, actor: User, **fields: Any) -> DrawRun:
    """A new queued run of the jury (flushed): DrawAlreadyRunning when one is already
    queued or running, even one another request started a moment ago (the database's
    unique index tells)."""
    busy = active_run(jury)
    if busy is not None:
        raise DrawAlreadyRunning(busy)
    run = DrawRun(
        jury_id=jury.id,
        status="queued",
        progress=0.0,
        message="Waiting to start",
        error_details={},
        started_by_id=actor.id,
        **fields,
    )
    db.session.add(run)
    try:
        db.session.flush()
    except IntegrityError as error:
        # another request's run won the race; the caller rolls back and finds it
        raise DrawAlreadyRunning(None) from error
    return run


def start_lottery(plan: DrawPlan, *, actor: User) -> DrawRun:
    """Queue the computation of a published draw plan's lottery from its frozen inputs
    file. Officers only, while the plan waits for its lottery (`plans.check_can_compute_
    lottery`); one computation at a time per jury, shared with the seeded draws: raises
    DrawAlreadyRunning when one is queued or running. Audited `jury.lottery_started`.
    Flushes; the caller commits, then calls `dispatch(run.id)`. Done, it publishes the
    lottery (`plans.record_lottery`) in the name of `actor`."""
    plans.check_can_compute_lottery(plan, actor=actor)
    jury = db.session.get_one(Jury, plan.jury_id)
    run = _queue(
        jury,
        actor,
        plan_id=plan.id,
        algorithm=plan.algorithm,
        seed="",
        panel_size=plan.panel_size,
        inputs_checksum=plan.inputs_checksum,
        inputs={"pool_size": plan.pool_size},
    )
    audit("jury.lottery_started", actor=actor, subject=run, **plan_facts(jury, plan))
    return run


def _job_timeout(app: Flask | None = None) -> int:
    """`DRAW_TIME_LIMIT`: seconds a draw's child process may compute before it is stopped."""
    return int((app or current_app).config.get("DRAW_TIME_LIMIT", 3600))


def dispatch(run_id: int, app: Flask | None = None) -> None:
    """Hand a committed, queued draw to the runner's queue (`jobs.run_job`)."""
    jobs.run_job(
        execute,
        run_id,
        model=DrawRun,
        what="the draw",
        app=app,
        name=f"draw-{run_id}",
        timeout=_job_timeout(app) + jobs.GRACE,
    )


# --- doing ----------------------------------------------------------------------------------


def _fail(run_id: int, failure: JobFailed) -> None:
    jobs.record_failure(DrawRun, run_id, failure.message, error_details=failure.as_details())


def execute(run_id: int) -> None:
    """Do one queued run: compute it in a child process, then store its result (a seeded
    draw's proposal, or a draw plan's published lottery) and its audit entry in one go.
    On failure the run keeps the reason and nothing else changes."""
    run = db.session.get(DrawRun, run_id)
    if run is None or run.status != "queued":
        return
    jobs.start(run)
    try:
        progress = jobs.Progress(run, interval=COMMIT_INTERVAL)
        kept = _lottery(run, progress) if run.plan_id else _draw(run, progress)
        if not kept:
            return  # presumed dead and failed meanwhile: a newer run may be under way
    except JobFailed as failure:
        _fail(run_id, failure)
        return
    except ConsultError as error:
        _fail(run_id, JobFailed(error.message, kind="changed"))
        return
    except Exception as error:
        log.exception("draw run %s failed", run_id)
        message = (
            f"The draw stopped because of an error in Consult: {type(error).__name__}: {error}"
        )
        _fail(run_id, JobFailed(message, kind="internal", technical=traceback.format_exc(limit=6)))
        return
    jobs.finish(run)


def _starter(run: DrawRun) -> User | None:
    return db.session.get(User, run.started_by_id) if run.started_by_id else None


def _draw(run: DrawRun, progress: jobs.Progress) -> bool:
    """A seeded draw: its proposal (`services.record_draw`). False if the run was failed
    by someone else meanwhile (presumed dead)."""
    request = {
        "categories": run.inputs["categories"],
        "respondents": run.inputs["respondents"],
        "household_column": run.inputs["household_column"],
        "panel_size": run.panel_size,
        "algorithm": run.algorithm,
        "seed": run.seed,
        "niceness": int(current_app.config.get("DRAW_NICENESS", 10)),
    }
    output = LOTTERY.run(request, progress, time_limit=_job_timeout())
    if not jobs.still_running(DrawRun, run.id):
        return False
    if output.get("inputs_checksum") != run.inputs_checksum:
        raise JobFailed(
            "The lottery read different inputs from those frozen for it, so its result "
            "was not kept.",
            kind="internal",
        )
    draw = services.record_draw(
        db.session.get_one(Jury, run.jury_id),
        algorithm=run.algorithm,
        seed=run.seed,
        panel_size=run.panel_size,
        checksum=run.inputs_checksum,
        inputs=run.inputs,
        output=output,
        actor=_starter(run),
        draw_run=run.id,
    )
    run.draw_id = draw.id
    return True


def _lottery(run: DrawRun, progress: jobs.Progress) -> bool:
    """A draw plan's lottery, from its frozen inputs file: published
    (`plans.record_lottery`). False if the run was failed by someone else meanwhile."""
    plan = db.session.get_one(DrawPlan, run.plan_id)
    request = {
        "inputs": plan.inputs_file,
        "niceness": int(current_app.config.get("DRAW_NICENESS", 10)),
    }
    output = PLAN_LOTTERY.run(request, progress, time_limit=_job_timeout())
    if not jobs.still_running(DrawRun, run.id):
        return False
    db.session.refresh(plan)
    if output.get("inputs_checksum") != plan.inputs_checksum:
        raise JobFailed(
            "The lottery read different inputs from the published ones, so it was not kept.",
            kind="internal",
        )
    if not output.get("complete", False):
        raise JobFailed(
            "The lottery was not computed to the end, so it was not published.",
            kind="time_limit",
        )
    plans.record_lottery(
        plan,
        str(output["lottery"]),
        actor=_starter(run),
        panels=int(output.get("panels", 0)),
        seconds=float(output.get("seconds", 0.0)),
        complete=True,
        draw_run=run.id,
    )
    return True


# --- reading ---------------------------------------------------------------------------------


def latest_run(jury: Jury) -> DrawRun | None:
    """The jury's latest seeded draw (not a draw plan's lottery)."""
    return newest(DrawRun, DrawRun.jury_id == jury.id, DrawRun.plan_id.is_(None))


def elapsed_seconds(run: DrawRun) -> int:
    """Seconds since the officer asked for the draw (until it finished, once it has)."""
    if run.created_at is None:
        return 0
    return max(0, int(((run.finished_at or utcnow()) - run.created_at).total_seconds()))


def duration_text(seconds: int) -> str:
    """`42 s`, `3 min 05 s`, `1 h 02 min`."""
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def state(run: DrawRun, slug: str) -> dict[str, Any]:
    """What the progress page shows, as JSON for its script."""
    seconds = elapsed_seconds(run)
    return {
        "id": run.id,
        "status": run.status,
        "label": gettext(LABELS[run.status]) if run.status in LABELS else run.status,
        "progress": round(run.progress or 0.0, 4),
        "percent": round((run.progress or 0.0) * 100),
        "stage": run.message,
        "elapsed": seconds,
        "elapsed_text": duration_text(seconds),
        "error": run.error if run.status == "failed" else None,
        "stalled": abandoned(run),
        "result_url": result_url(run, slug),
    }


def result_url(run: DrawRun, slug: str) -> str | None:
    """Where a finished run's result is: its proposal, or its draw plan's page."""
    if run.status != "done":
        return None
    if run.plan_id is not None:
        return url_for("juries.plan", slug=slug)
    return url_for("juries.draw_result", slug=slug, draw_id=run.draw_id) if run.draw_id else None
