"""Officer forms for designing consultations (Flask-WTF: CSRF and field messages).
The resident journey's questions are built from the consultation, not from these.
Labels and messages are lazy_gettext: translated when the form is drawn, in the officer's
language (the Welsh-version labels name the Welsh word first, as officers see it)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from consult.consultations.kinds import KINDS
from consult.dates import DateTimeField
from consult.forms_common import (
    choice_field,
    optional_number,
    optional_text,
    required_text,
    slug_field,
    upload_field,
)

LONDON = ZoneInfo("Europe/London")


def to_utc(value: datetime | None) -> datetime | None:
    """A naive date-time typed in UK local time, as an aware UTC datetime."""
    if value is None:
        return None
    return value.replace(tzinfo=LONDON).astimezone(UTC)


def to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(LONDON).replace(tzinfo=None) if value else None


class ConsultationForm(FlaskForm):
    title = required_text(
        _l("Title"), _l("Enter a title"), 200, too_long=_l("Use 200 characters or fewer")
    )
    slug = slug_field(_l("Web address (slug)"))
    summary = TextAreaField(
        _l("Summary"), validators=[DataRequired(_l("Enter a one or two sentence summary"))]
    )
    background = TextAreaField(_l("Background (Markdown)"), validators=[Optional()])
    # Welsh versions (optional): residents reading in Welsh see the English where blank
    title_cy = optional_text(
        _l("Teitl (Welsh version)"), 200, too_long=_l("Use 200 characters or fewer")
    )
    summary_cy = TextAreaField(_l("Crynodeb (Welsh version)"), validators=[Optional()])
    background_cy = TextAreaField(_l("Cefndir (Welsh version, Markdown)"), validators=[Optional()])
    documents = TextAreaField(_l("Linked documents"), validators=[Optional()])
    opens_at = DateTimeField(_l("Opens (UK time)"), what=_l("Opening date"))
    closes_at = DateTimeField(
        _l("Closes (UK time)"),
        what=_l("Closing date"),
        default_time=time(23, 59),
        required=_l("Enter the date it closes"),
    )


class QuestionForm(FlaskForm):
    kind = choice_field(
        _l("Type of question"),
        _l("Select the type of question"),
        # the kinds' labels are English in kinds.py; translated where the catalogue has them
        [SelectChoice(name, _l(kind.label)) for name, kind in KINDS.items()],
        required=DataRequired,
    )
    prompt = required_text(_l("Question"), _l("Enter the question"), 1000, field=TextAreaField)
    hint = optional_text(_l("Hint (optional)"), 1000, field=TextAreaField)
    required = BooleanField(_l("Residents must answer this question"))
    options = TextAreaField(_l("Options (one on each line)"), validators=[Optional()])
    prompt_cy = optional_text(_l("Cwestiwn (Welsh version)"), 1000, field=TextAreaField)
    hint_cy = optional_text(_l("Awgrym (Welsh version)"), 1000, field=TextAreaField)
    options_cy = TextAreaField(_l("Opsiynau (Welsh version)"), validators=[Optional()])
    max_length = optional_number(
        _l("Most characters allowed"), 10, 20000, out_of_range=_l("Use 10 to 20,000")
    )
    budget_total = optional_number(
        _l("Total the amounts must add up to"),
        1,
        1_000_000_000,
        out_of_range=_l("Use a total above 0"),
    )


class ImportUploadForm(FlaskForm):
    file = upload_field(
        _l("CSV or Excel file"),
        _l("Select a CSV or XLSX file"),
        ["csv", "xlsx"],
        _l("The file must be a CSV or XLSX file"),
    )
    channel = choice_field(
        _l("How these responses reached us"),
        _l("Select how the responses reached us"),
        [
            SelectChoice("email", _l("By email")),
            SelectChoice("paper", _l("On paper")),
            SelectChoice("import", _l("Another way")),
        ],
        required=DataRequired,
        default="paper",
    )
