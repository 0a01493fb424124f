"""`python -m analysis pb FILE.pb`: the META's rule, --rule, JSON and words, exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main
from tests.analysis.pb_examples import WIELICZKA

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def wieliczka(tmp_path):
    path = tmp_path / "wieliczka.pb"
    path.write_text(WIELICZKA, encoding="utf-8")
    return path


def test_uses_the_meta_rule_and_prints_json(wieliczka, capsys):
    assert main(["pb", str(wieliczka)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rule"] == "greedy"
    assert data["selected"] == ["4", "5"]
    assert data["spent"] == 2400 and data["left"] == 100
    assert "equal_shares" not in data
    assert data["fairness"]["rule"]["overall"] == 0.8
    assert data["fairness"]["rule"]["by"]["sex"]["m"] == {"voters": 5, "share": 0.6}
    assert {p["id"]: p["reason"] for p in data["projects"]}["1"] == "did-not-fit"


def test_rule_option_gives_equal_shares_with_the_share_and_explanations(wieliczka, capsys):
    assert main(["pb", str(wieliczka), "--rule", "equalshares/add1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["selected"] == ["4", "1"]
    assert data["equal_shares"] == {
        "start_share": 250,
        "share": 339,
        "share_exact": "339",
        "raises": 89,
        "spend_refused_at_next_raise": 3000,
    }
    projects = {p["id"]: p for p in data["projects"]}
    assert projects["4"]["round"] == 1 and projects["1"]["round"] == 2
    assert projects["1"]["stage"] == "equal-shares"
    assert projects["7"]["passed_over_round"] == 0
    assert "in round 2" in projects["1"]["explanation"]
    assert data["fairness"]["greedy_selected"] == ["4", "5"]


def test_text_format_reads_as_a_results_page(wieliczka, capsys):
    assert main(["pb", str(wieliczka), "--rule", "equalshares/add1", "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert "Each voter's share: 339 (budget / voters = 250, raised 89 times)." in text
    assert "4: Funded: its 6 supporters' shares covered its cost of 1,400 in round 1" in text


def test_a_broken_file_exits_2_naming_the_line(tmp_path, capsys):
    path = tmp_path / "broken.pb"
    path.write_text(WIELICZKA.replace("10; 44; m; 4,5", "10; 44; m; 4,9"), encoding="utf-8")
    assert main(["pb", str(path)]) == 2
    assert "line 32: voter '10' votes for unknown project '9'" in capsys.readouterr().err


def test_an_unknown_rule_exits_2(wieliczka, capsys):
    assert main(["pb", str(wieliczka), "--rule", "knapsack"]) == 2
    assert "unknown rule 'knapsack'" in capsys.readouterr().err


def test_runs_as_a_module(wieliczka):
    completed = subprocess.run(
        [sys.executable, "-m", "analysis", "pb", str(wieliczka), "--rule", "equalshares"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert json.loads(completed.stdout)["selected"] == ["4"]


def test_the_files_tie_break_seed_is_used_unless_seed_is_given(tmp_path, capsys):
    """Two equal projects (same cost, same supporters) and room for one: the lottery with
    the seed decides, so a file carrying its round's published seed recounts the same."""
    from fractions import Fraction

    from analysis.pb import Ballot, Election, Project, choose_winners, write_pabulib

    def winner(seed: str) -> str:
        election = Election(
            meta={"budget": "100", "rule": "greedy", "tie_break_seed": seed},
            projects=(Project("a", Fraction(100)), Project("b", Fraction(100))),
            ballots=(Ballot("1", ("a",)), Ballot("2", ("b",))),
            budget=Fraction(100),
        )
        path = tmp_path / f"{seed}.pb"
        write_pabulib(election, path)
        assert main(["pb", str(path)]) == 0
        chosen = json.loads(capsys.readouterr().out)["selected"]
        assert chosen == list(choose_winners(election, seed=seed).selected)
        assert main(["pb", str(path), "--seed", "0"]) == 0
        assert json.loads(capsys.readouterr().out)["selected"] == list(
            choose_winners(election, seed="0").selected
        )
        return chosen[0]

    assert {winner(f"seed-{n}") for n in range(8)} == {"a", "b"}
