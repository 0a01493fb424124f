"""Draws computed in the background: the officer's "Compute a draw" queues a run and shows
its progress page; the lottery runs in a child process (inline in tests, in a thread or on
an RQ worker otherwise); the stage and progress are committed as it goes; a failure shows
its reason and keeps earlier proposals; one draw at a time per jury; officers only."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.exc import IntegrityError

from consult.extensions import db
from consult.juries import draw_jobs
from consult.models import (
    AuditEntry,
    CategoryValue,
    DrawRun,
    Jury,
    SelectionDraw,
    User,
    utcnow,
)
from tests.conftest import TEST_DATABASE_URL

SQLITE_ONLY = pytest.mark.skipif(
    bool(TEST_DATABASE_URL),
    reason="PostgreSQL mode runs each test in one rolled-back transaction on one connection: "
    "a background thread cannot share it (the inline tests cover PostgreSQL)",
)


def _compute(client: FlaskClient, slug: str, algorithm: str = "leximin") -> int:
    response = client.post(f"/juries/{slug}/draw", data={"algorithm": algorithm})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(re.search(r"/draw-runs/(\d+)$", response.headers["Location"]).group(1))


def _state(client: FlaskClient, slug: str, run_id: int) -> dict:
    response = client.get(f"/juries/{slug}/draw-runs/{run_id}/progress")
    assert response.status_code == 200
    return response.get_json()


def _runs(app, jury_id: int) -> list[DrawRun]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.scalars(
            db.select(DrawRun).where(DrawRun.jury_id == jury_id).order_by(DrawRun.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def _make_infeasible(app) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        woman = db.session.scalar(db.select(CategoryValue).where(CategoryValue.value == "woman"))
        man = db.session.scalar(db.select(CategoryValue).where(CategoryValue.value == "man"))
        woman.min_count, woman.max_count = 6, 8
        man.min_count, man.max_count = 5, 8  # 6 + 5 > panel of 8
        db.session.commit()


def _wait_until_finished(client: FlaskClient, slug: str, run_id: int) -> list[dict]:
    """Poll the progress endpoint as the page's script does; every state seen, in order."""
    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        seen.append(_state(client, slug, run_id))
        if seen[-1]["status"] in ("done", "failed"):
            return seen
        time.sleep(0.1)
    raise AssertionError(f"the draw did not finish: {seen[-1]}")


def test_a_draw_is_computed_in_the_background_and_its_proposal_shows(
    app, officer, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(seed="background seed")
    slug = slug_of(jury_id)
    run_id = _compute(officer_client, slug)

    (run,) = _runs(app, jury_id)
    assert run.id == run_id and run.status == "done" and run.progress == 1.0
    assert run.started_at and run.finished_at and run.started_at <= run.finished_at
    assert run.draw_id is not None and run.error is None
    state = _state(officer_client, slug, run_id)
    assert state["status"] == "done" and state["percent"] == 100
    assert state["result_url"] == f"/juries/{slug}/draws/{run.draw_id}"

    # the progress page of a finished draw is the proposal, with its probabilities
    page = officer_client.get(f"/juries/{slug}/draw-runs/{run_id}")
    assert page.status_code == 302 and page.headers["Location"] == state["result_url"]
    proposal = officer_client.get(state["result_url"]).get_data(as_text=True)
    assert 'id="min-probability"' in proposal and 'id="gini"' in proposal
    assert "Quotas" in proposal and "Confirm this panel" in proposal

    with app.app_context():
        draw = db.session.get(SelectionDraw, run.draw_id)
        assert draw.inputs_checksum == run.inputs_checksum and len(draw.result["panel"]) == 8
        assert draw.result["inputs"]["respondents"] == run.inputs["respondents"]
        started = db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "jury.draw_started")
        )
        drawn = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "jury.drawn"))
        assert started.actor_user_id == drawn.actor_user_id == officer["id"]
        assert started.subject_type == "DrawRun" and started.subject_id == run_id
        assert drawn.subject_type == "SelectionDraw" and drawn.subject_id == draw.id
        assert drawn.details["inputs_checksum"] == started.details["inputs_checksum"]
        assert drawn.details["draw_run"] == run_id
        assert drawn.details["seed"] == "background seed"


