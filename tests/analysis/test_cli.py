"""`python -m analysis`: output formats and exit codes."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main

ROOT = Path(__file__).resolve().parents[2]

ANSWERS = [
    "The buses are always late and the bus frequency is terrible.",
    "We need better bus frequency, buses come every hour.",
    "Bus fares are too expensive. Cheaper bus fares please.",
    "More buses in the evening, the last bus leaves too early.",
    "The park needs more benches and the playground is broken.",
    "Keep the parks clean, there is litter in the park.",
    "The playground in the park should be repaired.",
    "More trees and flowers in the park would be lovely.",
    "The bin collection is missed every other week.",
    "Recycling bins are collected too rarely and overflow.",
    "Bin collection should be weekly, not fortnightly.",
    "Please bring back weekly bin collection.",
    "n/a",
]


@pytest.fixture
def answers_csv(tmp_path):
    path = tmp_path / "answers.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ref", "comment"])
        for number, text in enumerate(ANSWERS):
            writer.writerow([f"R{number}", text])
    return path


def test_themes_json_has_themes_assignments_and_duplicates(answers_csv, capsys):
    status = main(
        ["themes", str(answers_csv), "--text-column", "comment", "--id-column", "ref", "--quiet"]
    )
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"themes", "assignments", "duplicates"}
    theme = data["themes"][0]
    assert set(theme) >= {"id", "label", "keyphrases", "size", "share", "sentiment", "summary"}
    assert theme["label"] == theme["title"] and theme["description"]
    assert set(theme["summary"][0]) == {"sentence", "response_ids"}
    assert len(data["assignments"]) == len(ANSWERS)
    assert data["assignments"][-1] == {
        "id": "R12",
        "theme": 0,
        "subtheme": 0,
        "confidence": 1.0,
        "other_themes": [],
        "sentiment": 0.0,
        "language": "unknown",  # "n/a": too short to tell
    }
    assert set(data["assignments"][0]) >= {"id", "theme", "confidence", "other_themes"}


def test_themes_csv_without_id_column_uses_row_numbers(answers_csv, tmp_path):
    out = tmp_path / "out.csv"
    status = main(
        ["themes", str(answers_csv), "--text-column", "comment", "--themes", "3",
         "--format", "csv", "--out", str(out), "--quiet"]
    )  # fmt: skip
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row["id"] for row in rows] == [str(i) for i in range(len(ANSWERS))]
    assert set(rows[0]) == {
        "id", "theme", "theme_label", "subtheme", "subtheme_label", "confidence"
    }  # fmt: skip
    assert len({row["theme"] for row in rows if row["theme"] != "0"}) == 3


def test_missing_column_exits_2_naming_the_columns(answers_csv, capsys):
    assert main(["themes", str(answers_csv), "--text-column", "answer", "--quiet"]) == 2
    error = capsys.readouterr().err
    assert "'answer'" in error and "'ref', 'comment'" in error


def test_empty_input_exits_2(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["themes", str(empty), "--text-column", "comment", "--quiet"]) == 2
    assert "empty" in capsys.readouterr().err
    header_only = tmp_path / "header.csv"
    header_only.write_text("comment\n")
    assert main(["themes", str(header_only), "--text-column", "comment", "--quiet"]) == 2
    assert "no answers" in capsys.readouterr().err


def test_cp1252_file_is_analysed(tmp_path, capsys):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        ("comment\n" + "\n".join(ANSWERS) + "\nThe caf\u00e9 is \u00a35\n").encode("cp1252")
    )
    assert main(["themes", str(path), "--text-column", "comment", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["assignments"]) == len(ANSWERS) + 1


def test_duplicates_command_lists_groups(tmp_path, capsys):
    path = tmp_path / "dups.csv"
    path.write_text("comment\n" + "Save the library\n" * 6 + "Fix the roads\n", encoding="utf-8")
    assert main(["duplicates", str(path), "--text-column", "comment"]) == 0
    groups = json.loads(capsys.readouterr().out)
    assert any(len(group["ids"]) == 6 for group in groups)


def test_opinion_groups_command_reads_votes(tmp_path, capsys):
    path = tmp_path / "votes.csv"
    lines = ["timestamp,datetime,comment-id,voter-id,vote"]
    for voter in range(20):
        for comment in range(6):
            vote = 1 if (voter < 10) == (comment < 3) else -1
            lines.append(f"{voter * 10 + comment},x,{comment},{voter},{vote}")
    path.write_text("\n".join(lines) + "\n")
    assert main(["opinion-groups", str(path), "--seed", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"groups", "assignments"}


def test_module_runs_as_a_program_and_shows_progress_on_stderr(answers_csv):
    command = [
        sys.executable,
        "-m",
        "analysis",
        "themes",
        str(answers_csv),
        "--text-column",
        "comment",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert completed.returncode == 0
    assert json.loads(completed.stdout)["themes"]
    assert "%" in completed.stderr
    quiet = subprocess.run([*command, "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert quiet.stderr == ""
    bad = subprocess.run(
        [sys.executable, "-m", "analysis", "themes", str(answers_csv), "--text-column", "x"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert bad.returncode == 2 and "error:" in bad.stderr


def _two_camps_votes(tmp_path, voters=20, comments=6):
    path = tmp_path / "votes.csv"
    lines = ["timestamp,datetime,comment-id,voter-id,vote"]
    for voter in range(voters):
        # Voter 19 votes on two statements only.
        for comment in range(2 if voter == voters - 1 else comments):
            vote = 1 if (voter < 10) == (comment < 3) else -1
            lines.append(f"{voter * 10 + comment},x,{comment},{voter},{vote}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_opinion_groups_min_votes_sets_who_is_grouped(tmp_path, capsys):
    path = _two_camps_votes(tmp_path)
    assert main(["opinion-groups", str(path)]) == 0
    assert "19" not in json.loads(capsys.readouterr().out)["assignments"]
    assert main(["opinion-groups", str(path), "--min-votes", "2"]) == 0
    assert "19" in json.loads(capsys.readouterr().out)["assignments"]
    with pytest.raises(SystemExit):
        main(["opinion-groups", str(path), "--min-votes", "0"])


def test_opinion_groups_meta_column_in_comments_is_moderated_out(tmp_path, capsys):
    path = _two_camps_votes(tmp_path)
    (tmp_path / "comments.csv").write_text(
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,comment-body\n"
        + "".join(f"{c},{c},1,0,0,1,{int(c == 0)},Statement {c}\n" for c in range(6)),
        encoding="utf-8",
    )
    assert main(["opinion-groups", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    listed = {s["statement"] for g in data["groups"] for s in g["representative"]}
    listed |= {s["statement"] for s in data["consensus"] + data["divisive"]}
    assert "0" not in listed and listed
