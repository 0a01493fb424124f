"""The edges people touch in a live session, as the server draws them (issue 15, items
1-6): ending asks first and an ended session tells jurors so (after a reload too, with
every action disabled); the console shows only the controls that apply; opinion groups
only when they cannot expose anyone; jurors see why a recommendation passed or not;
rounds have juror instructions apart from the facilitator's script; chat times, the
empty speaking queue and the welcome line read properly; the demo's three days each
have their own agenda."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from consult.extensions import db
from consult.live import decisions, floor, opinion_map, outbox
from consult.models import JurySession, Poll, PollStatement, Round, User
from tests.conftest import DEFAULT_PASSWORD, LiveSetup


class Room:
    """A session with its facilitator and jurors signed in as test clients."""

    def __init__(self, app: Flask, setup: LiveSetup, sign_in: Callable[..., None]) -> None:
        self.app, self.setup = app, setup
        self.staff = app.test_client()
        sign_in(self.staff, email=setup.facilitator_email, password=DEFAULT_PASSWORD)
        self.jurors: list[FlaskClient] = []
        for _, code in setup.members:
            client = app.test_client()
            sign_in(client, code=code)
            self.jurors.append(client)

    @property
    def page(self) -> str:
        return f"/live/sessions/{self.setup.session_id}"

    def html(self, client: FlaskClient, path: str = "") -> str:
        response = client.get(self.page + path)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def act(self, work: Callable[[JurySession, User], Any]) -> Any:
        """Run `work` as the facilitator through the services, and commit."""
        with self.app.app_context():
            actor = db.session.scalar(
                select(User).where(User.email == self.setup.facilitator_email)
            )
            result = work(db.session.get(JurySession, self.setup.session_id), actor)
            db.session.commit()
            outbox.discard_outbox()
            return result

    def status(self) -> str:
        with self.app.app_context():
            return db.session.get(JurySession, self.setup.session_id).status


@pytest.fixture
def make_room(app, make_live_session, sign_in) -> Callable[..., Room]:
    def make(**options: Any) -> Room:
        return Room(app, make_live_session(**options), sign_in)

    return make


def _buttons(html: str) -> list[str]:
    start = html.index('id="controls"')
    end = html.index("Edit the agenda")
    return re.findall(r"<button[^>]*>([^<]+)</button>", html[start:end])


# ----------------------------------------------------------------------------- item 1


def test_ending_a_session_asks_first_and_only_the_confirmation_ends_it(make_room):
    room = make_room(start=True)
    console = room.html(room.staff, "/console")
    assert 'value="end"' not in console  # no "End session" button beside "Next round"
    assert f'href="{room.page}/end"' in console

    unconfirmed = room.staff.post(f"{room.page}/control", data={"action": "end"})
    assert unconfirmed.status_code == 302 and unconfirmed.location.endswith(f"{room.page}/end")
    assert room.status() == "live"

    page = room.html(room.staff, "/end")
    assert "Are you sure you want to end the session?" in page
    assert "Still open" not in page
    room.act(
        lambda s, actor: decisions.set_recommendation_status(
            s,
            decisions.create_recommendation(
                s, actor=actor, title="Buses", text="More.", client_id="r9", quorum=1
            )[0].id,
            "open_vote",
            actor=actor,
        )
    )
    page = room.html(room.staff, "/end")
    assert "Still open:</strong> 1 final vote. Close it first if you want the result" in page
    assert "You cannot start it again." in page
    assert 'name="confirm" value="yes"' in page

    ended = room.staff.post(f"{room.page}/control", data={"action": "end", "confirm": "yes"})
    assert ended.status_code == 302 and room.status() == "ended"
    console = room.html(room.staff, "/console")
    assert "The session has ended. Nothing more can be added to it." in console
    assert not _buttons(console)  # no control applies any more
    assert room.staff.get(f"{room.page}/end").status_code == 302  # nothing left to confirm


def test_an_ended_session_tells_jurors_what_happens_next_with_actions_disabled(make_room):
    room = make_room(start=True)
    room.act(
        lambda s, actor: floor.add_contribution(
            s, kind="announcement", text="Ten minutes left", client_id="a1", actor=actor
        )
    )
    room.staff.post(f"{room.page}/control", data={"action": "end", "confirm": "yes"})
    html = room.html(room.jurors[0])  # a reload draws the same
    assert '<h1 class="govuk-heading-l" id="round-title">This session has ended</h1>' in html
    assert "What happens next" in html and "the jury's public page</a>" in html
    assert re.search(r'<div class="consult-ended" id="session-ended">', html)  # not hidden
    assert re.search(r'<div id="round-live" hidden>', html)  # no frozen timer or round
    assert re.search(r'id="announcement" hidden', html)  # no stale announcement
    assert re.search(r'<fieldset class="consult-actions" id="juror-actions" disabled>', html)
    assert 'data-session-status="ended"' in html

    # posted without JavaScript anyway, the refusal is shown on the page
    refused = room.jurors[0].post(f"{room.page}/hand", follow_redirects=True)
    assert "The session is not running." in refused.get_data(as_text=True)


def test_a_running_session_shows_jurors_its_round_and_working_actions(make_room):
    room = make_room(start=True)
    html = room.html(room.jurors[0])
    assert '<div class="consult-ended" id="session-ended" hidden>' in html
    assert '<fieldset class="consult-actions" id="juror-actions">' in html
    assert "Welcome and evidence</h1>" in html


# ----------------------------------------------------------------------------- item 2


def test_console_shows_only_the_controls_that_apply(make_room):
    room = make_room()
    assert _buttons(room.html(room.staff, "/console")) == ["Start session"]

    room.staff.post(f"{room.page}/control", data={"action": "start"})
    live = room.html(room.staff, "/console")
    assert _buttons(live) == ["Pause", "Add 5 minutes", "Next round", "Go to round"]
    assert '<label class="govuk-label" for="jump-round">Jump to round</label>' in live
    assert "End the session</a>" in live

    room.staff.post(f"{room.page}/control", data={"action": "pause"})
    paused = room.html(room.staff, "/console")
    assert _buttons(paused) == ["Resume", "Add 5 minutes", "Next round", "Go to round"]

    last = room.setup.round_ids[-1]
    moved = room.staff.post(f"{room.page}/control", data={"action": "go_to", "round_id": last})
    assert moved.status_code == 302
    at_end = room.html(room.staff, "/console")
    assert _buttons(at_end) == ["Pause", "Add 5 minutes", "Previous round", "Go to round"]
    assert re.search(rf'<option value="{last}" selected>8\. Reflection</option>', at_end)


def test_console_puts_the_current_round_kind_first_and_says_when_the_gallery_is_closed(
    make_room,
):
    room = make_room(start=True)
    poll_round = room.setup.round_ids[3]  # "Where do we stand?", a poll round
    room.staff.post(f"{room.page}/control", data={"action": "go_to", "round_id": poll_round})
    html = room.html(room.staff, "/console")
    order = re.findall(r'<section id="panel-(\w+)"', html)
    assert order == ["polls", "queue", "room", "ideas", "recommendations"]
    assert re.search(r'Gallery:\s*<span id="gallery-link">closed \(the public cannot', html)
    assert f'href="{room.page}/gallery"' not in html

    room.staff.post(f"{room.page}/control", data={"action": "gallery_open"})
    assert f'<a class="govuk-link" href="{room.page}/gallery">public view</a>' in room.html(
        room.staff, "/console"
    )


# ----------------------------------------------------------------------------- item 4


def _agree_poll(app: Flask, statements: int = 3) -> Poll:
    poll = Poll(id=9_000 + statements, kind="agree_disagree", question="Q", status="closed")
    for position in range(statements):
        poll.statements.append(
            PollStatement(id=position + 1, position=position, text=f"S{position}")
        )
    return poll


def _votes(people: int, split: int) -> list[tuple[str, str, int]]:
    """`people` voters on three statements: the first `split` agree with the first two and
    disagree with the third, the rest the other way round."""
    return [
        (f"p{n}", str(j + 1), (1 if n < split else -1) * (1 if j < 2 else -1))
        for n in range(people)
        for j in range(3)
    ]


def test_opinion_groups_wait_for_enough_voters_and_groups_of_three(app):
    with app.app_context():
        poll = _agree_poll(app)
        few = opinion_map.opinion_map(poll, _votes(3, 2))
        assert few["available"] is False and few["groups"] == [] and few["points"] == []
        assert few["min_voters"] == 6 and few["voters"] == 3

        # six voters, but split 4 and 2: the group of two is never shown
        lopsided = opinion_map.opinion_map(poll, _votes(6, 4))
        assert all(group["size"] >= 3 for group in lopsided["groups"])

        app.config["LIVE_OPINION_MIN_GROUP_SIZE"] = 1  # cannot go below three
        assert opinion_map.thresholds() == (6, 3)
        app.config["LIVE_OPINION_MIN_GROUP_SIZE"] = 4
        app.config["LIVE_OPINION_MIN_VOTERS"] = 8
        assert opinion_map.thresholds() == (8, 4)
        assert opinion_map.opinion_map(poll, _votes(7, 4))["available"] is False

        groups = opinion_map.opinion_map(poll, _votes(8, 4))
        assert groups["available"] is True
        assert [g["label"] for g in groups["groups"]] == ["A", "B"]
        assert {g["size"] for g in groups["groups"]} == {4}
        stances = {g["representative"][0]["stance"] for g in groups["groups"]}
        assert stances <= {"agreed", "disagreed"} and stances
        top = groups["groups"][0]["representative"][0]
        assert top["share"] == max(top["agree"], top["disagree"])
    assert [opinion_map.group_label(i) for i in (0, 1, 25, 26)] == ["A", "B", "Z", "AA"]


# ----------------------------------------------------------------------------- item 5


def test_jurors_see_why_a_recommendation_did_not_pass(make_room):
    room = make_room(jurors=3, start=True)

    def decided(s: JurySession, actor: User) -> int:
        rec, _ = decisions.create_recommendation(
            s, actor=actor, title="Evening buses", text="Run them.", client_id="r1", quorum=2
        )
        decisions.set_recommendation_status(s, rec.id, "open_vote", actor=actor)
        return rec.id

    rec_id = room.act(decided)
    page = f"{room.page}/recommendations/{rec_id}/vote"
    room.jurors[0].post(page, data={"choice": "support", "client_id": "v1"})
    room.jurors[1].post(page, data={"choice": "oppose", "client_id": "v2"})
    room.act(
        lambda s, actor: decisions.set_recommendation_status(s, rec_id, "close_vote", actor=actor)
    )

    html = room.html(room.jurors[0])
    assert "Not passed" in html
    assert (
        "50% of those who supported or opposed (1 support, 1 oppose). 80% was needed: not met."
        in html
    )
    assert "2 votes needed, 2 cast (abstentions count): met." in html
    assert "2 of 3 jurors voted." in html
    assert re.search(r"Your vote</dt>\s*<dd[^>]*>Support</dd>", html)
    assert re.search(
        r"Your vote</dt>\s*<dd[^>]*>You did not vote\.</dd>", room.html(room.jurors[2])
    )


def test_jurors_see_round_instructions_and_never_the_facilitators_script(make_room):
    room = make_room(start=True)
    first = room.setup.round_ids[0]
    form = {
        "kind": "briefing",
        "title": "Welcome and evidence",
        "planned_minutes": "30",
        "instructions": "Listen to the briefing; note any questions.",
        "script": "Introduce the facilitation team and the ground rules.",
    }
    assert room.staff.post(f"{room.page}/rounds/{first}", data=form).status_code == 302
    with room.app.app_context():
        assert db.session.get(Round, first).script.startswith("Introduce the facilitation")

    juror = room.html(room.jurors[0])
    assert "Listen to the briefing; note any questions." in juror
    assert "Introduce the facilitation team" not in juror
    console = room.html(room.staff, "/console")
    assert "Your script (jurors do not see this)" in console
    assert "Introduce the facilitation team and the ground rules." in console
    edit = room.html(room.staff, f"/rounds/{first}")
    edit = edit.replace("&#39;", "'")  # a translated label (lazy_gettext) is not re-escaped
    assert "Facilitator's script" in edit and "Instructions for jurors" in edit


def test_a_jurors_state_over_the_socket_carries_no_script(app, make_live_session, connect):
    setup = make_live_session(start=True)
    with app.app_context():
        db.session.get(Round, setup.round_ids[0]).script = "Only for Fran"
        db.session.commit()
    juror = connect(setup.session_id, code=setup.members[0][1])
    assert "scripts" not in juror.joined["state"]
    assert "Only for Fran" not in repr(juror.joined)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    assert staff.joined["state"]["scripts"][str(setup.round_ids[0])] == "Only for Fran"


# ----------------------------------------------------------------------------- item 6


def test_an_empty_speaking_queue_is_a_sentence_not_a_numbered_item(make_room):
    room = make_room(start=True)
    juror = room.html(room.jurors[0])
    assert '<p class="govuk-body" id="queue-empty">Nobody is waiting to speak.</p>' in juror
    assert re.search(r'<ol class="govuk-list govuk-list--number" id="queue" hidden>\s*</ol>', juror)
    console = room.html(room.staff, "/console")
    assert '<p class="govuk-body" id="queue-empty">Nobody is waiting.</p>' in console


def test_chat_times_are_written_as_govuk_writes_them_in_the_councils_time_zone(make_room):
    from consult.live.views import govuk_time

    london = "Europe/London"
    assert govuk_time(datetime(2026, 12, 5, 1, 16, tzinfo=UTC), london) == "1:16am"
    assert govuk_time(datetime(2026, 7, 5, 12, 16, tzinfo=UTC), london) == "1:16pm"  # BST
    assert govuk_time(datetime(2026, 12, 5, 12, 0, tzinfo=UTC), london) == "midday"
    assert govuk_time(datetime(2026, 12, 5, 0, 0, tzinfo=UTC), london) == "midnight"
    assert govuk_time(datetime(2026, 12, 5, 17, 0, tzinfo=UTC), london) == "5pm"

    room = make_room(start=True)
    room.jurors[0].post(f"{room.page}/messages", data={"text": "Hello", "scope": "room"})
    html = room.html(room.jurors[1])
    assert re.search(
        r'<span class="consult-chat__time">\d{1,2}(:\d\d)?(am|pm)</span>|midday|midnight', html
    )
    assert " AM<" not in html and " PM<" not in html


def test_welcome_line_has_one_full_stop(app, make_jury, make_panel_member, sign_in):
    jury_id = make_jury()
    _, code = make_panel_member(jury_id=jury_id, name="Aoife Q.")
    client = app.test_client()
    sign_in(client, code=code)
    html = client.get("/live/").get_data(as_text=True)
    assert "Welcome, Aoife Q.</p>" in html and "Q..<" not in html


def test_the_demo_transport_days_each_have_their_own_agenda():
    from consult.demo import content

    sessions = content.jury()["sessions"]
    agendas = [[(r["kind"], r["title"]) for r in day["agenda"]] for day in sessions]
    assert len(agendas) == 3 and len({tuple(a) for a in agendas}) == 3
    assert [kind for kind, _ in agendas[0]][-1] == "reflection"
    assert not any(kind == "final_vote" for day in agendas[:2] for kind, _ in day)
    assert any(kind == "final_vote" for kind, _ in agendas[2])
    for day in sessions:
        for item in day["agenda"]:
            assert (
                item["instructions"] and item["script"] and item["script"] != item["instructions"]
            )
            assert "facilitation team" not in item["instructions"]
