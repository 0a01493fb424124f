"""`flask --app wsgi workspace worker`: the RQ worker for background jobs."""

from __future__ import annotations

import click

from consult import jobs
from consult.workspace import bp


@bp.cli.command("worker")
@click.option("--burst", is_flag=True, help="Quit once the queue is empty.")
def worker(burst: bool) -> None:
    """Run queued jobs (analysis runs and jury draws) from Redis (JOB_QUEUE=rq, REDIS_URL)."""
    jobs.work(burst=burst)
