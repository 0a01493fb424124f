"""Choosing winners: worked examples, a per-voter reference count, and properties of every rule."""

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis.pb import (
    RULES,
    Ballot,
    Election,
    PBInputError,
    Project,
    TieBreak,
    build_profile,
    choose_winners,
    parse_pabulib,
)
from analysis.pb.mes import Counting, _count, _Unsure, equal_shares, equal_shares_add1
from tests.analysis.pb_examples import WIELICZKA


def election_of(costs, ballots, budget, vote_type="approval", points=None, attributes=None):
    """An election from {id: cost} and ballots as lists of ids (points: parallel lists)."""
    projects = tuple(Project(pid, Fraction(cost)) for pid, cost in costs.items())
    made = []
    for number, chosen in enumerate(ballots):
        given_points = tuple(Fraction(x) for x in points[number]) if points else ()
        extra = attributes[number] if attributes else {}
        made.append(Ballot(str(number + 1), tuple(chosen), given_points, extra))
    return Election(
        meta={"budget": str(budget)},
        projects=projects,
        ballots=tuple(made),
        vote_type=vote_type,
        budget=Fraction(budget),
    )


def reference_mes(election, share, tie):
    """MES counted voter by voter, exactly as equalshares.net describes it (no grouping, no
    classes, no floating point): a slow, obviously faithful count to check the fast one."""
    utilities = [
        {pid: pts for pid, pts in election.ballot_scores(b).items() if pts > 0}
        for b in election.ballots
    ]
    money = [Fraction(share)] * len(utilities)
    costs = {p.id: p.cost for p in election.projects}
    remaining = {pid for pid in costs if costs[pid] > 0 and any(pid in u for u in utilities)}
    order = {pid: i for i, pid in enumerate(costs)}
    profile = build_profile(election, tie)
    funded = []
    while True:
        best, best_value = [], None
        for pid in list(remaining):
            backers = [i for i, u in enumerate(utilities) if pid in u]
            if sum(money[i] for i in backers) < costs[pid]:
                remaining.discard(pid)
                continue
            backers.sort(key=lambda i, pid=pid: money[i] / utilities[i][pid])
            paid, weight = Fraction(0), sum(utilities[i][pid] for i in backers)
            for i in backers:
                q = (costs[pid] - paid) / weight
                if q * utilities[i][pid] > money[i]:
                    paid += money[i]
                    weight -= utilities[i][pid]
                else:
                    break
            value = costs[pid] / q
            if best_value is None or value > best_value:
                best, best_value = [(pid, q)], value
            elif value == best_value:
                best.append((pid, q))
        if not best:
            return funded
        pid, q = min(best, key=lambda item: profile.tie_key(order[item[0]]))
        funded.append(pid)
        remaining.discard(pid)
        for i, u in enumerate(utilities):
            if pid in u:
                money[i] = max(Fraction(0), money[i] - q * u[pid])


def mes_ids(election, share=None):
    profile = build_profile(election)
    run = equal_shares(Counting(profile), None if share is None else Fraction(share))
    return [profile.project_ids[p] for p in run.selected]


# --- Worked examples -------------------------------------------------------------------


def red_and_blue():
    """51 voters want ten red projects, 49 want ten blue ones; money for ten (equalshares.net
    and Wikipedia's motivating example: the Method of Equal Shares picks 5 red and 5 blue,
    voting by most votes picks the 10 red)."""
    costs = {f"red{i}": 100 for i in range(10)} | {f"blue{i}": 100 for i in range(10)}
    ballots = [[f"red{i}" for i in range(10)]] * 51 + [[f"blue{i}" for i in range(10)]] * 49
    return election_of(costs, ballots, 1000)


def test_red_and_blue_equal_shares_with_add1_picks_five_of_each_greedy_ten_red():
    election = red_and_blue()
    chosen = choose_winners(election, "equalshares/add1").selected
    assert sum(pid.startswith("red") for pid in chosen) == 5
    assert sum(pid.startswith("blue") for pid in chosen) == 5
    greedy = choose_winners(election, "greedy").selected
    assert all(pid.startswith("red") for pid in greedy) and len(greedy) == 10


def test_red_and_blue_without_completion_funds_only_what_each_side_can_pay():
    # Each voter has 10; the 51 reds hold 510 (five projects of 100), the 49 blues 490 (four).
    chosen = choose_winners(red_and_blue(), "equalshares").selected
    assert sum(pid.startswith("red") for pid in chosen) == 5
    assert sum(pid.startswith("blue") for pid in chosen) == 4


