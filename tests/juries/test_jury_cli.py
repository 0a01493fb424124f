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
        "complete",
        "id_column",
        "notes",
    }
    assert output["complete"] is True and output["id_column"] == "id"
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
    assert "missing the columns “min” and “max”" in result.stderr


def test_infeasible_quotas_exit_non_zero_with_the_relaxation(runner, tmp_path):
    cats, people = _files(tmp_path, categories=CATEGORIES.replace("woman,3,5", "woman,6,8"))
    result = _select(runner, cats, people, "--seed", "1")
    assert result.exit_code == 3
    assert "The quotas cannot be met" in result.stderr
    assert "minimums add up to 9, more than the panel size 8" in result.stderr
    assert "Smallest changes that make them possible, any one of these:" in result.stderr
    assert "- option 1: lower min of gender = woman from 6 to 5" in result.stderr
    assert "- option 2: lower min of gender = man from 3 to 2" in result.stderr


# 1 person (a1, b2), 3 (a2, b1), 2 (a2, b2); a panel of 3 cannot hold 3 of b1 and 1 of b2:
# the smallest fix ignoring flexibility lowers b1's minimum, which min_flex forbids here
FLEX_PEOPLE = "id,A,B\nQ1,a1,b2\nQ2,a2,b1\nQ3,a2,b1\nQ4,a2,b1\nQ5,a2,b2\nQ6,a2,b2\n"


def test_infeasible_quotas_are_relaxed_within_the_files_flexibility(runner, tmp_path):
    rows = "A,a1,0,3,0,3\nA,a2,0,2,0,{a2}\nB,b1,3,3,3,3\nB,b2,1,3,{b2},3\n"
    header = "category,name,min,max,min_flex,max_flex\n"
    args = ("--seed", "1", "--panel-size", "3")
    cats, people = _files(tmp_path, header + rows.format(a2=3, b2=0), FLEX_PEOPLE)
    within = runner.invoke(
        args=["jury", "select", "--categories", str(cats), "--respondents", str(people), *args]
    )
    assert within.exit_code == 3
    assert "lower min of B = b1" not in within.stderr
    assert "lower min of B = b2 from 1 to 0" in within.stderr
    assert "raise max of A = a2 from 2 to 3" in within.stderr
    cats, people = _files(tmp_path, header + rows.format(a2=2, b2=1), FLEX_PEOPLE)
    beyond = runner.invoke(
        args=["jury", "select", "--categories", str(cats), "--respondents", str(people), *args]
    )
    assert beyond.exit_code == 3
    assert "this cannot be fixed within the flexibility you allowed" in beyond.stderr
    assert "beyond the flexibility you allowed" in beyond.stderr
    assert "lower min of B = b1 from 3 to 2" in beyond.stderr


def test_an_unknown_household_column_is_refused(runner, tmp_path):
    cats, people = _files(tmp_path)
    result = _select(runner, cats, people, "--seed", "1", "--household-column", "address")
    assert result.exit_code == 1
    assert "no 'address' column" in result.stderr


def _rewritten(header: str, with_ids: bool = True) -> str:
    """The standard respondents file with its id column renamed (or dropped)."""
    lines = _respondents().splitlines()
    if with_ids:
        return "\n".join([header + lines[0][2:], *lines[1:]]) + "\n"
    return "\n".join(line.split(",", 1)[1] for line in lines) + "\n"


def test_reads_geneva_and_opendlp_id_columns(runner, tmp_path):
    for header in ("pool_member_identifier", "unique_id"):
        cats, people = _files(tmp_path, respondents=_rewritten(header))
        result = _select(runner, cats, people, "--seed", "1")
        assert result.exit_code == 0, result.stderr
        output = json.loads(result.stdout)
        assert output["id_column"] == header
        assert set(output["probabilities"]) == {f"P{i:03d}" for i in range(24)}


def test_an_id_column_can_be_named(runner, tmp_path):
    text = _rewritten("ref").replace("ref,", "code,ref,", 1)
    text = (
        "\n".join(
            [text.splitlines()[0]] + [f"c{i}," + row for i, row in enumerate(text.splitlines()[1:])]
        )
        + "\n"
    )
    cats, people = _files(tmp_path, respondents=text)
    result = _select(runner, cats, people, "--seed", "1", "--id-column", "code")
    assert result.exit_code == 0, result.stderr
    assert set(json.loads(result.stdout)["probabilities"]) == {f"c{i}" for i in range(24)}
    missing = _select(runner, cats, people, "--seed", "1", "--id-column", "nope")
    assert missing.exit_code == 1 and "no 'nope' column" in missing.stderr


