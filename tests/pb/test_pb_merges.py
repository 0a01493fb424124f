"""Merging near-duplicate proposals with their proposers' consent: officers suggest a merge
from the flagged duplicates, each proposer is asked (a signed link by email, their private
page, or an officer recording a phone answer), the merge happens only when all agree, one
"no" keeps the ideas apart, every step is audited, and the merged idea's page points to
the one it lives on in, which credits every proposer."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import AuditEntry, PBMerge, PBProposal

SKATE = {
    "title": "Lights for the skate park",
    "description": "Put floodlights on the skate park so it can be used after dark in winter.",
    "ward": "Hillside",
    "estimated_cost": "7000",
}
SKATE_TOO = {
    "title": "Skate park floodlights",
    "description": "Floodlights on the skate park so it can be used after dark in the winter.",
    "ward": "Hillside",
    "estimated_cost": "6500",
}


def _propose(client, slug, form, email="", name=""):  # type: ignore[no-untyped-def]
    response = client.post(
        f"/pb/{slug}/propose", data={**form, "proposer_email": email, "proposer_name": name}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def _ids(app, *titles):  # type: ignore[no-untyped-def]
    with app.app_context():
        return [
            db.session.scalar(select(PBProposal.id).where(PBProposal.title == t)) for t in titles
        ]


def _suggest(officer_client, slug, ids, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "proposals": [str(i) for i in ids],
        "survivor": str(ids[0]),
        "title": "Floodlights for the skate park",
        "description": "Floodlights on the skate park, on a timer until 9pm.",
        "estimated_cost": "7500",
        **overrides,
    }
    return officer_client.post(f"/pb/{slug}/manage/merges/new", data=data)


def _audit(app, action):  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count()).where(AuditEntry.action == action))


def test_the_merge_happens_only_when_every_proposer_agrees(
    app, client, officer_client, make_pb_round, mailbox
):
    made = make_pb_round("proposals")
    slug = made["slug"]
    _propose(client, slug, SKATE, "ana@example.org", "Ana")
    _propose(client, slug, SKATE_TOO, "ben@example.org", "Ben")
    first, second = _ids(app, SKATE["title"], SKATE_TOO["title"])
    listing = officer_client.get(f"/pb/{slug}/manage/proposals").get_data(as_text=True)
    assert "Suggest merging them" in listing  # from the flagged near-duplicates
    response = _suggest(officer_client, slug, [first, second])
    assert response.status_code == 302
    asked = {m.to: m for m in mailbox() if m.subject.startswith("Can we merge")}
    assert set(asked) == {"ana@example.org", "ben@example.org"}
    for mail in asked.values():
        assert "Floodlights for the skate park" in mail.text and "£7,500" in mail.text
        assert mail.html is not None and "Tell us whether you agree" in mail.html
    ana_link, ben_link = (asked[a].path("/merge-answer/") for a in sorted(asked))
    assert ana_link != ben_link  # each proposer's own signed link

    page = client.get(ana_link).get_data(as_text=True)
    assert "Can we merge your idea" in page and "your idea" in page
    assert client.post(ana_link, data={"answer": "yes"}).status_code == 302
    assert "waiting for the other proposers" in client.get(ana_link).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(PBMerge.status)) == "asking"
        assert db.session.get(PBProposal, second).moderation == "published"

    assert client.post(ben_link, data={"answer": "yes"}).status_code == 302
    with app.app_context():
        survivor, merged = db.session.get(PBProposal, first), db.session.get(PBProposal, second)
        assert db.session.scalar(select(PBMerge.status)) == "merged"
        assert (survivor.title, survivor.estimated_cost) == ("Floodlights for the skate park", 7500)
        assert (merged.moderation, merged.merged_into_id) == ("merged", first)
        survivor_ref, merged_ref = survivor.reference, merged.reference
    assert _audit(app, "pb.merge_proposed") == 1
    assert _audit(app, "pb.merge_answered") == 2
    assert _audit(app, "pb.merged") == 1
    settled = [m for m in mailbox() if m.subject.startswith("Your idea has been merged")]
    assert {m.to for m in settled} == {"ana@example.org", "ben@example.org"}

    merged_page = client.get(f"/pb/{slug}/proposals/{merged_ref}").get_data(as_text=True)
    assert "has been merged into" in merged_page
    assert f"/pb/{slug}/proposals/{survivor_ref}" in merged_page
    survivor_page = client.get(f"/pb/{slug}/proposals/{survivor_ref}").get_data(as_text=True)
    assert "2 residents" in survivor_page and merged_ref in survivor_page
    round_page = client.get(f"/pb/{slug}").get_data(as_text=True)
    assert "Skate park floodlights" not in round_page  # only the merged project is listed
    # A merged proposal is in nobody's way: not flagged again, not on the ballot.
    listing = officer_client.get(f"/pb/{slug}/manage/proposals").get_data(as_text=True)
    assert "Suggest merging them" not in listing


def test_the_proposers_of_a_merged_idea_hear_what_happens_to_the_one_it_lives_on_in(
    app, client, officer_client, make_pb_round, mailbox
):
    slug = make_pb_round("proposals")["slug"]
    _propose(client, slug, SKATE, "ana@example.org", "Ana")
    _propose(client, slug, SKATE_TOO, "ben@example.org", "Ben")
    first, second = _ids(app, SKATE["title"], SKATE_TOO["title"])
    assert _suggest(officer_client, slug, [first, second]).status_code == 302
    for mail in [m for m in mailbox() if m.subject.startswith("Can we merge")]:
        assert client.post(mail.path("/merge-answer/"), data={"answer": "yes"}).status_code == 302
    assessment = {"action": "assess", "assessment-assessment": "feasible"}
    response = officer_client.post(f"/pb/{slug}/manage/proposals/{first}", data=assessment)
    assert response.status_code == 302
    heard = [m for m in mailbox() if m.subject.startswith("Your idea can go on the ballot")]
    assert sorted(m.to for m in heard) == ["ana@example.org", "ben@example.org"]
    assert all("Floodlights for the skate park" in m.subject for m in heard)


def test_one_no_keeps_the_ideas_apart_and_the_link_then_changes_nothing(
    app, client, officer_client, make_pb_round, mailbox
):
    made = make_pb_round("proposals")
    slug = made["slug"]
    _propose(client, slug, SKATE, "ana@example.org")
    _propose(client, slug, SKATE_TOO, "ben@example.org")
    first, second = _ids(app, SKATE["title"], SKATE_TOO["title"])
    _suggest(officer_client, slug, [first, second])
    links = {m.to: m.path("/merge-answer/") for m in mailbox() if "merge" in m.subject}
    response = client.post(links["ben@example.org"], data={})
    assert response.status_code == 400
    assert "Choose yes if you agree" in response.get_data(as_text=True)
    assert client.post(links["ben@example.org"], data={"answer": "no"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(PBMerge.status)) == "declined"
        assert db.session.get(PBProposal, first).title == SKATE["title"]
        assert db.session.get(PBProposal, second).moderation == "published"
    assert client.post(links["ana@example.org"], data={"answer": "yes"}).status_code == 409
    assert "stay as they are" in client.get(links["ana@example.org"]).get_data(as_text=True)
    assert _audit(app, "pb.merge_declined") == 1
    kept = [m for m in mailbox() if m.subject.startswith("Your idea stays as it is")]
    assert {m.to for m in kept} == {"ana@example.org", "ben@example.org"}


def test_a_proposer_without_email_answers_on_their_private_page(
    app, client, officer_client, make_pb_round
):
    made = make_pb_round("proposals")
    slug = made["slug"]
    confirmation = _propose(client, slug, SKATE)  # no email address
    assert "Keep this private link" in confirmation
    private = confirmation.split('id="private-link" href="')[1].split('"')[0]
    private_path = "/" + private.split("/", 3)[3]
    stranger = app.test_client()
    _propose(stranger, slug, SKATE_TOO, "ben@example.org")
    first, second = _ids(app, SKATE["title"], SKATE_TOO["title"])
    _suggest(officer_client, slug, [second, first], survivor=str(second))
    page = client.get(private_path).get_data(as_text=True)
    assert "suggest merging your idea" in page
    answer_path = page.split('class="govuk-notification-banner__link" href="')[1].split('"')[0]
    assert client.post(answer_path, data={"answer": "yes"}).status_code == 302
    # The public page tells this browser that it sent the idea, and links the private page.
    with app.app_context():
        reference = db.session.get(PBProposal, first).reference
    assert "You sent this idea" in client.get(f"/pb/{slug}/proposals/{reference}").get_data(
        as_text=True
    )
    assert "You sent this idea" not in stranger.get(f"/pb/{slug}/proposals/{reference}").get_data(
        as_text=True
    )
    assert client.get(f"/pb/{slug}/your-idea/not-a-real-token").status_code == 404
    assert client.get(f"/pb/{slug}/merge-answer/forged.token.here").status_code == 404


def test_an_officer_records_a_phone_answer_or_withdraws_and_only_officers_may(
    app, client, officer_client, make_user, sign_in, make_pb_round
):
    made = make_pb_round("proposals")
    slug = made["slug"]
    _propose(client, slug, SKATE)
    _propose(client, slug, SKATE_TOO)
    first, second = _ids(app, SKATE["title"], SKATE_TOO["title"])
    facilitator = app.test_client()
    make_user("facilitator", email="fac@council.example")
    sign_in(facilitator, email="fac@council.example")
    assert _suggest(facilitator, slug, [first, second]).status_code == 403
    assert _suggest(client, slug, [first, second]).status_code == 302  # to sign in
    assert _audit(app, "pb.merge_proposed") == 0
    _suggest(officer_client, slug, [first, second])
    with app.app_context():
        merge = db.session.scalar(select(PBMerge))
        merge_id, answer_ids = merge.id, [a.id for a in merge.answers]
    page = officer_client.get(f"/pb/{slug}/manage/merges/{merge_id}").get_data(as_text=True)
    assert "No email: private page only" in page
    url = f"/pb/{slug}/manage/merges/{merge_id}/answers/{answer_ids[0]}"
    assert facilitator.post(url, data={"answer": "yes"}).status_code == 403
    assert officer_client.post(url, data={"answer": "yes"}).status_code == 302
    page = officer_client.get(f"/pb/{slug}/manage/merges/{merge_id}").get_data(as_text=True)
    assert "(recorded by staff)" in page
    response = officer_client.post(f"/pb/{slug}/manage/merges/{merge_id}/withdraw")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(PBMerge, merge_id).status == "withdrawn"
        assert db.session.get(PBProposal, second).moderation == "published"
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "pb.merge_answered")
        )
        assert entry.details["via"] == "officer" and entry.actor_user_id is not None
    assert officer_client.post(url, data={"answer": "yes"}).status_code == 409


def test_a_merge_that_cannot_be_made_is_refused_and_nothing_is_saved(
    app, client, officer_client, make_pb_round
):
    made = make_pb_round("proposals")
    slug = made["slug"]
    ids = list(made["proposals"].values())
    cases = [
        ({"proposals": [str(ids[0])]}, "Choose at least 2 proposals to merge"),
        ({"survivor": "999999"}, "Choose which proposal the merged project keeps"),
        ({"title": " "}, "Enter a name for the merged project"),
        ({"estimated_cost": "999999"}, "cannot cost more than the whole budget"),
        ({"estimated_cost": "lots"}, "Enter roughly what it would cost"),
    ]
    for overrides, message in cases:
        response = _suggest(officer_client, slug, ids[:2], **overrides)
        assert response.status_code == 400, message
        page = response.get_data(as_text=True)
        assert "There is a problem" in page and message in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PBMerge)) == 0
    # A proposal already being asked about cannot join a second merge, nor be rejected.
    assert _suggest(officer_client, slug, ids[:2]).status_code == 302
    response = _suggest(officer_client, slug, [ids[1], ids[2]])
    assert "already in a merge waiting for answers" in response.get_data(as_text=True)
    response = officer_client.post(
        f"/pb/{slug}/manage/proposals/{ids[1]}",
        data={"action": "moderate", "moderation-decision": "rejected", "moderation-reason": "x"},
    )
    assert response.status_code == 400 and "withdraw the merge first" in response.get_data(
        as_text=True
    )


def test_proposals_cannot_be_merged_once_voting_has_opened(app, officer_client, make_pb_round):
    made = make_pb_round("voting")
    ids = [made["proposals"]["Skate park lights"], made["proposals"]["Pitch drainage"]]
    response = _suggest(officer_client, made["slug"], ids)
    assert response.status_code == 400
    assert "only be merged before voting opens" in response.get_data(as_text=True)
