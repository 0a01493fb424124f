"""Command-line verbs for consultations, on the blueprint's group:
`flask --app wsgi consultations token|bench-setup|count|export`. Each owns its transaction.

Messages an officer reads go through gettext: English, as outside any request (the
language `--language` chooses for `export`). The options' help stays English (click reads
it when the command is defined, before any language is chosen)."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

import click
from flask import g
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from consult.consultations import bp, services, submission
from consult.extensions import db
from consult.i18n import LANGUAGES
from consult.models import ApiToken, AuditEntry, Consultation, Question, User, utcnow

BENCH_SLUG = "submission-load-bench"
BENCH_OFFICER = "bench-officer@council.example"


def _issue_token(user: User, *, name: str, originals: bool) -> str:
    token = "cst_" + secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(
            user_id=user.id,
            name=name,
            token_hash=ApiToken.hash(token),
            can_see_originals=originals,
        )
    )
    AuditEntry.record("api_token.issued", subject=user, name=name, originals=originals)
    return token


@bp.cli.command("token")
@click.option("--email", required=True, help="The officer the token acts for.")
@click.option("--originals", is_flag=True, help="May see free text before redaction.")
@click.option("--name", default="cli", help="A name to recognise the token by.")
def token_command(email: str, originals: bool, name: str) -> None:
    """Print a new API bearer token for an officer (shown once; only its hash is kept)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active or not user.has_role("officer"):
        raise click.ClickException(
            gettext("There is no active officer or admin with the email %(email)s.", email=email)
        )
    token = _issue_token(user, name=name, originals=originals)
    db.session.commit()
    click.echo(token)


@bp.cli.command("bench-setup")
def bench_setup() -> None:
    """Create (once) an open consultation for `bench/submit_load.py` and print its slug and
    a fresh officer token as JSON."""
    officer = db.session.scalar(select(User).where(User.email == BENCH_OFFICER))
    if officer is None:
        officer = User(email=BENCH_OFFICER, name="Bench officer", role="officer", active=True)
        officer.set_password(secrets.token_urlsafe(24))
        db.session.add(officer)
        db.session.flush()
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == BENCH_SLUG))
    now = utcnow()
    if consultation is None:
        consultation = Consultation(
            slug=BENCH_SLUG,
            title="Submission load bench",
            summary="Created by `flask consultations bench-setup` for bench/submit_load.py.",
            background="Not a real consultation.",
            status="draft",
            created_by_id=officer.id,
        )
        specs = [
            {"kind": "single_choice", "prompt": "How often do you take the bus?", "key": "bus",
             "options": [{"value": v, "label": v.title()} for v in ("daily", "weekly", "never")]},
            {"kind": "free_text", "prompt": "What would make buses better?", "key": "buses",
             "max_length": 2000, "required": True},
            {"kind": "likert", "prompt": "The council listens to residents.", "key": "listens"},
            {"kind": "multiple_choice", "prompt": "Which services have you used?", "key": "used",
             "options": [{"value": v, "label": v.title()} for v in ("library", "parks", "gym")]},
            {"kind": "ranking", "prompt": "Rank these priorities.", "key": "priorities",
             "options": [{"value": v, "label": v.title()} for v in ("homes", "buses", "parks")]},
            {"kind": "budget", "prompt": "Split £100.", "key": "budget", "budget_total": 100,
             "options": [{"value": v, "label": v.title()} for v in ("roads", "parks")]},
        ]  # fmt: skip
        for position, spec in enumerate(specs):
            consultation.questions.append(Question(position=position, **spec))
        db.session.add(consultation)
    consultation.opens_at = now - timedelta(days=1)
    consultation.closes_at = now + timedelta(days=30)
    consultation.published_at = consultation.published_at or now
    consultation.status = "open"
    db.session.flush()
    token = _issue_token(officer, name="bench", originals=False)
    db.session.commit()
    click.echo(json.dumps({"slug": consultation.slug, "token": token}))


@bp.cli.command("count")
@click.argument("slug")
def count_command(slug: str) -> None:
    """Print how many submitted responses a consultation has."""
    click.echo(submission.count_submitted(_by_slug(slug, with_questions=False)))


def _by_slug(slug: str, *, with_questions: bool = True) -> Consultation:
    consultation = services.consultation_by_slug(slug, with_questions=with_questions)
    if consultation is None:
        raise click.ClickException(gettext("There is no consultation %(slug)s.", slug=slug))
    return consultation


@bp.cli.command("export")
@click.argument("slug")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "xlsx", "docx", "json"]),
    default="csv",
    show_default=True,
    help="csv: coded answers; xlsx: the workbook; docx: the report; json: open data.",
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file, not stdout.")
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default=LANGUAGES[0],
    show_default=True,
    help="Language of the XLSX headings and the DOCX report (CSV and JSON keys stay English).",
)
def export_command(slug: str, output_format: str, out: str | None, language: str) -> None:
    """Write a consultation's export: the same file as the workspace's download, with the
    same columns (the CSV's `language`, as detected, and `answered_in`, the interface's)."""
    from consult.workspace import exports

    makers = {
        "csv": exports.csv_answers,
        "xlsx": exports.xlsx,
        "docx": exports.docx_report,
        "json": exports.open_data_json,
    }
    g.export_language = language  # Flask-Babel's force_locale acts only once g holds something
    with force_locale(language):
        consultation = _by_slug(slug)
        data = makers[output_format](consultation)
        if out is None:
            click.echo(data, nl=False)  # bytes go to the binary stdout
            return
        with open(out, "wb") as file:
            file.write(data)
        click.echo(
            gettext(
                "Wrote the %(format)s export of “%(title)s” to %(path)s.",
                format=output_format.upper(),
                title=consultation.title,
                path=out,
            ),
            err=True,
        )
