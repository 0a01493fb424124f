"""`flask --app wsgi workspace worker`: the RQ worker for background jobs, and (where
DATA_PURGE_DAILY is on) the daily clock that queues the data purge (`consult.jobs.daily`)."""

from __future__ import annotations

import click
from flask import current_app

from consult import jobs
from consult.jobs import daily
from consult.workspace import bp


@bp.cli.command("worker")
@click.option("--burst", is_flag=True, help="Quit once the queue is empty.")
def worker(burst: bool) -> None:
    """Run queued jobs (analysis runs and jury draws) from Redis (JOB_QUEUE=rq, REDIS_URL)."""
    if not burst:
        daily.start(current_app._get_current_object())  # type: ignore[attr-defined]
    jobs.work(burst=burst)
