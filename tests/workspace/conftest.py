"""Fixtures for the officer workspace: a closed consultation with answers on a few clear
topics, an officer, and a finished jury with passed recommendations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from consult.extensions import db

TOPICS = {
    "parking": [
        "The car park is far too small and parking fills up every weekend",
        "Please do not extend the car park, parking should stay as it is",
        "More parking spaces near the park gate would help families with cars",
        "Parking on the street is dangerous, a bigger car park is needed",
        "Charge for parking so that people walk or cycle instead",
        "The car park extension will destroy the lime trees, no more parking",
    ],
    "playground": [
        "The new playground is wonderful for young children",
        "Please build the playground soon, the old swings are broken",
        "A playground for older children and teenagers as well as toddlers",
        "The playground needs a fence so dogs stay out",
        "Accessible playground equipment for disabled children please",
        "Put benches near the playground for parents and grandparents",
    ],
    "toilets": [
        "Open the pavilion toilets all day, every day",
        "Public toilets in the pavilion are badly needed",
        "The toilets should be clean and open in winter too",
        "Baby changing in the pavilion toilets would help parents",
        "Toilets close too early, keep the pavilion open until dusk",
        "Accessible toilets with a changing places facility",
    ],
}
SINGLE_CHOICE = {
    "kind": "single_choice",
    "prompt": "How often do you visit?",
    "options": [{"value": "weekly", "label": "Weekly"}, {"value": "rarely", "label": "Rarely"}],
}


@pytest.fixture
def officer_id(make_user: Callable[..., int]) -> int:
    return make_user("officer", email="officer@council.example")


@pytest.fixture
def officer_client(client, officer_id, sign_in):  # type: ignore[no-untyped-def]
    sign_in(client, email="officer@council.example")
    return client


@pytest.fixture
def closed_consultation(app: Flask, make_consultation: Callable[..., int]) -> dict[str, Any]:
    """A closed consultation: two free-text questions (36 answers each on three topics,
    two 'n/a', one hidden answer), one choice question, profiles, and two residents who
    asked for updates."""
    from consult.consultations.redaction import moderate
    from consult.models import Answer, Consultation, RespondentProfile, Response, utcnow

    consultation_id = make_consultation(
        status="closed",
        slug="park-plan",
        title="Park plan",
        questions=[
            {"kind": "free_text", "prompt": "What do you like about the plan?", "key": "like"},
            {"kind": "free_text", "prompt": "What would you change?", "key": "change"},
            SINGLE_CHOICE,
        ],
    )
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        like, change, visits = consultation.questions
        texts = [text for topic in TOPICS.values() for text in topic] * 2
        texts += ["n/a", "no comment"]
        start = utcnow() - timedelta(days=20)
        hidden_id = None
        for number, text in enumerate(texts):
            response = Response(
                consultation_id=consultation_id,
                reference=f"RSP-TEST-{number:04d}",
                status="submitted",
                submitted_at=start + timedelta(days=number % 10, hours=number),
                respondent_type="organisation" if number % 9 == 0 else "individual",
                wants_updates=number < 2,
            )
            variant = text  # each topic text is sent twice: exact duplicates
            for question, body in ((like, variant), (change, variant)):
                redacted, flags = moderate(body)
                response.answers.append(
                    Answer(question_id=question.id, text=body, redacted_text=redacted, flags=flags)
                )
            response.answers.append(
                Answer(question_id=visits.id, value="weekly" if number % 3 else "rarely")
            )
            response.profile = RespondentProfile(
                email=f"resident{number}@example.org" if number < 3 else None,
                age_band=["16-24", "25-44", "45-64", "65+"][number % 4],
                gender=["woman", "man"][number % 2],
            )
            db.session.add(response)
        secret = Response(
            consultation_id=consultation_id,
            reference="RSP-TEST-HIDE",
            status="submitted",
            submitted_at=start,
        )
        secret.answers.append(
            Answer(
                question_id=like.id,
                text="Call me on 07700 900123 about parking",
                redacted_text="Call me on [phone number] about parking",
                moderation="hidden",
            )
        )
        db.session.add(secret)
        db.session.commit()
        hidden_id = secret.answers[0].id
        return {
            "id": consultation_id,
            "questions": [like.id, change.id, visits.id],
            "hidden_answer_id": hidden_id,
            "answers": len(texts),
        }


@pytest.fixture
def finished_jury(app: Flask, make_jury: Callable[..., int]) -> dict[str, Any]:
    """A finished jury with two passed recommendations, one failed, and some ideas."""
    from consult.models import Contribution, Jury, JurySession, Recommendation, Round

    jury_id = make_jury(title="Transport jury", status="finished")
    with app.app_context():
        jury = db.session.get(Jury, jury_id)
        jury.slug = "transport-jury"
        session = JurySession(jury_id=jury_id, title="Final session", status="ended")
        db.session.add(session)
        db.session.flush()
        ideas = Round(session_id=session.id, kind="ideas", title="Ideas", status="done")
        db.session.add(ideas)
        db.session.flush()
        texts = [text for topic in TOPICS.values() for text in topic]
        for number, text in enumerate(texts):
            db.session.add(
                Contribution(
                    session_id=session.id,
                    round_id=ideas.id,
                    kind="idea",
                    text=text,
                    client_id=f"idea-{number}",
                )
            )
        recommendations = []
        for position, (title, status) in enumerate(
            [
                ("Free buses for under-18s", "passed"),
                ("A 20 mph limit", "passed"),
                ("Close the high street to cars", "failed"),
            ]
        ):
            rec = Recommendation(
                jury_id=jury_id,
                session_id=session.id,
                position=position,
                title=title,
                text=f"We recommend: {title}.",
                status=status,
            )
            db.session.add(rec)
            recommendations.append(rec)
        db.session.commit()
        return {"id": jury_id, "recommendations": [r.id for r in recommendations]}


@pytest.fixture
def free_text_consultation(
    app: Flask, make_consultation: Callable[..., int]
) -> Callable[..., dict[str, Any]]:
    """Makes a closed consultation with one free-text question, "What should change?",
    and one submitted response per text (references `RSP-<prefix>-0000`...)."""
    from consult.models import Answer, Consultation, Response, utcnow

    def make(texts: list[str], prefix: str, **options: Any) -> dict[str, Any]:
        consultation_id = make_consultation(
            status="closed",
            questions=[{"kind": "free_text", "prompt": "What should change?", "key": "change"}],
            **options,
        )
        with app.app_context():
            question = db.session.get(Consultation, consultation_id).questions[0]
            for number, text in enumerate(texts):
                response = Response(
                    consultation_id=consultation_id,
                    reference=f"RSP-{prefix}-{number:04d}",
                    status="submitted",
                    submitted_at=utcnow(),
                )
                response.answers.append(
                    Answer(question_id=question.id, text=text, redacted_text=text)
                )
                db.session.add(response)
            db.session.commit()
            return {"id": consultation_id, "question": question.id}

    return make


@pytest.fixture
def tree_consultation(free_text_consultation: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """A closed consultation whose answers fall into two themes with sub-themes inside
    (the texts of `test_theme_tree.tree_texts`) and one 'n/a'."""
    from tests.workspace.test_theme_tree import tree_texts

    return free_text_consultation(
        [*tree_texts(), "n/a"], "TREE", slug="town-plan", title="Town plan"
    )


@pytest.fixture
def bilingual_consultation(free_text_consultation: Any) -> dict[str, Any]:
    """A closed consultation with one free-text question: 60 answers in English, then 30
    in Welsh."""
    from analysis.language import DATA as LANGUAGE_DATA
    from analysis.language import read_sentences

    english = read_sentences(LANGUAGE_DATA / "language_en.txt")[:60]
    welsh = read_sentences(LANGUAGE_DATA / "language_cy.txt")[:30]
    made = free_text_consultation(english + welsh, "CY")
    return {"id": made["id"], "english": english, "welsh": welsh}
