"""Forms for managing staff accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from consult.models import ROLES

ROLE_LABELS = {
    "facilitator": "Facilitator",
    "officer": "Officer",
    "admin": "Administrator",
}
ROLE_HINTS = {
    "facilitator": "Runs live jury sessions: agendas, tables, the speaking queue and polls.",
    "officer": "Builds and analyses consultations, recruits juries, records the council's "
    "response.",
    "admin": "Can do everything officers and facilitators can, and manages staff accounts "
    "and the audit log.",
}


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in reversed(ROLES)]


class StaffForm(FlaskForm):
    name = StringField(
        "Full name",
        filters=[_strip],
        validators=[
            DataRequired("Enter their name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    email = EmailField(
        "Email address",
        filters=[_strip],
        validators=[
            DataRequired("Enter their email address"),
            Email("Enter an email address in the correct format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    role = RadioField(
        "Role",
        choices=ROLE_CHOICES,
        validators=[DataRequired("Choose what they will do")],
        validate_choice=False,  # the service names an unknown role, like a missing one
    )


class RoleForm(FlaskForm):
    role = RadioField(
        "Role",
        choices=ROLE_CHOICES,
        validators=[DataRequired("Choose a role")],
        validate_choice=False,
    )
