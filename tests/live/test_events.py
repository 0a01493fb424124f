"""The /live namespace: permissions on every event, persistence before broadcast,
idempotent retries, resync after a missed range, and recovery after a restart."""

from __future__ import annotations

import math
import time
from datetime import datetime

import pytest
from sqlalchemy import func, select

from consult import create_app
from consult.extensions import db, socketio
from consult.models import (
    AuditEntry,
    Contribution,
    HandRaise,
    JurySession,
    LiveEvent,
    Round,
    User,
)
from tests.conftest import TEST_DATABASE_URL
from tests.live.conftest import emit, received


@pytest.fixture
def room(make_live_session, connect):
    setup = make_live_session(jurors=3, start=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    ada = connect(setup.session_id, code=setup.members[0][1])
    ben = connect(setup.session_id, code=setup.members[1][1])
    return setup, staff, ada, ben


def test_anonymous_socket_is_refused(app):
    socket = socketio.test_client(app, namespace="/live", flask_test_client=app.test_client())
    assert not socket.is_connected("/live")


def test_juror_of_another_jury_cannot_join(make_live_session, make_panel_member, connect):
    setup = make_live_session(jurors=1)
    _, stranger_code = make_panel_member(name="Stranger")
    socket = connect(setup.session_id, code=stranger_code, join=False)
    ack = emit(socket, "join", session_id=setup.session_id)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "not_permitted"


def test_juror_cannot_advance_round(room):
    setup, _staff, ada, _ben = room
    ack = emit(ada, "control", session_id=setup.session_id, action="advance")
    assert ack == {
        "ok": False,
        "error": {
            "code": "not_permitted",
            "message": "Only the facilitator can run the session.",
            "fields": {},
        },
    }


def test_facilitator_runs_rounds_with_server_timer(app, room):
    setup, staff, ada, _ben = room
    joined_round = ada.joined["state"]["round"]
    assert joined_round["status"] == "running" and joined_round["ends_at"]

    ack = emit(staff, "control", session_id=setup.session_id, action="advance")
    assert ack["ok"] and ack["round"]["id"] == setup.round_ids[1]
    [changed] = received(ada, "round_changed")
    assert changed["round"]["id"] == setup.round_ids[1]
    assert changed["seq"] == ack["seq"]
    ends_at = datetime.fromisoformat(changed["round"]["ends_at"].replace("Z", "+00:00"))
    server_now = datetime.fromisoformat(changed["server_now"].replace("Z", "+00:00"))
    assert 39 * 60 < (ends_at - server_now).total_seconds() <= 40 * 60

    assert emit(staff, "control", session_id=setup.session_id, action="pause")["ok"]
    [paused] = received(ada, "round_changed")
    assert paused["round"]["status"] == "paused" and paused["round"]["ends_at"] is None
    assert 39 * 60 < paused["round"]["remaining_seconds"] <= 40 * 60
    assert emit(staff, "control", session_id=setup.session_id, action="extend", minutes=5)["ok"]
    assert emit(staff, "control", session_id=setup.session_id, action="resume")["ok"]
    resumed = received(ada, "round_changed")[-1]["round"]
    ends_at = datetime.fromisoformat(resumed["ends_at"].replace("Z", "+00:00"))
    assert 44 * 60 < (ends_at - server_now).total_seconds() <= 45 * 60 + 5

    assert emit(staff, "control", session_id=setup.session_id, action="back")["ok"]
    assert received(ada, "round_changed")[-1]["round"]["id"] == setup.round_ids[0]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(AuditEntry.id)).where(AuditEntry.action.like("session.%"))
            )
            >= 6
        )


