"""Opinion groups from agree/disagree votes (analysis/opinion.py), on planted data."""

import random

import pytest
from sklearn.metrics import adjusted_rand_score

from analysis.opinion import OpinionGroups, StatementScore, opinion_groups

N_PER_GROUP = 30
DIVIDING = [f"s{j}" for j in range(12)]  # group A agrees, group B disagrees (and v.v.)
CONSENSUS = [f"s{j}" for j in range(12, 16)]  # everyone agrees
STATEMENTS = DIVIDING + CONSENSUS


def planted_votes(seed=0, density=0.8, noise=0.05):
    """Two planted groups: 'a0'.. and 'b0'..; returns votes and the true group of each."""
    rng = random.Random(seed)
    votes, truth = [], {}
    for group in ("a", "b"):
        for index in range(N_PER_GROUP):
            participant = f"{group}{index}"
            truth[participant] = group
            for j, statement in enumerate(STATEMENTS):
                if rng.random() > density:
                    continue
                agrees = statement in CONSENSUS or (j < 6) == (group == "a")
                vote = 1 if agrees else -1
                if rng.random() < noise:
                    vote = rng.choice([1, -1, 0])
                votes.append((participant, statement, vote))
    return votes, truth


def ari(result, truth):
    people = sorted(truth)
    found = [str(result.assignments.get(p, f"alone-{p}")) for p in people]
    return adjusted_rand_score([truth[p] for p in people], found)


def test_two_planted_groups_are_recovered():
    votes, truth = planted_votes()
    result = opinion_groups(votes)
    assert isinstance(result, OpinionGroups)
    assert ari(result, truth) == 1.0
    assert sorted(len(g.participants) for g in result.groups) == [N_PER_GROUP, N_PER_GROUP]
    assert set(result.assignments) == set(truth)
    assert set(result.coordinates) == set(truth)


def test_consensus_and_divisive_statements_are_where_planted():
    votes, _ = planted_votes()
    result = opinion_groups(votes)
    consensus = [score.statement for score in result.consensus]
    assert consensus and set(consensus) <= set(CONSENSUS)
    assert all(score.agree > 0.8 for score in result.consensus)
    divisive = [score.statement for score in result.divisive]
    assert divisive and set(divisive) <= set(DIVIDING)
    for group in result.groups:
        assert group.representative
        assert {score.statement for score in group.representative} <= set(DIVIDING)
        for score in group.representative:
            assert isinstance(score, StatementScore)
            assert score.agree + score.disagree + score.pass_ == pytest.approx(1.0)
            assert max(score.agree, score.disagree) > 0.8


def test_participants_under_the_vote_threshold_are_left_out():
    votes, _ = planted_votes()
    votes += [("late", "s0", 1), ("late", "s6", -1)]
    result = opinion_groups(votes)  # default: 3 votes bring a participant in
    assert "late" not in result.assignments
    assert "late" in result.coordinates  # still placed on the map
    assert "late" in opinion_groups(votes, min_votes=2).assignments
    assert "late" not in opinion_groups(votes, min_votes=7).assignments


def test_warm_start_keeps_ids_and_people_in():
    votes, _ = planted_votes(seed=1)
    first = opinion_groups(votes)
    more = [*votes, ("a0", "s0", 1), ("b0", "s0", -1), ("newcomer", "s1", 1)]
    second = opinion_groups(more, previous=first)
    assert second.assignments == first.assignments
    # Once in, always in: a higher threshold later does not drop anyone.
    third = opinion_groups(more, previous=second, min_votes=len(STATEMENTS) + 1)
    assert third.assignments == first.assignments


def test_warm_start_matches_ids_even_when_fresh_numbering_would_differ():
    votes, _ = planted_votes(seed=2)
    first = opinion_groups(votes)
    # Swap the ids of the previous result: the next update must follow the previous ids.
    swapped = {p: 1 - g for p, g in first.assignments.items()}
    previous = OpinionGroups(first.groups, swapped, [], [], {}, first.state)
    second = opinion_groups([*votes, ("a1", "s2", 1)], previous=previous)
    assert second.assignments == swapped


def test_results_are_deterministic_and_independent_of_vote_order():
    votes, _ = planted_votes(seed=3, noise=0.15)
    shuffled = list(votes)
    random.Random(9).shuffle(shuffled)
    first = opinion_groups(votes).as_dict()
    assert opinion_groups(votes).as_dict() == first
    assert opinion_groups(shuffled).as_dict() == first


def test_moderated_out_statements_never_listed():
    votes, truth = planted_votes()
    removed = {"s0", "s12"}
    result = opinion_groups(votes, moderated_out=removed)
    assert ari(result, truth) == 1.0
    listed = {s.statement for s in result.consensus + result.divisive}
    listed |= {s.statement for g in result.groups for s in g.representative}
    assert not listed & removed


def test_later_vote_replaces_earlier_and_bad_votes_are_refused():
    votes, _ = planted_votes()
    flipped = [*votes, *[(p, s, -v) for p, s, v in votes]]
    assert opinion_groups(flipped).as_dict()["assignments"].keys() == {p for p, _, _ in votes}
    with pytest.raises(ValueError, match="vote"):
        opinion_groups([("a", "s", 2)])


def test_as_dict_shape_and_empty_input():
    votes, _ = planted_votes()
    data = opinion_groups(votes).as_dict()
    assert set(data) == {"groups", "assignments", "consensus", "divisive", "coordinates"}
    assert set(data["groups"][0]) == {"id", "participants", "representative"}
    assert set(data["consensus"][0]) == {"statement", "agree", "disagree", "pass", "score"}
    assert all(len(xy) == 2 for xy in data["coordinates"].values())
    empty = opinion_groups([])
    assert empty.groups == [] and empty.assignments == {} and empty.coordinates == {}


def test_two_camps_of_identical_voters_are_two_groups():
    votes = [
        (person, statement, 1 if (i % 2) == (j % 2) else -1)
        for i, person in enumerate("abcdef")
        for j, statement in enumerate("stuvwxyz")
    ]
    result = opinion_groups(votes)
    assert len(result.groups) == 2
    assert result.assignments["a"] == result.assignments["c"] != result.assignments["b"]


def test_group_smaller_than_minimum_size_is_never_reported():
    votes, _ = planted_votes()
    # Two participants who disagree with everyone on everything: a tiny third opinion.
    for outlier in ("odd1", "odd2"):
        votes += [
            (outlier, statement, -1 if statement in CONSENSUS else 0) for statement in STATEMENTS
        ]
    result = opinion_groups(votes, min_group_size=3)
    assert all(len(group.participants) >= 3 for group in result.groups)
    assert {"odd1", "odd2"} <= set(result.assignments)  # folded into a reported group
    grouped = {group.id for group in result.groups}
    assert set(result.assignments.values()) <= grouped


def test_no_groups_when_none_reaches_the_minimum_size():
    votes, _ = planted_votes()
    result = opinion_groups(votes, min_group_size=10 * N_PER_GROUP)
    assert result.groups == [] and result.assignments == {}


def test_min_votes_below_one_is_refused():
    votes, _ = planted_votes()
    with pytest.raises(ValueError, match="min_votes"):
        opinion_groups(votes, min_votes=0)
