"""The juror page without JavaScript: every juror action is a plain form that posts to a
route calling the same service as the socket (same rules, idempotent client ids, the
same broadcasts). Ballots in each kind of poll, changed and resubmitted; bad ballots
refused with the entered values kept; closed and revealed polls; amendments, final votes,
minority reports and signatures; ideas, notes, reflections and lowering a hand; outsiders
refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from consult.extensions import db
from consult.live import decisions, outbox, polls
from consult.models import (
    Amendment,
    Ballot,
    Contribution,
    HandRaise,
    JurySession,
    MinorityReport,
    MinorityReportSignature,
    Recommendation,
    RecommendationVote,
    User,
)
from tests.live.conftest import received

OPTIONS = ["Buses", "Trams", "Bikes"]

CATALOGUE = re.compile(r'<script type="application/json" id="consult-strings">.*?</script>', re.S)


@dataclass
class Room:
    """A running session with two signed-in jurors (`ada`, `ben`) and a way to act as its
    facilitator through the services (`staff(lambda session, actor: ...)`)."""

    app: Flask
    session_id: int
    ada: FlaskClient
    ben: FlaskClient
    staff: Callable[[Callable[[JurySession, User], Any]], Any]
    facilitator_email: str

    @property
    def page(self) -> str:
        return f"/live/sessions/{self.session_id}"

    def html(self, client: FlaskClient) -> str:
        """The page as drawn, without the scripts' string catalogue (every sentence the
        scripts may show, in the page's language, embedded as JSON data)."""
        response = client.get(self.page)
        assert response.status_code == 200
        return CATALOGUE.sub("", response.get_data(as_text=True))

    def count(self, model: type, *where: Any) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def room(app, make_live_session, sign_in) -> Room:
    setup = make_live_session(jurors=2, start=True)

    def staff(work: Callable[[JurySession, User], Any]) -> Any:
        with app.app_context():
            actor = db.session.scalar(select(User).where(User.email == setup.facilitator_email))
            result = work(db.session.get(JurySession, setup.session_id), actor)
            db.session.commit()
            outbox.discard_outbox()
            return result

    clients = []
    for _, code in setup.members:
        client = app.test_client()
        sign_in(client, code=code)
        clients.append(client)
    return Room(app, setup.session_id, *clients, staff, setup.facilitator_email)


def _poll(room: Room, kind: str, *, status: str = "open") -> dict[str, Any]:
    """A poll of `kind` with three options (or two statements), opened; its id, statement
    ids and option values."""

    def create(jury_session: JurySession, actor: User) -> dict[str, Any]:
        poll = polls.create_poll(
            jury_session,
            actor=actor,
            kind=kind,
            question=f"What about {kind}?",
            options=OPTIONS if kind != "agree_disagree" else [],
            statements=["More buses", "Fewer cars"] if kind == "agree_disagree" else [],
            dots_per_member=5,
            budget_total=100,
        )
        if status != "draft":
            polls.set_poll_status(jury_session, poll.id, "open", actor=actor)
        return {"id": poll.id, "statements": [s.id for s in poll.statements]}

    return room.staff(create)


def _poll_action(room: Room, poll_id: int, action: str) -> None:
    room.staff(lambda s, actor: polls.set_poll_status(s, poll_id, action, actor=actor))


def _recommendation(room: Room, *, vote_open: bool = False) -> int:
    def create(jury_session: JurySession, actor: User) -> int:
        recommendation, _ = decisions.create_recommendation(
            jury_session,
            actor=actor,
            title="Evening buses",
            text="Run buses every 20 minutes until midnight.",
            client_id="rec-1",
            quorum=1,
        )
        if vote_open:
            decisions.set_recommendation_status(
                jury_session, recommendation.id, "open_vote", actor=actor
            )
        return recommendation.id

    return room.staff(create)


def _ballots(room: Room, poll_id: int) -> list[Any]:
    with room.app.app_context():
        return list(db.session.scalars(select(Ballot.value).where(Ballot.poll_id == poll_id)))


