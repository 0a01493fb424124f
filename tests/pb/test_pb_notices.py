"""Proposers are told what happens to their idea, by email (plain text with an HTML
alternative) when they gave an address: the assessment with its reasons, moderation,
the ballot, and the result with the same explanation the results page gives."""

from __future__ import annotations

from sqlalchemy import select

from consult.extensions import db
from consult.models import PBProposal, PBRound
from consult.pb.blueprint import money_words

IDEAS = {
    # title: (email, assessment, revised cost, reasons)
    "Outdoor gym": ("gym@example.org", "feasible", None, ""),
    "Teen cafe": ("cafe@example.org", "feasible_with_changes", 2500, "Open on Fridays only."),
    "Free buses": ("bus@example.org", "not_feasible", None, "Fares are set by the county."),
}


def _propose_ideas(client, slug):  # type: ignore[no-untyped-def]
    for title, (email, *_rest) in IDEAS.items():
        response = client.post(
            f"/pb/{slug}/propose",
            data={
                "title": title,
                "description": f"{title} for young people in the town.",
                "ward": "Oldtown",
                "estimated_cost": "3000",
                "proposer_email": email,
                "proposer_name": title.split()[0],
            },
        )
        assert response.status_code == 200


def _assess_all(app, officer_client, slug):  # type: ignore[no-untyped-def]
    """Assess the ideas above through the page, and the fixture's own (no email) too."""
    with app.app_context():
        rows = db.session.execute(
            select(PBProposal.id, PBProposal.title)
            .join(PBRound)
            .where(PBRound.slug == slug, PBProposal.assessment.is_(None))
        ).all()
    for proposal_id, title in rows:
        _assess(officer_client, slug, proposal_id, *IDEAS.get(title, ("", "feasible", None, "")))


def _assess(officer_client, slug, proposal_id, _email, assessment, cost, reasons):  # type: ignore[no-untyped-def]
    data = {"action": "assess", "assessment-assessment": assessment}
    data |= {"assessment-assessed_cost": str(cost or ""), "assessment-reasons": reasons}
    response = officer_client.post(f"/pb/{slug}/manage/proposals/{proposal_id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def _to(mailbox, address):  # type: ignore[no-untyped-def]
    return [m for m in mailbox() if m.to == address]


def test_proposers_hear_the_assessment_with_its_reasons(
    app, client, officer_client, make_pb_round, mailbox
):
    made = make_pb_round("proposals")
    _propose_ideas(client, made["slug"])
    _assess_all(app, officer_client, made["slug"])
    (gym,) = _to(mailbox, "gym@example.org")
    assert gym.subject == "Your idea can go on the ballot: Outdoor gym"
    assert gym.text.startswith("Dear Outdoor,")
    assert "It can be done as you proposed" in gym.text
    (cafe,) = _to(mailbox, "cafe@example.org")
    assert "revised cost of £2,500" in cafe.text and "Open on Fridays only." in cafe.text
    (bus,) = _to(mailbox, "bus@example.org")
    assert bus.subject == "Your idea cannot go on the ballot: Free buses"
    assert "The reasons: Fares are set by the county." in bus.text
    for mail in (gym, cafe, bus):
        assert mail.html is not None and mail.html.startswith("<!doctype html>")
        assert f"/pb/{made['slug']}/proposals/PBP-" in mail.text  # a link to the idea
        assert mail.path("/proposals/PBP-") in mail.html
    # Saving the same assessment again tells nobody twice.
    _assess(officer_client, made["slug"], _id(app, "Free buses"), *IDEAS["Free buses"])
    assert len(_to(mailbox, "bus@example.org")) == 1


def _id(app, title):  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(PBProposal.id).where(PBProposal.title == title))


def test_proposers_hear_about_moderation_and_nobody_without_an_email_is_written_to(
    app, client, officer_client, make_pb_round, mailbox
):
    made = make_pb_round("proposals")
    spam = {
        "title": "Buy now",
        "description": "Click here for free money",
        "ward": "Oldtown",
        "estimated_cost": "100",
    }
    client.post(f"/pb/{made['slug']}/propose", data={**spam, "proposer_email": "s@example.org"})
    client.post(f"/pb/{made['slug']}/propose", data={**spam, "title": "Buy now too"})
    url = f"/pb/{made['slug']}/manage/proposals/{_id(app, 'Buy now')}"
    officer_client.post(url, data={"action": "moderate", "moderation-decision": "published"})
    (published,) = _to(mailbox, "s@example.org")
    assert published.subject == "Your idea is published: Buy now"
    officer_client.post(
        url,
        data={
            "action": "moderate",
            "moderation-decision": "rejected",
            "moderation-reason": "It is an advert.",
        },
    )
    removed = _to(mailbox, "s@example.org")[-1]
    assert removed.subject == "Your idea has been removed: Buy now"
    assert "The reason: It is an advert." in removed.text
    other = f"/pb/{made['slug']}/manage/proposals/{_id(app, 'Buy now too')}"
    officer_client.post(other, data={"action": "moderate", "moderation-decision": "published"})
    assert len(mailbox()) == 2  # the second proposer gave no address


def test_proposers_hear_when_voting_opens_and_whether_their_idea_was_funded(
    app, client, officer_client, make_pb_round, mailbox
):
    made = make_pb_round("proposals", max_choices=5)
    slug = made["slug"]
    _propose_ideas(client, slug)
    assert officer_client.post(f"/pb/{slug}/manage/phase").status_code == 302  # assessment
    _assess_all(app, officer_client, slug)
    before = len(mailbox())
    assert officer_client.post(f"/pb/{slug}/manage/phase").status_code == 302  # voting
    opened = mailbox()[before:]
    assert {m.to for m in opened} == {"gym@example.org", "cafe@example.org"}  # not the bus
    cafe = next(m for m in opened if m.to == "cafe@example.org")
    assert cafe.subject == "Your idea is on the ballot: Teen cafe"
    assert "at a cost of £2,500" in cafe.text and f"/pb/{slug}/vote" in cafe.text

    from consult.models import User
    from consult.pb import services

    with app.app_context():
        pb_round = db.session.get(PBRound, made["id"])
        officer = db.session.scalar(select(User).where(User.role == "officer").order_by(User.id))
        codes = services.generate_codes(pb_round, count=3, actor=officer)
        for code in codes:  # three voters, all for the outdoor gym only
            services.cast_ballot(pb_round, services.voter_code(pb_round, code), [_gym_id(pb_round)])
        db.session.commit()
    officer_client.post(f"/pb/{slug}/manage/phase")  # close voting
    before = len(mailbox())
    assert officer_client.post(f"/pb/{slug}/manage/count").status_code == 302
    told = {m.to: m for m in mailbox()[before:]}
    assert set(told) == {"gym@example.org", "cafe@example.org"}
    with app.app_context():
        result = db.session.get(PBRound, made["id"]).result
    explained = {p["name"]: money_words(p["explanation"]) for p in result["projects"]}
    assert told["gym@example.org"].subject == "Your idea will be funded: Outdoor gym"
    assert explained["Outdoor gym"] in told["gym@example.org"].text
    assert told["cafe@example.org"].subject == "Your idea was not funded: Teen cafe"
    assert explained["Teen cafe"] in told["cafe@example.org"].text
    assert f"/pb/{slug}/results" in told["cafe@example.org"].text


def _gym_id(pb_round: PBRound) -> int:
    return next(p.id for p in pb_round.proposals if p.title == "Outdoor gym")