def test_message_is_stored_before_broadcast_and_acknowledged_with_ids(app, room):
    setup, _staff, ada, ben = room
    ack = emit(ada, "send_message", session_id=setup.session_id, client_id="c-1", text="Hello")
    assert ack["ok"] and ack["client_id"] == "c-1" and ack["id"] and ack["seq"]
    [seen] = received(ben, "contribution_added")
    assert seen["id"] == ack["id"] and seen["seq"] == ack["seq"] and seen["text"] == "Hello"
    assert seen["author"] == "Ada"
    with app.app_context():
        row = db.session.get(Contribution, ack["id"])
        assert row.text == "Hello" and row.seq == ack["seq"] and row.client_id == "c-1"
        logged = db.session.scalar(select(LiveEvent).where(LiveEvent.seq == ack["seq"]))
        assert logged.event == "contribution_added" and logged.room == f"session:{setup.session_id}"


def test_retry_with_same_client_id_never_duplicates(app, room):
    setup, _staff, ada, ben = room
    first = emit(ada, "send_message", session_id=setup.session_id, client_id="dup", text="Once")
    received(ben)
    again = emit(ada, "send_message", session_id=setup.session_id, client_id="dup", text="Once")
    assert again["ok"] and again["replayed"] is True
    assert (again["id"], again["seq"]) == (first["id"], first["seq"])
    assert received(ben, "contribution_added") == []
    hand = emit(ada, "raise_hand", session_id=setup.session_id, client_id="h-1")
    hand_again = emit(ada, "raise_hand", session_id=setup.session_id, client_id="h-1")
    assert hand_again["id"] == hand["id"] and hand_again["replayed"]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(Contribution.id)).where(Contribution.client_id == "dup")
            )
            == 1
        )
        assert db.session.scalar(select(func.count(HandRaise.id))) == 1


def test_someone_else_cannot_reuse_a_client_id(room):
    setup, _staff, ada, ben = room
    emit(ada, "send_message", session_id=setup.session_id, client_id="mine", text="Mine")
    ack = emit(ben, "send_message", session_id=setup.session_id, client_id="mine", text="Hijack")
    assert ack["ok"] is False and ack["error"]["code"] == "conflict"


def test_reconnecting_client_receives_exactly_what_it_missed(room, connect):
    setup, staff, ada, ben = room
    before = emit(ben, "send_message", session_id=setup.session_id, client_id="b-0", text="Before")
    ben.disconnect(namespace="/live")
    sent = [
        emit(ada, "send_message", session_id=setup.session_id, client_id=f"a-{i}", text=f"M{i}")
        for i in range(3)
    ]
    emit(staff, "control", session_id=setup.session_id, action="advance")
    ben.connect(namespace="/live")
    ack = emit(ben, "resync", session_id=setup.session_id, after_seq=before["seq"])
    assert ack["ok"]
    missed = [(e["event"], e["payload"].get("text")) for e in ack["events"]]
    assert missed == [
        ("contribution_added", "M0"),
        ("contribution_added", "M1"),
        ("contribution_added", "M2"),
        ("round_changed", None),
    ]
    assert [e["seq"] for e in ack["events"]] == sorted(e["seq"] for e in ack["events"])
    assert ack["events"][0]["seq"] == sent[0]["seq"]
    assert ack["last_seq"] == ack["events"][-1]["seq"]
    assert [m["text"] for m in ack["state"]["room_chat"]] == ["Before", "M0", "M1", "M2"]
    assert ack["state"]["round"]["id"] == setup.round_ids[1]


def test_resync_does_not_leak_other_tables_or_staff_events(room):
    setup, staff, ada, ben = room
    assert emit(staff, "allocate_tables", session_id=setup.session_id, table_size=2, seed=1)["ok"]
    for socket in (ada, ben):
        emit(socket, "join", session_id=setup.session_id)
    emit(staff, "control", session_id=setup.session_id, action="advance")  # table round
    received(ada), received(ben)
    start = ada.joined["last_seq"]
    a = emit(ada, "send_message", session_id=setup.session_id, client_id="t-a", text="At A")
    b = emit(ben, "send_message", session_id=setup.session_id, client_id="t-b", text="At B")
    assert a["ok"] and b["ok"]
    same_table = ada.joined and (
        emit(ada, "join", session_id=setup.session_id)["state"]["table"]["id"]
        == emit(ben, "join", session_id=setup.session_id)["state"]["table"]["id"]
    )
    texts = [
        e["payload"].get("text")
        for e in emit(ada, "resync", session_id=setup.session_id, after_seq=start)["events"]
        if e["event"] == "contribution_added"
    ]
    assert texts == (["At A", "At B"] if same_table else ["At A"])
    staff_texts = [
        e["payload"].get("text")
        for e in emit(staff, "resync", session_id=setup.session_id, after_seq=start)["events"]
        if e["event"] == "contribution_added"
    ]
    assert staff_texts == ["At A", "At B"]


