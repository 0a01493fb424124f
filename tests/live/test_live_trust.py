"""Issue 14, the live side: hostile event payloads answered `invalid` (never
`server_error`), people's connections moved or closed by the server when their seat or
their place changes, the gallery closed for good when it closes and showing redacted
text, join-code guesses limited, and a client_id that says nothing about other sessions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.extensions import db, socketio
from consult.live import seating
from consult.models import AuditEntry, Contribution, JurySession, LiveEvent
from tests.live.conftest import emit, received

HUGE = [2**64, 99999999999999999999, 1e308, -(2**63) - 1, 2**31, float("inf"), float("nan")]


@pytest.fixture
def room(make_live_session, connect):
    setup = make_live_session(jurors=2, start=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    ada = connect(setup.session_id, code=setup.members[0][1])
    return setup, staff, ada


def _counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count(LiveEvent.id))),
            db.session.scalar(select(func.count(Contribution.id))),
            db.session.scalar(select(func.count(AuditEntry.id))),
        )


# --------------------------------------------------------------------- M1, M2, L5


@pytest.mark.parametrize("number", HUGE, ids=repr)
def test_ids_beyond_a_database_id_are_invalid_not_a_server_error(app, room, number):
    setup, _staff, ada = room
    before = _counts(app)
    joined = emit(ada, "join", session_id=number)
    assert joined["ok"] is False and joined["error"]["code"] == "invalid", joined
    assert joined["error"]["fields"] == {"session_id": joined["error"]["fields"]["session_id"]}
    ballot = emit(
        ada, "cast_ballot", session_id=setup.session_id, poll_id=number, value=1, client_id="b"
    )
    assert ballot["ok"] is False and ballot["error"]["code"] == "invalid", ballot
    assert "poll_id" in ballot["error"]["fields"]
    assert _counts(app) == before


def test_the_largest_database_id_is_still_a_plain_not_found(room):
    _setup, _staff, ada = room
    ack = emit(ada, "join", session_id=2**31 - 1)
    assert ack["error"]["code"] == "not_found"


@pytest.mark.parametrize("text", ["x\ud800y", "nul\x00here", "\udfff"], ids=repr)
def test_text_that_cannot_be_stored_is_invalid_and_nothing_is_written(app, room, text):
    setup, _staff, ada = room
    before = _counts(app)
    ack = emit(ada, "send_message", session_id=setup.session_id, client_id="s", text=text)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack
    ack = emit(ada, "send_message", session_id=setup.session_id, client_id=text, text="hello")
    assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack
    assert _counts(app) == before


def test_a_payload_nested_too_deep_is_invalid(room):
    setup, _staff, ada = room
    nested: object = "deep"
    for _ in range(200):
        nested = {"n": nested}
    ack = emit(ada, "send_message", session_id=setup.session_id, client_id="d", text=nested)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"


@pytest.mark.parametrize("event", ["join", "resync", "send_message", "cast_ballot", "control"])
def test_an_event_with_no_payload_or_several_is_invalid(room, event):
    _setup, _staff, ada = room
    bare = ada.emit(event, namespace="/live", callback=True)
    assert bare["ok"] is False and bare["error"]["code"] == "invalid", bare
    several = ada.emit(event, {"session_id": 1}, {"x": 2}, namespace="/live", callback=True)
    assert several["ok"] is False and several["error"]["code"] == "invalid", several


# --------------------------------------------------------------------- M5: table moves


def _tables(app, session_id):
    with app.app_context():
        jury_session = db.session.get(JurySession, session_id)
        return seating.seating(jury_session), sorted(t.id for t in jury_session.tables)


def test_a_juror_moved_to_another_table_hears_only_the_new_table(app, make_live_session, connect):
    setup = make_live_session(jurors=4, start=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    assert emit(staff, "allocate_tables", session_id=setup.session_id, table_size=2, seed=3)["ok"]
    emit(staff, "control", session_id=setup.session_id, action="advance")  # table discussion
    jurors = {member_id: connect(setup.session_id, code=code) for member_id, code in setup.members}
    seats, _ = _tables(app, setup.session_id)
    mover = setup.members[0][0]
    old_table = seats[mover]
    old_mate = next(m for m, t in seats.items() if t == old_table and m != mover)
    new_table = next(t for t in seats.values() if t != old_table)
    new_mate = next(m for m, t in seats.items() if t == new_table)
    moved = emit(
        staff, "move_member", session_id=setup.session_id, member_id=mover, table_id=new_table
    )
    assert moved["ok"], moved
    for socket in jurors.values():
        socket.get_received("/live")
    # no join from the moved juror's client: the server moved its connection
    for speaker, text, heard in ((old_mate, "Old table", []), (new_mate, "New table", True)):
        said = emit(jurors[speaker], "send_message", session_id=setup.session_id,
                    client_id=text, text=text)  # fmt: skip
        assert said["ok"]
        got = [e["text"] for e in received(jurors[mover], "contribution_added")]
        assert got == ([text] if heard else [])


def test_a_new_allocation_moves_connected_jurors_and_staff_without_a_join(
    app, make_live_session, connect
):
    setup = make_live_session(jurors=4, start=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    assert emit(staff, "allocate_tables", session_id=setup.session_id, table_size=4, seed=1)["ok"]
    emit(staff, "control", session_id=setup.session_id, action="advance")
    jurors = {member_id: connect(setup.session_id, code=code) for member_id, code in setup.members}
    # a second plan, two tables of two: one table is new, and half the jurors change
    assert emit(staff, "allocate_tables", session_id=setup.session_id, table_size=2, seed=5)["ok"]
    seats, table_ids = _tables(app, setup.session_id)
    assert len(set(seats.values())) == 2
    for socket in [staff, *jurors.values()]:
        socket.get_received("/live")
    for speaker, table in seats.items():
        ack = emit(
            jurors[speaker],
            "send_message",
            session_id=setup.session_id,
            client_id=f"m{speaker}",
            text=f"from {speaker}",
        )
        assert ack["ok"], ack
        for listener, socket in jurors.items():
            got = [e["text"] for e in received(socket, "contribution_added")]
            assert got == ([f"from {speaker}"] if seats[listener] == table else []), (
                speaker,
                listener,
            )
    # the facilitator hears every table, the new one included, without joining again
    assert len([e for e in received(staff, "contribution_added")]) == len(seats)
    assert set(seats.values()) <= set(table_ids)


# --------------------------------------------------------------------- M6: declines


def test_a_juror_recorded_as_declined_is_disconnected(
    app, make_live_session, connect, make_user, sign_in
):
    setup = make_live_session(jurors=2, start=True)
    leaving = connect(setup.session_id, code=setup.members[0][1])
    staying = connect(setup.session_id, code=setup.members[1][1])
    make_user("officer", email="olu@council.example", name="Olu")
    officer = app.test_client()
    sign_in(officer, email="olu@council.example")
    with app.app_context():
        slug = db.session.get(JurySession, setup.session_id).jury.slug
    response = officer.post(
        f"/juries/{slug}/members/{setup.members[0][0]}/response", data={"response": "declined"}
    )
    assert response.status_code == 302
    assert not leaving.is_connected("/live")
    assert staying.is_connected("/live")


def test_a_juror_who_declines_themselves_is_disconnected(app, make_live_session, connect):
    setup = make_live_session(jurors=2, start=True)
    leaving = connect(setup.session_id, code=setup.members[0][1])
    staying = connect(setup.session_id, code=setup.members[1][1])
    answered = leaving.http.post("/juries/invitation", data={"answer": "decline"})
    assert answered.status_code == 200
    assert not leaving.is_connected("/live")
    assert staying.is_connected("/live")


def test_ending_by_socket_needs_an_explicit_confirmation(app, room):
    """Ending cannot be undone: over the socket, as on the console's confirmation page,
    the session ends only when the request says so in as many words."""
    setup, staff, _ = room
    for confirm in (None, "yes", 1, "true"):
        extra = {} if confirm is None else {"confirm": confirm}
        ack = emit(staff, "control", session_id=setup.session_id, action="end", **extra)
        assert ack["error"]["code"] == "invalid" and "confirm: true" in ack["error"]["message"]
    with app.app_context():
        assert db.session.get(JurySession, setup.session_id).status == "live"
    ended = emit(staff, "control", session_id=setup.session_id, action="end", confirm=True)
    assert ended["ok"], ended
    with app.app_context():
        assert db.session.get(JurySession, setup.session_id).status == "ended"


# --------------------------------------------------------------------- L4 and the gallery


def _gallery_viewer(app, session_id):
    viewer = socketio.test_client(
        app, namespace="/live", flask_test_client=app.test_client(), auth={"gallery": session_id}
    )
    assert viewer.is_connected("/live")
    assert emit(viewer, "join", session_id=session_id)["ok"]
    viewer.get_received("/live")
    return viewer


def test_closing_the_gallery_disconnects_its_viewers(app, make_live_session, connect):
    setup = make_live_session(jurors=1, start=True, gallery=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    ada = connect(setup.session_id, code=setup.members[0][1])
    viewer = _gallery_viewer(app, setup.session_id)
    assert emit(staff, "set_gallery", session_id=setup.session_id, open=False)["ok"]
    assert not viewer.is_connected("/live")
    said = emit(ada, "send_message", session_id=setup.session_id, client_id="p", text="Later")
    assert emit(
        staff, "set_public", session_id=setup.session_id, contribution_id=said["id"], public=True
    )["ok"]
    assert ada.is_connected("/live")


def test_closing_the_gallery_from_the_console_form_disconnects_its_viewers(
    app, make_live_session, connect
):
    setup = make_live_session(jurors=1, start=True, gallery=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    viewer = _gallery_viewer(app, setup.session_id)
    response = staff.http.post(
        f"/live/sessions/{setup.session_id}/control", data={"action": "gallery_close"}
    )
    assert response.status_code == 302
    assert not viewer.is_connected("/live")


PERSONAL = "Call me on 07700 900123 or jane.doe@example.com, I live at SW1A 1AA"


def test_the_gallery_shows_juror_text_redacted(app, make_live_session, connect):
    setup = make_live_session(jurors=1, start=True, gallery=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    ada = connect(setup.session_id, code=setup.members[0][1])
    viewer = _gallery_viewer(app, setup.session_id)
    said = emit(ada, "send_message", session_id=setup.session_id, client_id="pii", text=PERSONAL)
    assert said["ok"]
    assert emit(
        staff, "set_public", session_id=setup.session_id, contribution_id=said["id"], public=True
    )["ok"]
    [live] = received(viewer, "contribution_added")
    state = emit(viewer, "join", session_id=setup.session_id)["state"]
    page = app.test_client().get(f"/live/sessions/{setup.session_id}/gallery")
    html = page.get_data(as_text=True)
    for shown in (live["text"], state["contributions"][0]["text"], html):
        for detail in ("07700 900123", "jane.doe@example.com", "SW1A 1AA"):
            assert detail not in shown
    assert "Call me on" in live["text"]
    # the jurors and staff in the room still see what was said
    with app.app_context():
        assert db.session.get(Contribution, said["id"]).text == PERSONAL


def test_the_gallery_sees_a_decided_recommendation_redacted_and_without_names(
    app, make_live_session, connect
):
    setup = make_live_session(jurors=1, start=True, gallery=True)
    sid = setup.session_id
    staff = connect(sid, email=setup.facilitator_email)
    ada = connect(sid, code=setup.members[0][1])
    viewer = _gallery_viewer(app, sid)
    rec = emit(
        staff,
        "create_recommendation",
        session_id=sid,
        client_id="r",
        title="Buses",
        text=f"Ask Sam: {PERSONAL}",
        quorum=1,
    )
    assert rec["ok"]
    amendment = emit(
        ada,
        "propose_amendment",
        session_id=sid,
        recommendation_id=rec["id"],
        client_id="a",
        text="Add evening buses",
    )
    assert amendment["ok"]
    steps = [
        (staff, "recommendation_action", {"action": "open_vote"}),
        (ada, "cast_vote", {"choice": "support", "client_id": "v"}),
        (staff, "recommendation_action", {"action": "close_vote"}),
    ]
    for socket, event, data in steps:
        ack = emit(socket, event, session_id=sid, recommendation_id=rec["id"], **data)
        assert ack["ok"], ack
    decided = received(viewer, "recommendation_changed")
    assert decided
    state = emit(viewer, "join", session_id=sid)["state"]
    for shown in [*decided, *state["recommendations"]]:
        assert "amendments" not in shown and "Ada" not in str(shown)
        assert "07700 900123" not in shown["text"] and "jane.doe" not in shown["text"]


def test_the_gallery_sees_a_revealed_poll_redacted(app, make_live_session, connect):
    """Statements are written in the room (jurors suggest them): the gallery's copy of a
    revealed poll, live and in its state, has personal details redacted everywhere they
    appear (statements and results); the room still sees the words as written."""
    setup = make_live_session(jurors=1, start=True, gallery=True)
    sid = setup.session_id
    staff = connect(sid, email=setup.facilitator_email)
    ada = connect(sid, code=setup.members[0][1])
    viewer = _gallery_viewer(app, sid)
    created = emit(
        staff,
        "create_poll",
        session_id=sid,
        kind="agree_disagree",
        question=f"Sam asks: {PERSONAL}",
        statements=[f"Buses, says {PERSONAL}", "Fewer cars"],
    )
    assert created["ok"], created
    for action in ("open", "close", "reveal"):
        assert emit(staff, "poll_action", session_id=sid, poll_id=created["id"], action=action)[
            "ok"
        ]
    [live] = received(viewer, "poll_changed")
    state = emit(viewer, "join", session_id=sid)["state"]
    page = app.test_client().get(f"/live/sessions/{sid}/gallery").get_data(as_text=True)
    for shown in (str(live), str(state["polls"]), page):
        for detail in ("07700 900123", "jane.doe@example.com", "SW1A 1AA"):
            assert detail not in shown
    assert "Buses, says Call me on" in str(live["statements"])
    assert any("Buses, says" in row["text"] for row in live["results"]["statements"])
    room = received(ada, "poll_changed")[-1]
    assert PERSONAL in room["statements"][0]["text"]


# --------------------------------------------------------------------- L1, L3


def test_join_code_guesses_by_script_are_limited_like_the_join_page(app_config):
    from consult import create_app

    app = create_app({**app_config, "RATELIMIT_ENABLED": True})
    client = app.test_client()
    answers = [
        client.post("/live/api/join", json={"code": f"NOPE-NOPE-{n:04d}"}).status_code
        for n in range(21)
    ]
    assert 429 not in answers[:20] and all(400 <= status < 500 for status in answers[:20])
    assert answers[20] == 429


def _drafting(emit_to, staff, setup):
    emit_to(
        staff, "control", session_id=setup.session_id, action="go_to", round_id=setup.round_ids[5]
    )


def test_a_client_id_from_another_session_gets_the_same_answer_as_anyone_elses(
    make_live_session, connect
):
    here = make_live_session(jurors=2, start=True)
    there = make_live_session(jurors=1, start=True)
    staff_here = connect(here.session_id, email=here.facilitator_email)
    staff_there = connect(there.session_id, email=there.facilitator_email)
    ada = connect(here.session_id, code=here.members[0][1])
    ben = connect(here.session_id, code=here.members[1][1])
    _drafting(emit, staff_here, here)

    def draft(socket, session_id, client_id, text):
        return emit(socket, "create_recommendation", session_id=session_id,
                    client_id=client_id, title="T", text=text)  # fmt: skip

    assert draft(staff_there, there.session_id, "taken-there", "Secret")["ok"]
    by_ben = draft(ben, here.session_id, "taken-here", "Ben's")
    assert by_ben["ok"]
    answers = [
        draft(ada, here.session_id, taken, "Mine") for taken in ("taken-there", "taken-here")
    ]
    assert answers[0] == answers[1]
    assert answers[0]["ok"] is False and "Secret" not in str(answers[0])
    # the author's own retry still returns their row
    again = draft(ben, here.session_id, "taken-here", "Ben's")
    assert again["ok"] and again["replayed"] and again["id"] == by_ben["id"]


# --------------------------------------------------------------------- the juror's ballot form

HUGE_NUMBER = "9" * 5000  # int("9" * 5000) is over Python's digit limit; float() of it is inf


@pytest.mark.parametrize(
    ("kind", "field"), [("ranking", "rank-o1"), ("dots", "amount-o1"), ("budget", "amount-o1")]
)
def test_a_ballot_form_with_a_5000_digit_number_is_refused_not_a_500(
    app, make_live_session, sign_in, kind, field
):
    from consult.live import outbox, polls
    from consult.models import Ballot, User

    setup = make_live_session(jurors=1, start=True)
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == setup.facilitator_email))
        jury_session = db.session.get(JurySession, setup.session_id)
        poll = polls.create_poll(
            jury_session,
            actor=actor,
            kind=kind,
            question="Which?",
            options=["Buses", "Trams", "Bikes"],
            dots_per_member=5,
            budget_total=100,
        )
        polls.set_poll_status(jury_session, poll.id, "open", actor=actor)
        db.session.commit()
        outbox.discard_outbox()
        poll_id, values = poll.id, [o["value"] for o in poll.options]
    juror = app.test_client()
    sign_in(juror, code=setup.members[0][1])
    field = field.replace("o1", values[0])
    response = juror.post(
        f"/live/sessions/{setup.session_id}/polls/{poll_id}/ballot", data={field: HUGE_NUMBER}
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(Ballot.id))) == 0
