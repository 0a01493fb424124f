"""Forms for managing staff accounts."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from consult.forms_common import choice_field, email_field, required_text, strip
from consult.models import ROLES

ROLE_LABELS = {
    "facilitator": lazy_gettext("Facilitator"),
    "officer": lazy_gettext("Officer"),
    "admin": lazy_gettext("Administrator"),
}
ROLE_HINTS = {
    "facilitator": lazy_gettext(
        "Runs live jury sessions: agendas, tables, the speaking queue and polls."
    ),
    "officer": lazy_gettext(
        "Builds and analyses consultations, recruits juries, records the council’s response."
    ),
    "admin": lazy_gettext(
        "Can do everything officers and facilitators can, and manages staff accounts and the "
        "audit log."
    ),
}


ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in reversed(ROLES)]


def role_field(missing: str) -> Any:
    """The staff roles to choose from (`missing` says when none is chosen). An unknown
    role is not refused here: the service names it, like a missing one."""
    return choice_field(
        lazy_gettext("Role"), missing, ROLE_CHOICES, required=DataRequired, validate_choice=False
    )


class StaffForm(FlaskForm):
    name = required_text(
        lazy_gettext("Full name"),
        lazy_gettext("Enter their name"),
        200,
        too_long=lazy_gettext("Name must be 200 characters or fewer"),
        filters=[strip],
    )
    email = email_field(lazy_gettext("Enter their email address"))
    role = role_field(lazy_gettext("Choose what they will do"))


class RoleForm(FlaskForm):
    role = role_field(lazy_gettext("Choose a role"))