def test_red_and_blue_comparison_step_keeps_greedy_because_51_voters_prefer_it():
    outcome = choose_winners(red_and_blue(), "equalshares/add1-comparison")
    # 49 blue voters get 5 instead of 0; 51 red voters get 5 instead of 10.
    assert (outcome.comparison.prefer_equal_shares, outcome.comparison.prefer_greedy) == (49, 51)
    assert outcome.comparison.kept == "greedy"
    assert len(outcome.selected) == 10


def test_equalshares_net_explanation_a_project_its_voters_cannot_pay_for_is_removed():
    # equalshares.net/explanation: a budget of 1,000,000 and 100,000 voters give each a share
    # of 10; a project costing 10,000 with 500 votes has only 5,000 behind it and is removed.
    costs = {"small": 10_000, "big": 400_000}
    ballots = [["small"]] * 500 + [["big"]] * 99_500
    outcome = choose_winners(election_of(costs, ballots, 1_000_000), "equalshares")
    small = next(p for p in outcome.projects if p.id == "small")
    assert outcome.selected == ("big",)
    assert outcome.share == 10
    assert not small.funded and small.passed_over_round == 0
    assert small.coverage == pytest.approx(0.5)
    assert small.more_supporters == 500
    assert "covered 50% of its cost of 10,000 from the start" in small.explanation
    assert "about 500 more supporters" in small.explanation


def test_wieliczka_example_by_hand():
    # Shares of 250: project 4 (1400, six voters) costs each 233.33, the highest effective
    # vote count (6), and is funded; its supporters keep 16.67, after which no other
    # project's supporters hold its cost (1: 533.33 of 600; 5: 550 of 1000; 2: 300 of 800;
    # 7: 750 of 1200 from the start).
    election = parse_pabulib(WIELICZKA)
    outcome = choose_winners(election, "equalshares")
    by_id = {p.id: p for p in outcome.projects}
    assert outcome.selected == ("4",)
    assert by_id["4"].round == 1 and by_id["4"].payment == pytest.approx(1400 / 6)
    assert by_id["1"].coverage == pytest.approx(533.333333 / 600)
    assert by_id["5"].coverage == pytest.approx(550 / 1000)
    assert by_id["7"].passed_over_round == 0 and by_id["7"].coverage == pytest.approx(750 / 1200)


def test_wieliczka_add1_stops_where_the_next_unit_overspends_on_an_exact_knife_edge():
    # At a share of 339 MES funds 4 then 1 (2,000). At 340, project 5's supporters hold
    # 3 x 106.67 + 2 x 340 = exactly 1,000, its cost, so it is funded too: 3,000 > 2,500.
    # Only exact arithmetic sees that 1,000 equals 1,000.
    election = parse_pabulib(WIELICZKA)
    outcome = choose_winners(election, "equalshares/add1")
    assert outcome.selected == ("4", "1")
    assert outcome.share == 339 and outcome.raises == 89
    assert outcome.refused_spend == 3000
    assert mes_ids(election, 340) == ["4", "1", "5"]
    counting = Counting(build_profile(election))
    with pytest.raises(_Unsure):
        _count(counting, Fraction(340), exact=False, report=False)


def test_add1_does_not_stop_early_when_an_outcome_is_already_exhaustive():
    # Budget 40, four voters, shares of 10. A (20, everyone) is funded first (5 each). Q
    # (16, three voters) then has 15 behind it, too little; P (5, voter 2) is funded. The
    # 15 left cannot pay for Q: the outcome {A, P} is exhaustive, and a rule that stopped
    # there would return it. Add1 raises on: from 11, Q's voters can pay and Q beats P
    # (3 effective votes against 1), giving {A, Q} (36); at 16, P also gets in (41 > 40).
    election = election_of(
        {"A": 20, "P": 5, "Q": 16}, [["A"], ["A", "P", "Q"], ["A", "Q"], ["A", "Q"]], 40
    )
    assert mes_ids(election) == ["A", "P"]
    assert mes_ids(election, 11) == ["A", "Q"]
    assert mes_ids(election, 16) == ["A", "Q", "P"]
    outcome = choose_winners(election, "equalshares/add1")
    assert outcome.selected == ("A", "Q")
    assert outcome.share == 15 and outcome.refused_spend == 41


def test_ordinal_ballots_are_scored_by_rank_points():
    election = parse_pabulib(
        "META\nkey;value\nbudget;100\nvote_type;ordinal\nmax_length;3\nrule;greedy\n"
        "PROJECTS\nproject_id;cost\na;60\nb;60\nc;30\n"
        "VOTES\nvoter_id;vote\n1;a,b,c\n2;b,c\n3;c,a,b\n"
    )
    assert election.scores() == {"a": 3 + 2, "b": 2 + 3 + 1, "c": 1 + 2 + 3}
    outcome = choose_winners(election)
    # b and c both score 6: the cheaper c goes first; then b (60) fits the 70 left, a not.
    assert outcome.selected == ("c", "b")


