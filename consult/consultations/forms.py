"""Officer forms for designing consultations (Flask-WTF: CSRF and field messages).
The resident journey's questions are built from the consultation, not from these."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from consult.consultations.kinds import KINDS
from consult.dates import DateTimeField
from consult.forms_common import optional_number, required_text, slug_field, upload_field

LONDON = ZoneInfo("Europe/London")


def to_utc(value: datetime | None) -> datetime | None:
    """A naive date-time typed in UK local time, as an aware UTC datetime."""
    if value is None:
        return None
    return value.replace(tzinfo=LONDON).astimezone(UTC)


def to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(LONDON).replace(tzinfo=None) if value else None


class ConsultationForm(FlaskForm):
    title = required_text("Title", "Enter a title", 200, too_long="Use 200 characters or fewer")
    slug = slug_field("Web address (slug)")
    summary = TextAreaField(
        "Summary", validators=[DataRequired("Enter a one or two sentence summary")]
    )
    background = TextAreaField("Background (Markdown)", validators=[Optional()])
    # Welsh versions (optional): residents reading in Welsh see the English where blank
    title_cy = StringField(
        "Teitl (Welsh version)",
        validators=[Optional(), Length(max=200, message="Use 200 characters or fewer")],
    )
    summary_cy = TextAreaField("Crynodeb (Welsh version)", validators=[Optional()])
    background_cy = TextAreaField("Cefndir (Welsh version, Markdown)", validators=[Optional()])
    documents = TextAreaField("Linked documents", validators=[Optional()])
    opens_at = DateTimeField("Opens (UK time)", what="Opening date")
    closes_at = DateTimeField(
        "Closes (UK time)",
        what="Closing date",
        default_time=time(23, 59),
        required="Enter the date it closes",
    )


class QuestionForm(FlaskForm):
    kind = RadioField(
        "Type of question",
        choices=[SelectChoice(name, kind.label) for name, kind in KINDS.items()],
        validators=[DataRequired("Select the type of question")],
    )
    prompt = TextAreaField(
        "Question", validators=[DataRequired("Enter the question"), Length(max=1000)]
    )
    hint = TextAreaField("Hint (optional)", validators=[Optional(), Length(max=1000)])
    required = BooleanField("Residents must answer this question")
    options = TextAreaField("Options (one on each line)", validators=[Optional()])
    prompt_cy = TextAreaField("Cwestiwn (Welsh version)", validators=[Optional(), Length(max=1000)])
    hint_cy = TextAreaField("Awgrym (Welsh version)", validators=[Optional(), Length(max=1000)])
    options_cy = TextAreaField("Opsiynau (Welsh version)", validators=[Optional()])
    max_length = optional_number(
        "Most characters allowed", 10, 20000, out_of_range="Use 10 to 20,000"
    )
    budget_total = optional_number(
        "Total the amounts must add up to", 1, 1_000_000_000, out_of_range="Use a total above 0"
    )


class ImportUploadForm(FlaskForm):
    file = upload_field(
        "CSV or Excel file",
        "Select a CSV or XLSX file",
        ["csv", "xlsx"],
        "The file must be a CSV or XLSX file",
    )
    channel = RadioField(
        "How these responses reached us",
        choices=[
            SelectChoice("email", "By email"),
            SelectChoice("paper", "On paper"),
            SelectChoice("import", "Another way"),
        ],
        default="paper",
        validators=[DataRequired("Select how the responses reached us")],
    )
