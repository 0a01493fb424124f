"""Forms for requests about personal data."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from consult.privacy.services import KEYS


class FindForm(FlaskForm):
    """How to find the person and what to search for (checked in services.clean_key)."""

    by = RadioField(
        lazy_gettext("How do you want to find them?"),
        choices=[SelectChoice(value, label) for value, label in KEYS.items()],
        validate_choice=False,
    )
    key = StringField(lazy_gettext("What to search for"))


class SubjectForm(FlaskForm):
    """The person found, carried to the access and erasure pages."""

    by = HiddenField()
    key = HiddenField()


class EraseForm(SubjectForm):
    reason = TextAreaField(lazy_gettext("Why are you erasing this?"))


class ConfirmForm(FlaskForm):
    """A resident's confirmation (the CSRF token is all it carries)."""