def test_cumulative_points_share_the_cost_in_proportion():
    # Share 6 each. Voter 1 gives A 2 points, voter 2 gives A 1 and B 1. A (9) is paid at
    # q = 3 per point: 6 and 3. B (6) by voter 2 alone: q = 6. A wins; voter 2 then has 3.
    election = election_of(
        {"A": 9, "B": 6}, [["A"], ["A", "B"]], 12, "cumulative", points=[[2], [1, 1]]
    )
    outcome = choose_winners(election, "equalshares")
    a = next(p for p in outcome.projects if p.id == "A")
    assert outcome.selected == ("A",)
    assert a.payment == 3 and a.paid_all == 1
    assert reference_mes(election, Fraction(6), TieBreak()) == ["A"]


def test_greedy_variants_skip_stop_and_threshold():
    costs = {"a": 60, "b": 50, "c": 30, "d": 10}
    ballots = [["a", "b", "c", "d"]] * 4 + [["a", "b", "c"]] * 3 + [["a", "b"]] * 2 + [["a"]]
    election = election_of(costs, ballots, 100)
    assert choose_winners(election, "greedy").selected == ("a", "c", "d")
    assert choose_winners(election, "greedy-no-skip").selected == ("a",)
    outcome = choose_winners(election, "greedy-threshold", threshold=Fraction(5))
    assert outcome.selected == ("a", "c")
    by_id = {p.id: p for p in outcome.projects}
    assert by_id["d"].reason == "below-threshold"
    assert by_id["b"].reason == "did-not-fit"
    assert "only 40 was left when its turn came" in by_id["b"].explanation


def test_greedy_threshold_reads_the_meta_threshold():
    election = parse_pabulib(WIELICZKA.replace("rule: greedy", "min_project_score_threshold;6"))
    assert choose_winners(election, "greedy-threshold").selected == ("4",)


def test_exact_ties_follow_the_published_rule_cheaper_first_then_lottery_by_seed():
    election = election_of({"x": 50, "y": 40, "z": 40}, [["x", "y", "z"]] * 2, 40)
    assert choose_winners(election, "greedy").selected[0] in ("y", "z")
    picks = {choose_winners(election, "greedy", seed=str(s)).selected[0] for s in range(12)}
    assert picks == {"y", "z"}  # the seed decides between equals; cost never loses to it
    assert (
        choose_winners(election, "equalshares", seed="7").selected
        == choose_winners(election, "greedy", seed="7").selected
    )


def test_rule_comes_from_meta_and_unknown_rules_are_refused():
    election = parse_pabulib(WIELICZKA)
    assert choose_winners(election).rule == "greedy"
    with pytest.raises(PBInputError, match="unknown rule 'borda'"):
        choose_winners(election, "borda")
    unknown = parse_pabulib(WIELICZKA.replace("rule: greedy", "rule;unknown"))
    with pytest.raises(PBInputError, match="--rule"):
        choose_winners(unknown)


def test_add1_with_greedy_top_up_spends_money_add1_left():
    election = parse_pabulib(WIELICZKA)
    outcome = choose_winners(election, "equalshares/add1-greedy")
    # Add1 leaves 500; no unfunded project costs 500 or less, so nothing is added here.
    assert outcome.selected == ("4", "1")
    # Project 8 (300) is wanted by voters 1 and 5, who spend their shares on 4 and 1 first.
    more = WIELICZKA.replace("7; 1200; education", "7; 1200; education\n8; 300; sport")
    more = more.replace("1; 34; f; 1,2,4", "1; 34; f; 1,2,4,8").replace(
        "5; 62; f; 1,4,7", "5; 62; f; 1,4,7,8"
    )
    topped = choose_winners(parse_pabulib(more), "equalshares/add1-greedy")
    stages = {p.id: p.stage for p in topped.projects if p.funded}
    assert stages == {"4": "equal-shares", "1": "equal-shares", "8": "top-up"}
    assert topped.spent == 2300


def test_fairness_counts_voters_with_a_funded_project_overall_and_by_attribute():
    outcome = choose_winners(parse_pabulib(WIELICZKA), "greedy")
    assert outcome.fairness.overall == pytest.approx(0.8)
    assert outcome.fairness.by["sex"]["f"] == (5, 1.0)
    assert outcome.fairness.by["sex"]["m"] == (5, pytest.approx(0.6))
    assert set(outcome.fairness.by["age"]) == {"18-24", "25-34", "35-44", "45-54", "55-64"}


def test_every_project_gets_a_sentence():
    for rule in RULES:
        outcome = choose_winners(parse_pabulib(WIELICZKA), rule, threshold=Fraction(4))
        assert len(outcome.projects) == 5
        for project in outcome.projects:
            assert project.explanation.startswith("Funded" if project.funded else "Not ")


