"""The juror's before/after questionnaire in Welsh (issue 19): the officer gives each
question a Welsh version (`prompt_cy`, and a choice question's `options_cy`); a juror
reading in Welsh sees it, with the agreement scale and every message in Welsh, or the
English inside lang="en-GB" under the fallback note where a version is missing."""

from __future__ import annotations

from sqlalchemy import select

from consult.extensions import db
from consult.models import Jury, JuryQuestion, JuryQuestionAnswer
from tests.juries.test_jury_welsh import WELSH, english_left

QUESTIONS = "/workspace/juries/{jury_id}/questionnaire"


def _bilingual_questionnaire(app, staff, jury_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    """An agreement question and a choice question, each with its Welsh version."""
    url = QUESTIONS.format(jury_id=jury_id) + "/questions"
    agreement = {
        "prompt": "Buses should come first",
        "prompt_cy": "Dylai bysiau ddod yn gyntaf",
        "kind": "agreement",
    }
    choice = {
        "prompt": "How do you get to work?",
        "prompt_cy": "Sut ydych chi'n mynd i'r gwaith?",
        "kind": "choice",
        "options": "Bus\nCar\nOn foot",
        "options_cy": "Bws\nCar\nAr droed",
    }
    for data in (agreement, choice):
        assert staff.post(url, data=data).status_code == 302
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        jury.title_cy = "Rheithgor trafnidiaeth"
        db.session.commit()
        return list(db.session.scalars(select(JuryQuestion.id).order_by(JuryQuestion.id)))


def _staff_and_juror(app, client, make_user, sign_in, make_jury, make_panel_member):  # type: ignore[no-untyped-def]
    make_user("facilitator", email="f@council.example")
    staff = app.test_client()
    sign_in(staff, email="f@council.example")
    jury_id = make_jury()
    _member, code = make_panel_member(jury_id=jury_id)
    sign_in(client, code=code)
    return staff, jury_id


def test_a_juror_answers_the_questionnaire_in_welsh(
    app, client, make_user, sign_in, make_jury, make_panel_member
):
    staff, jury_id = _staff_and_juror(app, client, make_user, sign_in, make_jury, make_panel_member)
    agreement, choice = _bilingual_questionnaire(app, staff, jury_id)
    url = f"/juries/{jury_id}/questionnaire/before"
    page = client.get(url, headers=WELSH).text
    assert '<html lang="cy"' in page
    assert "Eich barn cyn y sesiwn gyntaf" in page
    assert "Dylai bysiau ddod yn gyntaf" in page and "Sut ydych chi&#39;n mynd" in page
    assert "Cytuno&#39;n gryf" in page and "Ar droed" in page
    assert 'id="translation-note"' not in page
    assert not english_left(page, ("Car",)), english_left(page, ("Car",))

    refused = client.post(url, data={f"q{agreement}": "9"}, headers=WELSH)
    assert refused.status_code == 400
    assert "Dewiswch un o&#39;r atebion a roddwyd" in refused.text
    assert "Mae problem" in refused.text and "<title>Gwall:" in refused.text

    saved = client.post(url, data={f"q{agreement}": "5", f"q{choice}": "On foot"}, headers=WELSH)
    assert saved.status_code == 302
    page = client.get(url, headers=WELSH).text
    assert "Diolch: mae eich atebion wedi&#39;u cadw." in page
    with app.app_context():
        answers = {a.question_id: a.value for a in db.session.scalars(select(JuryQuestionAnswer))}
        assert answers == {agreement: "5", choice: "On foot"}  # the values, in one language

    english = client.get(url).text
    assert "Buses should come first" in english and "On foot" in english and "Bws" not in english


def test_a_question_without_welsh_falls_back_to_english_with_the_note(
    app, client, make_user, sign_in, make_jury, make_panel_member
):
    staff, jury_id = _staff_and_juror(app, client, make_user, sign_in, make_jury, make_panel_member)
    _bilingual_questionnaire(app, staff, jury_id)
    url = QUESTIONS.format(jury_id=jury_id) + "/questions"
    staff.post(url, data={"prompt": "Cycling is safe here", "kind": "choice", "options": "Yes\nNo"})
    page = client.get(f"/juries/{jury_id}/questionnaire/after", headers=WELSH).text
    assert 'id="translation-note"' in page
    assert '<span lang="en-GB">Cycling is safe here</span>' in page
    assert '<span lang="en-GB">No</span>' in page
    assert "Dylai bysiau ddod yn gyntaf" in page  # the others stay Welsh


def test_the_officer_adds_welsh_versions_to_questions_already_asked(
    app, client, make_user, sign_in, make_jury, make_panel_member
):
    staff, jury_id = _staff_and_juror(app, client, make_user, sign_in, make_jury, make_panel_member)
    url = QUESTIONS.format(jury_id=jury_id)
    staff.post(url + "/questions", data={"prompt": "Buses first", "kind": "agreement"})
    staff.post(
        url + "/questions", data={"prompt": "Travel", "kind": "choice", "options": "Bus\nCar"}
    )
    with app.app_context():
        first, second = db.session.scalars(select(JuryQuestion.id).order_by(JuryQuestion.id))
    page = staff.get(url).text
    assert "Not yet in Welsh: Question 1, Question 2." in page

    # the Welsh choices must match the English ones, one for one
    refused = staff.post(
        url + "/welsh",
        data={f"prompt_cy-{first}": "Bysiau yn gyntaf", f"options_cy-{second}": "Bws"},
    )
    assert refused.status_code == 400
    assert "Give one Welsh choice for each of the 2 choices, in the same order" in refused.text
    with app.app_context():
        assert db.session.get(JuryQuestion, first).prompt_cy is None  # nothing saved

    done = staff.post(
        url + "/welsh",
        data={
            f"prompt_cy-{first}": "Bysiau yn gyntaf",
            f"prompt_cy-{second}": "Teithio",
            f"options_cy-{second}": "Bws\nCar",
        },
    )
    assert done.status_code == 302
    page = staff.get(url).text
    assert "Welsh versions saved for 2 questions." in page and "Not yet in Welsh" not in page
    with app.app_context():
        question = db.session.get(JuryQuestion, second)
        assert (question.prompt_cy, question.options_cy) == ("Teithio", ["Bws", "Car"])
    juror_page = client.get(f"/juries/{jury_id}/questionnaire/before", headers=WELSH).text
    assert "Bysiau yn gyntaf" in juror_page and "Bws" in juror_page
    assert 'id="translation-note"' in juror_page  # the jury's own title has no Welsh version
