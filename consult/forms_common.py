"""What the features' forms (Flask-WTF) share: field builders (a filled-in text field
with a length limit, a whole number in a range, an email address, a new password typed
twice, an uploaded file of given kinds), each taking the wording of its messages, which
stays with the form that asks; and saving a validated form through a service, with the
service's refusal shown on the form's fields (`save_form`, or `refusal` where the page
does more than flash the refusal); and what follows a service's success (commit, say so,
redirect)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from flask import flash, redirect, url_for
from flask_babel import lazy_gettext
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, Field, IntegerField, PasswordField, RadioField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from consult.errors import ConsultError, Invalid
from consult.extensions import db

P = ParamSpec("P")
T = TypeVar("T")

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
EMAIL_MAX = 254
TOO_LONG = lazy_gettext("Too long")  # the plain message for a text over its limit


def strip(value: str | None) -> str | None:
    """A filter: text without surrounding spaces (anything else as it came)."""
    return value.strip() if isinstance(value, str) else value


def required_text(
    label: str,
    missing: str,
    most: int,
    *,
    too_long: str | None = None,
    field: type[Field] = StringField,
    **options: Any,
) -> Any:
    """A text field (`field`, StringField unless told) that must be filled in (`missing`
    says so) and hold at most `most` characters (`too_long` says so; WTForms' own message
    when None). `options` go to the field (filters, description, ...)."""
    return field(
        label, validators=[DataRequired(missing), Length(max=most, message=too_long)], **options
    )


def optional_text(
    label: str, most: int, *, too_long: str | None = None, field: type[Field] = StringField
) -> Any:
    """A text field (`field`, StringField unless told) that may be left blank and holds at
    most `most` characters (`too_long` says so; WTForms' own message when None)."""
    return field(label, validators=[Optional(), Length(max=most, message=too_long)])


CODE_MAX = 40


def code_field(label: str, missing: str, too_long: str | None = None) -> Any:
    """A code typed from a card or an invitation (a juror's join code, a voting code): must
    be given (`missing` says so) and at most CODE_MAX characters (`too_long` says so; the
    same as `missing` when None, since a longer one is no code of ours)."""
    return required_text(
        label, missing, CODE_MAX, too_long=missing if too_long is None else too_long
    )


def choice_field(
    label: str, missing: str, choices: list[Any], *, required: type = InputRequired, **options: Any
) -> Any:
    """Radio buttons, one of `choices` to be chosen (`missing` says so; `required` the
    validator that checks it). `options` go to the field (default, validate_choice, ...)."""
    return RadioField(label, choices=choices, validators=[required(missing)], **options)


def upload_field(label: str, missing: str, endings: list[str], wrong_kind: str) -> Any:
    """A file that must be chosen (`missing` says so) and whose name ends in one of
    `endings` (`wrong_kind` says so when it does not)."""
    return FileField(label, validators=[FileRequired(missing), FileAllowed(endings, wrong_kind)])


def whole_number(
    label: str,
    missing: str,
    low: int,
    high: int | None,
    *,
    out_of_range: str | None = None,
    required: type = InputRequired,
    **options: Any,
) -> Any:
    """A whole number from `low` to `high` that must be given (`missing` says so; with
    `required=DataRequired`, 0 counts as not given) and in range (`out_of_range` says so,
    WTForms' own message when None; `high` None for no upper bound). `options` go to the
    field (default, description, ...)."""
    return IntegerField(
        label,
        validators=[required(missing), NumberRange(min=low, max=high, message=out_of_range)],
        **options,
    )


def slug_field(label: str = lazy_gettext("Web address (optional)")) -> Any:
    """The optional web address (slug) of a consultation, jury or round: made from the
    title when left blank, at most 100 characters."""
    return optional_text(label, 100, too_long=lazy_gettext("Use 100 characters or fewer"))


def optional_number(
    label: str, low: int, high: int | None, *, out_of_range: str, **options: Any
) -> Any:
    """A whole number from `low` to `high` (`high` None for no upper bound), or nothing;
    `out_of_range` says when it is out of range."""
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(min=low, max=high, message=out_of_range)],
        **options,
    )


def email_field(missing: str, label: str = "Email address") -> Any:
    """An email address, trimmed, required (`missing` says so), well formed and at most
    EMAIL_MAX characters."""
    return EmailField(
        label,
        filters=[strip],
        validators=[
            DataRequired(missing),
            Email(EMAIL_FORMAT),
            Length(max=EMAIL_MAX, message=f"Email address must be {EMAIL_MAX} characters or fewer"),
        ],
    )


def new_password_fields(name: str, *rules: Any) -> tuple[Any, Any]:
    """A new password (the form's attribute `name`, checked by `rules` too) and the same
    typed again: assign both, `password, confirm = new_password_fields("password", ...)`."""
    password = PasswordField(
        "New password", validators=[DataRequired("Enter a new password"), *rules]
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter the new password again"),
            EqualTo(name, "The passwords do not match"),
        ],
    )
    return password, confirm


def field_errors(form: Any, fields: dict[str, str]) -> dict[str, str]:
    """Put a service's field messages on the form's fields; return those with no field."""
    left = {}
    for name, message in fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            left[name] = message
    return left


def saved(message: str, endpoint: str, **values: Any) -> Any:
    """After a service succeeded: commit its change, say so (`message`), and go to the
    page `url_for(endpoint, **values)` (post/redirect/get)."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def save_form(form: Any, save: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """Call `save(*args, **kwargs)` (a service that flushes and gives back the row it saved)
    for a form that validated, in one unit of work: committed, and the row given back; or,
    when the service refuses with Invalid, rolled back, with its messages on the form's
    fields (one for no field is flashed as an error) and None given back, so that the page
    is shown again with them."""
    try:
        saved = save(*args, **kwargs)
    except Invalid as refusal:
        db.session.rollback()
        for message in field_errors(form, refusal.fields).values():
            flash(message, "error")
        return None
    db.session.commit()
    return saved


class Refusal:
    """What a service said when it refused (`refusal`); false while it has not."""

    def __init__(self) -> None:
        self.error: ConsultError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def fields(self) -> dict[str, str]:
        """The refusal's messages by field name (none when nothing was refused)."""
        return self.error.fields if self.error is not None else {}

    @property
    def problem(self) -> str | None:
        """The refusal's message when it names no field (the page's summary shows it)."""
        return None if self.error is None or self.error.fields else self.error.message


@contextmanager
def refusal(form: Any, general: Any = None) -> Iterator[Refusal]:
    """`with refusal(form) as refused:` around the service calls of a form that validated.
    A ConsultError from the block does not propagate: the session is rolled back, its field
    errors are added to the form's fields (a refusal naming no field goes on the field
    `general`, when given; else the page shows `refused.problem` itself) and it is kept in
    `refused`; anything else propagates untouched. On success nothing happens here: the
    view commits."""
    refused = Refusal()
    try:
        yield refused
    except ConsultError as error:
        db.session.rollback()
        field_errors(form, error.fields)
        refused.error = error
        if general is not None and refused.problem:
            general.errors = [*general.errors, refused.problem]
