"""Voting without a code in a PB round (consult/pb/eligibility.py): the eligibility check
by postcode (the round's postcode areas) and date of birth (its age range) gives one ballot
per person, which the same answers bring back to change until voting closes; only a keyed
hash of who they are is stored, and answers outside the round are refused with a message
and store nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from consult.errors import Invalid
from consult.extensions import db
from consult.models import AuditEntry, PBBallot, PBEligibleVoter, PBRound, User

AREAS = ["RV1", "RV2 3", "OT9 9ZZ"]


def _born(age: int) -> dict[str, str]:
    """Date-of-birth boxes for someone who is `age` today (born on 1 January)."""
    return {
        "date_of_birth-day": "1",
        "date_of_birth-month": "1",
        "date_of_birth-year": str(date.today().year - age),
    }


def _check(client, slug: str, postcode: str, age: int, identity: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/pb/{slug}/vote/check", data={"postcode": postcode, "identity": identity, **_born(age)}
    )


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def open_round(make_pb_round):  # type: ignore[no-untyped-def]
    return make_pb_round("voting", eligibility_check=True, postcode_areas=AREAS)


def test_answers_outside_the_round_are_refused_and_nothing_is_stored(app, client, open_round):
    slug = open_round["slug"]
    page = client.get(f"/pb/{slug}/vote").get_data(as_text=True)
    assert "Vote with your postcode and date of birth" in page
    page = client.get(f"/pb/{slug}/vote/check").get_data(as_text=True)
    assert "We do not keep your postcode, date of birth or name" in page
    for postcode, age, identity, message in (
        ("RV9 1AA", 16, "Sam Jones", "You cannot vote in this round: it is for people who live"),
        ("RV2 4AB", 16, "Sam Jones", "You cannot vote in this round: it is for people who live"),
        ("OT9 9ZY", 16, "Sam Jones", "You cannot vote in this round: it is for people who live"),
        ("not a postcode", 16, "Sam Jones", "Enter a real postcode, like RV1 2AB"),
        ("RV1 2AB", 30, "Sam Jones", "it is for people aged 11 to 25"),
        ("RV1 2AB", 9, "Sam Jones", "it is for people aged 11 to 25"),
        ("RV1 2AB", 16, "  ", "Enter your full name or your email address"),
        ("", 16, "Sam Jones", "Enter your postcode"),
    ):
        response = _check(client, slug, postcode, age, identity)
        assert response.status_code == 400, (postcode, age)
        page = response.get_data(as_text=True)
        assert message in page and "There is a problem" in page
    response = client.post(
        f"/pb/{slug}/vote/check",
        data={
            "postcode": "RV1 2AB",
            "identity": "Sam",
            "date_of_birth-day": "31",
            "date_of_birth-month": "2",
            "date_of_birth-year": "2010",
        },
    )
    assert response.status_code == 400
    assert "Date of birth must be a real date" in response.get_data(as_text=True)
    assert _count(app, PBEligibleVoter) == 0
    # no ballot page without passing the check
    assert client.get(f"/pb/{slug}/ballot").headers["Location"].endswith(f"/pb/{slug}/vote")


def test_one_ballot_per_person_changed_with_the_same_answers_and_only_a_hash_kept(
    app, client, open_round
):
    slug, ids = open_round["slug"], open_round["proposals"]
    response = _check(client, slug, "rv1 2ab", 16, "Sam Jones")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/pb/{slug}/ballot"
    )
    response = client.post(f"/pb/{slug}/ballot", data={"choices": [str(ids["Climbing wall"])]})
    assert response.status_code == 302
    page = client.get(f"/pb/{slug}/ballot/counted").get_data(as_text=True)
    assert "Your vote is counted" in page and "Climbing wall" in page
    assert "change your vote" in page
    # the same person on another device, typed a little differently: the same ballot
    other = app.test_client()
    response = _check(other, slug, "RV12AB", 16, "  sam   JONES ")
    assert response.status_code == 302
    page = other.get(f"/pb/{slug}/ballot").get_data(as_text=True)
    assert "Change your vote" in page
    assert (
        other.post(f"/pb/{slug}/ballot", data={"choices": [str(ids["Pitch drainage"])]}).status_code
        == 302
    )
    with app.app_context():
        rows = db.session.scalars(select(PBBallot)).all()
        assert [(b.channel, b.choices) for b in rows] == [("online", [ids["Pitch drainage"]])]
        assert rows[0].eligible_voter_id is not None and rows[0].voter_code_id is None
    # someone else at the same address with the same birthday gets their own ballot
    third = app.test_client()
    assert _check(third, slug, "RV1 2AB", 16, "Alex Jones").status_code == 302
    assert (
        third.post(f"/pb/{slug}/ballot", data={"choices": [str(ids["Climbing wall"])]}).status_code
        == 302
    )
    assert _count(app, PBBallot) == 2 and _count(app, PBEligibleVoter) == 2
    # only the keyed hash is stored: no postcode, date of birth or name anywhere
    with app.app_context():
        salt = db.session.get(PBRound, open_round["id"]).eligibility_salt
        assert len(salt) == 32
        stored = " ".join(
            str(row)
            for table in ("pb_eligible_voters", "pb_ballots", "audit_entries")
            for row in db.session.execute(text(f"SELECT * FROM {table}")).all()
        ).upper()
        born = f"{date.today().year - 16}-01-01"
        # whole answers (hex hashes and references can hold short runs like "2AB" by chance)
        for secret in ("RV1", "RV1 2AB", "RV12AB", "SAM JONES", "ALEX JONES", born):
            assert secret not in stored, secret
        hashes = db.session.scalars(select(PBEligibleVoter.key_hash)).all()
        assert all(len(h) == 64 for h in hashes) and len(set(hashes)) == 2


def test_the_check_is_closed_with_voting_and_absent_where_the_round_uses_codes_only(
    app, client, officer_client, open_round, make_pb_round
):
    slug = open_round["slug"]
    officer_client.post(f"/pb/{slug}/manage/phase")  # voting closes
    assert _check(client, slug, "RV1 2AB", 16, "Sam Jones").status_code == 409
    codes_only = make_pb_round("voting")
    response = client.get(f"/pb/{codes_only['slug']}/vote/check")
    assert response.status_code == 409
    assert "Vote with your postcode" not in client.get(f"/pb/{codes_only['slug']}/vote").get_data(
        as_text=True
    )
    assert _count(app, PBEligibleVoter) == 0


def test_postcode_areas_are_checked_when_the_round_is_set_up(app, officers, make_pb_round):
    from consult.pb import services

    made = make_pb_round("draft")
    with app.app_context():
        pb_round = db.session.get(PBRound, made["id"])
        officer = db.session.get(User, officers[0]["id"])
        with pytest.raises(Invalid) as refused:
            services.update_round(
                pb_round, actor=officer, eligibility_check=True, postcode_areas=["RV1", "Riverside"]
            )
        assert "“Riverside” is not a postcode area" in refused.value.fields["postcode_areas"]
        db.session.rollback()
        services.update_round(
            pb_round, actor=officer, eligibility_check=True, postcode_areas=["rv1", "RV2 3"]
        )
        db.session.commit()
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "pb.round_updated")
            )
            == 1
        )
