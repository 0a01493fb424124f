"""Sign-in, join and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, ValidationError

from consult.auth.passwords import password_problem
from consult.forms_common import EMAIL_FORMAT, code_field, email_field, new_password_fields


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            Email(EMAIL_FORMAT),
        ],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class JoinForm(FlaskForm):
    code = code_field(  # a juror's page: in their language (issue 19)
        lazy_gettext("Join code"),
        lazy_gettext("Enter the join code from your invitation"),
        lazy_gettext("Join codes are shorter than that: check your invitation"),
    )


def _meets_password_rule(form: FlaskForm, field: PasswordField) -> None:
    """The CLI's rule, asked of `passwords.password_problem` (it lives only there)."""
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem.rstrip("."))


class ForgotPasswordForm(FlaskForm):
    email = email_field("Enter your email address")


class NewPasswordForm(FlaskForm):
    """Setting a password from an emailed link."""

    password, confirm = new_password_fields("password", _meets_password_rule)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )
    new_password, confirm = new_password_fields("new_password", _meets_password_rule)


class UnlockForm(FlaskForm):
    """One button: lift the lock on my account (the token in the link is the proof)."""
