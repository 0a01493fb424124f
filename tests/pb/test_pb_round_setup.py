"""A PB round from set-up to the ballot: officers set it up and move it through its phases,
residents propose (redacted, moderated), officers assess with published reasons, and
opening voting freezes the rule and ballot with a published checksum."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import AuditEntry, PBProposal, PBRound

ROUND_FORM = {
    "title": "Youth fund 2027",
    "summary": "Ideas from young people.",
    "area": "Riverside borough",
    "wards": "Hillside\nOldtown",
    "min_age": "11",
    "max_age": "25",
    "budget": "20000",
    "rule": "equalshares/add1",
    "min_choices": "1",
    "max_choices": "3",
    "tie_seed": "",
    "voting_opens_on": "2027-03-01",
    "voting_closes_on": "2027-03-21",
}


def _refused(client, url: str, data: dict, message: str, status: int = 400) -> None:  # type: ignore[no-untyped-def]
    """POST `data` and check it is refused with `message` on the page."""
    response = client.post(url, data=data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_officer_sets_up_a_round_and_it_is_audited(app, officer_client):
    response = officer_client.post("/pb/manage/new", data=ROUND_FORM)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pb/youth-fund-2027/manage")
    with app.app_context():
        pb_round = db.session.scalar(select(PBRound))
        assert (pb_round.budget, pb_round.wards, pb_round.status) == (
            20000,
            ["Hillside", "Oldtown"],
            "draft",
        )
        assert pb_round.tie_seed  # made at random when left empty
        assert (
            pb_round.eligibility
            == "Anyone who lives, works or studies in Riverside borough and is aged 11 to 25"
        )
        assert db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.action == "pb.round_created")
        )


def test_round_with_bad_settings_is_refused_with_messages_and_nothing_is_saved(app, officer_client):
    bad = {**ROUND_FORM, "min_choices": "4", "max_choices": "2", "voting_closes_on": "2027-02-01"}
    response = officer_client.post("/pb/manage/new", data=bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "The most projects must be at least the fewest" in page
    assert _count(app, PBRound) == 0
    response = officer_client.post("/pb/manage/new", data={**ROUND_FORM, "budget": "lots"})
    assert response.status_code == 400 and _count(app, PBRound) == 0


def test_facilitator_and_anonymous_cannot_set_up_or_assess(
    app, client, make_user, sign_in, make_pb_round
):
    facilitator = app.test_client()
    make_user("facilitator", email="f@council.example")
    sign_in(facilitator, email="f@council.example")
    assert facilitator.post("/pb/manage/new", data=ROUND_FORM).status_code == 403
    made = make_pb_round("assessment")
    pid = made["proposals"]["Skate park lights"]
    url = f"/pb/{made['slug']}/manage/proposals/{pid}"
    data = {
        "action": "assess",
        "assessment-assessment": "not_feasible",
        "assessment-reasons": "No.",
    }
    assert facilitator.post(url, data=data).status_code == 403
    assert client.post(url, data=data).status_code == 302  # to sign in
    with app.app_context():
        assert db.session.get(PBProposal, pid).assessment == "feasible"


def test_resident_proposal_is_published_redacted_with_a_reference(app, client, make_pb_round):
    made = make_pb_round("proposals")
    response = client.post(
        f"/pb/{made['slug']}/propose",
        data={
            "title": "Table tennis tables",
            "description": "Two outdoor tables. Call me on 07700 900123 or jo@example.com",
            "ward": "Oldtown",
            "estimated_cost": "2500",
            "proposer_name": "Jo",
            "proposer_email": "jo@example.com",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Idea received" in page and "PBP-" in page
    with app.app_context():
        proposal = db.session.scalar(
            select(PBProposal).where(PBProposal.title == "Table tennis tables")
        )
        assert "07700" not in proposal.description and "jo@example.com" not in proposal.description
        assert "[phone]" in proposal.description and "07700 900123" in proposal.description_original
        assert proposal.moderation == "published" and proposal.proposer_email == "jo@example.com"
    public_page = client.get(f"/pb/{made['slug']}").get_data(as_text=True)
    assert (
        "Table tennis tables" in public_page
        and "07700" not in public_page
        and "jo@example.com" not in public_page
    )


def test_bad_proposal_gives_clear_messages_and_changes_nothing(app, client, make_pb_round):
    made = make_pb_round("proposals")
    before = _count(app, PBProposal)
    response = client.post(
        f"/pb/{made['slug']}/propose",
        data={"title": "", "description": "x", "ward": "Atlantis", "estimated_cost": "999999"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter a name for your project" in page
    assert _count(app, PBProposal) == before
    response = client.post(
        f"/pb/{made['slug']}/propose",
        data={"title": "Big", "description": "x", "ward": "Atlantis", "estimated_cost": "999999"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose the ward where the project would happen" in page
    assert _count(app, PBProposal) == before


def test_proposals_are_refused_outside_the_proposals_phase(app, client, make_pb_round):
    made = make_pb_round("assessment")
    before = _count(app, PBProposal)
    response = client.post(
        f"/pb/{made['slug']}/propose",
        data={
            "title": "Late",
            "description": "Too late",
            "ward": "Oldtown",
            "estimated_cost": "100",
        },
    )
    assert response.status_code == 409
    assert _count(app, PBProposal) == before


def test_spam_proposal_is_held_until_an_officer_publishes_it(
    app, client, officer_client, make_pb_round
):
    made = make_pb_round("proposals")
    client.post(
        f"/pb/{made['slug']}/propose",
        data={
            "title": "Buy now",
            "description": "Click here for free money",
            "ward": "Oldtown",
            "estimated_cost": "100",
        },
    )
    with app.app_context():
        held = db.session.scalar(select(PBProposal).where(PBProposal.moderation == "held"))
        assert "spam" in held.flags
        held_id = held.id
    assert "Click here" not in client.get(f"/pb/{made['slug']}").get_data(as_text=True)
    url = f"/pb/{made['slug']}/manage/proposals/{held_id}"
    _refused(
        officer_client,
        url,
        {"action": "moderate", "moderation-decision": "rejected"},
        "Give the reason for rejecting it",
    )
    response = officer_client.post(
        url,
        data={
            "action": "moderate",
            "moderation-decision": "rejected",
            "moderation-reason": "Advertising.",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/pb/{made['slug']}").get_data(as_text=True)
    assert "removed in moderation. Advertising." in page


def test_assessment_needs_reasons_unless_feasible_and_publishes_them(
    app, client, officer_client, make_pb_round
):
    made = make_pb_round("proposals")
    pid = made["proposals"]["Climbing wall"]
    url = f"/pb/{made['slug']}/manage/proposals/{pid}"
    _refused(
        officer_client,
        url,
        {"action": "assess", "assessment-assessment": "not_feasible"},
        "Give the reasons: they are published",
    )
    _refused(
        officer_client,
        url,
        {
            "action": "assess",
            "assessment-assessment": "feasible_with_changes",
            "assessment-reasons": "Smaller.",
        },
        "Enter the revised cost in whole pounds",
    )
    with app.app_context():
        assert db.session.get(PBProposal, pid).assessment is None
    response = officer_client.post(
        url,
        data={
            "action": "assess",
            "assessment-assessment": "not_feasible",
            "assessment-reasons": "The wall of the leisure centre cannot take the load.",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/pb/{made['slug']}").get_data(as_text=True)
    assert "Not on the ballot, and why" in page
    assert "The wall of the leisure centre cannot take the load." in page


def test_the_database_refuses_a_not_feasible_assessment_without_reasons(app, make_pb_round):
    import pytest
    from sqlalchemy.exc import IntegrityError

    made = make_pb_round("proposals")
    with app.app_context():
        proposal = db.session.get(PBProposal, made["proposals"]["Climbing wall"])
        proposal.assessment = "not_feasible"
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_opening_voting_freezes_the_rule_with_a_published_checksum(
    app, client, officer_client, make_pb_round
):
    made = make_pb_round("assessment")
    slug = made["slug"]
    response = officer_client.post(f"/pb/{slug}/manage/phase")
    assert response.status_code == 302
    rules = client.get(f"/pb/{slug}/rules.json")
    checksum = hashlib.sha256(rules.get_data()).hexdigest()
    rules.close()
    with app.app_context():
        pb_round = db.session.get(PBRound, made["id"])
        assert pb_round.status == "voting" and pb_round.rules_checksum == checksum
        assert [p["title"] for p in pb_round.frozen_rules["projects"]] == [
            "Skate park lights",
            "Youth music studio",
            "Pitch drainage",
            "Climbing wall",
        ]
        assert pb_round.frozen_rules["projects"][1]["cost"] == 8000  # the revised cost
    assert checksum in client.get(f"/pb/{slug}").get_data(as_text=True)
    # the frozen settings cannot change any more; other settings still can
    response = officer_client.post(
        f"/pb/{slug}/manage",
        data={
            **ROUND_FORM,
            "title": "Youth fund",
            "budget": "99999",
            "tie_seed": "published-seed",
            "max_choices": "3",
        },
    )
    assert response.status_code == 400
    assert "frozen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PBRound, made["id"]).budget == 15000
    # and assessments are frozen too
    pid = made["proposals"]["Climbing wall"]
    response = officer_client.post(
        f"/pb/{slug}/manage/proposals/{pid}",
        data={
            "action": "assess",
            "assessment-assessment": "not_feasible",
            "assessment-reasons": "Changed mind.",
        },
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(PBProposal, pid).assessment == "feasible"


def test_voting_cannot_open_while_a_proposal_is_unassessed(app, officer_client, make_pb_round):
    made = make_pb_round("proposals")
    assert (
        officer_client.post(f"/pb/{made['slug']}/manage/phase").status_code == 302
    )  # to assessment
    response = officer_client.post(f"/pb/{made['slug']}/manage/phase")
    assert response.status_code == 409
    assert "still need an assessment" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PBRound, made["id"]).status == "assessment"


def test_officer_pages_render(officer_client, make_pb_round):
    made = make_pb_round("voting")
    for path in (
        "/pb/manage",
        "/pb/manage/new",
        f"/pb/{made['slug']}/manage",
        f"/pb/{made['slug']}/manage/proposals",
        f"/pb/{made['slug']}/manage/codes",
        f"/pb/{made['slug']}/manage/paper",
        f"/pb/{made['slug']}/manage/compare",
        f"/pb/{made['slug']}/manage/proposals/{made['proposals']['Climbing wall']}",
    ):
        assert officer_client.get(path).status_code == 200, path


def test_officers_see_near_duplicate_proposals_flagged(app, client, officer_client, make_pb_round):
    made = make_pb_round("proposals")
    slug = made["slug"]
    for title, text in (  # two residents with the same idea
        (
            "Floodlights for the skatepark",
            "Put floodlights at Millbrook skatepark so we can skate after 4pm in winter.",
        ),
        (
            "Skatepark floodlights",
            "Put floodlights at Millbrook skatepark so we can skate after 4pm in the winter!",
        ),
    ):
        client.post(
            f"/pb/{slug}/propose",
            data={
                "title": title,
                "description": text,
                "ward": "Hillside",
                "estimated_cost": "5000",
            },
        )
    page = officer_client.get(f"/pb/{slug}/manage/proposals").get_data(as_text=True)
    assert "Possible duplicates" in page
    listed = page.split('id="possible-duplicates"')[1].split("</ul>")[0]
    assert "Floodlights for the skatepark" in listed and "Skatepark floodlights" in listed
    assert "Climbing wall" not in listed
