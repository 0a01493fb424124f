"""Polls in Welsh and English (issue 19): the facilitator gives a poll's question, its
options or statements a Welsh version in the console; the state and event payloads carry
both, so each juror's page and script shows its own language; a juror or gallery viewer
reading in Welsh sees the Welsh, or the English inside lang="en-GB" with the visible note
where there is none; the results are labelled in the viewer's language."""

from __future__ import annotations

import json
import re
from typing import Any

from consult.extensions import db, socketio
from consult.models import Poll
from tests.live.conftest import emit, received

NOTE_CY = "Nid yw'r cynnwys hwn ar gael yn Gymraeg"
QUESTION = {"question": "Which bus route first?", "question_cy": "Pa lwybr bws yn gyntaf?"}
OPTIONS = {"options": ["Route 1", "Route 2"], "options_cy": ["Llwybr 1", "Llwybr 2"]}


def _client(app, sign_in, *, code=None, email=None, welsh=False):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, code=code, email=email)
    if welsh:
        assert client.get("/language/cy?next=/live/").status_code == 302
    return client


def _socket(app, client, session_id: int) -> Any:  # type: ignore[no-untyped-def]
    socket = socketio.test_client(app, namespace="/live", flask_test_client=client)
    assert emit(socket, "join", session_id=session_id)["ok"]
    socket.get_received("/live")
    return socket


def _create(staff: Any, session_id: int, **poll: Any) -> int:
    ack = emit(staff, "create_poll", session_id=session_id, **poll)
    assert ack["ok"], ack
    assert emit(staff, "poll_action", session_id=session_id, poll_id=ack["id"], action="open")["ok"]
    return int(ack["id"])


def test_a_bilingual_poll_reaches_each_juror_in_their_language(
    app, make_live_session, sign_in, connect
):
    setup = make_live_session(jurors=2, start=True)
    sid = setup.session_id
    staff = connect(sid, email=setup.facilitator_email)
    welsh = _client(app, sign_in, code=setup.members[0][1], welsh=True)
    english = _client(app, sign_in, code=setup.members[1][1])
    welsh_socket = _socket(app, welsh, sid)

    poll_id = _create(staff, sid, kind="single_choice", **QUESTION, **OPTIONS)
    with app.app_context():
        row = db.session.get(Poll, poll_id)
        assert row.question_cy == "Pa lwybr bws yn gyntaf?"
        assert [o.get("label_cy") for o in row.options] == ["Llwybr 1", "Llwybr 2"]

    # the event and the state snapshot carry the Welsh beside the English
    changed = received(welsh_socket, "poll_changed")[-1]
    assert changed["question_cy"] == "Pa lwybr bws yn gyntaf?"
    assert [(o["label"], o["label_cy"]) for o in changed["options"]] == [
        ("Route 1", "Llwybr 1"),
        ("Route 2", "Llwybr 2"),
    ]
    state = emit(welsh_socket, "join", session_id=sid)["state"]
    assert state["polls"][0]["question_cy"] == "Pa lwybr bws yn gyntaf?"

    page = welsh.get(f"/live/sessions/{sid}").text
    assert f'id="poll-{poll_id}-title">Pa lwybr bws yn gyntaf?</h3>' in page
    assert f'for="poll-{poll_id}-choice-o1">Llwybr 1</label>' in page
    assert "Route 1" not in page and "Which bus route" not in page
    assert f'id="poll-{poll_id}-translation-note"' not in page  # all of it is in Welsh

    page = english.get(f"/live/sessions/{sid}").text
    assert f'id="poll-{poll_id}-title">Which bus route first?</h3>' in page
    assert f'for="poll-{poll_id}-choice-o1">Route 1</label>' in page
    assert "Llwybr" not in page and "translation-note" not in page

    # a refusal over the socket is in the juror's language too
    ack = emit(
        welsh_socket, "cast_ballot", session_id=sid, poll_id=poll_id, value="o9", client_id="b1"
    )
    assert (
        not ack["ok"]
        and ack["error"]["message"] == "Nid yw'r bleidlais honno'n cyd-fynd â'r pôl hwn."
    )
    welsh_socket.disconnect(namespace="/live")


def test_text_without_welsh_shows_in_english_marked_and_with_the_note(
    app, make_live_session, sign_in, connect
):
    setup = make_live_session(jurors=1, start=True)
    sid = setup.session_id
    staff = connect(sid, email=setup.facilitator_email)
    poll_id = _create(staff, sid, kind="ranking", question="Rank the routes", options=["A1", "B2"])
    welsh = _client(app, sign_in, code=setup.members[0][1], welsh=True)
    page = welsh.get(f"/live/sessions/{sid}").text.replace("&#39;", "'")
    assert f'id="poll-{poll_id}-title"><span lang="en-GB">Rank the routes</span></h3>' in page
    assert f'id="poll-{poll_id}-translation-note"><p class="govuk-body">{NOTE_CY}</p>' in page
    assert '<span lang="en-GB">A1</span></label>' in page
    assert "Rhowch yr opsiynau mewn trefn" in page  # the fixed text is Welsh all the same


def test_a_welsh_list_must_have_one_line_per_english_line(make_live_session, connect):
    setup = make_live_session(jurors=1, start=True)
    staff = connect(setup.session_id, email=setup.facilitator_email)
    ack = emit(
        staff,
        "create_poll",
        session_id=setup.session_id,
        kind="single_choice",
        question="Which?",
        options=["One", "Two", "Three"],
        options_cy=["Un", "Dau"],
    )
    assert ack["error"]["code"] == "invalid" and "options_cy" in ack["error"]["fields"]
    assert "(3)" in ack["error"]["message"]


