"""Command-line verbs: `flask --app wsgi users create`, `flask --app wsgi demo load`.
Each command owns its transaction, like a view."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext
from sqlalchemy import func, select

from consult.auth.passwords import password_problem
from consult.extensions import db
from consult.models import ROLES, AuditEntry, User


def register(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo)


@click.group(cls=AppGroup, help="Manage staff accounts.")
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.option("--email", required=True, help="Their email address (they sign in with it).")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What they may do.")
@click.option("--name", default="", help="Their name, as shown to colleagues.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input, not a prompt."
)
def create_user(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a staff account (the password is asked for, never passed as an argument)."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter(
            gettext("Enter an email address like name@example.org"), param_hint="--email"
        )
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise click.ClickException(
            gettext("There is already an account for %(email)s.", email=email)
        )
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(gettext("Password"), hide_input=True, confirmation_prompt=True)
    problem = password_problem(password)  # the same rule as the web's password forms
    if problem:
        raise click.ClickException(problem)
    user = User(email=email, role=role, name=name or email.split("@")[0])
    user.set_password(password)
    db.session.add(user)
    AuditEntry.record("user.created", subject=user, role=role, via="cli")
    db.session.commit()
    click.echo(gettext("Created %(role)s %(email)s.", role=role, email=email))


@click.group(cls=AppGroup, help="The demo council.")
def demo() -> None:
    """Demo data."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Only load into a database with no data yet.")
def load_demo(if_empty: bool) -> None:
    """Fill the database with the demo council (adds nothing that is already there)."""
    from consult.demo.loader import is_empty, load

    if if_empty and not is_empty():
        click.echo(gettext("The database already has data: the demo was not loaded."))
        return
    report = load()
    db.session.commit()
    for line in report:
        click.echo(line)
