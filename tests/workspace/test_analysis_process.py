"""Analysis runs computed in a child process (`python -m analysis.job`), as the web server
does them by default: the same stored results as inline, progress committed on the way,
failures and the time limit keep the previous run, and a real gevent server keeps
answering while a run computes."""

from __future__ import annotations

import json
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import (
    AnalysisRun,
    Consultation,
    DuplicateGroupRecord,
    Jury,
    Theme,
    ThemeAssignment,
    User,
)
from consult.workspace import jobs, queries, services
from tests.conftest import DEFAULT_PASSWORD, TEST_DATABASE_URL, free_port
from tests.workspace.conftest import TOPICS

ROOT = Path(__file__).resolve().parents[2]

SQLITE_ONLY = pytest.mark.skipif(
    bool(TEST_DATABASE_URL),
    reason="PostgreSQL mode runs each test in one rolled-back transaction on one connection: "
    "a background thread or another process cannot share it (the synchronous tests here "
    "cover PostgreSQL)",
)


def _start(app, officer_id, *, consultation_id=None, jury_id=None, **parameters) -> int:  # type: ignore[no-untyped-def]
    """Queue a run (committed) without dispatching it; `parameters` override the run's."""
    with app.app_context():
        run = jobs.start_run(
            consultation=db.session.get(Consultation, consultation_id) if consultation_id else None,
            jury=db.session.get(Jury, jury_id) if jury_id else None,
            actor=db.session.get(User, officer_id),
        )
        if parameters:
            run.parameters = {**run.parameters, **parameters}
        db.session.commit()
        return run.id


def _execute(app, run_id: int, *, in_child: bool) -> None:  # type: ignore[no-untyped-def]
    """What the background thread does with a run, here and now."""
    with app.app_context():
        jobs.execute(run_id, in_child=in_child)