def test_the_facilitator_adds_or_changes_the_welsh_after_creating_a_poll(
    app, make_live_session, connect
):
    setup = make_live_session(jurors=1, start=True)
    sid = setup.session_id
    staff = connect(sid, email=setup.facilitator_email)
    ada = connect(sid, code=setup.members[0][1])
    poll_id = _create(staff, sid, kind="single_choice", question="Tea?", options=["Yes", "No"])
    received(ada)
    ack = emit(
        staff,
        "translate_poll",
        session_id=sid,
        poll_id=poll_id,
        question_cy="Te?",
        options_cy=["Ie", "Na"],
    )
    assert ack["ok"], ack
    changed = received(ada, "poll_changed")[-1]  # an open poll: the room hears of it
    assert changed["question_cy"] == "Te?"
    assert [o["label_cy"] for o in changed["options"]] == ["Ie", "Na"]
    assert (
        emit(ada, "translate_poll", session_id=sid, poll_id=poll_id, question_cy="X")["error"][
            "code"
        ]
        == "not_permitted"
    )
    # emptied again: the English shows, with the note
    assert emit(staff, "translate_poll", session_id=sid, poll_id=poll_id, question_cy="")["ok"]
    with app.app_context():
        row = db.session.get(Poll, poll_id)
        assert row.question_cy is None and all("label_cy" not in o for o in row.options)
    assert ada.http.get("/language/cy?next=/live/").status_code == 302
    assert f'id="poll-{poll_id}-translation-note"' in ada.http.get(f"/live/sessions/{sid}").text


def test_statements_and_results_are_in_the_viewers_language(
    app, make_live_session, sign_in, connect
):
    setup = make_live_session(jurors=2, start=True, gallery=True)
    sid = setup.session_id
    staff = connect(sid, email=setup.facilitator_email)
    poll_id = _create(
        staff,
        sid,
        kind="agree_disagree",
        question="Buses",
        question_cy="Bysiau",
        statements=["More buses", "Write to ann@example.com"],
        statements_cy=["Mwy o fysiau", "Ysgrifennwch at ann@example.com"],
    )
    ada = connect(sid, code=setup.members[0][1])
    with app.app_context():
        statement_ids = [s.id for s in db.session.get(Poll, poll_id).statements]
    ack = emit(
        ada,
        "cast_ballot",
        session_id=sid,
        poll_id=poll_id,
        client_id="b1",
        value={str(statement_ids[0]): 1},
    )
    assert ack["ok"], ack
    for action in ("close", "reveal"):
        assert emit(staff, "poll_action", session_id=sid, poll_id=poll_id, action=action)["ok"]
    results = received(ada, "poll_changed")[-1]["results"]
    first = results["statements"][0]
    assert (first["text"], first["text_cy"]) == (
        "More buses",
        "Mwy o fysiau",
    )

    welsh = _client(app, sign_in, code=setup.members[1][1], welsh=True)
    page = welsh.get(f"/live/sessions/{sid}").text
    assert '<p class="govuk-body govuk-!-margin-bottom-1">Mwy o fysiau</p>' in page
    assert "More buses" not in page and "translation-note" not in page

    # the public gallery: the Welsh question, and personal details redacted in both
    gallery = app.test_client().get(
        f"/live/sessions/{sid}/gallery", headers={"Accept-Language": "cy"}
    )
    assert ">Bysiau</h3>" in gallery.text
    gallery_socket = socketio.test_client(app, namespace="/live", auth={"gallery": sid})
    state = emit(gallery_socket, "join", session_id=sid)
    shown = state["state"]["polls"][0]
    texts = [s["text_cy"] for s in shown["statements"]] + [
        s["text_cy"] for s in shown["results"]["statements"]
    ]
    assert texts[0] == "Mwy o fysiau"
    assert not any("ann@example.com" in text for text in texts), texts
    gallery_socket.disconnect(namespace="/live")


def test_the_console_asks_for_the_welsh_and_staff_pages_are_translated(
    app, make_live_session, sign_in
):
    setup = make_live_session(jurors=1, start=True)
    sid = setup.session_id
    staff = _client(app, sign_in, email=setup.facilitator_email)
    console = staff.get(f"/live/sessions/{sid}/console").text
    assert 'for="poll-question-cy">Question (Welsh version)</label>' in console
    assert 'name="lines_cy"' in console and 'lang="cy"' in console
    strings = re.search(r'id="consult-strings">(.*?)</script>', console, re.S)[1]
    assert '"consoleWelshVersion": "Welsh version"' in strings
    assert ">Live</strong>" in console  # the session's status, as a word
    agenda = staff.get(f"/live/sessions/{sid}/agenda").text
    assert ">Running<" in agenda and ">Not started<" in agenda

    assert staff.get("/language/cy?next=/").status_code == 302
    console = staff.get(f"/live/sessions/{sid}/console").text
    assert "Cwestiwn (fersiwn Gymraeg)" in console and ">Creu pôl</button>" in console
    strings = json.loads(re.search(r'id="consult-strings">(.*?)</script>', console, re.S)[1])
    assert strings["consoleOpenPoll"] == "Agor y pôl"  # what the console's script draws
    assert strings["consoleTables.two"] == "%(num)s bwrdd: %(names)s."
    ended = staff.post(f"/live/sessions/{sid}/control", data={"action": "end", "confirm": "yes"})
    assert ended.status_code == 302
    console = staff.get(f"/live/sessions/{sid}/console").text
    assert "Mae&#39;r sesiwn wedi dod i ben. Mae rheithwyr bellach" in console


def test_a_numbered_idea_theme_carries_its_welsh(app):
    from consult.live.ideas import _numbered

    with app.app_context():
        assert _numbered(3) == {"label": "Theme 3", "label_cy": "Thema 3"}
    assert _numbered(3) == {"label": "Theme 3", "label_cy": ""}  # no catalogue to ask
