"""Who answered against who lives here, and weighted results beside the raw ones."""

from __future__ import annotations

from sqlalchemy import select

from consult.extensions import db
from consult.models import ConsultationWeighting


def _page(client, consultation_id):  # type: ignore[no-untyped-def]
    response = client.get(f"/workspace/consultations/{consultation_id}/representation")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_report_compares_respondents_with_residents_in_words(
    officer_client, council_margins, skewed_consultation
):
    page = _page(officer_client, skewed_consultation["id"])
    # 70 respondents: 40 aged 65-74 of the 60 who gave an age band = 67%; 12% of residents
    assert "People aged 65 to 74 are 12% of residents and 67% of respondents." in page
    assert "People aged 16 to 24 are 14% of residents and 0% of respondents." in page
    assert "Prefer not to say: 4. Not answered: 6." in page
    assert "Census 2021 (2021)" in page


def test_report_without_margins_says_so(officer_client, skewed_consultation):
    page = _page(officer_client, skewed_consultation["id"])
    assert "No population figures have been entered" in page


def test_weighted_results_move_towards_the_under_heard(
    app, officer_client, council_margins, skewed_consultation
):
    consultation_id = skewed_consultation["id"]
    page = _page(officer_client, consultation_id)
    assert "Choose the dimensions to weight on" in page
    response = officer_client.post(
        f"/workspace/consultations/{consultation_id}/representation/weighting",
        data={"dimensions": ["age_band"], "trim_low": "0.2", "trim_high": "5"},
    )
    assert response.status_code == 302
    with app.app_context():
        setting = db.session.scalar(select(ConsultationWeighting))
        assert setting.dimensions == ["age_band"]
        from consult.models import Consultation
        from consult.representation.report import weighted_results

        results = weighted_results(db.session.get(Consultation, consultation_id))
    # age_band's margins have groups nobody in the sample is in (16-24...), so too few
    # respondents: it is skipped, and the page says so rather than inventing weights.
    assert "Age" in results["weighting"]["skipped"]
    page = _page(officer_client, consultation_id)
    assert "Not weighted on Age: too few respondents" in page


def test_weighting_on_gender_shows_raw_and_weighted_with_intervals(
    app, officer_client, council_margins, skewed_consultation, make_consultation
):
    consultation_id = skewed_consultation["id"]
    officer_client.post(
        f"/workspace/consultations/{consultation_id}/representation/weighting",
        data={"dimensions": ["gender"], "trim_low": "0.2", "trim_high": "5"},
    )
    with app.app_context():
        from consult.models import Consultation
        from consult.representation.report import weighted_results

        results = weighted_results(db.session.get(Consultation, consultation_id))
    weighting = results["weighting"]
    # non_binary and self_describe have population shares but no respondents: skipped.
    assert weighting["dimensions"] == []
    assert "Gender" in weighting["skipped"]
    yes = results["questions"][0]["options"][0]
    assert yes["count"] == 35 and abs(yes["raw"]["share"] - 35 / 70) < 1e-9
    assert yes["weighted"] is None