def test_table_chat_reaches_only_that_table(app, make_live_session, connect):
    setup = make_live_session(jurors=4, start=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    assert emit(staff, "allocate_tables", session_id=setup.session_id, table_size=2, seed=3)["ok"]
    emit(staff, "control", session_id=setup.session_id, action="advance")
    jurors = [connect(setup.session_id, code=code) for _, code in setup.members]
    tables = [j.joined["state"]["table"]["id"] for j in jurors]
    assert len(set(tables)) == 2
    assert received(staff, "tables_changed")  # the protocol: on tables_changed, join again
    emit(staff, "join", session_id=setup.session_id)
    staff.get_received("/live")
    ack = emit(jurors[0], "send_message", session_id=setup.session_id, client_id="x", text="Hi")
    assert ack["ok"]
    for juror, table in zip(jurors[1:], tables[1:], strict=True):
        got = [e["text"] for e in received(juror, "contribution_added")]
        assert got == (["Hi"] if table == tables[0] else [])
    assert [e["text"] for e in received(staff, "contribution_added")] == ["Hi"]


def test_restart_recovers_session_and_timer_from_database(app, app_config, room, connect):
    if TEST_DATABASE_URL:
        pytest.skip("a second app on the same database needs a real file (SQLite mode)")
    setup, staff, ada, _ben = room
    emit(ada, "send_message", session_id=setup.session_id, client_id="keep", text="Kept")
    emit(staff, "control", session_id=setup.session_id, action="pause")
    with app.app_context():
        before = db.session.get(JurySession, setup.session_id)
        paused_left = before.current_round.remaining_seconds
        last_seq = before.last_seq
        db.engine.dispose()

    restarted = create_app(app_config)  # a new process on the same database file
    client = restarted.test_client()
    client.post(
        "/sign-in",
        data={"email": setup.facilitator_email, "password": "correct horse battery staple"},
    )
    socket = socketio.test_client(restarted, namespace="/live", flask_test_client=client)
    ack = emit(socket, "join", session_id=setup.session_id)
    assert ack["ok"] and ack["last_seq"] == last_seq
    state = ack["state"]
    assert state["session"]["status"] == "paused"
    assert state["round"]["status"] == "paused"
    assert state["round"]["remaining_seconds"] == paused_left
    assert [m["text"] for m in state["room_chat"]] == ["Kept"]
    resumed = emit(socket, "control", session_id=setup.session_id, action="resume")
    assert resumed["ok"] and resumed["seq"] == last_seq + 1
    with restarted.app_context():
        round_ = db.session.get(Round, resumed["round"]["id"])
        assert round_.status == "running" and round_.ends_at is not None
        db.engine.dispose()


def test_hands_queue_floor_and_speaking_balance(app, room):
    setup, staff, ada, ben = room
    hand = emit(ada, "raise_hand", session_id=setup.session_id, client_id="h-a")
    assert hand["ok"]
    [raised] = received(ben, "hand_raised")
    assert raised["name"] == "Ada" and raised["id"] == hand["id"]
    refused = emit(ben, "give_floor", session_id=setup.session_id, hand_id=hand["id"])
    assert refused["error"]["code"] == "not_permitted"
    floor = emit(staff, "give_floor", session_id=setup.session_id, hand_id=hand["id"])
    assert floor["ok"]
    [given] = received(ben, "floor_given")
    assert given["member_id"] == setup.members[0][0] and given["invited"] is False
    # inviting a quiet person ends Ada's turn and tells Ben personally
    invite = emit(staff, "give_floor", session_id=setup.session_id, member_id=setup.members[1][0])
    assert invite["ok"]
    events = [e["event"] for e in received(ben)]
    assert "floor_ended" in events and "invited_to_speak" in events
    emit(staff, "end_floor", session_id=setup.session_id, turn_id=invite["id"])
    balance = emit(staff, "join", session_id=setup.session_id)["state"]["balance"]
    names = {p["name"]: p for p in balance["people"]}
    assert names["Ada"]["seconds"] >= 0 and names["Ben"]["seconds"] >= 0
    assert [p["name"] for p in balance["not_spoken"]] == ["Cleo"]
    assert balance["fair_share_seconds"] == pytest.approx(balance["total_seconds"] / 3, abs=0.1)
    assert emit(ada, "join", session_id=setup.session_id)["state"]["hands"] == []


def test_muted_juror_cannot_post_and_hidden_message_is_blanked(app, room, connect):
    setup, staff, ada, ben = room
    said = emit(ben, "send_message", session_id=setup.session_id, client_id="rude", text="Rude")
    assert emit(
        staff,
        "hide_contribution",
        session_id=setup.session_id,
        contribution_id=said["id"],
        reason="abuse",
    )["ok"]
    [hidden] = received(ada, "contribution_hidden")
    assert hidden["id"] == said["id"]
    replay = emit(ada, "resync", session_id=setup.session_id, after_seq=said["seq"] - 1)
    assert replay["events"][0]["payload"]["text"] == ""
    assert all(m["id"] != said["id"] for m in replay["state"]["room_chat"])
    assert emit(
        staff, "mute", session_id=setup.session_id, member_id=setup.members[1][0], muted=True
    )["ok"]
    refused = emit(ben, "send_message", session_id=setup.session_id, client_id="b2", text="Hi")
    assert refused["error"]["code"] == "not_permitted"
    assert emit(ben, "raise_hand", session_id=setup.session_id, client_id="bh")["ok"] is False
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"contribution.hidden", "member.muted"} <= actions


