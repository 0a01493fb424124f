"""The question-kind registry: every kind the database allows has one class, and each class
brings what the rest of the app asks of it (a form template that exists, API texts)."""

from __future__ import annotations

import pytest

from consult.consultations.kinds import (
    KINDS,
    TEXT_KINDS,
    AnswerError,
    answer_schema,
    question_kind,
    whole_number,
)
from consult.models.consultations import QUESTION_KINDS


def test_every_kind_the_database_allows_has_one_class_in_the_same_order():
    assert tuple(KINDS) == QUESTION_KINDS
    assert TEXT_KINDS == ("free_text",)
    assert all(question_kind(name).name == name for name in QUESTION_KINDS)


def test_each_kind_names_a_form_template_that_exists_and_describes_its_answer(app):
    for kind in KINDS.values():
        assert app.jinja_env.get_template(kind.field_template) is not None
        assert kind.label and kind.value_type
        assert kind.schema in answer_schema()["anyOf"]


class _Question:
    """A question as the kinds read one (no database)."""

    def __init__(self, kind: str, **settings: object) -> None:
        self.id, self.kind = 1, kind
        self.max_length = settings.get("max_length")
        self.budget_total = settings.get("budget_total")
        self.choices = settings.get("choices") or []


OPTIONS = [{"value": "roads", "label": "Roads"}, {"value": "parks", "label": "Parks"}]


@pytest.mark.parametrize("amount", ["²", "١٢", "9" * 5000, "1e3", " "])
def test_budget_amounts_no_one_could_mean_are_refused_with_the_usual_message(amount):
    question = _Question("budget", budget_total=100, choices=OPTIONS)
    with pytest.raises(AnswerError, match="whole number of pounds"):
        question_kind("budget").clean(question, {"roads": amount, "parks": "50"})


@pytest.mark.parametrize("point", ["²", "9" * 5000, "3.0", True])
def test_scale_points_no_one_could_mean_are_refused(point):
    with pytest.raises(AnswerError, match="how far you agree"):
        question_kind("likert").clean(_Question("likert"), point)


def test_whole_numbers_are_ascii_digits_of_reasonable_length():
    assert whole_number(" 25 ") == 25
    assert whole_number("²") is None and whole_number("9" * 13) is None
    assert whole_number("") is None and whole_number("-3") is None
