"""`python -m analysis.sortition.job`: a selection in a process of its own, reporting its
stages as JSON lines; and the progress callback of `select_panel`, which only observes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from analysis.sortition import (
    Categories,
    Quota,
    Respondent,
    Respondents,
    categories_to_csv,
    inputs_checksum,
    respondents_to_csv,
    select_panel,
)

ROOT = Path(__file__).resolve().parents[2]

CATEGORIES = Categories(
    (
        Quota("gender", "woman", 3, 5),
        Quota("gender", "man", 3, 5),
        Quota("age", "young", 2, 4),
        Quota("age", "middle", 2, 4),
        Quota("age", "old", 1, 3),
    )
)
AGES = ("young", "middle", "old")
PEOPLE = Respondents(
    tuple(
        Respondent(
            f"p{i}",
            {"gender": ("woman", "man")[i % 2], "age": AGES[(i // 2) % 3]},
            {"household": f"H{i // 2 if i < 10 else i}"},
        )
        for i in range(30)
    ),
    id_column="id",
    extra_columns=("household",),
)


def _job(request: dict) -> tuple[int, list[dict]]:
    completed = subprocess.run(
        [sys.executable, "-m", "analysis.sortition.job"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    return completed.returncode, [json.loads(line) for line in completed.stdout.splitlines()]


def _request(**changes: object) -> dict:
    return {
        "categories": categories_to_csv(CATEGORIES),
        "respondents": respondents_to_csv(PEOPLE, CATEGORIES),
        "panel_size": 8,
        "algorithm": "leximin",
        "seed": "04 12 19 33 41 47",
        "household_column": "household",
        **changes,
    }


def test_the_job_reports_its_stages_then_the_same_result_as_select_panel():
    status, lines = _job(_request())
    assert status == 0
    *progress, last = lines
    stages = [line["stage"] for line in progress]
    assert stages[0] == "Checking the quotas"
    assert any(s.startswith("Computing fair probabilities (level 1:") for s in stages)
    fractions = [line["progress"] for line in progress]
    assert fractions == sorted(fractions) and all(0 <= f <= 1 for f in fractions)
    here = select_panel(
        CATEGORIES, PEOPLE, 8, seed="04 12 19 33 41 47", household_column="household"
    )
    result = last["result"]
    assert result["panel"] == here.panel
    assert result["probabilities"] == here.as_dict()["probabilities"]
    assert result["notes"] and result["notes"][0].startswith("LEXIMIN lottery over")
    assert result["inputs_checksum"] == inputs_checksum(
        CATEGORIES, PEOPLE, 8, household_column="household"
    )


def test_the_job_explains_quotas_no_panel_can_meet():
    status, lines = _job(_request(panel_size=12))  # at most 5 + 5 by gender
    assert status == 3
    error = lines[-1]["error"]
    assert error["kind"] == "infeasible"
    assert any("maximums add up to 10" in conflict for conflict in error["conflicts"])
    assert error["relaxation"] and "raise max of" in error["relaxation"][0]


def test_the_job_refuses_bad_input_with_the_reason():
    status, lines = _job(_request(algorithm="coin toss"))
    assert status == 1 and lines[-1]["error"]["kind"] == "input"
    assert "unknown algorithm" in lines[-1]["error"]["message"]
    completed = subprocess.run(
        [sys.executable, "-m", "analysis.sortition.job"],
        input="not json",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert completed.returncode == 1
    assert "not JSON" in json.loads(completed.stdout.splitlines()[-1])["error"]["message"]


def test_progress_only_observes_and_names_each_stage():
    for algorithm in ("leximin", "legacy"):
        heard: list[tuple[float, str]] = []
        with_progress = select_panel(
            CATEGORIES,
            PEOPLE,
            8,
            algorithm=algorithm,
            seed="s",
            household_column="household",
            progress=lambda fraction, stage, heard=heard: heard.append((fraction, stage)),
        )
        without = select_panel(
            CATEGORIES, PEOPLE, 8, algorithm=algorithm, seed="s", household_column="household"
        )
        assert with_progress.panel == without.panel
        assert with_progress.probabilities == without.probabilities
        assert heard[0] == (0.0, "Checking the quotas")
        assert heard[-1][1] == "Choosing the members and writing the quota report"
        fractions = [fraction for fraction, _ in heard]
        assert fractions == sorted(fractions)
        middle = {stage.split(":")[0].split(" (")[0] for _, stage in heard[1:-1]}
        expected = (
            "Computing fair probabilities" if algorithm == "leximin" else "Estimating probabilities"
        )
        assert expected in middle, middle