def test_the_background_draw_gives_the_panel_the_service_gives(
    app, officer, officer_client, make_pool_jury, slug_of
):
    """The child process reads the frozen files: same panel as computing here and now."""
    from consult.juries import services

    jury_id = make_pool_jury(people=30, shared_households=6, seed="same either way")
    _compute(officer_client, slug_of(jury_id))
    (run,) = _runs(app, jury_id)
    with app.app_context():
        background = db.session.get(SelectionDraw, run.draw_id)
        here = services.draw_panel(
            db.session.get(Jury, jury_id),
            algorithm="leximin",
            actor=db.session.get(User, officer["id"]),
        )
        assert here.result["panel"] == background.result["panel"]
        assert here.result["probabilities"] == background.result["probabilities"]
        assert here.inputs_checksum == background.inputs_checksum
        db.session.rollback()


@SQLITE_ONLY
@pytest.mark.slow
def test_progress_is_committed_and_a_second_start_joins_the_running_draw(
    app, officer_client, make_slow_jury, slug_of
):
    app.config["JOB_QUEUE"] = "thread"  # a real background thread, as in production
    jury_id = make_slow_jury()
    slug = slug_of(jury_id)
    run_id = _compute(officer_client, slug)

    # the officer can leave and come back: the draw page says a draw is being computed
    first = _state(officer_client, slug, run_id)
    assert first["status"] in ("queued", "running")
    draw_page = officer_client.get(f"/juries/{slug}/draw").get_data(as_text=True)
    assert 'id="draw-in-progress"' in draw_page and f"/draw-runs/{run_id}" in draw_page
    assert "Compute a draw" not in draw_page
    progress_page = officer_client.get(f"/juries/{slug}/draw-runs/{run_id}").get_data(as_text=True)
    assert "<progress" in progress_page and "Refresh to see progress" in progress_page

    # a second start while it runs does not start another draw: it shows the running one
    again = officer_client.post(f"/juries/{slug}/draw", data={"algorithm": "legacy"})
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/juries/{slug}/draw-runs/{run_id}")
    assert [r.id for r in _runs(app, jury_id)] == [run_id]
    # nor can the seed change under it
    refused = officer_client.post(f"/juries/{slug}/seed", data={"seed": "another seed"})
    assert refused.status_code == 400 and "being computed" in refused.get_data(as_text=True)

    seen = _wait_until_finished(officer_client, slug, run_id)
    running = [s for s in seen if s["status"] == "running"]
    assert running, seen
    stages = {s["stage"] for s in running}
    # LEXIMIN shows its work as it goes: the lottery being built (its share rising), then
    # each level as it is settled (or the levels one by one when it goes level by level)
    assert all(s.startswith("Computing fair probabilities (") for s in stages if "fair" in s)
    computing = [s["percent"] for s in running if s["stage"].startswith("Computing fair")]
    assert len(set(computing)) >= 2, running
    percents = [s["percent"] for s in running]
    assert percents == sorted(percents) and any(0 < p < 100 for p in percents)
    assert [s["elapsed"] for s in seen] == sorted(s["elapsed"] for s in seen)
    assert seen[-1]["status"] == "done", seen[-1]
    assert seen[-1]["result_url"].startswith(f"/juries/{slug}/draws/")
    (run,) = _runs(app, jury_id)
    assert run.draw_id is not None and run.status == "done"


