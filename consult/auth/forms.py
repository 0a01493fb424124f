"""Sign-in and join forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length


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
        "Join code",
        validators=[
            DataRequired("Enter the join code from your invitation"),
            Length(max=40, message="Join codes are shorter than that: check your invitation"),
        ],
    )
