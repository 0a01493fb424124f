"""Jury forms: the jury's settings, the public registration form (built per jury from its
categories), the pool, quotas, seed, draw, invitations, replacements and tables."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from consult.dates import local_strftime
from consult.forms_common import (
    TOO_LONG,
    choice_field,
    optional_text,
    required_text,
    slug_field,
    upload_field,
    whole_number,
)
from consult.i18n import current_language
from consult.juries.labels import label_in_language, label_text
from consult.juries.services import PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL
from consult.models import Jury


def choices(*pairs: tuple[str, Any]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated from WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def _long_text(label: Any, missing: Any, most: int = 2000) -> Any:
    """A paragraph box that must be filled in (`missing` says so), of at most `most`
    characters."""
    return required_text(label, missing, most, too_long=TOO_LONG, field=TextAreaField)


class JuryForm(FlaskForm):
    title = required_text(
        lazy_gettext("Title"), lazy_gettext("Enter a title"), 200, too_long=TOO_LONG
    )
    slug = slug_field()
    question = _long_text(
        lazy_gettext("The question the jury will answer"), lazy_gettext("Enter the question")
    )
    description = TextAreaField(lazy_gettext("Background for people thinking of registering"))
    # Welsh versions (issue 19): shown on Welsh pages; empty, the English shows with a note
    title_cy = optional_text(lazy_gettext("Title (Welsh version)"), 200, too_long=TOO_LONG)
    question_cy = optional_text(
        lazy_gettext("The question the jury will answer (Welsh version)"),
        2000,
        too_long=TOO_LONG,
        field=TextAreaField,
    )
    description_cy = TextAreaField(lazy_gettext("Background (Welsh version)"))
    panel_size = IntegerField(
        lazy_gettext("Panel size"),
        default=24,
        validators=[
            InputRequired(lazy_gettext("Enter the number of jurors")),
            NumberRange(min=2, max=500, message=lazy_gettext("Enter a number from 2 to 500")),
        ],
    )
    registration_open = BooleanField(lazy_gettext("Registration is open"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _asked(label: Any, missing: Any, most: int) -> Any:
    """A registration form's text field that a resident must fill in (`missing` says so),
    of at most `most` characters."""
    return required_text(label, missing, most, too_long=TOO_LONG)


class RegistrationBase(FlaskForm):
    first_name = _asked(lazy_gettext("First name"), lazy_gettext("Enter your first name"), 100)
    last_name = _asked(lazy_gettext("Last name"), lazy_gettext("Enter your last name"), 100)
    email = EmailField(
        lazy_gettext("Email address"),
        validators=[
            DataRequired(lazy_gettext("Enter your email address")),
            Email(
                lazy_gettext("Enter an email address in the correct format, like name@example.com")
            ),
            Length(max=254, message=TOO_LONG),
        ],
    )
    phone = optional_text(lazy_gettext("Phone number (optional)"), 40, too_long=TOO_LONG)
    address_line = _asked(lazy_gettext("Address"), lazy_gettext("Enter your address"), 200)
    postcode = _asked(lazy_gettext("Postcode"), lazy_gettext("Enter your postcode"), 10)
    availability = MultiCheckboxField(lazy_gettext("Which dates could you attend?"), choices=[])
    consent = BooleanField(
        lazy_gettext(
            "I agree that the council keeps these details to run the jury's lottery and "
            "contact me about it, and deletes them when the jury ends."
        )
    )

    def validate_consent(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(gettext("Tick the box to agree to how we use your information"))


def registration_form(jury: Jury, formdata: Any = None) -> RegistrationBase:
    """The jury's registration form: the contact fields plus one question per category,
    each with a "Prefer not to say" answer, the labels in the page's language."""

    class RegistrationForm(RegistrationBase):
        pass

    for category in jury.categories:
        pairs: list[tuple[str, Any]] = [
            (v.value, label_in_language(v)) for v in category.values if v.value != PREFER_NOT_TO_SAY
        ]
        pairs.append((PREFER_NOT_TO_SAY, gettext(PREFER_NOT_TO_SAY_LABEL)))
        setattr(
            RegistrationForm,
            f"feature-{category.name}",
            RadioField(
                label_in_language(category),
                choices=choices(*pairs),
                validators=[
                    InputRequired(
                        gettext(
                            "Answer '%(question)s', or choose 'Prefer not to say'",
                            question=label_text(category),
                        )
                    )
                ],
            ),
        )
    form = RegistrationForm(formdata=formdata) if formdata is not None else RegistrationForm()
    form.availability.choices = choices(
        *((session.title, _session_label(session)) for session in jury.sessions)
    )
    return form


def _session_label(session: Any) -> str:
    if session.starts_at:
        day = local_strftime(session.starts_at, "%A %-d %B %Y", current_language())
        return f"{session.title} ({day})"
    return session.title


def feature_fields(form: FlaskForm) -> list[Any]:
    return [field for field in form if field.name.startswith("feature-")]


