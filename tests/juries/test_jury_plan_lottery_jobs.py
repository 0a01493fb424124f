"""A published draw plan's lottery computed as a background job on the one job runner: its
progress page (updating by script, a refresh link without it), one computation at a time
per jury, the public page truthful at each stage (being computed, published, failed),
a failure recorded and shown with its reason, a dead process not blocking the next."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from consult.extensions import db
from consult.juries import draw_jobs, plans
from consult.models import AuditEntry, DrawPlan, DrawRun, User, utcnow
from tests.conftest import TEST_DATABASE_URL

SQLITE_ONLY = pytest.mark.skipif(
    bool(TEST_DATABASE_URL),
    reason="PostgreSQL mode runs each test in one rolled-back transaction on one connection: "
    "a background thread cannot share it (the inline tests cover PostgreSQL)",
)


def _publish(client: FlaskClient, slug: str) -> None:
    response = client.post(f"/juries/{slug}/plan/publish", data={"understood": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def _compute_lottery(client: FlaskClient, slug: str, number: int = 1) -> int:
    response = client.post(f"/juries/{slug}/plan/{number}/lottery")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(re.search(r"/draw-runs/(\d+)$", response.headers["Location"]).group(1))


def _state(client: FlaskClient, slug: str, run_id: int) -> dict[str, Any]:
    response = client.get(f"/juries/{slug}/draw-runs/{run_id}/progress")
    assert response.status_code == 200
    return response.get_json()


def _plan(app: Flask, jury_id: int) -> DrawPlan:
    with app.app_context():
        plan = db.session.scalars(
            db.select(DrawPlan).where(DrawPlan.jury_id == jury_id).order_by(DrawPlan.number)
        ).all()[-1]
        db.session.expunge(plan)
        return plan


def _run(app: Flask, run_id: int) -> DrawRun:
    with app.app_context():
        run = db.session.get(DrawRun, run_id)
        db.session.expunge(run)
        return run


@SQLITE_ONLY
def test_the_lottery_is_computed_in_the_background_and_the_public_page_follows(
    app: Flask,
    officer: dict[str, Any],
    officer_client: FlaskClient,
    make_slow_jury: Any,
    slug_of: Any,
) -> None:
    app.config["JOB_QUEUE"] = "thread"  # a real background thread, as in production
    jury_id = make_slow_jury()
    slug = slug_of(jury_id)
    _publish(officer_client, slug)
    run_id = _compute_lottery(officer_client, slug)

    # while it runs: the officer's pages and the public page say it is being computed
    assert _state(officer_client, slug, run_id)["status"] in ("queued", "running")
    progress_page = officer_client.get(f"/juries/{slug}/draw-runs/{run_id}").get_data(as_text=True)
    assert "Computing the lottery of draw plan 1" in progress_page
    assert "<progress" in progress_page and "Refresh to see progress" in progress_page
    assert 'summary-list__key">Seed<' not in progress_page  # a plan's lottery has none
    plan_page = officer_client.get(f"/juries/{slug}/plan").get_data(as_text=True)
    assert 'id="lottery-computing"' in plan_page and f"/draw-runs/{run_id}" in plan_page
    assert "Compute and publish the lottery" not in plan_page
    assert "Inputs frozen, lottery being computed" in plan_page
    public = app.test_client().get(f"/juries/{slug}").get_data(as_text=True)
    assert "Draw plan 1: inputs frozen, lottery being computed" in public
    assert 'id="lottery-being-computed-1"' in public and "Download the lottery" not in public

    # one computation at a time: a second press shows the running one, starts nothing
    again = officer_client.post(f"/juries/{slug}/plan/1/lottery")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/draw-runs/{run_id}")
    # and the plan cannot be abandoned under it
    over = officer_client.post(f"/juries/{slug}/plan/1/start-over", data={"reason": "oops"})
    assert over.status_code == 409 and "being computed" in over.get_data(as_text=True)

    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        seen.append(_state(officer_client, slug, run_id))
        if seen[-1]["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert seen[-1]["status"] == "done", seen[-1]
    assert seen[-1]["result_url"] == f"/juries/{slug}/plan"
    computing = {
        s["percent"]
        for s in seen
        if s["status"] == "running" and s["stage"].startswith("Computing fair probabilities")
    }
    assert len(computing) >= 2, seen  # LEXIMIN's progress shows as it goes

    with app.app_context():
        runs = db.session.scalars(db.select(DrawRun).where(DrawRun.jury_id == jury_id)).all()
        assert [r.id for r in runs] == [run_id]
        plan = db.session.scalars(db.select(DrawPlan).where(DrawPlan.jury_id == jury_id)).one()
        assert plan.status == "lottery" and plan.lottery_by_id == officer["id"]
        published = db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "jury.lottery_published")
        )
        assert published.actor_user_id == officer["id"]
        assert published.details["draw_run"] == run_id and published.details["complete"] is True
        checksum = plan.lottery_checksum
    assert officer_client.get(f"/juries/{slug}/draw-runs/{run_id}").location.endswith("/plan")
    public = app.test_client().get(f"/juries/{slug}").get_data(as_text=True)
    assert "Draw plan 1: lottery published" in public and checksum in public
    assert "being computed" not in public


def test_the_background_lottery_is_the_one_computed_here_and_now(
    app: Flask,
    officer: dict[str, Any],
    officer_client: FlaskClient,
    make_pool_jury: Any,
    slug_of: Any,
) -> None:
    """The child process reads the published inputs file alone: the same lottery file."""
    jury_id = make_pool_jury(people=30, shared_households=3)
    slug = slug_of(jury_id)
    _publish(officer_client, slug)
    run_id = _compute_lottery(officer_client, slug)
    assert _run(app, run_id).status == "done"
    background = _plan(app, jury_id)
    with app.app_context():
        plan = db.session.get(DrawPlan, background.id)
        plan.status, plan.lottery_file, plan.lottery_checksum = "frozen", None, None
        plans.publish_lottery(plan, actor=db.session.get(User, officer["id"]))
        assert plan.lottery_file == background.lottery_file
        db.session.rollback()


@pytest.mark.slow
def test_a_lottery_that_fails_says_why_publishes_nothing_and_can_be_computed_again(
    app: Flask, officer_client: FlaskClient, make_slow_jury: Any, slug_of: Any
) -> None:
    app.config["DRAW_TIME_LIMIT"] = 2
    jury_id = make_slow_jury()
    slug = slug_of(jury_id)
    _publish(officer_client, slug)
    failed_id = _compute_lottery(officer_client, slug)
    run = _run(app, failed_id)
    assert run.status == "failed" and run.error_details["kind"] == "time_limit"
    assert run.error.startswith("Computing the lottery did not finish within its time limit")
    assert "start over with a new draw plan" in run.error
    plan = _plan(app, jury_id)
    assert plan.status == "frozen" and plan.lottery_file is None

    state = _state(officer_client, slug, failed_id)
    assert state["status"] == "failed" and state["result_url"] is None
    assert state["error"] == run.error
    page = officer_client.get(f"/juries/{slug}/draw-runs/{failed_id}").get_data(as_text=True)
    assert "Computing the lottery failed" in page and "Back to the published draw" in page
    assert "Nothing was published: draw plan 1 still waits for its lottery." in page
    plan_page = officer_client.get(f"/juries/{slug}/plan").get_data(as_text=True)
    assert (
        'id="lottery-failed"' in plan_page and "did not finish within its time limit" in plan_page
    )
    assert "Compute and publish the lottery" in plan_page  # it can be tried again
    public = app.test_client().get(f"/juries/{slug}").get_data(as_text=True)
    assert "Draw plan 1: inputs frozen" in public
    assert "An attempt to compute it stopped without a result" in public
    assert "Download the lottery" not in public

    app.config["DRAW_TIME_LIMIT"] = 3600
    again = _compute_lottery(officer_client, slug)
    assert again != failed_id and _run(app, again).status == "done"
    assert _plan(app, jury_id).status == "lottery"
    public = app.test_client().get(f"/juries/{slug}").get_data(as_text=True)
    assert "An attempt to compute it stopped" not in public and "Download the lottery" in public


@pytest.fixture
def frozen(
    officer_client: FlaskClient, make_pool_jury: Callable[..., int], slug_of: Any
) -> tuple[int, str]:
    """A jury of 30 whose draw plan 1 is published, its lottery not computed: id, slug."""
    jury_id = make_pool_jury(people=30)
    _publish(officer_client, slug_of(jury_id))
    return jury_id, slug_of(jury_id)


def _queued(app: Flask, jury_id: int, officer_id: int) -> DrawRun:
    """The plan's lottery queued (`start_lottery`) but not handed to the runner."""
    plan = db.session.scalars(db.select(DrawPlan).where(DrawPlan.jury_id == jury_id)).one()
    return draw_jobs.start_lottery(plan, actor=db.session.get(User, officer_id))


