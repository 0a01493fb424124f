"""The daily purge goes through the app's own job runner: on the thread/inline queues the
clock runs it in an app context of its own; on RQ it is queued and a real worker does it."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult import jobs
from consult.extensions import db
from consult.jobs import daily
from consult.models import AuditEntry, Response, utcnow
from consult.privacy import retention


def _purges(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == retention.PURGED)
        )


def test_the_clock_hands_the_purge_to_the_runner_once_a_day(app, make_response):
    made = make_response(closes_at=utcnow() - timedelta(days=400))
    assert "data purge" in daily.registered(app)
    daily.hand_over(app)
    with app.app_context():
        assert db.session.get(Response, made["id"]).resume_token_hash is None
    assert _purges(app) == 1
    daily.hand_over(app)  # an hour later: not due again
    assert _purges(app) == 1


@pytest.mark.redis
def test_on_rq_the_clock_queues_the_purge_and_a_worker_does_it(app, redis_server, make_response):
    from redis import Redis
    from rq import SimpleWorker

    made = make_response(closes_at=utcnow() - timedelta(days=400))
    app.config.update(JOB_QUEUE="rq", REDIS_URL=f"{redis_server}/12")
    connection = Redis.from_url(app.config["REDIS_URL"])
    connection.flushdb()
    try:
        daily.hand_over(app)
        queue = jobs.rq_queue(connection, jobs.queue_name(app))
        assert queue.count == 1 and _purges(app) == 0  # queued, not done here
        worker = SimpleWorker([queue], connection=connection)
        handlers = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
        try:
            with app.app_context():
                assert worker.work(burst=True) is True
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)
        assert len(queue.failed_job_registry) == 0
    finally:
        connection.flushdb()
        connection.close()
    assert _purges(app) == 1
    with app.app_context():
        assert db.session.get(Response, made["id"]).resume_token_hash is None