def test_a_failed_draw_shows_why_and_keeps_the_previous_proposal(
    app, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(seed="s")
    slug = slug_of(jury_id)
    first = _compute(officer_client, slug)
    proposal_id = _runs(app, jury_id)[0].draw_id
    with app.app_context():
        before = db.session.get(SelectionDraw, proposal_id).result

    _make_infeasible(app)
    failed_id = _compute(officer_client, slug)
    assert failed_id != first
    state = _state(officer_client, slug, failed_id)
    assert state["status"] == "failed" and state["result_url"] is None
    assert state["error"] == "The quotas cannot be met by this pool."
    page = officer_client.get(f"/juries/{slug}/draw-runs/{failed_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "The draw failed" in text
    assert "gender: the minimums add up to 11, more than the panel size 8" in text
    assert 'id="relaxation"' in text
    assert re.search(r"lower min of gender = (woman from 6|man from 5) to", text)
    assert "Change the quotas" in text

    # the earlier proposal is untouched and still offered; the draw page says what failed
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SelectionDraw.id))) == 1
        assert db.session.get(SelectionDraw, proposal_id).result == before
    draw_page = officer_client.get(f"/juries/{slug}/draw").get_data(as_text=True)
    assert f"/juries/{slug}/draws/{proposal_id}" in draw_page
    assert 'id="last-draw-failed"' in draw_page and "Compute a draw" in draw_page
    assert officer_client.get(f"/juries/{slug}/draws/{proposal_id}").status_code == 200


@pytest.mark.slow
def test_a_draw_that_runs_out_of_time_is_stopped_and_says_so(
    app, officer_client, make_slow_jury, slug_of
):
    app.config["DRAW_TIME_LIMIT"] = 2
    jury_id = make_slow_jury()
    slug = slug_of(jury_id)
    run_id = _compute(officer_client, slug)  # how soon it stops: bench/waits.py
    (run,) = _runs(app, jury_id)
    assert run.status == "failed" and run.error_details["kind"] == "time_limit"
    assert "did not finish within its time limit" in run.error and run.draw_id is None
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SelectionDraw.id))) == 0
    text = officer_client.get(f"/juries/{slug}/draw-runs/{run_id}").get_data(as_text=True)
    assert "The draw failed" in text and "legacy method" in text


def test_a_second_start_while_one_is_queued_starts_nothing(
    app, officer, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(seed="s")
    slug = slug_of(jury_id)
    with app.app_context():  # a draw waiting for a worker
        queued = draw_jobs.start_draw(
            db.session.get(Jury, jury_id),
            algorithm="leximin",
            actor=db.session.get(User, officer["id"]),
        )
        db.session.commit()
        queued_id = queued.id
    response = officer_client.post(f"/juries/{slug}/draw", data={"algorithm": "leximin"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/draw-runs/{queued_id}")
    page = officer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A draw is already being computed for this jury" in page
    assert "Waiting to start" in page and "Queued" in page
    assert [(r.id, r.status) for r in _runs(app, jury_id)] == [(queued_id, "queued")]
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count(AuditEntry.id)).where(
                    AuditEntry.action == "jury.draw_started"
                )
            )
            == 1
        )


