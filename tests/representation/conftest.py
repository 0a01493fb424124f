"""Fixtures for representativeness: an officer, council-wide margins, and a closed
consultation whose respondents over-represent older people who answer differently."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from consult.extensions import db

#: Whole-council margins in the about-you categories (percentages).
MARGINS = {
    "age_band": {
        "16-24": 14,
        "25-34": 18,
        "35-44": 17,
        "45-54": 16,
        "55-64": 14,
        "65-74": 12,
        "75+": 9,
    },
    "gender": {"woman": 51, "man": 48, "non_binary": 0.5, "self_describe": 0.5},
}


@pytest.fixture
def officer_id(make_user: Callable[..., int]) -> int:
    return make_user("officer", email="officer@council.example")


@pytest.fixture
def officer_client(client, officer_id, sign_in):  # type: ignore[no-untyped-def]
    sign_in(client, email="officer@council.example")
    return client


@pytest.fixture
def council_margins(app: Flask) -> int:
    from consult.models import PopulationMargins

    with app.app_context():
        margins = PopulationMargins(
            area="",
            source="Census 2021",
            year=2021,
            shares={
                name: {k: v / sum(shares.values()) for k, v in shares.items()}
                for name, shares in MARGINS.items()
            },
        )
        db.session.add(margins)
        db.session.commit()
        return margins.id


@pytest.fixture
def skewed_consultation(app: Flask, make_consultation: Callable[..., int]) -> dict[str, Any]:
    """70 respondents: 40 aged 65-74 (30 say 'yes'), 20 aged 25-34 (5 say 'yes'), 4 who
    preferred not to say their age and 6 who gave nothing about themselves."""
    from consult.models import Answer, Consultation, RespondentProfile, Response, utcnow

    consultation_id = make_consultation(
        status="closed",
        title="Bus lanes",
        questions=[
            {
                "kind": "single_choice",
                "prompt": "Do you support the bus lane?",
                "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
            }
        ],
    )
    with app.app_context():
        consultation = db.session.get(Consultation, consultation_id)
        question = consultation.questions[0]
        people = (
            [("65-74", "woman", "yes")] * 30
            + [("65-74", "man", "no")] * 10
            + [("25-34", "woman", "yes")] * 5
            + [("25-34", "man", "no")] * 15
            + [("prefer_not_to_say", "woman", "no")] * 4
            + [(None, None, "no")] * 6
        )
        for number, (age, gender, answer) in enumerate(people):
            response = Response(
                consultation_id=consultation.id,
                reference=f"R{number:05d}",
                status="submitted",
                submitted_at=utcnow(),
            )
            response.answers.append(Answer(question_id=question.id, value=answer))
            if age or gender:
                response.profile = RespondentProfile(age_band=age, gender=gender)
            db.session.add(response)
        db.session.commit()
        return {"id": consultation_id, "question_id": question.id}
