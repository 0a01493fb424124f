"""A jury's pool and panel against the area, and its before/after questionnaire."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import JuryQuestion, JuryQuestionAnswer


def _jury_with_categories(app, make_jury):  # type: ignore[no-untyped-def]
    from consult.models import CategoryValue, Jury, JuryCategory, PanelMember, Registrant

    jury_id = make_jury(status="finished")
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        gender = JuryCategory(jury_id=jury.id, name="gender", label="Gender")
        gender.values = [
            CategoryValue(value=v, label=v) for v in ("woman", "man", "non_binary", "self_describe")
        ]
        cars = JuryCategory(jury_id=jury.id, name="car_access", label="Has a car", position=1)
        cars.values = [CategoryValue(value="yes", label="Yes")]
        db.session.add_all([gender, cars])
        for number in range(10):
            db.session.add(
                Registrant(
                    jury_id=jury.id,
                    first_name=f"P{number}",
                    last_name="X",
                    features={"gender": "woman" if number < 8 else "man"},
                )
            )
        for number in range(4):
            db.session.add(
                PanelMember(
                    jury_id=jury.id,
                    display_name=f"J{number}",
                    status="confirmed",
                    features={"gender": "woman" if number < 2 else "man"},
                )
            )
        db.session.commit()
    return jury_id


def test_pool_and_panel_are_compared_with_the_area(app, officer_client, make_jury, council_margins):
    jury_id = _jury_with_categories(app, make_jury)
    response = officer_client.get(f"/workspace/juries/{jury_id}/representation")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Pool (10 people)" in page and "Panel (4 people)" in page
    assert "Women are 51% of residents and 80% of the pool." in page
    assert "Has a car is not compared: the population figures have no such dimension." in page


def _questionnaire(app, client, jury_id):  # type: ignore[no-untyped-def]
    url = f"/workspace/juries/{jury_id}/questionnaire/questions"
    assert (
        client.post(
            url, data={"prompt": "Buses should come first", "kind": "agreement"}
        ).status_code
        == 302
    )
    with app.app_context():
        return db.session.scalar(select(JuryQuestion.id))


def test_facilitator_types_in_paper_answers_and_the_report_counts_who_moved(
    app, client, make_user, sign_in, make_jury, make_panel_member
):
    make_user("facilitator", email="f@council.example")
    sign_in(client, email="f@council.example")
    jury_id = make_jury(status="finished")
    question_id = _questionnaire(app, client, jury_id)
    members = [make_panel_member(jury_id=jury_id, name=f"J{n}")[0] for n in range(12)]
    paper = f"/workspace/juries/{jury_id}/questionnaire/paper"
    # 10 move up by one or two points, 1 does not move, 1 answers only before
    for number, member in enumerate(members):
        before = "2"
        after = {10: "2", 11: ""}.get(number, "4" if number % 2 else "3")
        assert (
            client.post(
                paper, data={"member": member, "stage": "before", f"q{question_id}": before}
            ).status_code
            == 302
        )
        if after:
            assert (
                client.post(
                    paper, data={"member": member, "stage": "after", f"q{question_id}": after}
                ).status_code
                == 302
            )
    page = client.get(f"/workspace/juries/{jury_id}/questionnaire").get_data(as_text=True)
    assert (
        "After the jury, 10 of 11 members who answered both times agreed more strongly "
        "that “Buses should come first”; 0 agreed less strongly and 1 did not change."
    ) in page
    assert "very unlikely to be chance (p = 0.002)" in page
    assert "Answered only before: 1; only after: 0" in page
    with client.get(f"/workspace/juries/{jury_id}/questionnaire.csv") as download:
        rows = download.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0].startswith("question,answer,before,after,answered both times")
    assert rows[2] == "Buses should come first,Disagree,12,1,11,10,10,0,1,0,sign test,0.001953"
    with app.app_context():
        row = db.session.scalar(select(JuryQuestionAnswer).limit(1))
        assert row.entered_by_id is not None


def test_bad_answers_and_strangers_change_nothing(
    app, client, make_user, sign_in, make_jury, make_panel_member
):
    make_user("facilitator", email="f@council.example")
    sign_in(client, email="f@council.example")
    jury_id = make_jury()
    question_id = _questionnaire(app, client, jury_id)
    member, _ = make_panel_member(jury_id=jury_id)
    other, _ = make_panel_member()  # on another jury
    paper = f"/workspace/juries/{jury_id}/questionnaire/paper"
    bad = client.post(paper, data={"member": member, "stage": "before", f"q{question_id}": "9"})
    assert bad.status_code == 400
    assert "Choose one of the answers given" in bad.get_data(as_text=True)
    stranger = client.post(paper, data={"member": other, "stage": "before", f"q{question_id}": "2"})
    assert stranger.status_code == 400
    wrong_stage = client.post(
        paper, data={"member": member, "stage": "during", f"q{question_id}": "2"}
    )
    assert wrong_stage.status_code == 400
    empty = client.post(
        f"/workspace/juries/{jury_id}/questionnaire/questions",
        data={"prompt": "", "kind": "choice", "options": "Only one"},
    )
    assert empty.status_code == 400
    assert "List at least two choices" in empty.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(JuryQuestionAnswer.id))) == 0
        assert db.session.scalar(select(func.count(JuryQuestion.id))) == 1


def test_juror_answers_online_and_cannot_answer_for_another_jury(
    app, client, make_user, sign_in, make_jury, make_panel_member
):
    make_user("facilitator", email="f@council.example")
    staff = app.test_client()
    sign_in(staff, email="f@council.example")
    jury_id = make_jury()
    question_id = _questionnaire(app, staff, jury_id)
    member, code = make_panel_member(jury_id=jury_id)
    sign_in(client, code=code)
    home = client.get("/live/").get_data(as_text=True)
    assert f"/juries/{jury_id}/questionnaire/after" in home
    url = f"/juries/{jury_id}/questionnaire/before"
    assert "Buses should come first" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={f"q{question_id}": "5"}).status_code == 302
    with app.app_context():
        row = db.session.scalar(select(JuryQuestionAnswer))
        assert (row.member_id, row.stage, row.value, row.entered_by_id) == (
            member,
            "before",
            "5",
            None,
        )
    assert client.get(f"/juries/{make_jury()}/questionnaire/before").status_code == 403
    assert client.get(f"/workspace/juries/{jury_id}/questionnaire").status_code in (302, 403)


def test_removing_an_answered_question_is_refused(
    app, client, make_user, sign_in, make_jury, make_panel_member
):
    make_user("facilitator", email="f@council.example")
    sign_in(client, email="f@council.example")
    jury_id = make_jury()
    question_id = _questionnaire(app, client, jury_id)
    member, _ = make_panel_member(jury_id=jury_id)
    client.post(
        f"/workspace/juries/{jury_id}/questionnaire/paper",
        data={"member": member, "stage": "before", f"q{question_id}": "3"},
    )
    response = client.post(f"/workspace/jury-questions/{question_id}/delete")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(JuryQuestion.id))) == 1


def test_public_jury_page_shows_what_changed(app, client, make_jury, make_panel_member):
    from consult.models import CouncilResponse, Jury, Recommendation, utcnow

    jury_id = make_jury(status="finished")
    members = [make_panel_member(jury_id=jury_id, name=f"J{n}")[0] for n in range(3)]
    with app.app_context():
        question = JuryQuestion(
            jury_id=jury_id,
            kind="choice",
            prompt="Best first step",
            options=[{"value": v, "label": v} for v in ("Buses", "Bikes")],
        )
        db.session.add(question)
        db.session.flush()
        for member in members:
            db.session.add(
                JuryQuestionAnswer(
                    question_id=question.id, member_id=member, stage="before", value="Buses"
                )
            )
            db.session.add(
                JuryQuestionAnswer(
                    question_id=question.id, member_id=member, stage="after", value="Bikes"
                )
            )
        rec = Recommendation(
            jury_id=jury_id, title="More buses", text="Run more buses", status="passed", position=0
        )
        db.session.add(rec)
        db.session.flush()
        db.session.add(
            CouncilResponse(
                recommendation_id=rec.id, status="accepted", text="Yes", published_at=utcnow()
            )
        )
        db.session.commit()
        slug = db.session.get(Jury, jury_id).slug
    response = client.get(f"/you-said-we-did/juries/{slug}")
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    assert "What deliberation changed" in page
    assert (
        "3 of 3 members who answered both times changed their answer to “Best first step”: "
        "3 moved to “Bikes” and 0 moved away from it"
    ) in page


def test_jury_groups_must_cover_the_population_groups_to_be_compared(
    app, officer_client, make_jury, council_margins
):
    """Gender with an extra jury group (non-binary) is compared, the extra counted apart;
    age in other bands is not compared."""
    from consult.models import CategoryValue, JuryCategory, PanelMember

    jury_id = make_jury()
    with app.app_context():
        gender = JuryCategory(jury_id=jury_id, name="gender", label="Gender")
        gender.values = [
            CategoryValue(value=v, label=v) for v in ("woman", "man", "non_binary", "self_describe")
        ]
        age = JuryCategory(jury_id=jury_id, name="age", label="Age", position=1)
        age.values = [CategoryValue(value=v, label=v) for v in ("16-29", "30+")]
        db.session.add_all([gender, age])
        db.session.add(
            PanelMember(
                jury_id=jury_id,
                display_name="A",
                status="confirmed",
                features={"gender": "non_binary", "age": "16-29"},
            )
        )
        db.session.commit()
    page = officer_client.get(f"/workspace/juries/{jury_id}/representation").get_data(as_text=True)
    assert "Age is not compared: the jury&#39;s groups are not the population figures" in page
    assert "Gender is not compared" not in page