def test_the_database_refuses_two_active_draws_of_one_jury(app, make_pool_jury):
    """What stops two requests that both looked before either wrote."""
    jury_id = make_pool_jury(seed="s")
    other_jury = make_pool_jury(seed="s")

    def run(jury: int, status: str) -> DrawRun:
        return DrawRun(
            jury_id=jury,
            algorithm="leximin",
            seed="s",
            panel_size=8,
            inputs_checksum="0" * 64,
            inputs={},
            status=status,
        )

    with app.app_context():
        db.session.add_all([run(jury_id, "queued"), run(jury_id, "done"), run(jury_id, "failed")])
        db.session.add(run(other_jury, "running"))
        db.session.commit()
        db.session.add(run(jury_id, "running"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_draw_whose_process_died_is_failed_and_does_not_block_the_next(
    app, officer, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(seed="s")
    slug = slug_of(jury_id)
    with app.app_context():
        stuck = draw_jobs.start_draw(
            db.session.get(Jury, jury_id),
            algorithm="leximin",
            actor=db.session.get(User, officer["id"]),
        )
        stuck.status, stuck.started_at = "running", utcnow() - timedelta(hours=1)
        db.session.flush()
        stuck.updated_at = utcnow() - timedelta(seconds=draw_jobs.STALL_LIMIT + 60)
        db.session.commit()
        stuck_id = stuck.id
    # the pages say it has stopped, and the officer can compute the draw again
    assert _state(officer_client, slug, stuck_id)["stalled"] is True
    run_page = officer_client.get(f"/juries/{slug}/draw-runs/{stuck_id}").get_data(as_text=True)
    assert 'id="draw-run-stalled"' in run_page
    draw_page = officer_client.get(f"/juries/{slug}/draw").get_data(as_text=True)
    assert 'id="draw-stalled"' in draw_page and "Compute a draw" in draw_page
    fresh = _compute(officer_client, slug)
    assert fresh != stuck_id
    runs = {r.id: r for r in _runs(app, jury_id)}
    assert runs[stuck_id].status == "failed" and runs[stuck_id].error_details == {
        "kind": "abandoned"
    }
    assert "Compute the draw again" in runs[stuck_id].error
    assert runs[fresh].status == "done"


def test_draws_refused_before_the_seed_and_after_confirmation_start_nothing(
    app, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury()
    slug = slug_of(jury_id)
    refused = officer_client.post(f"/juries/{slug}/draw", data={"algorithm": "leximin"})
    assert refused.status_code == 409
    assert "Publish the lottery seed before the draw" in refused.get_data(as_text=True)
    assert _runs(app, jury_id) == []
    officer_client.post(f"/juries/{slug}/seed", data={"seed": "the seed"})
    _compute(officer_client, slug)
    draw_id = _runs(app, jury_id)[0].draw_id
    officer_client.post(f"/juries/{slug}/draws/{draw_id}/confirm")
    after = officer_client.post(f"/juries/{slug}/draw", data={"algorithm": "leximin"})
    assert after.status_code == 409
    assert len(_runs(app, jury_id)) == 1


def test_a_draw_finishing_after_a_panel_was_confirmed_is_not_kept(
    app, officer, officer_client, make_pool_jury, slug_of
):
    jury_id = make_pool_jury(seed="s")
    slug = slug_of(jury_id)
    _compute(officer_client, slug)
    proposal = _runs(app, jury_id)[0].draw_id
    with app.app_context():
        late = draw_jobs.start_draw(
            db.session.get(Jury, jury_id),
            algorithm="legacy",
            actor=db.session.get(User, officer["id"]),
        )
        db.session.commit()
        late_id = late.id
    # the earlier proposal is confirmed while the new draw waits for a worker
    assert officer_client.post(f"/juries/{slug}/draws/{proposal}/confirm").status_code == 302
    with app.app_context():
        draw_jobs.execute(late_id)
        late = db.session.get(DrawRun, late_id)
        assert late.status == "failed" and "confirmed while this draw was computed" in late.error
        assert db.session.scalar(db.select(db.func.count(SelectionDraw.id))) == 1


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("officer", True), ("admin", True), ("facilitator", False), (None, False)],
)
def test_only_officers_and_admins_compute_or_watch_draws(
    app, make_user, make_pool_jury, slug_of, sign_in, role, allowed
):
    jury_id = make_pool_jury(seed="s")
    slug = slug_of(jury_id)
    officer = app.test_client()
    make_user("officer", email="owner@council.example")
    sign_in(officer, email="owner@council.example")
    run_id = _compute(officer, slug)

    client = app.test_client()
    if role is not None:
        email = f"{role}.draws@council.example"
        make_user(role, email=email)
        sign_in(client, email=email)
    urls = [
        ("get", f"/juries/{slug}/draw-runs/{run_id}"),
        ("get", f"/juries/{slug}/draw-runs/{run_id}/progress"),
        ("post", f"/juries/{slug}/draw"),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, data={"algorithm": "legacy"})
        if allowed:
            assert response.status_code in (200, 302), (role, url, response.status_code)
            assert "/sign-in" not in response.headers.get("Location", "")
        elif role is None:
            assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
        else:
            assert response.status_code == 403, (role, url)
    expected = 2 if allowed else 1
    assert len(_runs(app, jury_id)) == expected


def test_a_draw_of_another_jury_is_not_found(app, officer_client, make_pool_jury, slug_of):
    first = slug_of(make_pool_jury(seed="s"))
    second = slug_of(make_pool_jury(seed="s"))
    run_id = _compute(officer_client, first)
    assert officer_client.get(f"/juries/{second}/draw-runs/{run_id}").status_code == 404
    assert officer_client.get(f"/juries/{second}/draw-runs/{run_id}/progress").status_code == 404


# --- on an RQ worker ---------------------------------------------------------------------


@pytest.fixture
def redis_queue(app, redis_server):  # type: ignore[no-untyped-def]
    """The job queue on a clean database (11) of the session's own Redis, flushed again
    afterwards; the app queues its draws there."""
    from redis import Redis

    from consult import jobs

    url = f"{redis_server}/11"
    connection = Redis.from_url(url)
    connection.flushdb()
    app.config.update(JOB_QUEUE="rq", REDIS_URL=url)
    try:
        yield jobs.rq_queue(connection)
    finally:
        connection.flushdb()
        connection.close()


@pytest.mark.redis
def test_an_rq_draw_waits_in_the_queue_until_a_worker_does_it(
    app, officer_client, make_pool_jury, slug_of, redis_queue
):
    import signal

    from rq import SimpleWorker

    jury_id = make_pool_jury(seed="worker seed")
    slug = slug_of(jury_id)
    run_id = _compute(officer_client, slug)
    assert _state(officer_client, slug, run_id)["status"] == "queued"
    (job,) = redis_queue.jobs
    assert job.func_name == "consult.jobs.worker.perform"
    assert job.args == ("consult.juries.draw_jobs.execute", run_id)

    # a real RQ worker in this process (so on PostgreSQL it shares the test's transaction);
    # it installs its own signal handlers: put pytest's back afterwards
    worker = SimpleWorker([redis_queue], connection=redis_queue.connection)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        with app.app_context():
            assert worker.work(burst=True) is True
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert len(redis_queue.failed_job_registry) == 0
    state = _state(officer_client, slug, run_id)
    assert state["status"] == "done" and state["result_url"]
    assert officer_client.get(state["result_url"]).status_code == 200


def test_a_draw_redis_refuses_is_failed_and_does_not_block_the_next(
    app, officer_client, make_pool_jury, slug_of
):
    app.config.update(JOB_QUEUE="rq", REDIS_URL="redis://127.0.0.1:1/0")  # no one there
    jury_id = make_pool_jury(seed="s")
    slug = slug_of(jury_id)
    refused = _compute(officer_client, slug)
    state = _state(officer_client, slug, refused)
    assert state["status"] == "failed"
    assert state["error"].startswith("Could not queue the draw: ConnectionError")
    app.config["JOB_QUEUE"] = "inline"
    assert _state(officer_client, slug, _compute(officer_client, slug))["status"] == "done"


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.skipif(
    bool(TEST_DATABASE_URL),
    reason="PostgreSQL mode runs each test in one rolled-back transaction: a worker process "
    "cannot see its uncommitted rows (the in-process worker test covers PostgreSQL)",
)
def test_the_workspace_worker_command_does_queued_draws(
    app, app_config, officer_client, make_pool_jury, slug_of, redis_queue
):
    """`flask --app wsgi workspace worker --burst`, as deployed: its forked work horse runs
    the lottery's own child process and commits the proposal."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    slug = slug_of(make_pool_jury(seed="worker command"))
    run_id = _compute(officer_client, slug)
    assert _state(officer_client, slug, run_id)["status"] == "queued"
    environment = {
        **os.environ,
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "JOB_QUEUE": "rq",
        "SECRET_KEY": "test-secret-key-not-for-production",
    }
    environment.pop("FLASK_APP", None)
    finished = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "workspace", "worker", "--burst"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert len(redis_queue.failed_job_registry) == 0, finished.stderr[-3000:]
    state = _state(officer_client, slug, run_id)
    assert state["status"] == "done", state
    assert officer_client.get(state["result_url"]).status_code == 200