def _field_value(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}"[^>]*value="([^"]*)"', html)
    assert match, f"no field {field_id}"
    return match.group(1)


def _checked(html: str, field_id: str) -> bool:
    match = re.search(rf'<input[^>]*id="{re.escape(field_id)}"[^>]*>', html)
    assert match, f"no field {field_id}"
    return " checked" in match.group(0)


# --------------------------------------------------------------------------- ballots

BALLOTS: dict[str, tuple[Callable[[dict[str, Any]], dict[str, str]], Callable[..., Any]]] = {
    "agree_disagree": (
        lambda p: {f"statement-{p['statements'][0]}": "1", f"statement-{p['statements'][1]}": "-1"},
        lambda p: {str(p["statements"][0]): 1, str(p["statements"][1]): -1},
    ),
    "single_choice": (lambda p: {"choice": "o2"}, lambda p: "o2"),
    "ranking": (
        lambda p: {"rank-o1": "2", "rank-o2": "", "rank-o3": "1"},
        lambda p: ["o3", "o1"],
    ),
    "dots": (lambda p: {"amount-o1": "3", "amount-o3": "2"}, lambda p: {"o1": 3, "o3": 2}),
    "budget": (
        lambda p: {"amount-o1": "62.5", "amount-o2": " 37.50 "},
        lambda p: {"o1": 62.5, "o2": 37.5},
    ),
}


@pytest.mark.parametrize("kind", list(BALLOTS))
def test_juror_votes_in_each_kind_of_poll_without_javascript(room, kind):
    poll = _poll(room, kind)
    fields, stored = BALLOTS[kind]
    html = room.html(room.ada)
    assert f'action="{room.page}/polls/{poll["id"]}/ballot"' in html
    assert "Send my vote" in html
    response = room.ada.post(
        f"{room.page}/polls/{poll['id']}/ballot", data={**fields(poll), "client_id": "form-1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{room.page}#poll-{poll['id']}")
    assert _ballots(room, poll["id"]) == [stored(poll)]
    # the page shows the ballot in the form, ready to change
    html = room.html(room.ada)
    assert "Your vote is recorded. You can change it until the poll closes." in html
    assert "Change my vote" in html
    for name, value in fields(poll).items():
        if name.startswith("statement-"):
            suffix = {"1": "agree", "-1": "disagree", "0": "pass"}[value]
            assert _checked(html, f"poll-{poll['id']}-{name}-{suffix}")
        elif name == "choice":
            assert _checked(html, f"poll-{poll['id']}-choice-{value}")
        else:
            shown = _field_value(html, f"poll-{poll['id']}-{name}")
            assert shown == (value.strip().rstrip("0").rstrip(".") if value.strip() else "")


def test_number_fields_have_fieldsets_legends_and_hints_with_the_limits(room):
    ranking, dots, budget = (_poll(room, kind) for kind in ("ranking", "dots", "budget"))
    html = room.html(room.ada)
    assert "Rank the options" in html and "and so on, up to 3." in html
    assert "You have 5 dots. Put 0 or more on each option, 5 at most in total." in html
    assert "Split 100 between the options, 100 at most in total." in html
    for poll, name in ((ranking, "rank"), (dots, "amount"), (budget, "amount")):
        field = f"poll-{poll['id']}-{name}-o1"
        assert f'<label class="govuk-label" for="{field}">Buses</label>' in html
        assert f'aria-describedby="poll-{poll["id"]}-hint"' in html
        assert re.search(rf'id="{field}"[^>]*inputmode="(numeric|decimal)"', html)


def test_changing_a_ballot_replaces_it_and_resubmitting_the_page_changes_nothing(room):
    poll = _poll(room, "single_choice")
    url = f"{room.page}/polls/{poll['id']}/ballot"
    assert room.ada.post(url, data={"choice": "o1", "client_id": "form-a"}).status_code == 302
    assert room.ada.post(url, data={"choice": "o3", "client_id": "form-b"}).status_code == 302
    assert _ballots(room, poll["id"]) == ["o3"]
    # the same page submitted again (same client id): the first answer stands, no error
    assert room.ada.post(url, data={"choice": "o3", "client_id": "form-b"}).status_code == 302
    assert room.ben.post(url, data={"choice": "o2", "client_id": "form-c"}).status_code == 302
    assert sorted(_ballots(room, poll["id"])) == ["o2", "o3"]


BAD_BALLOTS = [
    ("agree_disagree", {}, "Choose agree, disagree or pass for at least one statement."),
    ("single_choice", {}, "Choose one option."),
    ("single_choice", {"choice": "o9"}, "That ballot does not fit this poll."),
    ("ranking", {"rank-o1": "1", "rank-o2": "1"}, "Give each option a different number."),
    ("ranking", {"rank-o1": "first"}, "Enter a number from 1 to 3 for Buses."),
    ("ranking", {"rank-o2": "4"}, "Enter a number from 1 to 3 for Trams."),
    ("dots", {"amount-o1": "4", "amount-o2": "2"}, "Use at most 5 in total."),
    ("dots", {"amount-o1": "1.5"}, "Enter a whole number of dots for Buses, like 2."),
    ("dots", {"amount-o1": "0"}, "Put at least one dot on an option."),
    ("budget", {"amount-o2": "-5"}, "Enter an amount for Trams, like 25 or 12.50."),
    ("budget", {"amount-o1": "80", "amount-o3": "20.01"}, "Use at most 100 in total."),
]


@pytest.mark.parametrize(("kind", "fields", "message"), BAD_BALLOTS)
def test_bad_ballot_is_refused_with_a_message_and_stores_nothing(room, kind, fields, message):
    poll = _poll(room, kind)
    response = room.ada.post(f"{room.page}/polls/{poll['id']}/ballot", data=fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and message in html
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    for name, value in fields.items():  # what the juror entered is still there
        if name.startswith("rank-") or name.startswith("amount-"):
            assert _field_value(html, f"poll-{poll['id']}-{name}") == value
    link = re.search(r'govuk-error-summary__list">\s*<li><a href="#([^"]+)"', html)
    assert link and f'id="{link.group(1)}"' in html  # the summary links to a real field
    assert _ballots(room, poll["id"]) == []


def test_closed_poll_refuses_ballots_and_shows_results_only_once_revealed(room):
    poll = _poll(room, "single_choice")
    url = f"{room.page}/polls/{poll['id']}/ballot"
    room.ada.post(url, data={"choice": "o2", "client_id": "form-1"})
    _poll_action(room, poll["id"], "close")
    late = room.ben.post(url, data={"choice": "o1", "client_id": "form-2"})
    assert late.status_code == 409
    assert "This poll is not open for votes." in late.get_data(as_text=True)
    assert _ballots(room, poll["id"]) == ["o2"]
    html = room.html(room.ben)
    assert "Voting has closed. The results have not been revealed yet." in html
    assert f'id="poll-{poll["id"]}-form"' not in html and "Votes per option" not in html
    _poll_action(room, poll["id"], "reveal")
    html = room.html(room.ben)
    assert "The results have not been revealed yet" not in html
    assert "1 ballot<" in html and ">Votes per option</h4>" in html
    assert re.search(r"Trams: <strong>1</strong>", html)


def test_revealed_agree_disagree_poll_shows_votes_per_statement(room):
    poll = _poll(room, "agree_disagree")
    for client, vote in ((room.ada, "1"), (room.ben, "0")):
        client.post(
            f"{room.page}/polls/{poll['id']}/ballot",
            data={f"statement-{poll['statements'][0]}": vote},
        )
    _poll_action(room, poll["id"], "reveal")
    html = room.html(room.ada)
    assert "Votes per statement" in html and "2 ballots" in html
    assert re.search(
        r">More buses</p>.*?>Agree 1 \(50%\)<.*?>Disagree 0 \(0%\)<.*?>Pass 1<", html, re.DOTALL
    )


def test_draft_poll_is_not_shown_and_cannot_be_voted_in(room):
    poll = _poll(room, "single_choice", status="draft")
    assert "What about single_choice?" not in room.html(room.ada)
    refused = room.ada.post(f"{room.page}/polls/{poll['id']}/ballot", data={"choice": "o1"})
    assert refused.status_code == 409
    assert _ballots(room, poll["id"]) == []


def test_no_javascript_ballot_and_amendment_reach_the_console_like_socket_ones(room, connect):
    poll = _poll(room, "single_choice")
    recommendation_id = _recommendation(room)
    console = connect(room.session_id, email=room.facilitator_email)
    room.ada.post(f"{room.page}/polls/{poll['id']}/ballot", data={"choice": "o1"})
    [tally] = received(console, "poll_tally")
    assert tally["ballots"] == 1
    room.ada.post(
        f"{room.page}/recommendations/{recommendation_id}/amendments",
        data={"text": "Until 1am.", "client_id": "form-am"},
    )
    [changed] = received(console, "recommendation_changed")
    assert changed["amendments"][0]["text"] == "Until 1am." and changed["seq"]


# --------------------------------------------------------------------------- outsiders


def test_juror_of_another_jury_cannot_post_to_the_session(room, make_panel_member, sign_in):
    poll = _poll(room, "single_choice")
    recommendation_id = _recommendation(room)
    _, code = make_panel_member(name="Outsider")
    outsider = room.app.test_client()
    sign_in(outsider, code=code)
    posts = {
        f"polls/{poll['id']}/ballot": {"choice": "o1"},
        "ideas": {"text": "Mine"},
        "reflections": {"text": "Mine"},
        f"recommendations/{recommendation_id}/amendments": {"text": "Mine"},
        f"recommendations/{recommendation_id}/minority-reports": {"text": "Mine"},
        "hand": {},
    }
    for path, data in posts.items():
        response = outsider.post(f"{room.page}/{path}", data=data)
        assert response.status_code == 403, path
        assert "Evening buses" not in response.get_data(as_text=True)
    assert _ballots(room, poll["id"]) == []
    assert room.count(Contribution) == 0 and room.count(Amendment) == 0


def test_poll_of_another_session_is_not_found(room, make_live_session):
    other = make_live_session(jurors=1, start=True)
    with room.app.app_context():
        actor = db.session.scalar(select(User).where(User.email == other.facilitator_email))
        poll = polls.create_poll(
            db.session.get(JurySession, other.session_id),
            actor=actor,
            kind="single_choice",
            question="Elsewhere?",
            options=OPTIONS,
        )
        db.session.commit()
        outbox.discard_outbox()
        poll_id = poll.id
    response = room.ada.post(f"{room.page}/polls/{poll_id}/ballot", data={"choice": "o1"})
    assert response.status_code == 404


# --------------------------------------------------------------------------- recommendations


def test_juror_amends_votes_and_writes_and_signs_minority_reports_without_javascript(room):
    recommendation_id = _recommendation(room)
    base = f"{room.page}/recommendations/{recommendation_id}"
    html = room.html(room.ada)
    assert f'action="{base}/amendments"' in html and f'id="rec-{recommendation_id}-amend"' in html
    assert f'id="rec-{recommendation_id}-vote-form"' not in html  # no vote while drafting
    proposed = room.ada.post(
        f"{base}/amendments",
        data={"text": "Every 15 minutes.", "rationale": "Shifts", "client_id": "form-am"},
    )
    assert proposed.status_code == 302 and proposed.headers["Location"].endswith(
        f"#rec-{recommendation_id}"
    )
    early = room.ada.post(f"{base}/vote", data={"choice": "support", "client_id": "form-v0"})
    assert early.status_code == 409
    assert "The vote on this recommendation is not open." in early.get_data(as_text=True)

    room.staff(
        lambda s, actor: decisions.set_recommendation_status(
            s, recommendation_id, "open_vote", actor=actor
        )
    )
    html = room.html(room.ada)
    assert "Every 15 minutes. — Ada (proposed)" in html
    assert f'id="rec-{recommendation_id}-amend"' not in html  # amendments closed
    assert "Your vote (80% support needed)" in html
    for choice, client_id in (("support", "form-v1"), ("oppose", "form-v2")):
        voted = room.ada.post(f"{base}/vote", data={"choice": choice, "client_id": client_id})
        assert voted.status_code == 302
    with room.app.app_context():
        assert db.session.scalars(select(RecommendationVote.choice)).all() == ["oppose"]
    assert _checked(room.html(room.ada), f"rec-{recommendation_id}-vote-oppose")
    no_choice = room.ben.post(f"{base}/vote", data={"client_id": "form-v3"})
    assert no_choice.status_code == 422
    assert "Choose support, oppose or abstain." in no_choice.get_data(as_text=True)

    written = room.ada.post(
        f"{base}/minority-reports", data={"text": "Buses are not enough.", "client_id": "form-m"}
    )
    assert written.status_code == 302
    with room.app.app_context():
        report_id = db.session.scalar(select(MinorityReport.id))
    html = room.html(room.ben)
    assert "Buses are not enough." in html and "1 signature." in html
    assert f'action="{room.page}/minority-reports/{report_id}/signatures"' in html
    for _ in range(2):  # signing twice changes nothing
        signed = room.ben.post(f"{room.page}/minority-reports/{report_id}/signatures")
        assert signed.status_code == 302
    assert room.count(MinorityReportSignature) == 2
    html = room.html(room.ben)
    assert "2 signatures." in html and f"/minority-reports/{report_id}/signatures" not in html


def test_refused_amendment_is_shown_again_with_what_the_juror_typed(room):
    recommendation_id = _recommendation(room)
    url = f"{room.page}/recommendations/{recommendation_id}/amendments"
    draft = "Run them all night. " * 260  # over 5,000 characters
    response = room.ada.post(url, data={"text": draft, "rationale": "Night shifts"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = f"rec-{recommendation_id}-amend"
    assert "Keep it under 5000 characters." in html
    assert f'<a href="#{field}">' in html and f'id="{field}-error"' in html
    assert draft.strip() in html and ">Night shifts</textarea>" in html
    assert room.count(Amendment) == 0
    empty = room.ada.post(url, data={"text": "  "})
    assert empty.status_code == 422 and "Enter some text." in empty.get_data(as_text=True)


def test_refused_minority_report_opens_its_details_again(room):
    recommendation_id = _recommendation(room)
    response = room.ada.post(
        f"{room.page}/recommendations/{recommendation_id}/minority-reports", data={"text": ""}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="rec-{recommendation_id}-minority-details" open' in html


def test_withdrawn_recommendation_offers_no_forms(room):
    recommendation_id = _recommendation(room)
    room.staff(
        lambda s, actor: decisions.set_recommendation_status(
            s, recommendation_id, "withdraw", actor=actor
        )
    )
    html = room.html(room.ada)
    assert "Withdrawn" in html and f"/recommendations/{recommendation_id}/" not in html


# --------------------------------------------------------------------------- contributions


CONTRIBUTIONS = [
    ("ideas", "idea"),
    ("reflections", "reflection"),
]


@pytest.mark.parametrize(("path", "kind"), CONTRIBUTIONS)
def test_contribution_form_posts_once_per_page(room, path, kind):
    url = f"{room.page}/{path}"
    for _ in range(2):  # a double submit of the same page
        response = room.ada.post(url, data={"text": f"My {kind}", "client_id": "form-x"})
        assert response.status_code == 302
    with room.app.app_context():
        rows = db.session.scalars(select(Contribution).where(Contribution.kind == kind)).all()
        assert [(row.text, row.client_id) for row in rows] == [(f"My {kind}", "form-x")]


def test_amendment_and_minority_report_post_once_per_page(room):
    recommendation_id = _recommendation(room)
    base = f"{room.page}/recommendations/{recommendation_id}"
    for _ in range(2):
        room.ada.post(f"{base}/amendments", data={"text": "Later", "client_id": "form-a"})
        room.ada.post(f"{base}/minority-reports", data={"text": "No", "client_id": "form-m"})
    assert room.count(Amendment) == 1 and room.count(MinorityReport) == 1


def test_idea_reflection_and_note_need_text_and_keep_it_when_refused(room):
    refused = room.ada.post(f"{room.page}/ideas", data={"text": ""})
    assert refused.status_code == 422 and '<a href="#idea-text">Enter some text.' in (
        refused.get_data(as_text=True)
    )
    note = room.ada.post(f"{room.page}/notes", data={"text": "We agreed on buses"})
    assert note.status_code == 403  # Ada is not her table's scribe
    html = note.get_data(as_text=True)
    assert "Only your table&#39;s scribe can take notes." in html
    assert ">We agreed on buses</textarea>" in html
    assert room.count(Contribution) == 0


def test_idea_is_added_and_shown_and_reflection_reaches_only_staff(room):
    room.ada.post(f"{room.page}/ideas", data={"text": "Free buses on Sundays"})
    room.ada.post(f"{room.page}/reflections", data={"text": "I feel heard"})
    html = room.html(room.ben)
    assert "Free buses on Sundays" in html and "I feel heard" not in html
    assert room.count(Contribution, Contribution.kind == "reflection") == 1


def test_juror_raises_and_lowers_a_hand_without_javascript(room):
    assert room.ada.post(f"{room.page}/hand", data={"scope": "room"}).status_code == 302
    html = room.html(room.ada)
    assert "Lower my hand" in html and f'action="{room.page}/hand/lower"' in html
    with room.app.app_context():
        hand_id = db.session.scalar(select(HandRaise.id))
    assert _field_value(html, "hand-id") == str(hand_id)
    lowered = room.ada.post(f"{room.page}/hand/lower", data={"hand_id": str(hand_id)})
    assert lowered.status_code == 302
    with room.app.app_context():
        assert db.session.get(HandRaise, hand_id).lowered_at is not None
    html = room.html(room.ada)
    assert "Your hand is lowered." in html and "Raise my hand" in html
    # Ben cannot lower Ada's hand, and a form with no hand says so
    room.ada.post(f"{room.page}/hand")
    with room.app.app_context():
        hand_id = db.session.scalar(select(HandRaise.id).where(HandRaise.lowered_at.is_(None)))
    room.ben.post(f"{room.page}/hand/lower", data={"hand_id": str(hand_id)})
    assert "You cannot lower someone else&#39;s hand." in room.html(room.ben)
    room.ben.post(f"{room.page}/hand/lower", data={"hand_id": ""})
    assert "Your hand is not raised." in room.html(room.ben)
    assert room.count(HandRaise, HandRaise.lowered_at.is_(None)) == 1


def test_juror_page_has_a_form_for_every_action(room):
    _poll(room, "agree_disagree")
    _recommendation(room)
    html = room.html(room.ada)
    for form_id in ("hand-form", "room-chat-form", "idea-form", "reflection-form"):
        form = re.search(rf'<form method="post" action="[^"]+" id="{form_id}"', html)
        assert form, form_id
    assert html.count('name="client_id"') >= 6
    assert "<legend" in html and 'type="radio"' in html
    with room.app.app_context():
        recommendation_id = db.session.scalar(select(Recommendation.id))
    for form_id in ("amend-form", "minority-form"):
        assert f'id="rec-{recommendation_id}-{form_id}"' in html


class TestRateLimits:
    """The forms are limited per juror, as the socket is, not per address: a room of
    phones on the venue's wifi shares one address."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True}

    def test_one_jurors_burst_does_not_stop_another_on_the_same_address(self, room):
        url = f"{room.page}/hand"
        statuses = [room.ada.post(url).status_code for _ in range(61)]
        assert statuses[:60] == [302] * 60 and statuses[60] == 429
        assert room.ben.post(url).status_code == 302
