"""Rounds that move on by themselves: the round clock advances a live session whose
current round ran out of time, once, and only for rounds set to do so."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from consult.extensions import db
from consult.live import clock, outbox, rounds
from consult.models import AuditEntry, JurySession, Round, User, utcnow
from tests.live.conftest import emit, received


def _set_round(app, round_id: int, **values) -> None:
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        for name, value in values.items():
            setattr(round_, name, value)
        db.session.commit()


def _current(app, session_id: int) -> tuple[int, str, str]:
    with app.app_context():
        jury_session = db.session.get(JurySession, session_id)
        return (
            jury_session.current_round_id,
            jury_session.current_round.status,
            jury_session.status,
        )


def test_a_round_set_to_move_on_does_so_when_its_time_is_up(app, make_live_session, connect):
    setup = make_live_session(jurors=1, start=True)
    first, second = setup.round_ids[:2]
    juror = connect(setup.session_id, code=setup.members[0][1])
    _set_round(app, first, auto_advance=True)

    with app.app_context():  # time not up yet: nothing moves
        assert clock.advance_due_rounds() == []
    assert _current(app, setup.session_id)[0] == first

    _set_round(app, first, ends_at=utcnow() - timedelta(seconds=1))
    assert clock.tick(app) == [setup.session_id]
    assert _current(app, setup.session_id) == (second, "running", "live")
    [changed] = received(juror, "round_changed")
    assert changed["action"] == "advance" and changed["round"]["id"] == second
    assert changed["round"]["ends_at"]  # the new round's own timer runs
    with app.app_context():
        assert db.session.get(Round, first).status == "done"
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "session.auto_advance")
        )
        assert entry is not None and entry.actor_user_id is None
        assert entry.details["from_round_id"] == first
    # a reconnecting juror's resync has the move too
    rejoined = emit(juror, "join", session_id=setup.session_id, after_seq=0)
    assert any(e["event"] == "round_changed" for e in rejoined["events"])
    assert rejoined["state"]["round"]["id"] == second

    # a second tick (or another process) finds nothing left to do
    assert clock.tick(app) == []
    assert _current(app, setup.session_id)[0] == second


def test_rounds_that_wait_for_the_facilitator_are_left_alone(app, make_live_session):
    setup = make_live_session(jurors=1, start=True)
    first = setup.round_ids[0]
    _set_round(app, first, ends_at=utcnow() - timedelta(minutes=5))  # auto_advance off
    assert clock.tick(app) == []
    assert _current(app, setup.session_id)[0] == first


def test_a_paused_session_and_the_last_round_never_move_by_themselves(app, make_live_session):
    setup = make_live_session(jurors=1, start=True)
    *_, last = setup.round_ids
    with app.app_context():
        jury_session = db.session.get(JurySession, setup.session_id)
        staff = db.session.scalar(select(User).where(User.email == setup.facilitator_email))
        rounds.control(jury_session, "go_to", actor=staff, round_id=last)
        db.session.commit()
        outbox.discard_outbox()
    _set_round(app, last, auto_advance=True, ends_at=utcnow() - timedelta(seconds=5))
    assert clock.tick(app) == []
    assert _current(app, setup.session_id) == (last, "running", "live")

    first = setup.round_ids[0]
    with app.app_context():
        jury_session = db.session.get(JurySession, setup.session_id)
        staff = db.session.scalar(select(User).where(User.email == setup.facilitator_email))
        rounds.control(jury_session, "go_to", actor=staff, round_id=first)
        rounds.control(jury_session, "pause", actor=staff)
        db.session.commit()
        outbox.discard_outbox()
    _set_round(app, first, auto_advance=True, ends_at=utcnow() - timedelta(seconds=5))
    assert clock.tick(app) == []
    assert _current(app, setup.session_id)[2] == "paused"


def test_the_clock_runs_in_the_background_and_starts_once(app, make_live_session):
    setup = make_live_session(jurors=1, start=True)
    first, second = setup.round_ids[:2]
    _set_round(app, first, auto_advance=True, ends_at=utcnow() - timedelta(seconds=1))
    runner = threading.Thread(target=clock.run, args=(app,), kwargs={"ticks": 2, "interval": 0.05})
    runner.start()
    runner.join(timeout=30)
    assert _current(app, setup.session_id)[0] == second

    app.config["LIVE_ROUND_CLOCK"] = False
    assert clock.ensure_started(app) is None  # switched off: no clock


def test_the_agenda_form_sets_a_round_to_move_on(app, make_live_session, sign_in):
    setup = make_live_session(jurors=1)
    client = app.test_client()
    sign_in(client, email=setup.facilitator_email)
    round_id = setup.round_ids[0]
    page = client.get(f"/live/sessions/{setup.session_id}/rounds/{round_id}")
    assert b"Move on to the next round by itself when the time is up" in page.data
    response = client.post(
        f"/live/sessions/{setup.session_id}/rounds/{round_id}",
        data={
            "kind": "briefing",
            "title": "Welcome",
            "planned_minutes": 10,
            "public": "y",
            "auto_advance": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Round, round_id).auto_advance is True
    agenda = client.get(f"/live/sessions/{setup.session_id}/agenda")
    assert agenda.data.count(b"moves on by itself") == 1