def test_size_limits_and_rate_limits(app, room):
    setup, _staff, ada, _ben = room
    too_long = emit(
        ada, "send_message", session_id=setup.session_id, client_id="l", text="x" * 1001
    )
    assert too_long["error"]["code"] == "invalid"
    huge = emit(ada, "send_message", session_id=setup.session_id, client_id="h", text="y" * 20_000)
    assert huge["error"]["code"] == "invalid"
    app.config["LIVE_RATE_LIMITS"] = True
    # A token bucket: a burst of 20, then 2 more a second. Count the time taken so that the
    # bound holds on a loaded machine too (each second of sending earns two more).
    from consult.live.ratelimit import RATE_LIMITS

    burst, refill = RATE_LIMITS["say"]
    started = time.monotonic()
    codes = []
    for i in range(200):
        ack = emit(ada, "send_message", session_id=setup.session_id, client_id=f"r{i}", text="s")
        codes.append(ack["ok"] or ack["error"]["code"])
        if codes[-1] == "rate_limited":
            break
    elapsed = time.monotonic() - started
    assert codes[-1] == "rate_limited"
    assert set(codes[:-1]) == {True}
    # (the two refused messages above may have taken a token each)
    assert burst - 2 <= codes.count(True) <= burst + math.ceil(elapsed * refill)


def test_escaped_text_is_kept_as_text(room):
    setup, _staff, ada, ben = room
    script = "<script>alert(1)</script>"
    emit(ada, "send_message", session_id=setup.session_id, client_id="xss", text=script)
    assert received(ben, "contribution_added")[0]["text"] == script  # the browser uses textContent


