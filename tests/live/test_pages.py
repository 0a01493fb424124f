"""Live pages: agenda editing, session from the jury-day template, the console, the juror
view rendering the current state, the gallery, the no-JavaScript forms and the JSON join."""

from __future__ import annotations

from sqlalchemy import select

from consult.extensions import db
from consult.models import Contribution, JurySession, Round
from tests.conftest import DEFAULT_PASSWORD


def test_officer_creates_session_from_jury_day_template_and_edits_agenda(
    app, client, make_user, make_jury, sign_in
):
    jury_id = make_jury()
    make_user("officer", email="officer@council.example")
    sign_in(client, email="officer@council.example")
    response = client.post(
        f"/live/juries/{jury_id}/sessions/new", data={"title": "Day 1", "template": "y"}
    )
    assert response.status_code == 302
    with app.app_context():
        jury_session = db.session.scalar(select(JurySession).where(JurySession.jury_id == jury_id))
        session_id = jury_session.id
        kinds = [r.kind for r in jury_session.rounds]
        first, second = jury_session.rounds[0].id, jury_session.rounds[1].id
    assert kinds[:3] == ["briefing", "table_discussion", "ideas"] and "final_vote" in kinds
    page = client.get(f"/live/sessions/{session_id}/agenda")
    assert page.status_code == 200 and b"Welcome and evidence" in page.data
    client.post(f"/live/sessions/{session_id}/rounds/{second}/move", data={"direction": "up"})
    added = client.post(
        f"/live/sessions/{session_id}/agenda",
        data={
            "kind": "reflection",
            "title": "Closing circle",
            "planned_minutes": "10",
            "instructions": "One word each",
            "materials": "",
            "public": "y",
        },
    )
    assert added.status_code == 302
    bad = client.post(
        f"/live/sessions/{session_id}/agenda",
        data={"kind": "reflection", "title": "", "planned_minutes": "0"},
    )
    assert bad.status_code == 400 and b"There is a problem" in bad.data
    edited = client.post(
        f"/live/sessions/{session_id}/rounds/{first}",
        data={"kind": "briefing", "title": "Evidence from experts", "planned_minutes": "45"},
    )
    assert edited.status_code == 302
    with app.app_context():
        rounds = db.session.get(JurySession, session_id).rounds
        assert [r.id for r in rounds[:2]] == [second, first]
        assert rounds[1].title == "Evidence from experts" and rounds[1].planned_minutes == 45
        assert rounds[-1].title == "Closing circle"


def test_console_buttons_work_without_javascript(app, make_live_session, sign_in):
    setup = make_live_session(jurors=2)
    client = app.test_client()
    sign_in(client, email=setup.facilitator_email, password=DEFAULT_PASSWORD)
    page = client.get(f"/live/sessions/{setup.session_id}/console")
    assert page.status_code == 200 and b"Facilitator console" in page.data
    assert (
        client.post(
            f"/live/sessions/{setup.session_id}/control", data={"action": "start"}
        ).status_code
        == 302
    )
    client.post(f"/live/sessions/{setup.session_id}/control", data={"action": "advance"})
    with app.app_context():
        jury_session = db.session.get(JurySession, setup.session_id)
        assert jury_session.status == "live"
        assert jury_session.current_round_id == setup.round_ids[1]
    page = client.get(f"/live/sessions/{setup.session_id}/console")
    assert b"Table discussion" in page.data
    assert b"39:5" in page.data or b"40:00" in page.data


def test_juror_page_renders_current_state_and_posts_without_javascript(
    app, make_live_session, sign_in
):
    setup = make_live_session(jurors=2, start=True)
    client = app.test_client()
    sign_in(client, code=setup.members[0][1])
    home = client.get("/live/")
    assert b"Day one" in home.data and f"/live/sessions/{setup.session_id}".encode() in home.data
    sent = client.post(
        f"/live/sessions/{setup.session_id}/messages",
        data={"text": "<b>bold</b> idea", "scope": "room"},
    )
    assert sent.status_code == 302
    client.post(f"/live/sessions/{setup.session_id}/hand")
    page = client.get(f"/live/sessions/{setup.session_id}")
    html = page.get_data(as_text=True)
    assert "Welcome and evidence" in html and "&lt;b&gt;bold&lt;/b&gt; idea" in html
    assert "<b>bold</b>" not in html
    assert 'role="timer"' in html and "Ada" in html
    with app.app_context():
        assert db.session.scalar(select(Contribution.text)) == "<b>bold</b> idea"


def test_juror_cannot_open_another_jurys_session(
    app, make_live_session, make_panel_member, sign_in
):
    setup = make_live_session(jurors=1)
    _, code = make_panel_member(name="Outsider")
    client = app.test_client()
    sign_in(client, code=code)
    assert client.get(f"/live/sessions/{setup.session_id}").status_code == 403


def test_gallery_is_public_only_when_open(app, make_live_session):
    closed = make_live_session(jurors=1, start=True)
    opened = make_live_session(jurors=1, start=True, gallery=True)
    client = app.test_client()
    assert client.get(f"/live/sessions/{closed.session_id}/gallery").status_code == 404
    page = client.get(f"/live/sessions/{opened.session_id}/gallery")
    assert page.status_code == 200 and b"Public gallery" in page.data


def test_json_join_signs_a_juror_in_for_socket_clients(app, make_panel_member):
    _, code = make_panel_member(name="Bench")
    client = app.test_client()
    bad = client.post("/live/api/join", json={"code": "NOPE-NOPE-NOPE"})
    assert bad.status_code == 422 and bad.json["ok"] is False
    good = client.post("/live/api/join", json={"code": code})
    assert good.status_code == 200 and good.json["ok"] is True
    assert client.get("/live/").status_code == 200


def test_bench_setup_command_creates_session_and_codes(app, runner, tmp_path):
    out = tmp_path / "codes.txt"
    result = runner.invoke(args=["live", "bench-setup", "--participants", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    session_id = int(lines[0].split("=")[1])
    assert len(lines[1:]) == 5
    with app.app_context():
        jury_session = db.session.get(JurySession, session_id)
        assert jury_session.status == "live"
        assert jury_session.current_round.kind == "table_discussion"
        assert db.session.get(Round, jury_session.current_round_id).ends_at is not None
