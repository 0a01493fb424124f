"""`consult.forms_common.refusal`, what the jury and PB form pages do when a service
refuses: the block is rolled back, the refusal's field errors go on the form, its message
is kept for the page; other exceptions are not caught."""

from __future__ import annotations

import pytest
from wtforms import Form, StringField

from consult.errors import Conflict, Invalid
from consult.extensions import db
from consult.forms_common import refusal
from consult.models import Jury


class TitleForm(Form):
    title = StringField()


def test_a_refusal_is_rolled_back_and_its_fields_go_on_the_form(app, make_jury):
    jury_id = make_jury(title="Transport")
    with app.app_context():
        form = TitleForm()
        with refusal(form) as refused:
            db.session.get_one(Jury, jury_id).title = "Changed"
            db.session.flush()
            raise Invalid("Enter a title.", fields={"title": "Enter a title", "other": "Not shown"})
        assert refused
        assert form.title.errors == ["Enter a title"]
        assert refused.fields == {"title": "Enter a title", "other": "Not shown"}
        assert refused.problem is None  # it named fields: the form shows them
        assert db.session.get_one(Jury, jury_id).title == "Transport"


def test_a_refusal_naming_no_field_is_the_pages_problem(app):
    with app.app_context():
        form = TitleForm()
        with refusal(form) as refused:
            raise Conflict("The panel has been drawn.")
        assert refused.problem == "The panel has been drawn."
        assert refused.fields == {}
        assert form.title.errors == ()


def test_a_refusal_naming_no_field_can_go_on_a_chosen_field(app):
    with app.app_context():
        form = TitleForm()
        with refusal(form, general=form.title) as refused:
            raise Conflict("This round is not collecting ideas just now.")
        assert form.title.errors == ["This round is not collecting ideas just now."]
        form = TitleForm()
        with refusal(form, general=form.title) as refused:
            raise Invalid("Enter a title.", fields={"title": "Enter a title"})
        assert form.title.errors == ["Enter a title"]  # named fields: not twice
        assert refused.problem is None


def test_nothing_refused_is_false_and_keeps_the_change_for_the_caller(app, make_jury):
    jury_id = make_jury(title="Transport")
    with app.app_context():
        with refusal(TitleForm()) as refused:
            db.session.get_one(Jury, jury_id).title = "Changed"
        assert not refused
        assert refused.problem is None and refused.fields == {}
        db.session.commit()
    with app.app_context():
        assert db.session.get_one(Jury, jury_id).title == "Changed"


def test_other_exceptions_are_not_caught(app):
    with app.app_context(), pytest.raises(ZeroDivisionError), refusal(TitleForm()):
        raise ZeroDivisionError