def test_a_file_without_ids_uses_row_numbers_and_says_so(runner, tmp_path):
    cats, people = _files(tmp_path, respondents=_rewritten("", with_ids=False))
    result = _select(runner, cats, people, "--seed", "1", "--format", "json")
    assert result.exit_code == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["id_column"] == "(row number)"
    assert set(output["probabilities"]) == {str(i) for i in range(1, 25)}
    assert "numbered by their row" in result.stderr


def test_households_over_several_columns(runner, tmp_path):
    rows = ["id,gender,age,street,town"]
    for index in range(24):
        # P000..P007 share a street in pairs, but P000/P001 live in different towns
        street = f"S{index // 2}" if index < 8 else f"S{index}"
        town = "North" if index != 1 else "South"
        rows.append(
            f"P{index:03d},{('woman', 'man')[index % 2]},"
            f"{('young', 'old')[(index // 2) % 2]},{street},{town}"
        )
    loose = "category,name,min,max\n" + "".join(
        f"{c},{v},0,24\n"
        for c, v in (("gender", "woman"), ("gender", "man"), ("age", "young"), ("age", "old"))
    )
    cats, people = _files(tmp_path, categories=loose, respondents="\n".join(rows) + "\n")
    result = runner.invoke(
        args=[
            "jury",
            "select",
            "--categories",
            str(cats),
            "--respondents",
            str(people),
            "--panel-size",
            "20",
            "--seed",
            "3",
            "--household-column",
            "street,town",
        ]
    )
    assert result.exit_code == 0, result.stderr
    probabilities = json.loads(result.stdout)["probabilities"]
    # P002 and P003 share a household (one seat between them); P000 and P001 do not
    assert abs(probabilities["P002"] - 0.5) < 1e-6 and abs(probabilities["P003"] - 0.5) < 1e-6
    assert probabilities["P000"] > 0.8 and probabilities["P001"] > 0.8
    panel = json.loads(result.stdout)["panel"]
    assert not {"P002", "P003"} <= set(panel)
    assert "Computing fair probabilities (level 1" in result.stderr


def test_verify_accepts_a_published_draw_and_names_what_a_changed_file_breaks(runner, tmp_path):
    from analysis.sortition import parse_categories, parse_respondents
    from analysis.sortition.published import (
        compute_lottery,
        draw_panel,
        freeze_inputs,
        inputs_to_json,
        lottery_to_csv,
        panel_to_csv,
        sha256_hex,
    )

    categories = parse_categories(CATEGORIES)
    people = parse_respondents(_respondents(), categories)
    inputs = freeze_inputs(categories, people, 8, household_column="household")
    lottery, _ = compute_lottery(inputs)
    files = {
        "inputs.json": inputs_to_json(inputs),
        "lottery.csv": lottery_to_csv(lottery),
        "panel.csv": panel_to_csv(draw_panel(lottery, "17 4 29 8")[1]),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, newline="")
    arguments = [
        "jury",
        "verify",
        "--inputs",
        str(tmp_path / "inputs.json"),
        "--inputs-checksum",
        sha256_hex(files["inputs.json"]),
        "--lottery",
        str(tmp_path / "lottery.csv"),
        "--lottery-checksum",
        sha256_hex(files["lottery.csv"]),
        "--random-value",
        "17 4 29 8",
        "--panel",
        str(tmp_path / "panel.csv"),
    ]
    good = runner.invoke(args=arguments)
    assert good.exit_code == 0, good.output
    assert "The draw is verified." in good.stdout
    assert "OK     chances of selection are the LEXIMIN ones" in good.stdout
    (tmp_path / "inputs.json").write_text(files["inputs.json"].replace("woman", "Woman", 1))
    bad = runner.invoke(args=[*arguments, "--format", "json"])
    assert bad.exit_code == 1
    output = json.loads(bad.stdout)
    assert output["ok"] is False
    assert next(c["name"] for c in output["checks"] if not c["ok"]) == "inputs checksum"
