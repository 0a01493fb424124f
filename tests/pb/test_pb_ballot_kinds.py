"""Ballot kinds in a PB round (consult/pb/ballots.py): cumulative points, ranking and
spend-the-budget ballots cast through the pages, each refused with a clear message when it
breaks the round's limits (nothing saved), confirmed in words, entered on paper twice,
counted by a rule that suits the ballot, and exported to a Pabulib file with the right
vote_type and points that recounts to the published outcome. Rules that do not suit a
ballot are refused when the round is set up, before voting can open."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from analysis.pb import choose_winners, parse_pabulib
from consult.errors import Invalid
from consult.extensions import db
from consult.models import PBBallot, PBRound, User

ROUND_FORM = {
    "title": "Points fund",
    "budget": "15000",
    "min_choices": "1",
    "max_choices": "3",
    "tie_seed": "",
}


def _ballots(app) -> list[tuple[list[int], list[int] | None]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.scalars(select(PBBallot).order_by(PBBallot.id))
        return [(b.choices, b.points) for b in rows]


def _sign_in_code(client, slug: str, code: str) -> None:  # type: ignore[no-untyped-def]
    assert client.post(f"/pb/{slug}/vote", data={"code": code}).status_code == 302


def _close_and_count(officer_client, slug: str) -> None:  # type: ignore[no-untyped-def]
    assert officer_client.post(f"/pb/{slug}/manage/phase").status_code == 302
    assert officer_client.post(f"/pb/{slug}/manage/count").status_code == 302


def _others_vote_then_count(app, client, officer_client, made, ballots):  # type: ignore[no-untyped-def]
    """The round's other codes cast `ballots` (form data), one each from its own device;
    voting closes, the votes are counted, and the ballots file is read back."""
    slug = made["slug"]
    for code, data in zip(made["codes"][1:], ballots, strict=True):
        other = app.test_client()
        _sign_in_code(other, slug, code)
        assert other.post(f"/pb/{slug}/ballot", data=data).status_code == 302
    _close_and_count(officer_client, slug)
    return _exported(client, slug)


def _exported(client, slug: str):  # type: ignore[no-untyped-def]
    with client.get(f"/pb/{slug}/ballots.pb") as response:
        assert response.status_code == 200
        return parse_pabulib(response.get_data(as_text=True))


def _recounts_to(app, made, election, funded: list[int]) -> None:  # type: ignore[no-untyped-def]
    """The published result funds `funded`, and the exported file recounts to it."""
    with app.app_context():
        stored = db.session.get(PBRound, made["id"]).result
    assert stored["selected"] == [str(pid) for pid in funded]
    recount = choose_winners(election, seed=election.meta["tie_break_seed"])
    assert list(recount.selected) == stored["selected"]


def test_setup_refuses_a_rule_that_does_not_suit_the_ballot(app, officer_client):
    page = officer_client.post(
        "/pb/manage/new",
        data={**ROUND_FORM, "ballot_type": "cumulative", "rule": "equalshares/add1"},
    )
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Cumulative points ballots are counted by most points first" in text
    assert "Enter how many points each voter shares out, 1 or more" in text
    page = officer_client.post(
        "/pb/manage/new", data={**ROUND_FORM, "ballot_type": "ranking", "rule": "equalshares"}
    )
    assert page.status_code == 400
    assert "Ranking ballots are counted by most points first" in page.get_data(as_text=True)
    page = officer_client.post(
        "/pb/manage/new",
        data={
            **ROUND_FORM,
            "ballot_type": "cumulative",
            "rule": "greedy",
            "max_sum_points": "10",
            "max_points": "11",
        },
    )
    assert page.status_code == 400
    assert "The most points for one project must be from 1" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PBRound)) == 0
    page = officer_client.post(
        "/pb/manage/new",
        data={**ROUND_FORM, "ballot_type": "knapsack", "rule": "equalshares/add1"},
    )
    assert page.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(PBRound.ballot_type)) == "knapsack"


def test_the_ballot_kind_and_its_points_are_frozen_when_voting_opens(app, officers, make_pb_round):
    from consult.pb import services

    made = make_pb_round("voting", ballot_type="cumulative", rule="greedy", max_sum_points=10)
    with app.app_context():
        pb_round = db.session.get(PBRound, made["id"])
        officer = db.session.get(User, officers[0]["id"])
        assert pb_round.frozen_rules["ballot_type"] == "cumulative"
        assert (pb_round.frozen_rules["max_sum_points"], pb_round.frozen_rules["max_points"]) == (
            10,
            10,
        )
        for change in ({"ballot_type": "approval"}, {"max_sum_points": 5}):
            with pytest.raises(Exception, match="frozen"):
                services.update_round(pb_round, actor=officer, **change)
            db.session.rollback()


def test_cumulative_ballot_checked_confirmed_and_exported_with_points(
    app, client, officer_client, make_pb_round
):
    made = make_pb_round(
        "voting", codes=3, ballot_type="cumulative", rule="greedy", max_sum_points=10, max_points=6
    )
    slug, ids = made["slug"], made["proposals"]
    skate, studio, wall = ids["Skate park lights"], ids["Youth music studio"], ids["Climbing wall"]
    _sign_in_code(client, slug, made["codes"][0])
    page = client.get(f"/pb/{slug}/ballot").get_data(as_text=True)
    assert "You have 10 points to share out" in page and f'name="points-{skate}"' in page
    for data, message in (
        ({f"points-{skate}": "6", f"points-{studio}": "5"}, "You gave 11 points: share out no"),
        ({f"points-{skate}": "7"}, "Give Skate park lights no more than 6 points"),
        ({f"points-{skate}": "two"}, "Enter the points for Skate park lights as a whole number"),
        ({f"points-{skate}": "0"}, "Give at least 1 point to a project"),
        ({}, "Give at least 1 point to a project"),
    ):
        response = client.post(f"/pb/{slug}/ballot", data=data)
        assert response.status_code == 400, data
        text = response.get_data(as_text=True)
        assert message in text and "There is a problem" in text
        for name, value in data.items():  # what was typed is shown again
            assert f'name="{name}"' in text and f'value="{value}"' in text
    assert _ballots(app) == []
    response = client.post(
        f"/pb/{slug}/ballot", data={f"points-{skate}": "6", f"points-{wall}": "4"}
    )
    assert response.status_code == 302
    page = client.get(f"/pb/{slug}/ballot/counted").get_data(as_text=True)
    assert "Skate park lights: 6 points" in page and "Climbing wall: 4 points" in page
    assert _ballots(app) == [(sorted([skate, wall]), [6, 4] if skate < wall else [4, 6])]
    # change it with the same code: the points are replaced, not added
    page = client.get(f"/pb/{slug}/ballot").get_data(as_text=True)
    assert "Change your vote" in page and 'value="6"' in page
    client.post(f"/pb/{slug}/ballot", data={f"points-{studio}": "5", f"points-{wall}": "5"})
    election = _others_vote_then_count(
        app,
        client,
        officer_client,
        made,
        ({f"points-{skate}": "6", f"points-{wall}": "1"}, {f"points-{skate}": "5"}),
    )
    assert election.vote_type == "cumulative"
    assert (election.meta["max_sum_points"], election.meta["max_points"]) == ("10", "6")
    given = sorted(
        tuple(sorted(zip(b.projects, (int(p) for p in b.points), strict=True)))
        for b in election.ballots
    )
    assert given == sorted(
        [
            tuple(sorted([(str(studio), 5), (str(wall), 5)])),
            tuple(sorted([(str(skate), 6), (str(wall), 1)])),
            ((str(skate), 5),),
        ]
    )
    # points: skate 11, wall 6, studio 5: greedy funds skate (6,000), wall (3,000); studio
    # (8,000) no longer fits the 6,000 left
    _recounts_to(app, made, election, [skate, wall])


def test_ranking_ballot_in_order_refuses_gaps_and_repeats_and_scores_by_rank(
    app, client, officer_client, make_pb_round
):
    made = make_pb_round("voting", codes=3, ballot_type="ranking", rule="greedy", max_choices=3)
    slug, ids = made["slug"], made["proposals"]
    skate, studio, wall = ids["Skate park lights"], ids["Youth music studio"], ids["Climbing wall"]
    _sign_in_code(client, slug, made["codes"][0])
    page = client.get(f"/pb/{slug}/ballot").get_data(as_text=True)
    assert "Your first choice" in page and "3/2/1 points" in page
    for data, message in (
        ({"rank-1": str(skate), "rank-3": str(wall)}, "Choose your second choice, or leave"),
        ({"rank-1": str(skate), "rank-2": str(skate)}, "You ranked a project twice"),
        ({"rank-2": str(skate)}, "Choose your first choice"),
        ({}, "Rank at least 1 project"),
        ({"rank-1": "999999"}, "Choose only projects on this ballot"),
    ):
        response = client.post(f"/pb/{slug}/ballot", data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True)
    assert _ballots(app) == []
    data = {"rank-1": str(wall), "rank-2": str(skate), "rank-3": ""}
    assert client.post(f"/pb/{slug}/ballot", data=data).status_code == 302
    page = client.get(f"/pb/{slug}/ballot/counted").get_data(as_text=True)
    assert "First choice: Climbing wall" in page and "Second choice: Skate park lights" in page
    assert _ballots(app) == [([wall, skate], None)]  # kept in rank order
    election = _others_vote_then_count(
        app,
        client,
        officer_client,
        made,
        ({"rank-1": str(studio), "rank-2": str(wall)}, {"rank-1": str(studio)}),
    )
    assert (election.vote_type, election.meta["max_length"]) == ("ordinal", "3")
    assert sorted(b.projects for b in election.ballots) == sorted(
        [(str(wall), str(skate)), (str(studio), str(wall)), (str(studio),)]
    )
    # rank points 3/2/1: studio 3+3 = 6, wall 3+2 = 5, skate 2; greedy: studio (8,000),
    # wall (3,000), then skate (6,000) does not fit the 4,000 left
    scores = election.scores()
    assert (scores[str(studio)], scores[str(wall)], scores[str(skate)]) == (6, 5, 2)
    _recounts_to(app, made, election, [studio, wall])


def test_spend_the_budget_ballot_refuses_choices_over_the_budget(
    app, client, officer_client, make_pb_round
):
    made = make_pb_round("voting", codes=2, ballot_type="knapsack", max_choices=1)
    slug, ids = made["slug"], made["proposals"]
    skate, studio, wall = ids["Skate park lights"], ids["Youth music studio"], ids["Climbing wall"]
    _sign_in_code(client, slug, made["codes"][0])
    page = client.get(f"/pb/{slug}/ballot").get_data(as_text=True)
    assert re.search(r"add up to no more than the budget\.\s+The budget is £15,000\.", page)
    assert "Chosen so far: £0 of £15,000, £15,000 left." in page and 'data-cost="6000"' in page
    over = {"choices": [str(skate), str(studio), str(wall)]}  # 6,000 + 8,000 + 3,000
    response = client.post(f"/pb/{slug}/ballot", data=over)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Your projects cost £17,000 in total, £2,000 more than the budget of £15,000" in text
    assert "Chosen so far: £17,000, £2,000 over the budget of £15,000." in text
    assert _ballots(app) == []
    # max_choices does not limit a spend-the-budget ballot: only the money does
    fits = {"choices": [str(skate), str(studio)]}
    assert client.post(f"/pb/{slug}/ballot", data=fits).status_code == 302
    assert _ballots(app) == [(sorted([skate, studio]), None)]
    other = app.test_client()
    _sign_in_code(other, slug, made["codes"][1])
    assert other.post(f"/pb/{slug}/ballot", data={"choices": [str(wall)]}).status_code == 302
    _close_and_count(officer_client, slug)
    election = _exported(client, slug)
    assert election.vote_type == "approval"
    assert election.meta["max_sum_cost"] == "15000" and "max_length" not in election.meta
    assert election.meta["rule"] == "equalshares/add1"


def test_paper_ballots_of_a_points_kind_are_entered_twice_and_must_agree(
    app, officer_client, second_officer_client, make_pb_round, officers, sign_in
):
    made = make_pb_round("voting", ballot_type="cumulative", rule="greedy", max_sum_points=5)
    slug, ids = made["slug"], made["proposals"]
    skate, wall = ids["Skate park lights"], ids["Climbing wall"]
    url = f"/pb/{slug}/manage/paper"
    page = officer_client.get(url).get_data(as_text=True)
    assert "Points for Skate park lights" in page
    first = {"serial": "P-1", f"points-{skate}": "3", f"points-{wall}": "2"}
    assert officer_client.post(url, data=first).status_code == 302
    response = second_officer_client.post(
        url, data={**first, f"points-{wall}": "1"}, follow_redirects=True
    )
    assert "does not match the earlier one" in response.get_data(as_text=True)
    assert _ballots(app) == []
    third = app.test_client()
    sign_in(third, email=officers[2]["email"])
    response = third.post(url, data=first, follow_redirects=True)
    assert "both entries agree" in response.get_data(as_text=True)
    assert _ballots(app) == [(sorted([skate, wall]), [3, 2] if skate < wall else [2, 3])]
    spoilt = {"serial": "P-2", f"points-{skate}": "6"}
    response = officer_client.post(url, data=spoilt)
    assert response.status_code == 400
    assert "Give Skate park lights no more than 5 points" in response.get_data(as_text=True)


def test_kinds_check_ballots_the_same_way_for_services(app, make_pb_round):
    from consult.pb import services

    made = make_pb_round("voting", ballot_type="ranking", rule="greedy", max_choices=2)
    ids = made["proposals"]
    with app.app_context():
        pb_round = db.session.get(PBRound, made["id"])
        vote = services.check_choices(pb_round, [ids["Climbing wall"], ids["Pitch drainage"]])
        assert vote.choices == (ids["Climbing wall"], ids["Pitch drainage"])
        with pytest.raises(Invalid) as refused:
            services.check_choices(pb_round, [ids["Climbing wall"]] * 2)
        assert refused.value.fields == {
            "rank-2": "You ranked a project twice: choose a different second choice"
        }


def test_voting_does_not_open_on_a_rule_that_does_not_suit_the_ballot(
    app, officer_client, make_pb_round
):
    made = make_pb_round("assessment")
    with app.app_context():  # as if written around the services (an old row, a script)
        pb_round = db.session.get(PBRound, made["id"])
        pb_round.ballot_type, pb_round.max_sum_points = "cumulative", 10
        db.session.commit()
    response = officer_client.post(f"/pb/{made['slug']}/manage/phase")
    assert response.status_code == 409
    assert "counted by most points first" in response.get_data(as_text=True)
    with app.app_context():
        pb_round = db.session.get(PBRound, made["id"])
        assert (pb_round.status, pb_round.rules_checksum) == ("assessment", None)
