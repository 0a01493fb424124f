"""Two paths of the officer workspace with real moving parts: analysis runs queued on Redis
(`JOB_QUEUE=rq`) and done by a real RQ worker, in this process and as the documented
commands (`flask workspace worker`, `rq worker analysis`), or marked failed when Redis
refuses them; and the opinion map of a jury's agree/disagree poll, computed from real
ballots and shown on the officer's jury page (and to no one else)."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from consult import jobs
from consult.extensions import db
from consult.models import AnalysisRun, Theme
from consult.workspace import queries

ROOT = Path(__file__).resolve().parents[2]
#: Where the module's apps queue runs until `redis_db` points them at the session's own
#: Redis: nothing listens on port 1, so no test can reach the machine's Redis by mistake.
NO_REDIS = "redis://127.0.0.1:1/0"
POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


@pytest.fixture
def redis_url(app: Flask, redis_server: str) -> str:
    """The session's own Redis (database 9); the app queues its analysis runs there."""
    app.config["REDIS_URL"] = f"{redis_server}/9"
    return app.config["REDIS_URL"]


@pytest.fixture
def redis_db(redis_url: str) -> Iterator[Any]:
    """A clean database of the session's own Redis for the analysis queue, flushed again
    afterwards."""
    from redis import Redis

    connection = Redis.from_url(redis_url)
    connection.flushdb()
    try:
        yield connection
    finally:
        connection.flushdb()
        connection.close()


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Every app in this module queues its runs on Redis."""
    return {**app_config, "JOB_QUEUE": "rq", "REDIS_URL": NO_REDIS}


def _start(client: FlaskClient, consultation_id: int) -> int:
    response = client.post(
        f"/workspace/consultations/{consultation_id}/runs", data={"n_themes": "auto"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(re.search(r"/runs/(\d+)", response.headers["Location"]).group(1))


def _assert_waiting_in_queue(client: FlaskClient, run_id: int, redis: Any) -> None:
    state = client.get(f"/workspace/runs/{run_id}/progress").get_json()
    assert state["status"] == "queued" and state["progress"] == 0.0
    queue = jobs.rq_queue(redis)
    assert queue.count == 1
    job = queue.jobs[0]
    assert job.func_name == "consult.jobs.worker.perform"
    assert job.args == ("consult.workspace.jobs.execute", run_id)


def _assert_done_with_themes(
    app: Flask, client: FlaskClient, run_id: int, question_ids: list[int]
) -> None:
    state = client.get(f"/workspace/runs/{run_id}/progress").get_json()
    assert state["status"] == "done", state
    assert state["progress"] == 1.0 and state["percent"] == 100
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        assert run.finished_at is not None and run.error is None
        for question_id in question_ids:
            themes = db.session.scalars(
                select(Theme).where(Theme.run_id == run_id, Theme.question_id == question_id)
            ).all()
            assert len([t for t in themes if not t.no_substantive_comment]) >= 2
        assert queries.current_run(consultation_id=run.consultation_id).id == run_id


@pytest.mark.redis
def test_rq_run_waits_in_the_queue_until_a_worker_does_it(
    app, officer_client, closed_consultation, redis_db
):
    from rq import SimpleWorker

    run_id = _start(officer_client, closed_consultation["id"])
    _assert_waiting_in_queue(officer_client, run_id, redis_db)

    # A real RQ worker, in this process (so on PostgreSQL it shares the test's transaction).
    # It installs its own SIGINT/SIGTERM handlers: put pytest's back afterwards.
    worker = SimpleWorker([jobs.rq_queue(redis_db)], connection=redis_db)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        with app.app_context():
            assert worker.work(burst=True) is True
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)

    assert jobs.rq_queue(redis_db).count == 0
    assert len(jobs.rq_queue(redis_db).finished_job_registry) == 1
    assert len(jobs.rq_queue(redis_db).failed_job_registry) == 0
    _assert_done_with_themes(app, officer_client, run_id, closed_consultation["questions"][:2])


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.skipif(
    POSTGRES,
    reason="PostgreSQL mode runs each test in one rolled-back transaction: a worker "
    "process cannot see its uncommitted rows (the in-process worker test covers PG)",
)
@pytest.mark.parametrize(
    "command",
    [
        ["-m", "flask", "--app", "wsgi", "workspace", "worker", "--burst"],
        ["-m", "rq.cli", "worker", "--burst", "--url", "{redis_url}", "analysis"],
    ],
    ids=["flask-workspace-worker", "rq-worker"],
)
def test_worker_commands_do_queued_runs(  # type: ignore[no-untyped-def]
    app, app_config, officer_client, closed_consultation, redis_db, redis_url, command
):
    run_id = _start(officer_client, closed_consultation["id"])
    _assert_waiting_in_queue(officer_client, run_id, redis_db)

    environment = {
        **os.environ,
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url,
        "JOB_QUEUE": "rq",
        "SECRET_KEY": "test-secret-key-not-for-production",
    }
    environment.pop("FLASK_APP", None)
    finished = subprocess.run(
        [sys.executable, *(part.format(redis_url=redis_url) for part in command)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]

    assert jobs.rq_queue(redis_db).count == 0
    assert len(jobs.rq_queue(redis_db).failed_job_registry) == 0, finished.stderr[-3000:]
    _assert_done_with_themes(app, officer_client, run_id, closed_consultation["questions"][:2])


def test_a_run_redis_refuses_is_marked_failed_and_does_not_block_the_next(
    app, officer_client, closed_consultation
):
    app.config["REDIS_URL"] = NO_REDIS
    run_id = _start(officer_client, closed_consultation["id"])
    state = officer_client.get(f"/workspace/runs/{run_id}/progress").get_json()
    assert state["status"] == "failed"
    assert state["error"].startswith("Could not queue the analysis: ConnectionError")
    page = officer_client.get(f"/workspace/runs/{run_id}").get_data(as_text=True)
    assert "The analysis failed" in page

    app.config["JOB_QUEUE"] = "inline"
    again = _start(officer_client, closed_consultation["id"])
    assert officer_client.get(f"/workspace/runs/{again}/progress").get_json()["status"] == "done"


# --------------------------------------------------------------------------- opinion map

STATEMENTS = [
    "Buses should be free for everyone under 18",
    "The town centre should be closed to cars on Saturdays",
    "More cycle lanes, even if parking is lost",
    "A 20 mph limit on every residential street",
    "Parking in the town centre should stay free",
    "Road space should go to cars before bikes",
    "Ring road widening should come first",
    "Bus lanes slow everyone down and should go",
]
# Greens agree with the first four statements and disagree with the last four; drivers
# the other way round. One juror on each side passes on one statement.
GREEN = [1, 1, 1, 1, -1, -1, -1, -1]
DRIVER = [-1, -1, -1, -1, 1, 1, 1, 1]


@pytest.fixture
def polled_jury(
    app: Flask, make_jury: Callable[..., int], make_panel_member: Callable[..., tuple[int, str]]
) -> dict[str, Any]:
    """A jury whose session ran an agree/disagree poll: 7 "green" and 6 "driver" ballots."""
    from consult.models import Ballot, JurySession, Poll, PollStatement

    jury_id = make_jury(title="Transport jury", status="finished")
    members = {
        "green": [make_panel_member(jury_id=jury_id, name=f"Green {n}") for n in range(7)],
        "driver": [make_panel_member(jury_id=jury_id, name=f"Driver {n}") for n in range(6)],
    }
    with app.app_context():
        session = JurySession(jury_id=jury_id, title="Day two", status="ended")
        db.session.add(session)
        db.session.flush()
        poll = Poll(
            session_id=session.id,
            kind="agree_disagree",
            question="Where should road space go?",
            status="closed",
        )
        for position, text in enumerate(STATEMENTS):
            poll.statements.append(PollStatement(position=position, text=text))
        db.session.add(poll)
        db.session.flush()
        statement_ids = [s.id for s in poll.statements]
        for side, pattern in (("green", GREEN), ("driver", DRIVER)):
            for number, (member_id, _code) in enumerate(members[side]):
                votes = list(pattern)
                if number == 0:
                    votes[0 if side == "green" else 4] = 0  # a pass
                db.session.add(
                    Ballot(
                        poll_id=poll.id,
                        member_id=member_id,
                        value={str(s): v for s, v in zip(statement_ids, votes, strict=True)},
                        client_id=f"ballot-{member_id}",
                    )
                )
        db.session.commit()
        return {
            "id": jury_id,
            "poll_id": poll.id,
            "members": {side: [m for m, _ in ms] for side, ms in members.items()},
            "juror_code": members["green"][1][1],
        }


def _opinion_maps(page: str) -> list[dict[str, Any]]:
    found = re.search(r'id="opinion-data" data-maps="([^"]*)"', page)
    assert found, "the jury page has no opinion-map data"
    return json.loads(html.unescape(found.group(1)))


def test_officer_sees_the_opinion_groups_of_an_agree_disagree_poll(officer_client, polled_jury):
    response = officer_client.get(f"/workspace/juries/{polled_jury['id']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Opinion map" in page and "Where should road space go? (13 jurors)" in page

    (poll,) = _opinion_maps(page)
    assert poll["poll_id"] == polled_jury["poll_id"] and poll["participants"] == 13
    groups = sorted(poll["groups"], key=lambda g: g["size"])
    assert [g["size"] for g in groups] == [6, 7]
    for group in groups:
        assert len(group["points"]) == group["size"]
        assert all(
            len(point) == 2 and all(isinstance(x, float) for x in point)
            for point in group["points"]
        )
    drivers, greens = groups
    # The groups sit apart on the map: every point is nearer its own group's centre.
    centres = [
        [sum(p[i] for p in g["points"]) / g["size"] for i in (0, 1)] for g in (drivers, greens)
    ]

    def nearest(point: list[float]) -> int:
        return min((0, 1), key=lambda c: sum((point[i] - centres[c][i]) ** 2 for i in (0, 1)))

    assert all(nearest(p) == 0 for p in drivers["points"])
    assert all(nearest(p) == 1 for p in greens["points"])
    # What sets each group apart is named by the statement's text, split by how the group
    # voted: each side agreed with its own statements and disagreed with the other's.
    for group, pattern in ((greens, GREEN), (drivers, DRIVER)):
        assert group["agreed"] and group["disagreed"]
        assert group["representative"] == group["agreed"]
        for stance, wanted, share in (("agreed", 1, "agree"), ("disagreed", -1, "disagree")):
            for statement in group[stance]:
                assert pattern[STATEMENTS.index(statement["text"])] == wanted, statement
                assert statement["stance"] == share and statement[share] > 0.8, statement
    assert poll["divisive"] and {s["text"] for s in poll["divisive"]} <= set(STATEMENTS)
    # The page says it in words too (no JavaScript needed), naming only statements the
    # group really agreed with.
    for size, pattern in ((7, GREEN), (6, DRIVER)):
        sentence = re.search(
            rf"\({size} jurors\) agreed most with: (.*?)"
            r"(?:, and disagreed most with: (.*?))?\.</p>",
            page,
        )
        assert sentence, f"no sentence for the group of {size}"
        agreed = re.findall(r"“(.*?)”", html.unescape(sentence.group(1)))
        assert agreed and all(pattern[STATEMENTS.index(text)] == 1 for text in agreed), agreed
        disagreed = re.findall(r"“(.*?)”", html.unescape(sentence.group(2) or ""))
        assert all(pattern[STATEMENTS.index(text)] == -1 for text in disagreed), disagreed


def test_only_officers_see_the_opinion_map(app, make_user, sign_in, polled_jury):
    url = f"/workspace/juries/{polled_jury['id']}"
    make_user("facilitator", email="facilitator@council.example")
    facilitator = app.test_client()
    sign_in(facilitator, email="facilitator@council.example")
    assert facilitator.get(url).status_code == 403

    juror = app.test_client()
    sign_in(juror, code=polled_jury["juror_code"])
    refused = juror.get(url)
    assert refused.status_code == 403
    assert STATEMENTS[0] not in refused.get_data(as_text=True)

    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]