def _stored(app, run_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Everything a run stored, without its own row ids."""
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        themes = db.session.scalars(
            select(Theme).where(Theme.run_id == run_id).order_by(Theme.question_id, Theme.position)
        ).all()
        place = {theme.id: (theme.question_id, theme.position) for theme in themes}
        assignments = db.session.scalars(
            select(ThemeAssignment).where(ThemeAssignment.theme_id.in_(list(place)))
        ).all()
        groups = db.session.scalars(
            select(DuplicateGroupRecord).where(DuplicateGroupRecord.run_id == run_id)
        ).all()
        return {
            "status": run.status,
            "summary": {k: v for k, v in run.summary.items() if k != "previous_run_id"},
            "themes": [
                (
                    t.question_id,
                    t.position,
                    t.engine_key,
                    t.label,
                    t.keyphrases,
                    t.size,
                    t.share,
                    t.sentiment,
                    t.summary,
                    t.quotes,
                    t.no_substantive_comment,
                    t.approved_at is not None,
                )
                for t in themes
            ],
            "assignments": sorted(
                (
                    place[a.theme_id],
                    a.answer_id or 0,
                    a.contribution_id or 0,
                    a.confidence,
                    a.primary,
                    a.manual,
                    a.not_relevant,
                )
                for a in assignments
            ),
            "duplicates": sorted(
                (
                    g.question_id,
                    g.kind,
                    g.count,
                    tuple(g.answer_ids),
                    g.representative_answer_id,
                    g.representative_text,
                )
                for g in groups
            ),
        }


def test_a_run_in_a_child_process_stores_what_an_inline_run_stores(
    app, closed_consultation, finished_jury, officer_id
):
    consultation_id = closed_consultation["id"]
    inline = _start(app, officer_id, consultation_id=consultation_id)
    _execute(app, inline, in_child=False)
    child = _start(app, officer_id, consultation_id=consultation_id)
    _execute(app, child, in_child=True)
    here, there = _stored(app, inline), _stored(app, child)
    assert here["status"] == "done" and len(here["themes"]) >= 6
    assert len(here["assignments"]) >= 2 * closed_consultation["answers"]
    assert here["duplicates"]
    assert there == here

    # with an approved theme and an officer's move, a re-run codes answers into it first
    like = closed_consultation["questions"][0]
    with app.app_context():
        officer = db.session.get(User, officer_id)
        run = db.session.get(AnalysisRun, child)
        themes = [t for t in queries.live_themes(run, like) if not t.no_substantive_comment]
        services.approve_theme(themes[0], actor=officer)
        moved = db.session.scalars(
            select(ThemeAssignment).where(
                ThemeAssignment.theme_id == themes[1].id, ThemeAssignment.primary.is_(True)
            )
        ).first()
        services.move_item(themes[1], moved.answer_id, themes[0], actor=officer)
        db.session.commit()
    inline = _start(app, officer_id, consultation_id=consultation_id, coding_threshold=0.3)
    _execute(app, inline, in_child=False)
    here = _stored(app, inline)
    assert here["summary"]["questions"][0]["kept_themes"] == 1
    kept = [t for t in here["themes"] if t[2].startswith("kept:")]
    assert kept and kept[0][5] > 1  # the officer's move and answers the frame coded
    with app.app_context():
        # set aside, so that the next run starts from the same approved theme
        db.session.get(AnalysisRun, inline).status = "failed"
        db.session.commit()
    child = _start(app, officer_id, consultation_id=consultation_id, coding_threshold=0.3)
    _execute(app, child, in_child=True)
    assert _stored(app, child) == here

    # a jury's ideas too
    inline = _start(app, officer_id, jury_id=finished_jury["id"])
    _execute(app, inline, in_child=False)
    child = _start(app, officer_id, jury_id=finished_jury["id"])
    _execute(app, child, in_child=True)
    here = _stored(app, inline)
    assert here["status"] == "done" and here["themes"] and here["assignments"]
    assert _stored(app, child) == here


def _state(client, run_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get(f"/workspace/runs/{run_id}/progress")
    assert response.status_code == 200
    return response.get_json()


@SQLITE_ONLY
def test_a_run_started_from_the_page_computes_in_a_child_and_commits_its_progress(
    app, officer_client, closed_consultation, officer_id
):
    app.config["JOB_QUEUE"] = "thread"  # a real background thread, as in production
    consultation_id = closed_consultation["id"]
    response = officer_client.post(
        f"/workspace/consultations/{consultation_id}/runs", data={"n_themes": "auto"}
    )
    assert response.status_code == 302
    run_id = int(re.search(r"/workspace/runs/(\d+)$", response.headers["Location"]).group(1))
    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        seen.append(_state(officer_client, run_id))
        if seen[-1]["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert seen[-1]["status"] == "done", seen[-1]
    running = [s for s in seen if s["status"] == "running"]
    assert any(0 < s["progress"] < 1 and s["message"].startswith("Question ") for s in running), [
        (s["status"], s["progress"], s["message"]) for s in seen
    ]
    progress = [s["progress"] for s in seen]
    assert progress == sorted(progress)
    # and it stored what an inline run stores
    app.config["JOB_QUEUE"] = "inline"
    inline = _start(app, officer_id, consultation_id=consultation_id)
    _execute(app, inline, in_child=False)
    assert _stored(app, run_id) == _stored(app, inline)


def _fails_and_keeps_the_previous_run(app, officer_client, consultation_id, run_id, previous):  # type: ignore[no-untyped-def]
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        assert run.status == "failed" and run.message == "Failed" and run.finished_at
        assert not db.session.scalars(select(Theme).where(Theme.run_id == run_id)).all()
        assert queries.current_run(consultation_id=consultation_id).id == previous
        error = run.error
    reason = error.split("\n", 1)[0]
    assert _state(officer_client, run_id)["error"] == reason
    page = officer_client.get(f"/workspace/runs/{run_id}").get_data(as_text=True)
    assert "The analysis failed" in page and "still in use" in page
    assert officer_client.get(f"/workspace/consultations/{consultation_id}").status_code == 200
    return error


def test_a_failure_in_the_child_fails_the_run_with_its_reason_and_keeps_the_previous_run(
    app, officer_client, closed_consultation, officer_id
):
    consultation_id = closed_consultation["id"]
    previous = _start(app, officer_id, consultation_id=consultation_id)
    _execute(app, previous, in_child=True)
    before = _stored(app, previous)

    refused = _start(app, officer_id, consultation_id=consultation_id, n_themes="lots")
    _execute(app, refused, in_child=True)
    error = _fails_and_keeps_the_previous_run(
        app, officer_client, consultation_id, refused, previous
    )
    assert error == (
        "The analysis refused its inputs: n_themes must be \"auto\" or a whole number, not 'lots'"
    )

    broken = _start(app, officer_id, consultation_id=consultation_id, random_state=-1)
    _execute(app, broken, in_child=True)
    error = _fails_and_keeps_the_previous_run(
        app, officer_client, consultation_id, broken, previous
    )
    reason, technical = error.split("\n\n", 1)
    assert reason.startswith(
        "The analysis stopped because of an error: InvalidParameterError: "
        "The 'random_state' parameter"
    )
    assert "Traceback" in technical and "analysis/themes.py" in technical
    page = officer_client.get(f"/workspace/runs/{broken}").get_data(as_text=True)
    assert "Technical detail" in page
    assert _stored(app, previous) == before


def test_a_run_over_its_time_limit_is_stopped_and_says_so(
    app, officer_client, closed_consultation, officer_id
):
    consultation_id = closed_consultation["id"]
    previous = _start(app, officer_id, consultation_id=consultation_id)
    _execute(app, previous, in_child=False)
    app.config["ANALYSIS_TIME_LIMIT"] = 0.3  # less than the child needs to load the engine
    slow = _start(app, officer_id, consultation_id=consultation_id)
    _execute(app, slow, in_child=True)  # how soon it stops: bench/waits.py
    error = _fails_and_keeps_the_previous_run(app, officer_client, consultation_id, slow, previous)
    assert error.startswith(
        "The analysis did not finish within its time limit (0.3 seconds) and was stopped."
    )
    assert "ANALYSIS_TIME_LIMIT" in error


# --- a real server ------------------------------------------------------------------------

WORDS = ["new", "old", "more", "fewer", "please", "really", "also", "every", "local", "family"]


def _many_answers(app, make_consultation, count: int) -> int:  # type: ignore[no-untyped-def]
    """A closed consultation with one free-text question and `count` made-up answers."""
    from consult.consultations.redaction import moderate
    from consult.models import Answer, Response, utcnow

    consultation_id = make_consultation(status="closed", slug="big", title="Big consultation")
    generator = random.Random(7)
    sentences = [text for topic in TOPICS.values() for text in topic]
    with app.app_context():
        question = db.session.get(Consultation, consultation_id).questions[0]
        for number in range(count):
            text = " ".join(
                [*generator.sample(sentences, 2), *generator.sample(WORDS, 3), str(number % 97)]
            )
            response = Response(
                consultation_id=consultation_id,
                reference=f"RSP-BIG-{number:05d}",
                status="submitted",
                submitted_at=utcnow(),
            )
            response.answers.append(
                Answer(question_id=question.id, text=text, redacted_text=moderate(text)[0])
            )
            db.session.add(response)
        db.session.commit()
    return consultation_id


class _Browser:
    """A signed-in officer over real HTTP (cookies, CSRF tokens from the pages)."""

    TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str, *, timeout: float = 60) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=timeout) as response:
            return response.geturl(), response.read().decode()

    def post(self, path: str, form_page: str, data: dict[str, str]) -> str:
        _, page = self.get(form_page)
        token = self.TOKEN.search(page).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        with self.opener.open(self.base + path, data=body, timeout=300) as response:
            response.read()
            return response.geturl()


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not start:\n{log.read_text()[-3000:]}")


@SQLITE_ONLY
@pytest.mark.slow
def test_the_server_keeps_answering_while_a_run_computes(
    app, app_config, make_consultation, make_user, tmp_path
):
    """One gevent worker, as in production: while an analysis computes, other requests
    are served (before child processes, none was until the run had finished)."""
    make_user("officer", email="officer@council.example")
    consultation_id = _many_answers(app, make_consultation, 3000)
    with app.app_context():
        db.engine.dispose()  # the server process writes to the file from now on
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app_config["SECRET_KEY"],
        "SOCKETIO_ASYNC_MODE": "gevent",
        "JOB_QUEUE": "thread",
        "RATELIMIT_ENABLED": "false",
        "LIVE_ROUND_CLOCK": "false",
        "PUBLIC_ORIGINS": base,
    }
    log = tmp_path / "server.log"
    with log.open("w") as handle:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", "1"),
                *("--worker-connections", "10000", "--bind", f"127.0.0.1:{port}", "wsgi:app"),
            ],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port, server, log)
            officer = _Browser(base)
            officer.post(
                "/sign-in",
                "/sign-in",
                {"email": "officer@council.example", "password": DEFAULT_PASSWORD},
            )
            page = f"/workspace/consultations/{consultation_id}"
            landed = officer.post(f"{page}/runs", page, {"n_themes": "auto"})
            run_id = int(re.search(r"/workspace/runs/(\d+)$", landed).group(1))
            during: list[float] = []  # /healthz latencies while the run was running
            state: dict[str, Any] = {}
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                state = json.loads(officer.get(f"/workspace/runs/{run_id}/progress")[1])
                if state["status"] in ("done", "failed"):
                    break
                asked = time.monotonic()
                officer.get("/healthz")
                during.append(time.monotonic() - asked)
                time.sleep(0.1)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    assert state.get("status") == "done", (state, log.read_text()[-3000:])
    # the POST came back while the run was still computing, and requests were answered
    # during it (how promptly: bench/workspace_responsiveness.py prints the latencies)
    assert len(during) >= 3, during
    with app.app_context():
        run = db.session.get(AnalysisRun, run_id)
        assert run.summary["answers"] == 3000 and run.summary["themes"] >= 2