def test_gallery_needs_an_open_gallery(app, make_live_session):
    closed = make_live_session(jurors=1, start=True)
    anonymous = socketio.test_client(
        app,
        namespace="/live",
        flask_test_client=app.test_client(),
        auth={"gallery": closed.session_id},
    )
    assert not anonymous.is_connected("/live")
    opened = make_live_session(jurors=1, start=True, gallery=True)
    viewer = socketio.test_client(
        app,
        namespace="/live",
        flask_test_client=app.test_client(),
        auth={"gallery": opened.session_id},
    )
    ack = emit(viewer, "join", session_id=opened.session_id)
    assert ack["ok"] and ack["state"]["viewer"] == {"kind": "gallery"}
    assert (
        emit(viewer, "send_message", session_id=opened.session_id, client_id="g", text="hi")[
            "error"
        ]["code"]
        == "not_permitted"
    )


def test_console_sees_who_is_connected(room):
    setup, staff, ada, _ben = room
    connected = emit(staff, "join", session_id=setup.session_id)["state"]["connected"]
    assert {who["name"] for who in connected} >= {"Ada", "Ben"}
    staff.get_received("/live")
    ada.disconnect(namespace="/live")
    [left] = received(staff, "presence")
    assert left["who"]["name"] == "Ada" and left["online"] is False


def test_each_event_names_the_previous_one_in_its_room(room):
    """`prev_seq` chains a room's events, whatever other rooms were sent in between, and
    `join` tells each person where their rooms stand (`room_seqs`)."""
    setup, staff, ada, ben = room
    session_id = setup.session_id
    first = emit(
        ada, "send_message", session_id=session_id, client_id="c1", text="One", scope="room"
    )
    emit(staff, "announce", session_id=session_id, client_id="a1", text="Tea at four")
    emit(ada, "add_reflection", session_id=session_id, client_id="r1", text="Tired")  # staff room
    third = emit(
        ben, "send_message", session_id=session_id, client_id="c2", text="Two", scope="room"
    )
    events = [
        e for e in received(ben, "contribution_added") if e["kind"] in ("message", "announcement")
    ]
    messages = {e["text"]: e for e in events}
    assert messages["One"]["room"] == f"session:{session_id}"
    assert messages["Tea at four"]["prev_seq"] == first["seq"]
    assert messages["Two"]["prev_seq"] == messages["Tea at four"]["seq"]  # not the reflection
    assert messages["Two"]["seq"] == third["seq"]
    joined = emit(ben, "join", session_id=session_id)
    assert joined["room_seqs"][f"session:{session_id}"] == third["seq"]
    assert f"staff:{session_id}" not in joined["room_seqs"]  # only rooms Ben is in
    assert all(isinstance(v, int) for v in joined["room_seqs"].values())


def test_a_deactivated_facilitator_is_disconnected_from_the_live_session(
    app, make_live_session, connect, make_user, sign_in
):
    """Deactivation ends the account's sessions at once: its live connections are closed
    too, so it stops receiving the room's broadcasts before its next action."""
    setup = make_live_session(jurors=1, start=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    juror = connect(setup.session_id, code=setup.members[0][1])
    make_user("admin", email="ada.admin@council.example", name="Ada Admin")
    admin = app.test_client()
    sign_in(admin, email="ada.admin@council.example")
    with app.app_context():
        fran = db.session.scalar(select(User).where(User.email == setup.facilitator_email))
    assert admin.post(f"/admin/users/{fran.id}/deactivate").status_code == 302
    assert not staff.is_connected("/live")
    assert juror.is_connected("/live")  # nobody else is touched
    ack = emit(juror, "send_message", session_id=setup.session_id, client_id="m", text="Hi")
    assert ack["ok"]


def test_a_juror_who_drops_out_is_disconnected_from_the_live_session(
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
        f"/juries/{slug}/members/{setup.members[0][0]}/drop",
        data={"reason": "Moved away"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert not leaving.is_connected("/live")
    assert staying.is_connected("/live")