def test_bad_weighting_choices_change_nothing(
    app, officer_client, council_margins, skewed_consultation
):
    consultation_id = skewed_consultation["id"]
    response = officer_client.post(
        f"/workspace/consultations/{consultation_id}/representation/weighting",
        data={"dimensions": ["ethnicity"], "trim_low": "2", "trim_high": "5"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The population figures have no Ethnic group" in page
    assert "Give the weights" in page
    with app.app_context():
        assert db.session.scalar(select(ConsultationWeighting)) is None


def test_facilitators_cannot_see_consultation_representation(
    client, make_user, sign_in, skewed_consultation
):
    make_user("facilitator", email="f@council.example")
    sign_in(client, email="f@council.example")
    url = f"/workspace/consultations/{skewed_consultation['id']}/representation"
    assert client.get(url).status_code == 403
    assert client.post(url + "/weighting", data={"dimensions": ["gender"]}).status_code == 403


def test_weighting_to_an_area_gives_each_age_group_its_share(
    app, officer_client, skewed_consultation
):
    """Area figures where 60% are 25-34 and 40% 65-74: the 20 younger respondents (25% say
    yes) count 1.8 each, the 40 older ones (75% yes) 0.6, the 10 without an age band 1."""
    from consult.models import PopulationMargins

    with app.app_context():
        area = PopulationMargins(
            area="Test ward",
            source="Made up",
            year=2021,
            shares={"age_band": {"25-34": 0.6, "65-74": 0.4}},
        )
        db.session.add(area)
        db.session.commit()
        area_id = area.id
    consultation_id = skewed_consultation["id"]
    response = officer_client.post(
        f"/workspace/consultations/{consultation_id}/representation/weighting",
        data={
            "margins": str(area_id),
            "dimensions": ["age_band"],
            "trim_low": "0.2",
            "trim_high": "5",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        from consult.models import Consultation
        from consult.representation.report import weighted_results

        results = weighted_results(db.session.get(Consultation, consultation_id))
    weighting = results["weighting"]
    assert weighting["dimensions"] == ["Age"] and weighting["converged"]
    assert abs(weighting["weight_min"] - 0.6) < 1e-6 and abs(weighting["weight_max"] - 1.8) < 1e-6
    yes = results["questions"][0]["options"][0]
    assert abs(yes["raw"]["share"] - 0.5) < 1e-9
    assert abs(yes["weighted"]["share"] - 27 / 70) < 1e-6
    # the weighted interval is wider: it uses the effective sample size
    assert yes["weighted"]["effective_n"] < 70
    assert (yes["weighted"]["high"] - yes["weighted"]["low"]) > (
        yes["raw"]["high"] - yes["raw"]["low"]
    )
    page = _page(officer_client, consultation_id)
    assert "Weighted on Age to the figures for Test ward" in page
    assert "Weights run from 0.60 to 1.80" in page
    assert "39%" in page  # 27/70 weighted, beside 50% raw
    assert "People aged 65 to 74 are 40% of residents and 67% of respondents." in page


def test_workspace_dashboard_shows_the_flags(officer_client, council_margins, skewed_consultation):
    page = officer_client.get(f"/workspace/consultations/{skewed_consultation['id']}").get_data(
        as_text=True
    )
    assert "Who answered, against who lives here" in page
    assert "People aged 16 to 24 are 14% of residents and 0% of respondents." in page
    assert "See every group and the weighted results" in page


def test_weighting_on_figures_that_were_replaced_says_what_is_missing(
    app, officer_client, council_margins, skewed_consultation
):
    consultation_id = skewed_consultation["id"]
    officer_client.post(
        f"/workspace/consultations/{consultation_id}/representation/weighting",
        data={"dimensions": ["gender"], "trim_low": "0.2", "trim_high": "5"},
    )
    replaced = officer_client.post(
        "/workspace/population",
        data={
            "action": "enter",
            "source": "Census",
            "year": "2021",
            "share-disability-yes": "20",
            "share-disability-no": "80",
        },
    )
    assert replaced.status_code == 302
    page = _page(officer_client, consultation_id)
    assert "Not weighted: the population figures no longer have Gender." in page


def test_a_campaign_counts_once_in_the_results(
    app, officer_client, council_margins, skewed_consultation
):
    """Issue 18, section 3: "campaign responses stay counted once". Ten of the 'yes'
    answers repeat one organised campaign (found by the analysis run): raw and weighted
    shares count that campaign as one response, and the page says so."""
    from consult.models import AnalysisRun, Answer, Consultation, DuplicateGroupRecord, utcnow
    from consult.representation.report import weighted_results

    consultation_id = skewed_consultation["id"]
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        before = weighted_results(consultation)
        # the fixture's first 30 respondents answered 'yes'
        yes_answers = db.session.scalars(select(Answer.id).order_by(Answer.id).limit(10)).all()
        run = AnalysisRun(consultation_id=consultation_id, status="done", finished_at=utcnow())
        db.session.add(run)
        db.session.flush()
        db.session.add(
            DuplicateGroupRecord(
                run_id=run.id, kind="campaign", count=10, answer_ids=list(yes_answers)
            )
        )
        db.session.commit()
        after = weighted_results(db.session.get(Consultation, consultation_id))
    assert before["respondents"] == 70 and after["respondents"] == 61
    assert after["campaign_copies"] == 9
    yes_before = before["questions"][0]["options"][0]
    yes_after = after["questions"][0]["options"][0]
    assert yes_before["count"] == 35 and yes_after["count"] == 26
    assert yes_after["raw"]["share"] < yes_before["raw"]["share"]
    page = _page(officer_client, consultation_id)
    assert "9 responses repeating an organised campaign are left out below" in page
