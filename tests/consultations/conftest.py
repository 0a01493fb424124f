"""Fixtures for consultation tests: a consultation with one question of every kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

EVERY_KIND: list[dict[str, Any]] = [
    {
        "kind": "single_choice",
        "key": "bus",
        "prompt": "How often do you take the bus?",
        "options": [
            {"value": "daily", "label": "Every day"},
            {"value": "weekly", "label": "Every week"},
            {"value": "never", "label": "Never"},
        ],
    },
    {
        "kind": "free_text",
        "key": "buses",
        "prompt": "What would make buses better?",
        "required": True,
        "max_length": 200,
    },
    {"kind": "likert", "key": "listens", "prompt": "The council listens to residents."},
    {
        "kind": "multiple_choice",
        "key": "used",
        "prompt": "Which services have you used?",
        "options": [
            {"value": "library", "label": "Libraries"},
            {"value": "parks", "label": "Parks"},
            {"value": "gym", "label": "Leisure centres"},
        ],
    },
    {
        "kind": "ranking",
        "key": "priorities",
        "prompt": "Rank these priorities.",
        "options": [
            {"value": "homes", "label": "Homes"},
            {"value": "buses", "label": "Buses"},
            {"value": "parks", "label": "Parks"},
        ],
    },
    {
        "kind": "budget",
        "key": "budget",
        "prompt": "Split £100 between these.",
        "budget_total": 100,
        "options": [
            {"value": "roads", "label": "Roads"},
            {"value": "parks", "label": "Parks"},
        ],
    },
]


@pytest.fixture
def every_kind(make_consultation: Callable[..., int]) -> Callable[..., int]:
    """Make a consultation with one question of every kind; returns its id."""

    def make(**kwargs: Any) -> int:
        return make_consultation(questions=[dict(q) for q in EVERY_KIND], **kwargs)

    return make


@pytest.fixture
def question_ids(app):  # type: ignore[no-untyped-def]
    """question key -> id for a consultation id."""
    from consult.extensions import db
    from consult.models import Consultation

    def ids(consultation_id: int) -> dict[str, int]:
        with app.app_context():
            consultation = db.session.get(Consultation, consultation_id)
            return {q.key: q.id for q in consultation.questions}

    return ids