def test_a_lottery_whose_process_died_is_failed_and_does_not_block_the_next(
    app: Flask, officer: dict[str, Any], officer_client: FlaskClient, frozen: tuple[int, str]
) -> None:
    jury_id, slug = frozen
    with app.app_context():
        stuck = _queued(app, jury_id, officer["id"])
        stuck.status, stuck.started_at = "running", utcnow() - timedelta(hours=1)
        db.session.flush()
        stuck.updated_at = utcnow() - timedelta(seconds=draw_jobs.STALL_LIMIT + 60)
        db.session.commit()
        stuck_id = stuck.id
    public = app.test_client().get(f"/juries/{slug}").get_data(as_text=True)
    assert "being computed" not in public  # it is not: its process is gone
    run_page = officer_client.get(f"/juries/{slug}/draw-runs/{stuck_id}").get_data(as_text=True)
    assert "Compute the lottery again" in run_page
    fresh = _compute_lottery(officer_client, slug)
    assert fresh != stuck_id
    stuck_run = _run(app, stuck_id)
    assert stuck_run.status == "failed" and stuck_run.error_details == {"kind": "abandoned"}
    assert "Compute the lottery again" in stuck_run.error
    assert _run(app, fresh).status == "done" and _plan(app, jury_id).status == "lottery"


def test_a_second_lottery_start_while_one_is_queued_starts_nothing(
    app: Flask, officer: dict[str, Any], officer_client: FlaskClient, frozen: tuple[int, str]
) -> None:
    jury_id, slug = frozen
    with app.app_context():
        first = _queued(app, jury_id, officer["id"])
        db.session.commit()
        with pytest.raises(draw_jobs.DrawAlreadyRunning) as busy:
            _queued(app, jury_id, officer["id"])
        assert busy.value.run is not None and busy.value.run.id == first.id
        db.session.rollback()
        first_id = first.id
    again = officer_client.post(f"/juries/{slug}/plan/1/lottery")
    assert again.status_code == 302 and again.location.endswith(f"/draw-runs/{first_id}")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(DrawRun.id))) == 1
        assert db.session.get(DrawRun, first_id).status == "queued"
        assert db.session.scalars(db.select(DrawPlan)).one().status == "frozen"
