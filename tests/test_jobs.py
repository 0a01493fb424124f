"""The job runner's own rules (`consult.jobs`): settings named for what they do with the
old name still honoured, one wording of a child process's failures per kind of job, and a
worker that runs only Consult's own jobs. Analysis runs and draws going through it are
tested with their features (tests/workspace, tests/juries)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from consult import create_app
from consult.config import settings_from_environment
from consult.jobs import worker
from consult.jobs.child import ChildOutcome, JobFailed
from consult.juries.draw_jobs import LOTTERY
from consult.workspace.jobs import ANALYSIS


def test_the_old_queue_setting_still_works_from_the_environment_with_a_deprecation_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("JOB_QUEUE", raising=False)
    monkeypatch.setenv("ANALYSIS_QUEUE", "rq")
    with caplog.at_level(logging.WARNING, logger="consult.config"):
        settings = settings_from_environment(str(tmp_path))
    assert settings["JOB_QUEUE"] == "rq"
    assert "ANALYSIS_QUEUE is deprecated: call it JOB_QUEUE" in caplog.text

    monkeypatch.setenv("JOB_QUEUE", "thread")  # the new name wins, and is not warned of
    caplog.clear()
    assert settings_from_environment(str(tmp_path))["JOB_QUEUE"] == "thread"
    monkeypatch.delenv("ANALYSIS_QUEUE")
    assert settings_from_environment(str(tmp_path))["JOB_QUEUE_NAME"] == "analysis"


def test_the_old_queue_setting_still_works_in_a_config_mapping(
    app_config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    config = {key: value for key, value in app_config.items() if key != "JOB_QUEUE"}
    with caplog.at_level(logging.WARNING, logger="consult.config"):
        app = create_app({**config, "ANALYSIS_QUEUE": "thread", "JOB_QUEUE_NAME": "jobs"})
    assert (app.config["JOB_QUEUE"], app.config["JOB_QUEUE_NAME"]) == ("thread", "jobs")
    assert "ANALYSIS_QUEUE is deprecated" in caplog.text


def test_a_child_that_gives_no_result_fails_in_words_for_its_kind_of_job() -> None:
    timed_out = ANALYSIS.failure(ChildOutcome(timed_out=True), time_limit=90)
    assert timed_out.kind == "time_limit"
    assert timed_out.message.startswith(
        "The analysis did not finish within its time limit (90 seconds) and was stopped."
    )
    assert "ANALYSIS_TIME_LIMIT" in timed_out.message
    assert (
        "DRAW_TIME_LIMIT" in LOTTERY.failure(ChildOutcome(timed_out=True), time_limit=600).message
    )

    refused = {"error": {"kind": "input", "message": "no answers"}}
    assert LOTTERY.failure(ChildOutcome(refused), time_limit=1).as_details() == {"kind": "input"}
    assert ANALYSIS.failure(ChildOutcome(refused), time_limit=1).as_text() == (
        "The analysis refused its inputs: no answers"
    )

    crashed = {"error": {"kind": "internal", "message": "boom", "traceback": "Traceback…"}}
    failure = ANALYSIS.failure(ChildOutcome(crashed), time_limit=1)
    assert failure.as_text() == "The analysis stopped because of an error: boom\n\nTraceback…"

    infeasible = {"error": {"kind": "infeasible", "message": "", "conflicts": ["a"]}}
    assert LOTTERY.failure(ChildOutcome(infeasible), time_limit=1).as_details() == {
        "kind": "infeasible",
        "conflicts": ["a"],
        "relaxation": [],
    }

    died = LOTTERY.failure(ChildOutcome(returncode=-9, stderr="Killed"), time_limit=1)
    assert (died.message, died.kind, died.technical) == (
        "The lottery process ended without a result (exit status -9).",
        "internal",
        "Killed",
    )


def test_the_worker_runs_only_consult_jobs() -> None:
    with pytest.raises(ValueError, match=r"not a Consult job: os\.system"):
        worker.perform("os.system", 1)
    with pytest.raises(ValueError, match="not a Consult job"):
        worker.perform("consult.jobs.DEFAULT_QUEUE_NAME", 1)


def test_a_failure_keeps_its_detail_apart_from_its_message() -> None:
    failure = JobFailed("It broke.", kind="internal", technical="stack")
    assert failure.as_details() == {"kind": "internal", "technical": "stack"}
    assert JobFailed("It broke.", kind="input").as_text() == "It broke."
