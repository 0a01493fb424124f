"""Sign-in, join and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from consult.auth.passwords import password_problem


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class JoinForm(FlaskForm):
    code = StringField(
        lazy_gettext("Join code"),  # a juror's page: in their language (issue 19)
        validators=[
            DataRequired(lazy_gettext("Enter the join code from your invitation")),
            Length(
                max=40,
                message=lazy_gettext("Join codes are shorter than that: check your invitation"),
            ),
        ],
    )


def _meets_password_rule(form: FlaskForm, field: PasswordField) -> None:
    """The CLI's rule, asked of `passwords.password_problem` (it lives only there)."""
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem.rstrip("."))


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        filters=[_strip],
        validators=[
            DataRequired("Enter your email address"),
            Email("Enter an email address in the correct format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )


class NewPasswordForm(FlaskForm):
    """Setting a password from an emailed link."""

    password = PasswordField(
        "New password", validators=[DataRequired("Enter a new password"), _meets_password_rule]
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter the new password again"),
            EqualTo("password", "The passwords do not match"),
        ],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )
    new_password = PasswordField(
        "New password", validators=[DataRequired("Enter a new password"), _meets_password_rule]
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter the new password again"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )


class UnlockForm(FlaskForm):
    """One button: lift the lock on my account (the token in the link is the proof)."""
