"""The question-kind registry: every kind the database allows has one class, and each class
brings what the rest of the app asks of it (a form template that exists, API texts)."""

from __future__ import annotations

from consult.consultations.kinds import KINDS, TEXT_KINDS, answer_schema, question_kind
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
