"""`flask jury select`: JSON on standard output, clear messages and non-zero exits for bad
files and infeasible quotas, the same panel from the same seed."""

from __future__ import annotations

import json
from pathlib import Path

CATEGORIES = """category,name,min,max
gender,woman,3,5
gender,man,3,5
age,young,2,4
age,old,2,4
"""


def _respondents(count: int = 24) -> str:
    rows = ["id,gender,age,household,email"]
    for index in range(count):
        rows.append(
            f"P{index:03d},{('woman', 'man')[index % 2]},{('young', 'old')[(index // 2) % 2]},"
            f"H{index // 2 if index < 8 else index},p{index}@example.org"
        )
    return "\n".join(rows) + "\n"


def _files(tmp_path: Path, categories: str = CATEGORIES, respondents: str | None = None):  # type: ignore[no-untyped-def]
    cats = tmp_path / "categories.csv"
    cats.write_text(categories)
    people = tmp_path / "respondents.csv"
    people.write_text(respondents if respondents is not None else _respondents())
    return cats, people


def _select(runner, cats: Path, people: Path, *extra: str):  # type: ignore[no-untyped-def]
    return runner.invoke(
        args=[
            "jury",
            "select",
            "--categories",
            str(cats),
            "--respondents",
            str(people),
            "--panel-size",
            "8",
            *extra,
        ]
    )


def test_select_prints_the_selection_as_json(runner, tmp_path):
    cats, people = _files(tmp_path)
    result = _select(
        runner,
        cats,
        people,
        "--algorithm",
        "leximin",
        "--seed",
        "42",
        "--household-column",
        "household",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert set(output) == {
        "algorithm",
        "seed",
        "panel",
        "probabilities",
        "min_probability",
        "gini",
        "quota_report",
        "seconds",
    }
    assert output["algorithm"] == "leximin" and len(output["panel"]) == 8
    assert set(output["probabilities"]) == {f"P{i:03d}" for i in range(24)}
    assert output["quota_report"][0].keys() == {"category", "value", "min", "max", "selected"}
    households = [int(pid[1:]) // 2 if int(pid[1:]) < 8 else pid for pid in output["panel"]]
    assert len(households) == len(set(households))
    # the extra email column is reported, not silently used
    assert "email" in result.stderr


def test_the_same_seed_gives_the_same_panel_with_either_algorithm(runner, tmp_path):
    cats, people = _files(tmp_path)
    for algorithm in ("leximin", "legacy"):
        first = _select(runner, cats, people, "--algorithm", algorithm, "--seed", "lottery 1 2 3")
        second = _select(runner, cats, people, "--algorithm", algorithm, "--seed", "lottery 1 2 3")
        assert first.exit_code == second.exit_code == 0
        assert json.loads(first.stdout)["panel"] == json.loads(second.stdout)["panel"]


def test_without_a_seed_one_is_chosen_and_printed(runner, tmp_path):
    cats, people = _files(tmp_path)
    result = _select(runner, cats, people)
    assert result.exit_code == 0
    seed = json.loads(result.stdout)["seed"]
    again = _select(runner, cats, people, "--seed", str(seed))
    assert json.loads(again.stdout)["panel"] == json.loads(result.stdout)["panel"]


def test_a_bad_file_exits_non_zero_naming_the_line(runner, tmp_path):
    cats, people = _files(tmp_path, respondents=_respondents().replace("P005,man", "P005,robot"))
    result = _select(runner, cats, people, "--seed", "1")
    assert result.exit_code == 1
    assert "line 7" in result.stderr and "robot" in result.stderr
    assert result.stdout == ""


def test_a_categories_file_without_min_exits_non_zero(runner, tmp_path):
    cats, people = _files(tmp_path, categories="category,name,maximum\ngender,woman,4\n")
    result = _select(runner, cats, people, "--seed", "1")
    assert result.exit_code == 1
    assert "missing column(s): min" in result.stderr


def test_infeasible_quotas_exit_non_zero_with_the_relaxation(runner, tmp_path):
    cats, people = _files(tmp_path, categories=CATEGORIES.replace("woman,3,5", "woman,6,8"))
    result = _select(runner, cats, people, "--seed", "1")
    assert result.exit_code == 3
    assert "The quotas cannot be met" in result.stderr
    assert "minimums add up to 9, more than the panel size 8" in result.stderr
    assert "Smallest change that makes them possible:\n- lower min of gender = man from 3 to 2" in (
        result.stderr
    )


def test_an_unknown_household_column_is_refused(runner, tmp_path):
    cats, people = _files(tmp_path)
    result = _select(runner, cats, people, "--seed", "1", "--household-column", "address")
    assert result.exit_code == 1
    assert "no 'address' column" in result.stderr
