"""Voting in a PB round: one-time codes made and printed by officers, one ballot per code
cast on a phone-sized form, limits enforced on the server with clear messages, a
confirmation that the ballot counted, changes until voting closes; paper ballots entered
twice by different staff, each kept as a ballot."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import PBBallot, PBPaperEntry, PBVoterCode


def _ballots(app) -> list[tuple[str, list[int]]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return [
            (b.channel, b.choices)
            for b in db.session.scalars(select(PBBallot).order_by(PBBallot.id))
        ]


def _vote(client, slug: str, code: str, choices: list[int], **extra: str):  # type: ignore[no-untyped-def]
    response = client.post(f"/pb/{slug}/vote", data={"code": code})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client.post(f"/pb/{slug}/ballot", data={"choices": [str(c) for c in choices], **extra})


def test_officer_makes_printable_codes_and_only_their_hashes_are_kept(
    app, officer_client, make_pb_round
):
    made = make_pb_round("voting")
    response = officer_client.post(
        f"/pb/{made['slug']}/manage/codes", data={"count": "3", "batch": "Youth forum"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Print or save this page now" in page
    import re

    codes = re.findall(r'class="consult-card__figure pb-code">([A-Z0-9-]+)<', page)
    assert len(codes) == 3 and len(set(codes)) == 3
    with app.app_context():
        stored = db.session.scalars(select(PBVoterCode.code_hash)).all()
        assert sorted(stored) == sorted(PBVoterCode.hash_code(code) for code in codes)
        assert not any(code in stored for code in codes)
    response = officer_client.post(f"/pb/{made['slug']}/manage/codes", data={"count": "0"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PBVoterCode)) == 3


def test_resident_votes_with_a_code_sees_confirmation_and_can_change_it(app, client, make_pb_round):
    made = make_pb_round("voting", codes=1)
    slug, code, ids = made["slug"], made["codes"][0], made["proposals"]
    page = client.get(f"/pb/{slug}/vote").get_data(as_text=True)
    assert "Enter the voting code from your card" in page
    response = _vote(
        client,
        slug,
        code.lower(),
        [ids["Skate park lights"], ids["Climbing wall"]],
        ward="Hillside",
        age_band="16-17",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/pb/{slug}/ballot/counted"
    )
    page = client.get(f"/pb/{slug}/ballot/counted").get_data(as_text=True)
    assert "Your vote is counted" in page and "PBV-" in page
    assert "Skate park lights" in page and "Climbing wall" in page and "change your vote" in page
    assert _ballots(app) == [("online", sorted([ids["Skate park lights"], ids["Climbing wall"]]))]
    # the same code again, from another device: the ballot is changed, not added
    other = app.test_client()
    page = other.post(f"/pb/{slug}/vote", data={"code": code}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Change your vote" in page
    response = _vote(other, slug, code, [ids["Pitch drainage"]])
    assert response.status_code == 302
    assert _ballots(app) == [("online", [ids["Pitch drainage"]])]


def test_ballot_limits_are_enforced_on_the_server_with_clear_messages(app, client, make_pb_round):
    made = make_pb_round("voting", codes=1, max_choices=2)
    slug, code, ids = made["slug"], made["codes"][0], made["proposals"]
    client.post(f"/pb/{slug}/vote", data={"code": code})
    cases = [
        ([], "Choose at least 1 project"),
        (
            [ids["Skate park lights"], ids["Climbing wall"], ids["Pitch drainage"]],
            "Choose no more than 2 projects",
        ),
        (
            [ids["Free bus passes for under 18s"]],
            "Choose only projects on this ballot",
        ),  # not feasible
        (["999999"], "Choose only projects on this ballot"),
        ([ids["Climbing wall"], ids["Climbing wall"]], "Choose each project only once"),
    ]
    for choices, message in cases:
        response = client.post(f"/pb/{slug}/ballot", data={"choices": [str(c) for c in choices]})
        assert response.status_code == 400, choices
        page = response.get_data(as_text=True)
        assert "There is a problem" in page and message in page, (choices, message)
    response = client.post(
        f"/pb/{slug}/ballot", data={"choices": [str(ids["Climbing wall"])], "age_band": "ancient"}
    )
    assert response.status_code == 400 and "Choose an age band" in response.get_data(as_text=True)
    assert _ballots(app) == []


def test_a_wrong_code_is_refused_and_the_ballot_needs_a_code(app, client, make_pb_round):
    made = make_pb_round("voting", codes=1)
    response = client.post(f"/pb/{made['slug']}/vote", data={"code": "AAAAA-BBBBB"})
    assert response.status_code == 400
    assert "That voting code is not right" in response.get_data(as_text=True)
    response = client.post(
        f"/pb/{made['slug']}/ballot", data={"choices": [str(made["proposals"]["Climbing wall"])]}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/vote")
    assert _ballots(app) == []


def test_a_code_from_another_round_does_not_work(app, client, make_pb_round):
    first = make_pb_round("voting", codes=1)
    second = make_pb_round("voting", codes=1)
    response = client.post(f"/pb/{second['slug']}/vote", data={"code": first["codes"][0]})
    assert response.status_code == 400


def test_ballots_cannot_change_after_voting_closes(app, client, officer_client, make_pb_round):
    made = make_pb_round("voting", codes=1)
    slug, ids = made["slug"], made["proposals"]
    assert _vote(client, slug, made["codes"][0], [ids["Climbing wall"]]).status_code == 302
    assert officer_client.post(f"/pb/{slug}/manage/phase").status_code == 302  # voting closed
    response = client.post(f"/pb/{slug}/ballot", data={"choices": [str(ids["Pitch drainage"])]})
    assert response.status_code == 409
    assert "Voting has closed" in response.get_data(as_text=True)
    assert _ballots(app) == [("online", [ids["Climbing wall"]])]


def test_csrf_token_is_required_for_a_ballot(app_config, make_pb_round, app):  # type: ignore[no-untyped-def]
    made = make_pb_round("voting", codes=1)
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post(f"/pb/{made['slug']}/vote", data={"code": made["codes"][0]})
    assert response.status_code == 400
    assert _ballots(app) == []


def test_paper_ballots_count_when_two_different_people_agree(
    app, officer_client, second_officer_client, officers, sign_in, make_pb_round
):
    made = make_pb_round("voting")
    slug, ids = made["slug"], made["proposals"]
    url = f"/pb/{slug}/manage/paper"
    ballot = {
        "serial": "p-0001",
        "choices": [str(ids["Skate park lights"]), str(ids["Pitch drainage"])],
        "age_band": "18-24",
    }
    response = officer_client.post(url, data=ballot)
    assert response.status_code == 302
    assert "A colleague must enter it again" in officer_client.get(url).get_data(as_text=True)
    assert _ballots(app) == []
    # the same person cannot make the second entry
    response = officer_client.post(url, data=ballot)
    assert response.status_code == 400
    assert "a different person must make the second entry" in response.get_data(as_text=True)
    response = second_officer_client.post(url, data=ballot)
    assert response.status_code == 302
    assert "both entries agree" in second_officer_client.get(url).get_data(as_text=True)
    assert _ballots(app) == [("paper", sorted([ids["Skate park lights"], ids["Pitch drainage"]]))]
    with app.app_context():
        assert db.session.scalar(select(PBBallot.paper_serial)) == "P-0001"
        assert db.session.scalar(select(func.count()).select_from(PBPaperEntry)) == 2


def test_paper_mismatch_is_kept_and_a_third_entry_settles_it(
    app, officer_client, second_officer_client, officers, sign_in, make_pb_round
):
    made = make_pb_round("voting")
    slug, ids = made["slug"], made["proposals"]
    url = f"/pb/{slug}/manage/paper"
    officer_client.post(url, data={"serial": "P-7", "choices": [str(ids["Climbing wall"])]})
    second_officer_client.post(url, data={"serial": "P-7", "choices": [str(ids["Pitch drainage"])]})
    page = second_officer_client.get(url).get_data(as_text=True)
    assert "does not match the earlier one" in page and "P-7: 2 entries that disagree" in page
    assert _ballots(app) == []
    third = app.test_client()
    sign_in(third, email=officers[2]["email"])
    assert (
        third.post(url, data={"serial": "P-7", "choices": [str(ids["Pitch drainage"])]}).status_code
        == 302
    )
    assert _ballots(app) == [("paper", [ids["Pitch drainage"]])]
    response = third.post(url, data={"serial": "P-7", "choices": [str(ids["Pitch drainage"])]})
    assert (
        response.status_code == 400
        and "already been entered twice and counted" in response.get_data(as_text=True)
    )


def test_paper_ballot_outside_the_limits_is_refused(app, officer_client, make_pb_round):
    made = make_pb_round("voting", max_choices=1)
    ids = made["proposals"]
    response = officer_client.post(
        f"/pb/{made['slug']}/manage/paper",
        data={"serial": "P-9", "choices": [str(ids["Climbing wall"]), str(ids["Pitch drainage"])]},
    )
    assert response.status_code == 400
    assert "Choose no more than 1 project" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PBPaperEntry)) == 0


def test_only_officers_enter_paper_ballots(app, make_user, sign_in, make_pb_round):
    made = make_pb_round("voting")
    make_user("facilitator", email="fac@council.example")
    facilitator = app.test_client()
    sign_in(facilitator, email="fac@council.example")
    response = facilitator.post(
        f"/pb/{made['slug']}/manage/paper",
        data={"serial": "P-1", "choices": [str(made["proposals"]["Climbing wall"])]},
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PBPaperEntry)) == 0
