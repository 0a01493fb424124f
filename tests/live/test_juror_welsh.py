"""The juror's live pages and the public gallery in Welsh (issue 19): every label, button
and message is Welsh, rounds show their Welsh title and instructions (the English, when
there is none, inside lang="en-GB"), the scripts' strings arrive in Welsh with all six
plural forms, and a refusal over Socket.IO is in the juror's language."""

from __future__ import annotations

import json
import re

from consult.extensions import db, socketio
from consult.models import Jury, Round
from tests.juries.test_jury_welsh import WELSH_TEXTS, english_left

WELSH = {"Accept-Language": "cy"}
SESSION_TITLE = ("Day one",)  # a session's title is the officer's (one language)


def _welsh_jury_and_rounds(app, setup, *, skip_round: int | None = None) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        jury = db.session.get(Jury, setup.jury_id)
        for name, text in WELSH_TEXTS.items():
            setattr(jury, name, text)
        for number, round_id in enumerate(setup.round_ids, start=1):
            if number == skip_round:
                continue
            row = db.session.get(Round, round_id)
            row.title_cy = f"Rownd {number}"
            row.instructions_cy = f"Cyfarwyddiadau rownd {number}."
        db.session.commit()


def _welsh_client(app, sign_in, code):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, code=code)
    assert client.get("/language/cy?next=/live/").status_code == 302
    return client


def test_the_juror_pages_are_all_welsh(app, make_live_session, sign_in):
    setup = make_live_session(jurors=2, start=True)
    _welsh_jury_and_rounds(app, setup)
    client = _welsh_client(app, sign_in, setup.members[0][1])

    home = client.get("/live/").text
    assert '<html lang="cy"' in home and "Rheithgor trafnidiaeth" in home
    assert "Sesiynau" in home and "Yn fyw nawr" in home
    assert not english_left(home, SESSION_TITLE), english_left(home, SESSION_TITLE)

    client.post(f"/live/sessions/{setup.session_id}/hand")
    page = client.get(f"/live/sessions/{setup.session_id}").text
    assert '<h1 class="govuk-heading-l" id="round-title">Rownd 1</h1>' in page
    assert "Cyfarwyddiadau rownd 1." in page and "Briffio a thystiolaeth" in page
    assert "Gostwng fy llaw" in page and "Yn aros i siarad" in page
    assert 'aria-label="Amser ar ôl yn y rownd hon"' in page
    assert not english_left(page, SESSION_TITLE), english_left(page, SESSION_TITLE)

    strings = json.loads(
        re.search(
            r'<script type="application/json" id="consult-strings">(.*?)</script>', page, re.S
        )[1]
    )
    assert strings["liveConnected"] == "Wedi cysylltu."
    assert strings["raiseHand"] == "Codi fy llaw"
    assert strings["opinionAgreed"].endswith("cytunodd %(share)s%% ohonynt â “%(text)s”")
    forms = [strings[f"ballots.{c}"] for c in ("zero", "one", "two", "few", "many", "other")]
    assert forms == ["%(num)s pleidlais"] * 6


def test_english_juror_page_is_unchanged(app, make_live_session, sign_in):
    setup = make_live_session(jurors=1, start=True)
    _welsh_jury_and_rounds(app, setup)
    client = app.test_client()
    sign_in(client, code=setup.members[0][1])
    page = client.get(f"/live/sessions/{setup.session_id}").text
    assert '<html lang="en-GB"' in page and "Welcome and evidence" in page
    assert "Raise my hand" in page and "Rownd 1" not in page
    strings = json.loads(re.search(r'id="consult-strings">(.*?)</script>', page, re.S)[1])
    assert (
        strings["ballots.one"] == "%(num)s ballot" and strings["ballots.other"] == "%(num)s ballots"
    )


def test_a_round_without_welsh_shows_its_english_marked_as_english(app, make_live_session, sign_in):
    setup = make_live_session(jurors=1, start=True)
    _welsh_jury_and_rounds(app, setup, skip_round=1)
    client = _welsh_client(app, sign_in, setup.members[0][1])
    page = client.get(f"/live/sessions/{setup.session_id}").text
    assert 'id="round-title"><span lang="en-GB">Welcome and evidence</span></h1>' in page
    assert '<strong><span lang="en-GB">Welcome and evidence</span></strong>' in page  # agenda
    assert "<li>Rownd 2</li>" in page


def test_the_public_gallery_is_all_welsh(app, make_live_session):
    setup = make_live_session(jurors=1, start=True, gallery=True)
    _welsh_jury_and_rounds(app, setup)
    page = app.test_client().get(f"/live/sessions/{setup.session_id}/gallery", headers=WELSH).text
    assert "Oriel gyhoeddus" in page and "O'r ystafell" in page.replace("&#39;", "'")
    assert "Rownd 1" in page and "Rheithgor trafnidiaeth" in page
    assert not english_left(page, SESSION_TITLE), english_left(page, SESSION_TITLE)


def test_a_refusal_over_the_socket_is_in_the_jurors_language(app, make_live_session, sign_in):
    setup = make_live_session(jurors=1)  # planned, not running yet
    client = _welsh_client(app, sign_in, setup.members[0][1])
    socket = socketio.test_client(app, namespace="/live", flask_test_client=client)
    ack = socket.emit(
        "send_message",
        {"session_id": setup.session_id, "text": "Helo", "scope": "room", "client_id": "c1"},
        namespace="/live",
        callback=True,
    )
    assert not ack["ok"] and ack["error"]["message"] == "Nid yw'r sesiwn yn rhedeg."
    socket.disconnect(namespace="/live")


def test_the_facilitator_enters_a_rounds_welsh_title_and_instructions(
    app, make_live_session, sign_in
):
    setup = make_live_session(jurors=1, start=True)
    staff = app.test_client()
    sign_in(staff, email=setup.facilitator_email)
    first = setup.round_ids[0]
    assert (
        "Instructions for jurors (Welsh version)"
        in staff.get(f"/live/sessions/{setup.session_id}/agenda").text
    )
    edited = staff.post(
        f"/live/sessions/{setup.session_id}/rounds/{first}",
        data={
            "kind": "briefing",
            "title": "Welcome and evidence",
            "planned_minutes": "30",
            "instructions": "Listen to the briefing.",
            "title_cy": "Croeso a thystiolaeth",
            "instructions_cy": "Gwrandewch ar y briffio.",
        },
    )
    assert edited.status_code == 302
    with app.app_context():
        row = db.session.get(Round, first)
        assert (row.title_cy, row.instructions_cy) == (
            "Croeso a thystiolaeth",
            "Gwrandewch ar y briffio.",
        )
    juror = _welsh_client(app, sign_in, setup.members[0][1])
    page = juror.get(f"/live/sessions/{setup.session_id}").text
    assert 'id="round-title">Croeso a thystiolaeth</h1>' in page
    assert "Gwrandewch ar y briffio." in page
