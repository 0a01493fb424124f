"""PB kiosks (consult/pb/kiosk.py): staff start a kiosk on a shared tablet, which signs the
tablet out of the staff account; each voter is let in by the staff PIN (or enters their
own code), casts exactly one ballot on an empty page, sees that it counted without their
choices, and the tablet waits for the next voter. Pages are never cached, a slot times
out, and the kiosk closes with the PIN."""

from __future__ import annotations

import re

from sqlalchemy import select

from consult.extensions import db
from consult.models import PBBallot, PBKiosk


def _start(client, slug: str, mode: str = "staff") -> str:  # type: ignore[no-untyped-def]
    response = client.post(f"/pb/{slug}/manage/kiosk", data={"mode": mode, "label": "Tablet 1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    return re.search(r'class="pb-kiosk-pin">(\d{6})<', page).group(1)  # type: ignore[union-attr]


def _ballots(app) -> list[tuple[str, list[int], int | None, int | None]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.scalars(select(PBBallot).order_by(PBBallot.id))
        return [(b.channel, b.choices, b.kiosk_id, b.voter_code_id) for b in rows]


def test_staff_kiosk_takes_one_ballot_per_let_in_and_never_shows_the_last_one(
    app, officer_client, second_officer_client, make_pb_round
):
    made = make_pb_round("voting")
    slug, ids = made["slug"], made["proposals"]
    tablet = officer_client  # the officer's own sign-in on the tablet
    pin = _start(tablet, slug)
    # the tablet is signed out of the staff account
    assert tablet.get(f"/pb/{slug}/manage").status_code == 302
    ready = tablet.get(f"/pb/{slug}/kiosk")
    assert ready.status_code == 200 and "Ask a member of staff" in ready.get_data(as_text=True)
    assert ready.headers["Cache-Control"] == "no-store"
    # no ballot without being let in
    response = tablet.post(
        f"/pb/{slug}/kiosk/ballot", data={"choices": [str(ids["Climbing wall"])]}
    )
    assert response.headers["Location"].endswith(f"/pb/{slug}/kiosk") and _ballots(app) == []
    response = tablet.post(f"/pb/{slug}/kiosk", data={"pin": "000000" if pin != "000000" else "1"})
    assert response.status_code == 400 and "That PIN is not right" in response.get_data(
        as_text=True
    )
    # first voter
    assert tablet.post(f"/pb/{slug}/kiosk", data={"pin": pin}).status_code == 302
    page = tablet.get(f"/pb/{slug}/kiosk/ballot").get_data(as_text=True)
    assert "Which projects should be funded?" in page and " checked" not in page
    response = tablet.post(
        f"/pb/{slug}/kiosk/ballot",
        data={"choices": [str(ids["Climbing wall"]), str(ids["Skate park lights"])]},
    )
    assert response.headers["Location"].endswith(f"/pb/{slug}/kiosk/done")
    done = tablet.get(f"/pb/{slug}/kiosk/done")
    page = done.get_data(as_text=True)
    assert "Your vote is counted" in page and "PBV-" in page
    assert "Climbing wall" not in page and "Skate park lights" not in page
    assert done.headers["Cache-Control"] == "no-store"
    # the slot is used: a second ballot needs the next let-in
    again = tablet.post(f"/pb/{slug}/kiosk/ballot", data={"choices": [str(ids["Pitch drainage"])]})
    assert again.headers["Location"].endswith(f"/pb/{slug}/kiosk")
    assert tablet.get(f"/pb/{slug}/kiosk/done").headers["Location"].endswith(f"/pb/{slug}/kiosk")
    # next voter: an empty ballot, nothing of the previous voter's
    assert tablet.post(f"/pb/{slug}/kiosk", data={"pin": pin}).status_code == 302
    page = tablet.get(f"/pb/{slug}/kiosk/ballot").get_data(as_text=True)
    assert " checked" not in page
    bad = tablet.post(f"/pb/{slug}/kiosk/ballot", data={"choices": []})
    assert bad.status_code == 400 and "Choose at least 1 project" in bad.get_data(as_text=True)
    assert (
        tablet.post(
            f"/pb/{slug}/kiosk/ballot", data={"choices": [str(ids["Pitch drainage"])]}
        ).status_code
        == 302
    )
    with app.app_context():
        kiosk_id = db.session.scalar(select(PBKiosk.id))
        assert db.session.get(PBKiosk, kiosk_id).ballots_taken == 2
    assert _ballots(app) == [
        ("kiosk", sorted([ids["Climbing wall"], ids["Skate park lights"]]), kiosk_id, None),
        ("kiosk", [ids["Pitch drainage"]], kiosk_id, None),
    ]
    page = second_officer_client.get(f"/pb/{slug}/manage").get_data(as_text=True)
    assert "0 online, 2 at kiosks, 0 on paper" in page
    # cancelling clears the slot
    tablet.post(f"/pb/{slug}/kiosk", data={"pin": pin})
    tablet.post(f"/pb/{slug}/kiosk/cancel")
    assert tablet.get(f"/pb/{slug}/kiosk/ballot").status_code == 302
    # the kiosk closes with the PIN only
    wrong = tablet.post(f"/pb/{slug}/kiosk/end", data={"end_pin": "x"})
    assert wrong.status_code == 400
    assert tablet.post(f"/pb/{slug}/kiosk/end", data={"end_pin": pin}).status_code == 302
    assert tablet.get(f"/pb/{slug}/kiosk").status_code == 404
    with app.app_context():
        assert db.session.get(PBKiosk, kiosk_id).ended_at is not None


def test_a_let_in_times_out(app, officer_client, make_pb_round, monkeypatch):
    from consult.pb import kiosk

    made = make_pb_round("voting")
    slug = made["slug"]
    pin = _start(officer_client, slug)
    officer_client.post(f"/pb/{slug}/kiosk", data={"pin": pin})
    monkeypatch.setattr(kiosk, "SLOT_SECONDS", -1)  # every open slot is already over
    response = officer_client.post(
        f"/pb/{slug}/kiosk/ballot", data={"choices": [str(made["proposals"]["Climbing wall"])]}
    )
    assert response.headers["Location"].endswith(f"/pb/{slug}/kiosk")
    assert _ballots(app) == []


def test_code_kiosk_replaces_the_codes_ballot_without_showing_it(
    app, client, officer_client, make_pb_round
):
    made = make_pb_round("voting", codes=1)
    slug, ids, code = made["slug"], made["proposals"], made["codes"][0]
    client.post(f"/pb/{slug}/vote", data={"code": code})
    client.post(f"/pb/{slug}/ballot", data={"choices": [str(ids["Climbing wall"])]})
    _start(officer_client, slug, mode="code")
    tablet = officer_client
    response = tablet.post(f"/pb/{slug}/kiosk", data={"code": "WRONG-CODE1"})
    assert response.status_code == 400 and "That voting code is not right" in response.get_data(
        as_text=True
    )
    assert tablet.post(f"/pb/{slug}/kiosk", data={"code": code}).status_code == 302
    page = tablet.get(f"/pb/{slug}/kiosk/ballot").get_data(as_text=True)
    assert " checked" not in page and "replaces your earlier one" in page
    tablet.post(f"/pb/{slug}/kiosk/ballot", data={"choices": [str(ids["Pitch drainage"])]})
    rows = _ballots(app)
    assert len(rows) == 1 and rows[0][0] == "kiosk" and rows[0][1] == [ids["Pitch drainage"]]
    assert rows[0][3] is not None  # still the code's one ballot


def test_only_staff_start_kiosks_and_only_while_voting_is_open(
    app, client, officer_client, make_pb_round
):
    made = make_pb_round("assessment")
    assert client.get(f"/pb/{made['slug']}/manage/kiosk").status_code == 302  # sign in first
    response = officer_client.post(f"/pb/{made['slug']}/manage/kiosk", data={"mode": "staff"})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(PBKiosk.id)) is None
    assert client.get(f"/pb/{made['slug']}/kiosk").status_code == 404