def contact_details(form: FlaskForm) -> dict[str, Any]:
    """A registration's contact fields as the registrant services take them (the public
    registration form and the officer's correction form name them alike)."""
    return {
        "first_name": form.first_name.data or "",
        "last_name": form.last_name.data or "",
        "email": form.email.data,
        "phone": form.phone.data,
        "address_line": form.address_line.data,
        "postcode": form.postcode.data,
    }


class RegistrantForm(FlaskForm):
    first_name = required_text(lazy_gettext("First name"), lazy_gettext("Enter a first name"), 100)
    last_name = required_text(lazy_gettext("Last name"), lazy_gettext("Enter a last name"), 100)
    email = EmailField(
        lazy_gettext("Email address"),
        validators=[
            Optional(),
            Email(lazy_gettext("Enter an email address in the correct format")),
        ],
    )
    phone = optional_text(lazy_gettext("Phone number"), 40)
    address_line = optional_text(lazy_gettext("Address"), 200)
    postcode = optional_text(lazy_gettext("Postcode"), 10)


class WithdrawForm(FlaskForm):
    reason = optional_text(lazy_gettext("Reason (optional)"), 500)


class CategoryForm(FlaskForm):
    label = required_text(lazy_gettext("Category"), lazy_gettext("Enter the category"), 200)
    values = TextAreaField(
        lazy_gettext("Answers, one per line"),
        validators=[DataRequired(lazy_gettext("Enter at least two answers"))],
    )
    prefer_not_to_say = BooleanField(lazy_gettext("Add a 'Prefer not to say' answer"), default=True)


class UploadForm(FlaskForm):
    file = upload_field(
        lazy_gettext("CSV file"),
        lazy_gettext("Choose a CSV file"),
        ["csv", "txt"],
        lazy_gettext("The file must be a CSV file"),
    )


class SeedForm(FlaskForm):
    seed = required_text(
        lazy_gettext("Lottery seed"), lazy_gettext("Enter the seed"), 200, too_long=TOO_LONG
    )


class DrawForm(FlaskForm):
    algorithm = choice_field(
        lazy_gettext("Algorithm"),
        lazy_gettext("Choose an algorithm"),
        choices(
            ("leximin", lazy_gettext("LEXIMIN: the fairest lottery (recommended)")),
            ("legacy", lazy_gettext("Legacy: the greedy method, for comparison")),
        ),
        default="leximin",
    )


class InvitationForm(FlaskForm):
    scope = choice_field(
        lazy_gettext("Who to invite"),
        lazy_gettext("Choose who to invite"),
        choices(
            ("new", lazy_gettext("Members who have no code yet")),
            ("all", lazy_gettext("Every member still on the panel (earlier codes stop working)")),
        ),
        default="new",
    )
    send_email = BooleanField(lazy_gettext("Also email each invitation"), default=True)
    days_valid = whole_number(
        lazy_gettext("Days the codes stay valid"),
        lazy_gettext("Enter a number of days"),
        1,
        365,
        default=60,
    )


class ResponseForm(FlaskForm):
    response = choice_field(
        lazy_gettext("Their answer"),
        lazy_gettext("Choose their answer"),
        choices(("confirmed", lazy_gettext("Confirmed")), ("declined", lazy_gettext("Declined"))),
    )


class DropForm(FlaskForm):
    reason = required_text(
        lazy_gettext("Why did they drop out?"), lazy_gettext("Say why they dropped out"), 500
    )
    replace = BooleanField(lazy_gettext("Choose a replacement from the pool now"), default=True)


class TablesForm(FlaskForm):
    table_size = whole_number(
        lazy_gettext("People per table"), lazy_gettext("Enter a table size"), 2, 30, default=6
    )
    remix = BooleanField(
        lazy_gettext("Re-mix: seat people with people they have not sat with before")
    )


class MoveForm(FlaskForm):
    member_id = IntegerField(lazy_gettext("Member"), validators=[InputRequired()])
    table = IntegerField(
        lazy_gettext("Table"), validators=[InputRequired(lazy_gettext("Choose a table"))]
    )


class InvitationAnswerForm(FlaskForm):
    answer = choice_field(
        lazy_gettext("Can you take part?"),
        lazy_gettext("Choose yes or no"),
        choices(
            ("confirm", lazy_gettext("Yes, I will take part")),
            ("decline", lazy_gettext("No, I cannot take part")),
        ),
    )


# --- the published draw plan ------------------------------------------------------------------


class PublishPlanForm(FlaskForm):
    understood = BooleanField(
        lazy_gettext(
            "I understand that the pool, quotas, households and panel size will be frozen"
        ),
        validators=[DataRequired(lazy_gettext("Tick the box to freeze the inputs"))],
    )


class RandomValueForm(FlaskForm):
    value = required_text(
        lazy_gettext("Random value"), lazy_gettext("Enter the random value"), 300, too_long=TOO_LONG
    )
    source = required_text(
        lazy_gettext("Where the value came from"),
        lazy_gettext("Say where the value came from"),
        300,
        too_long=lazy_gettext("Use under 300 characters"),
    )


class StartOverForm(FlaskForm):
    reason = _long_text(
        lazy_gettext("Why the draw is starting over"), lazy_gettext("Give a reason")
    )
