"""PB at live events: a live session's "participatory budgeting vote" round (consult/live/
pb_vote.py). The facilitator links the round to a PB round in its voting phase; while it is
the current round each juror casts the PB round's ballot on their own device with a plain
form post (one ballot per member, channel "live", changeable, with the confirmation that it
counted); the console sees how many have voted (over the socket too), never how. Refused
when the round is not current, the PB round is not voting or the session has ended; the
ballots count in the PB round's result and appear in its Pabulib file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from consult.extensions import db
from consult.live import outbox, rounds
from consult.models import JurySession, PBBallot, PBRound, Round, User
from consult.pb import counting, services
from tests.conftest import DEFAULT_PASSWORD
from tests.live.conftest import received


@dataclass
class Room:
    app: Flask
    session_id: int
    jurors: list[FlaskClient]
    member_ids: list[int]
    facilitator: FlaskClient
    facilitator_email: str
    pb: dict[str, Any]
    round_id: int

    @property
    def page(self) -> str:
        return f"/live/sessions/{self.session_id}"

    @property
    def vote_url(self) -> str:
        return f"{self.page}/pb-vote/{self.round_id}"

    def staff(self, work: Callable[[JurySession, User], Any]) -> Any:
        with self.app.app_context():
            actor = db.session.scalar(select(User).where(User.email == self.facilitator_email))
            result = work(db.session.get(JurySession, self.session_id), actor)
            db.session.commit()
            outbox.discard_outbox()
            return result

    def go_to(self, round_id: int) -> None:
        self.staff(lambda s, actor: rounds.control(s, "go_to", actor=actor, round_id=round_id))

    def ballots(self) -> list[tuple[str, int | None, list[int]]]:
        with self.app.app_context():
            rows = db.session.scalars(
                select(PBBallot).where(PBBallot.round_id == self.pb["id"]).order_by(PBBallot.id)
            )
            return [(b.channel, b.member_id, list(b.choices)) for b in rows]

    def choose(self, *titles: str) -> dict[str, list[str]]:
        return {"choices": [str(self.pb["proposals"][t]) for t in titles]}


def _officer_act(room: Room, email: str, work: Callable[[PBRound, User], Any]) -> Any:
    with room.app.app_context():
        actor = db.session.scalar(select(User).where(User.email == email))
        pb_round = db.session.get(PBRound, room.pb["id"])
        result = work(pb_round, actor)
        db.session.commit()
        return result


@pytest.fixture
def room(app, make_live_session, make_pb_round, sign_in) -> Room:  # type: ignore[no-untyped-def]
    """A running session (three jurors signed in) whose agenda ends with a PB vote linked
    to a voting PB round, added through the agenda form; the vote is not yet current."""
    pb = make_pb_round("voting", codes=1)
    setup = make_live_session(jurors=3, start=True)
    facilitator = app.test_client()
    sign_in(facilitator, email=setup.facilitator_email, password=DEFAULT_PASSWORD)
    response = facilitator.post(
        f"/live/sessions/{setup.session_id}/agenda",
        data={
            "kind": "pb_vote",
            "pb_round_id": str(pb["id"]),
            "title": "Vote on the youth fund",
            "planned_minutes": "20",
            "instructions": "Vote on your phone.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    with app.app_context():
        round_ = db.session.scalar(select(Round).where(Round.kind == "pb_vote"))
        assert round_.pb_round_id == pb["id"] and round_.session_id == setup.session_id
        round_id = round_.id
    jurors = []
    for _, code in setup.members:
        client = app.test_client()
        sign_in(client, code=code)
        jurors.append(client)
    return Room(
        app,
        setup.session_id,
        jurors,
        [m for m, _ in setup.members],
        facilitator,
        setup.facilitator_email,
        pb,
        round_id,
    )


def test_the_agenda_form_needs_a_voting_pb_round_for_a_pb_vote(
    app, make_live_session, make_pb_round, sign_in
):
    open_for_ideas = make_pb_round("proposals")
    voting = make_pb_round("voting")
    setup = make_live_session(jurors=1)
    client = app.test_client()
    sign_in(client, email=setup.facilitator_email, password=DEFAULT_PASSWORD)
    url = f"/live/sessions/{setup.session_id}/agenda"
    page = client.get(url).get_data(as_text=True)
    # only rounds whose voting is open are offered
    assert f'<option value="{voting["id"]}">' in page
    assert f'<option value="{open_for_ideas["id"]}">' not in page
    base = {"kind": "pb_vote", "title": "Vote", "planned_minutes": "10"}
    response = client.post(url, data=base)
    assert response.status_code == 400
    assert "Choose the participatory budgeting round the room votes in" in response.get_data(
        as_text=True
    )
    response = client.post(url, data={**base, "pb_round_id": str(open_for_ideas["id"])})
    assert response.status_code == 422
    assert "whose voting is open" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Round).where(Round.kind == "pb_vote")) is None
    # another kind of round is never linked, whatever the form says
    response = client.post(url, data={**base, "kind": "briefing", "pb_round_id": str(voting["id"])})
    assert response.status_code == 302
    with app.app_context():
        added = db.session.scalar(select(Round).order_by(Round.id.desc()))
        assert added.kind == "briefing" and added.pb_round_id is None


def test_a_juror_votes_in_the_room_sees_it_counted_and_can_change_it(room, connect):
    ada, ben = room.jurors[0], room.jurors[1]
    # not the current round yet: no ballot on the page, and a post is refused
    assert 'id="pb-vote-form"' not in ada.get(room.page).get_data(as_text=True)
    response = ada.post(room.vote_url, data=room.choose("Climbing wall"))
    assert response.status_code == 409 and "not the current round" in response.get_data(
        as_text=True
    )
    assert room.ballots() == []

    room.go_to(room.round_id)
    console = connect(room.session_id, email=room.facilitator_email)
    page = ada.get(room.page).get_data(as_text=True)
    assert 'id="pb-vote-form"' in page and "Which projects should be funded?" in page
    assert "Cast my vote" in page and "Your vote counted" not in page
    response = ada.post(room.vote_url, data=room.choose("Climbing wall", "Pitch drainage"))
    assert response.status_code == 302 and response.headers["Location"].endswith("#pb-vote")
    page = ada.get(room.page).get_data(as_text=True)
    assert "Your vote counted" in page and "Change my vote" in page
    assert "<li>Pitch drainage</li>" in page and "<li>Climbing wall</li>" in page
    ids = room.pb["proposals"]
    assert room.ballots() == [
        ("live", room.member_ids[0], sorted([ids["Climbing wall"], ids["Pitch drainage"]]))
    ]
    counts = received(console, "pb_count")
    assert [(e["round_id"], e["count"]) for e in counts] == [(room.round_id, 1)]

    # changed: still one ballot, the new choices; the count does not move
    response = ada.post(room.vote_url, data=room.choose("Skate park lights"))
    assert response.status_code == 302
    assert room.ballots() == [("live", room.member_ids[0], [ids["Skate park lights"]])]
    assert received(console, "pb_count") == []
    page = ada.get(room.page).get_data(as_text=True)
    assert f'value="{ids["Skate park lights"]}" data-cost="6000" checked' in page

    # a second juror: a second ballot, and the console's count
    assert ben.post(room.vote_url, data=room.choose("Climbing wall")).status_code == 302
    assert [e["count"] for e in received(console, "pb_count")] == [2]
    console_page = room.facilitator.get(f"{room.page}/console").get_data(as_text=True)
    assert '<span class="govuk-!-font-weight-bold" id="pb-count">2</span>' in console_page
    assert "No results until the round is counted" in console_page
    assert "Climbing wall" not in console_page  # how anyone voted is never shown


def test_a_ballot_the_pb_round_does_not_allow_is_refused_and_the_choices_kept(room):
    room.go_to(room.round_id)
    ada = room.jurors[0]
    too_many = room.choose(
        "Climbing wall", "Pitch drainage", "Skate park lights", "Youth music studio"
    )
    response = ada.post(room.vote_url, data=too_many)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose no more than 3 projects" in page and "govuk-error-summary" in page
    assert page.count(" checked") == 4  # what was ticked comes back
    response = ada.post(room.vote_url, data={"choices": ["999999"]})
    assert response.status_code == 422 and "not a project on this ballot" in response.get_data(
        as_text=True
    )
    assert room.ballots() == []


def test_refused_once_the_pb_round_closes_the_round_moves_on_or_the_session_ends(room, officers):
    room.go_to(room.round_id)
    ada, ben, cleo = room.jurors
    assert ada.post(room.vote_url, data=room.choose("Climbing wall")).status_code == 302
    # the room moves on: the ballot stays, no more changes
    first_round = room.staff(lambda s, actor: s.rounds[0].id)
    room.go_to(first_round)
    response = ben.post(room.vote_url, data=room.choose("Climbing wall"))
    assert response.status_code == 409
    assert 'id="pb-vote-form"' not in ben.get(room.page).get_data(as_text=True)
    # back to the vote, but the PB round's voting has closed
    room.go_to(room.round_id)
    _officer_act(
        room, officers[0]["email"], lambda r, actor: services.advance_phase(r, actor=actor)
    )
    response = ben.post(room.vote_url, data=room.choose("Climbing wall"))
    assert response.status_code == 409 and "Voting has closed" in response.get_data(as_text=True)
    page = ada.get(room.page).get_data(as_text=True)
    assert "Voting in this round has closed: your vote above is counted" in page
    assert 'id="pb-vote-form"' not in page
    # the session ends
    room.staff(lambda s, actor: rounds.control(s, "end", actor=actor))
    assert cleo.post(room.vote_url, data=room.choose("Climbing wall")).status_code == 409
    assert [(c, m) for c, m, _ in room.ballots()] == [("live", room.member_ids[0])]


def test_only_jurors_of_the_session_vote_and_a_round_of_another_session_is_not_found(
    room, app, make_live_session, sign_in
):
    room.go_to(room.round_id)
    other = make_live_session(jurors=1, start=True)
    outsider = app.test_client()
    sign_in(outsider, code=other.members[0][1])
    assert outsider.post(room.vote_url, data=room.choose("Climbing wall")).status_code == 403
    # the facilitator is no juror
    response = room.facilitator.post(room.vote_url, data=room.choose("Climbing wall"))
    assert response.status_code == 403 and room.ballots() == []
    # a round of another session under this session's address
    wrong = f"{room.page}/pb-vote/{other.round_ids[0]}"
    assert room.jurors[0].post(wrong, data=room.choose("Climbing wall")).status_code == 404
    # a round of this session that is no PB vote
    wrong = f"{room.page}/pb-vote/{room.staff(lambda s, a: s.rounds[0].id)}"
    assert room.jurors[0].post(wrong, data=room.choose("Climbing wall")).status_code == 404
    assert room.ballots() == []


def test_live_ballots_count_in_the_result_and_the_pabulib_file(room, officers, officer_client):
    room.go_to(room.round_id)
    for juror in room.jurors:
        response = juror.post(room.vote_url, data=room.choose("Climbing wall", "Pitch drainage"))
        assert response.status_code == 302
    # and one online ballot by voting code
    slug = room.pb["slug"]

    def online(pb_round: PBRound, actor: User) -> None:
        code = services.voter_code(pb_round, room.pb["codes"][0])
        services.cast_ballot(pb_round, code, [room.pb["proposals"]["Skate park lights"]])

    _officer_act(room, officers[0]["email"], online)
    channels = sorted(c for c, _, _ in room.ballots())
    assert channels == ["live", "live", "live", "online"]

    def close_and_count(pb_round: PBRound, actor: User) -> dict[str, Any]:
        services.advance_phase(pb_round, actor=actor)
        return counting.count_round(pb_round, actor=actor)

    result = _officer_act(room, officers[0]["email"], close_and_count)
    ids = room.pb["proposals"]
    selected = {int(p) for p in result["selected"]}
    assert {ids["Climbing wall"], ids["Pitch drainage"]} <= selected
    text = officer_client.get(f"/pb/{slug}/ballots.pb").get_data(as_text=True)
    votes = text.split("VOTES")[1].strip().splitlines()[1:]
    assert len(votes) == 4
    pair = ",".join(sorted([str(ids["Climbing wall"]), str(ids["Pitch drainage"])], key=int))
    assert sum(pair in line for line in votes) == 3

    page = officer_client.get(f"/pb/{slug}/results").get_data(as_text=True)
    assert "3 in the room at live sessions" in page
    console_page = room.facilitator.get(f"{room.page}/console").get_data(as_text=True)
    assert "Read the results of" in console_page
