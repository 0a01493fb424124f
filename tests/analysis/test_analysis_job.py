"""`python -m analysis.job`: an analysis run in a process of its own, reporting progress
as JSON lines and sending back exactly what `analysis.job.analyse` gives in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.childjob import EXIT_ORPHANED
from analysis.job import EXIT_INPUT, EXIT_INTERNAL, RequestError, analyse

ROOT = Path(__file__).resolve().parents[2]

TOPICS = {
    "parking": [
        "The car park is far too small and parking fills up every weekend",
        "More parking spaces near the park gate would help families with cars",
        "Parking on the street is dangerous, a bigger car park is needed",
        "Charge for parking so that people walk or cycle instead",
    ],
    "playground": [
        "The new playground is wonderful for young children",
        "Please build the playground soon, the old swings are broken",
        "The playground needs a fence so dogs stay out",
        "Put benches near the playground for parents and grandparents",
    ],
    "toilets": [
        "Open the pavilion toilets all day, every day",
        "Public toilets in the pavilion are badly needed",
        "The toilets should be clean and open in winter too",
        "Toilets close too early, keep the pavilion open until dusk",
    ],
}
TEXTS = [text for topic in TOPICS.values() for text in topic] * 2 + ["n/a", "no comment"]


def _request(**parameters: object) -> dict:
    items = [[100 + number, text] for number, text in enumerate(TEXTS)]
    frame_texts = TOPICS["parking"] + TOPICS["toilets"]
    return {
        "parameters": {"n_themes": "auto", "random_state": 0, **parameters},
        "tasks": [
            {"label": "Question 1 of 2", "items": items, "frame": None},
            {
                "label": "Question 2 of 2",
                "items": items,
                "frame": {"texts": frame_texts, "labels": [7] * 4 + [9] * 4},
            },
        ],
    }


def _job(request: object, *, raw: str | None = None) -> tuple[int, list[dict]]:
    completed = subprocess.run(
        [sys.executable, "-m", "analysis.job"],
        input=raw if raw is not None else json.dumps(request),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
    )
    return completed.returncode, [json.loads(line) for line in completed.stdout.splitlines()]


def test_the_job_reports_progress_then_exactly_what_analyse_gives_here():
    status, lines = _job(_request())
    assert status == 0
    *progress, last = lines
    fractions = [line["progress"] for line in progress]
    assert fractions == sorted(fractions) and all(0 <= f <= 1 for f in fractions)
    stages = [line["stage"] for line in progress]
    assert any(s.startswith("Question 1 of 2: ") for s in stages)
    assert "Question 2 of 2: Coding answers into the approved themes" in stages
    here = analyse(_request())
    assert last["result"] == json.loads(json.dumps(here))
    first, second = here["tasks"]
    assert first["coded"] == [] and len(first["themes"]["themes"]) >= 2
    assert sorted(first["themes"]["no_comment"]["response_ids"]) == ["124", "125"]
    # the frame placed answers into the approved themes (7 parking, 9 toilets)
    assert {theme for _, theme, _ in second["coded"]} <= {7, 9}
    assert any(item_id == 100 and theme == 7 for item_id, theme, _ in second["coded"])


def test_the_job_refuses_a_request_it_cannot_use_with_the_reason():
    status, lines = _job(_request(n_themes="lots"))
    assert status == EXIT_INPUT
    error = lines[-1]["error"]
    assert error["kind"] == "input"
    assert error["message"] == "n_themes must be \"auto\" or a whole number, not 'lots'"
    status, lines = _job(None, raw="not json")
    assert status == EXIT_INPUT and "not JSON" in lines[-1]["error"]["message"]
    status, lines = _job({"tasks": [{"items": [[1, 2]]}]})
    assert status == EXIT_INPUT and "[id, text]" in lines[-1]["error"]["message"]
    with pytest.raises(RequestError, match="coding_threshold"):
        analyse(_request(coding_threshold=2))


def test_an_error_in_the_engine_is_reported_with_its_traceback():
    status, lines = _job(_request(random_state=-1))
    assert status == EXIT_INTERNAL
    error = lines[-1]["error"]
    assert error["kind"] == "internal"
    assert error["message"].startswith("InvalidParameterError: The 'random_state' parameter")
    assert "Traceback" in error["traceback"]


def test_the_job_stops_when_its_reader_has_gone():
    """A caller that died (its end of the pipe closed) is not computed for."""
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis.job"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    process.stdout.close()  # the reader goes away before the first line
    process.stdin.write(json.dumps(_request()))
    process.stdin.close()
    assert process.wait(timeout=120) == EXIT_ORPHANED
