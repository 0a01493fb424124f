"""The Pabulib `.pb` reader and writer: real files' variations, clear errors, round trips."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.pb import (
    Ballot,
    Election,
    PBInputError,
    Project,
    parse_pabulib,
    read_pabulib,
    write_pabulib,
)
from tests.analysis.pb_examples import WIELICZKA


def test_reads_the_published_example_with_its_spaces_and_colon():
    election = parse_pabulib(WIELICZKA)
    assert election.budget == 2500
    assert election.meta["rule"] == "greedy"
    assert election.vote_type == "approval"
    assert [p.id for p in election.projects] == ["1", "2", "4", "5", "7"]
    assert election.project("4").cost == 1400
    assert election.project("1").fields["category"] == "culture, education"
    assert election.ballots[0].projects == ("1", "2", "4")
    assert election.ballots[0].attributes == {"age": "34", "sex": "f"}
    assert election.scores()["4"] == 6


def test_tolerates_bom_crlf_blank_lines_lowercase_titles_and_decimal_costs(tmp_path):
    text = (
        "\ufeffmeta\r\nkey;value\r\nbudget;1000.00\r\n\r\nprojects\r\nproject_id;cost;name\r\n"
        'a;250.0;"Park; phase II"\r\nb;300;"The ""big"" bench"\r\nvotes\r\nvoter_id;vote\r\n'
        "v1;a,b\r\nv2;\r\n"
    )
    path = tmp_path / "file.pb"
    path.write_bytes(text.encode("utf-8"))
    election = read_pabulib(path)
    assert election.vote_type == "approval"  # vote_type missing: approval
    assert election.budget == 1000
    assert election.project("a").cost == 250
    assert election.project("a").name == "Park; phase II"
    assert election.project("b").name == 'The "big" bench'
    assert election.ballots[1].projects == ()  # a voter who chose nothing still voted


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ("voter_id;vote\n1;a,zz\n", "line 9: voter '1' votes for unknown project 'zz'"),
        ("voter_id;vote\n1;a,a\n", "line 9: voter '1' names a project twice"),
        ("voter_id;vote\n1;a\n1;a\n", "line 10: voter '1' appears twice"),
        ("voter_id;vote;x\n1;a;1;2\n", "line 9: 4 fields but the VOTES header has 3"),
    ],
)
def test_broken_votes_are_refused_with_the_line(votes, message):
    text = f"META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\na;5\nVOTES\n{votes}"
    with pytest.raises(PBInputError) as caught:
        parse_pabulib(text)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("META\nkey;value\nbudget;ten\nPROJECTS\nproject_id;cost\nVOTES\nvote\n", "budget"),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\na;5 EUR\nVOTES\nvote\n",
            "line 6: cost of project a '5 EUR' is not a number",
        ),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\na;5\na;6\nVOTES\nvote\n",
            "line 7: project 'a' appears twice",
        ),
        ("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\na;5\n", "no VOTES section"),
        (
            "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\na;5\n"
            "b;5\nVOTES\nvoter_id;vote;points\n1;a,b;3\n",
            "line 11: voter '1' names 2 projects but gives 1 points",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;knapsack\nPROJECTS\nproject_id;cost\n"
            "VOTES\nvote\n",
            "vote_type 'knapsack' is not one of",
        ),
    ],
)
def test_broken_files_are_refused_with_a_clear_reason(text, message):
    with pytest.raises(PBInputError) as caught:
        parse_pabulib(text)
    assert message in str(caught.value)


def test_writer_output_reads_back_to_the_same_election():
    election = parse_pabulib(WIELICZKA)
    again = parse_pabulib(write_pabulib(election))
    assert again.projects == election.projects
    assert again.ballots == election.ballots
    assert again.budget == election.budget
    assert again.meta["num_votes"] == "10"


_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=6)
_names = st.text(alphabet=st.sampled_from(list("abc XYZ;\"'é,.")), max_size=12).map(str.strip)


@st.composite
def elections(draw):
    ids = draw(st.lists(_ids, min_size=1, max_size=6, unique=True))
    vote_type = draw(st.sampled_from(["approval", "cumulative", "ordinal", "choose-1"]))
    projects = tuple(
        Project(
            pid,
            Fraction(draw(st.integers(0, 10**9))),
            name := draw(_names),
            {"name": name} if name else {},
        )
        for pid in ids
    )
    ballots = []
    for number in range(draw(st.integers(0, 8))):
        size = (0, 1) if vote_type == "choose-1" else (0, len(ids))
        chosen = tuple(draw(st.permutations(ids))[: draw(st.integers(*size))])
        points = ()
        if vote_type == "cumulative":
            points = tuple(Fraction(draw(st.integers(0, 20))) for _ in chosen)
        sex = draw(st.sampled_from(["", "f", "m"]))
        ballots.append(Ballot(f"v{number}", chosen, points, {"sex": sex} if sex else {}))
    budget = Fraction(draw(st.integers(0, 10**10)), draw(st.sampled_from([1, 2, 4, 100])))
    return Election(
        meta={"description": draw(_names), "budget": str(float(budget))},
        projects=projects,
        ballots=tuple(ballots),
        vote_type=vote_type,
        budget=budget,
    )


@settings(max_examples=150, deadline=None)
@given(elections())
def test_any_election_survives_a_round_trip_through_the_file_format(election):
    again = parse_pabulib(write_pabulib(election))
    assert again.vote_type == election.vote_type
    assert again.budget == election.budget
    assert again.projects == election.projects
    assert again.ballots == election.ballots
    assert parse_pabulib(write_pabulib(again)) == again
