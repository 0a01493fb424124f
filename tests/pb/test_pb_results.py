"""Counting a PB round with analysis.pb and publishing the result: funded projects, money
spent and left, an explanation for every project, fairness against greedy, and the
anonymised ballots file that recomputes the same outcome with `python -m analysis pb`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from consult.extensions import db
from consult.models import PBRound
from consult.pb.blueprint import money_words

ROOT = Path(__file__).resolve().parents[2]


def _cast(app, made, ballots):  # type: ignore[no-untyped-def]
    """Cast `ballots` (lists of proposal titles, with an optional age band) through the
    services, one code each."""
    from consult.models import PBVoterCode, User
    from consult.pb import services

    with app.app_context():
        pb_round = db.session.get(PBRound, made["id"])
        officer = db.session.scalar(db.select(User).where(User.role == "officer"))
        codes = services.generate_codes(pb_round, count=len(ballots), actor=officer)
        for code, (titles, band) in zip(codes, ballots, strict=True):
            row = services.voter_code(pb_round, code)
            assert isinstance(row, PBVoterCode)
            services.cast_ballot(
                pb_round, row, [made["proposals"][t] for t in titles], age_band=band, ward=""
            )
        db.session.commit()


# Greedy funds the music studio and the climbing wall (most votes), then nothing the
# Hillside group (4 of 11 voters) wanted fits; equal shares gives them their share.
BALLOTS = (
    [(["Youth music studio", "Climbing wall"], "16-17")] * 6
    + [(["Skate park lights", "Pitch drainage"], "18-24")] * 4
    + [(["Youth music studio"], "16-17")] * 1
)


def test_count_publishes_results_with_explanations_and_fairness(
    app, client, officer_client, make_pb_round
):
    made = make_pb_round("voting")
    slug = made["slug"]
    _cast(app, made, BALLOTS)
    assert client.get(f"/pb/{slug}/results").status_code == 404  # not before the count
    assert client.get(f"/pb/{slug}/ballots.pb").status_code == 404
    assert officer_client.post(f"/pb/{slug}/manage/count").status_code == 409  # still open
    officer_client.post(f"/pb/{slug}/manage/phase")  # close voting
    response = officer_client.post(f"/pb/{slug}/manage/count")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/pb/{slug}/results"
    )
    with app.app_context():
        pb_round = db.session.get(PBRound, made["id"])
        result = pb_round.result
        assert pb_round.status == "results" and result["rule"] == "equalshares/add1"
    ids = made["proposals"]
    funded = {p["name"] for p in result["projects"] if p["funded"]}
    assert funded == {"Youth music studio", "Pitch drainage"}  # greedy leaves Hillside out
    assert result["fairness"]["rule"]["overall"] == 1.0
    assert round(result["fairness"]["greedy"]["overall"], 4) == round(7 / 11, 4)
    assert result["spent"] <= 15000 and result["left"] == 15000 - result["spent"]
    page = client.get(f"/pb/{slug}/results").get_data(as_text=True)
    assert "Funded projects" in page and "Youth music studio" in page
    assert f"£{result['spent']:,}" in page and f"£{result['left']:,}" in page
    for project in result["projects"]:
        assert project["explanation"].split(":")[0] in ("Funded", "Not funded")
        shown = money_words(project["explanation"])
        assert "GBP" not in shown and shown in page.replace("&#39;", "'")
    assert "of voters have at least one funded project they voted for" in page
    assert "By age" in page
    assert f"python -m analysis pb {slug}.pb" in page
    assert str(ids["Climbing wall"]) in {p["id"] for p in result["projects"]}


def test_downloaded_ballots_recompute_the_same_outcome(
    app, client, officer_client, make_pb_round, tmp_path
):
    made = make_pb_round("voting")
    slug = made["slug"]
    _cast(app, made, BALLOTS)
    officer_client.post(f"/pb/{slug}/manage/phase")
    officer_client.post(f"/pb/{slug}/manage/count")
    with client.get(f"/pb/{slug}/ballots.pb") as response:
        assert response.status_code == 200
        assert f'filename="{slug}.pb"' in response.headers["Content-Disposition"]
        text = response.get_data(as_text=True)
    assert "PBV-" not in text and "code" not in text.lower().split("votes")[1]  # anonymised
    path = tmp_path / f"{slug}.pb"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "pb", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    recomputed = json.loads(run.stdout)
    with app.app_context():
        stored = db.session.get(PBRound, made["id"]).result
    assert recomputed["selected"] == stored["selected"]
    assert recomputed["spent"] == stored["spent"]
    assert [p["explanation"] for p in recomputed["projects"]] == [
        p["explanation"] for p in stored["projects"]
    ]


def test_officers_compare_the_rules_on_the_same_ballots(app, officer_client, make_pb_round):
    made = make_pb_round("voting")
    _cast(app, made, BALLOTS)
    page = officer_client.get(f"/pb/{made['slug']}/manage/compare").get_data(as_text=True)
    assert "Method of Equal Shares with Add1 (recommended)" in page
    assert "Most votes first (greedy)" in page


def test_funded_projects_go_onto_the_register_you_said_we_did_and_the_feed(
    app, client, officer_client, make_pb_round
):
    from consult.models import CouncilResponse

    made = make_pb_round("voting")
    slug = made["slug"]
    _cast(app, made, BALLOTS)
    officer_client.post(f"/pb/{slug}/manage/phase")
    officer_client.post(f"/pb/{slug}/manage/count")
    with app.app_context():
        responses = db.session.scalars(db.select(CouncilResponse)).all()
        assert sorted(r.pb_proposal.title for r in responses) == [
            "Pitch drainage",
            "Youth music studio",
        ]
        assert all(r.status == "accepted" and r.published_at for r in responses)
        studio = next(r.id for r in responses if r.pb_proposal.title == "Youth music studio")
    feed = client.get("/api/v1/outcomes").get_json()
    projects = [item for item in feed if item["kind"] == "project"]
    assert {p["title"] for p in projects} == {"Pitch drainage", "Youth music studio"}
    assert projects[0]["source"] == {
        "kind": "participatory_budgeting",
        "slug": slug,
        "title": projects[0]["source"]["title"],
    }
    assert "Funded by the residents' vote" in projects[0]["response"]["text"]
    assert slug in client.get("/you-said-we-did/").get_data(as_text=True)
    with client.get("/api/v1/outcomes.csv") as response:
        assert "participatory_budgeting" in response.get_data(as_text=True)

    # officers record who delivers it, by when, and progress
    url = f"/pb/{slug}/manage/delivery"
    response = officer_client.post(
        url, data={"response_id": studio, "owner": "Youth Service", "due_date": "soon"}
    )
    assert response.status_code == 400 and "Due date must be a real date" in response.get_data(
        as_text=True
    )
    response = officer_client.post(
        url, data={"response_id": studio, "owner": "Youth Service", "due_date": "2027-02-28"}
    )
    assert response.status_code == 302
    response = officer_client.post(
        f"/workspace/council-responses/{studio}/progress",
        data={"percent": "40", "note": "Room booked."},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    page = client.get(f"/pb/{slug}/results").get_data(as_text=True)
    assert "40% done · Youth Service · due 28 February 2027. Room booked." in page
    studio_item = next(
        i for i in client.get("/api/v1/outcomes").get_json() if i["title"] == "Youth music studio"
    )
    assert studio_item["progress"] == 40 and studio_item["owner"] == "Youth Service"