# --- Properties ------------------------------------------------------------------------


@st.composite
def approval_elections(draw, unanimous=False):
    m = draw(st.integers(1, 7))
    ids = [f"p{i}" for i in range(m)]
    scale = draw(st.sampled_from([1, 10]))  # costs in few or in many whole units
    costs = {pid: draw(st.integers(1, 40)) * scale for pid in ids}
    n = draw(st.integers(1, 10))
    ballots = [sorted(draw(st.sets(st.sampled_from(ids), max_size=m))) for _ in range(n)]
    if unanimous:
        ballots = [sorted({*b, "p0"}) for b in ballots]
        for b in ballots:
            assume(b == ["p0"] or len(ballots) > 1)
        assume(any(all(pid in b for b in ballots) is False for pid in ids[1:]) or m == 1)
    total = sum(costs.values())
    budget = draw(st.integers(max(1, total // 4), total + 10))
    return election_of(costs, ballots, budget)


@settings(max_examples=50, deadline=None)
@given(approval_elections())
def test_no_rule_ever_spends_more_than_the_budget(election):
    for rule in RULES:
        outcome = choose_winners(election, rule, threshold=Fraction(2))
        assert outcome.spent <= outcome.budget
        assert len(set(outcome.selected)) == len(outcome.selected)


@settings(max_examples=80, deadline=None)
@given(approval_elections())
def test_fast_count_equals_the_voter_by_voter_reference(election):
    profile = build_profile(election)
    counting = Counting(profile)
    share = election.budget / len(election.ballots)
    for extra in (0, 1, 3):
        expected = reference_mes(election, share + extra, TieBreak())
        exact = _count(counting, share + extra, exact=True, report=True)
        assert [profile.project_ids[p] for p in exact.selected] == expected
        try:
            fast = _count(counting, share + extra, exact=False, report=False)
        except _Unsure:
            continue
        assert fast.selected == exact.selected


@settings(max_examples=80, deadline=None)
@given(approval_elections())
def test_add1_one_more_unit_of_share_would_overspend(election):
    profile = build_profile(election)
    counting = Counting(profile)
    result = equal_shares_add1(counting)
    start = profile.budget / profile.n_voters
    assert (result.run.share - start).denominator == 1 and result.run.share >= start
    assert result.run.spent <= profile.budget
    if result.refused_spend is not None:
        following = equal_shares(counting, result.run.share + 1)
        assert following.spent == result.refused_spend > profile.budget
    else:  # stopped without trying: everything fits, or every supported project is funded
        supported = {p for p in range(profile.n_projects) if profile.supporters[p]}
        funded = set(result.run.selected)
        assert sum(profile.costs) <= profile.budget or funded >= {
            p for p in supported if profile.costs[p] > 0
        }


@settings(max_examples=50, deadline=None)
@given(approval_elections(unanimous=True))
def test_a_project_every_voter_supports_that_fits_is_always_funded(election):
    assume(election.project("p0").cost <= election.budget)
    everyone = [
        pid
        for pid in (p.id for p in election.projects)
        if all(pid in b.projects for b in election.ballots)
    ]
    assume(everyone == ["p0"])
    for rule in RULES:
        if rule == "greedy-threshold":
            continue  # a threshold may refuse any project by design
        assert "p0" in choose_winners(election, rule).selected, rule


@st.composite
def cumulative_elections(draw):
    ids = [f"p{i}" for i in range(draw(st.integers(1, 5)))]
    costs = {pid: draw(st.integers(1, 40)) for pid in ids}
    ballots, points = [], []
    for _ in range(draw(st.integers(1, 8))):
        chosen = sorted(draw(st.sets(st.sampled_from(ids), max_size=len(ids))))
        ballots.append(chosen)
        points.append([draw(st.integers(0, 5)) for _ in chosen])
    budget = draw(st.integers(max(1, sum(costs.values()) // 4), sum(costs.values()) + 5))
    return election_of(costs, ballots, budget, "cumulative", points=points)


@settings(max_examples=80, deadline=None)
@given(cumulative_elections())
def test_points_ballots_count_like_the_voter_by_voter_reference(election):
    profile = build_profile(election)
    counting = Counting(profile)
    share = election.budget / len(election.ballots)
    for extra in (0, 2):
        expected = reference_mes(election, share + extra, TieBreak())
        exact = _count(counting, share + extra, exact=True, report=True)
        assert [profile.project_ids[p] for p in exact.selected] == expected
        try:
            fast = _count(counting, share + extra, exact=False, report=False)
        except _Unsure:
            continue
        assert fast.selected == exact.selected
    assert choose_winners(election, "equalshares/add1").spent <= election.budget
