"""Forms for managing staff accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from consult.forms_common import email_field, required_text, strip
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


ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in reversed(ROLES)]


class StaffForm(FlaskForm):
    name = required_text(
        "Full name",
        "Enter their name",
        200,
        too_long="Name must be 200 characters or fewer",
        filters=[strip],
    )
    email = email_field("Enter their email address")
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
