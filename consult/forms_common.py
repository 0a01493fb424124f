"""Field builders shared by the features' forms (Flask-WTF): a filled-in text field with a
length limit, an email address, and a new password typed twice. Each takes the wording of
its messages, which stays with the form that asks."""

from __future__ import annotations

from typing import Any

from wtforms import EmailField, Field, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
EMAIL_MAX = 254


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
