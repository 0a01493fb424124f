"""Live deliberation forms: a new session, a round of the agenda, and the no-JavaScript
fallbacks for the console and the juror view."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from consult.forms_common import required_text, whole_number
from consult.live.rounds import ROUND_LABELS


class SessionForm(FlaskForm):
    title = required_text("Session title", "Enter a title for the session", 200)
    template = BooleanField("Start from the standard jury day agenda", default=True)


class RoundForm(FlaskForm):
    kind = SelectField(
        "Kind of round",
        choices=[SelectChoice(value, label) for value, label in ROUND_LABELS.items()],
    )
    pb_round_id = SelectField(
        "Participatory budgeting round",
        description="For a participatory budgeting vote: the round, in its voting phase, "
        "that jurors vote in on their own devices.",
        choices=[],
        validate_choice=False,
    )
    title = required_text("Title", "Enter a title for the round", 200)
    planned_minutes = whole_number(
        "Planned minutes",
        "Enter how many minutes the round should take",
        1,
        480,
        out_of_range="Enter a number of minutes from 1 to 480",
        required=DataRequired,  # 0 minutes is no round
        default=15,
    )
    instructions = TextAreaField(
        "Instructions for jurors",
        description="What jurors see on their screens during this round.",
        validators=[Length(max=5000)],
    )
    # Welsh versions (issue 19): jurors reading in Welsh see them; empty, the English shows
    title_cy = StringField("Title (Welsh version)", validators=[Optional(), Length(max=200)])
    instructions_cy = TextAreaField(
        "Instructions for jurors (Welsh version)",
        description="Jurors reading in Welsh see this; without it they see the English.",
        validators=[Length(max=5000)],
    )
    script = TextAreaField(
        "Facilitator's script",
        description="Your notes for running the round. Only facilitators see this.",
        validators=[Length(max=5000)],
    )
    materials = TextAreaField("Materials (links or notes)", validators=[Length(max=5000)])
    public = BooleanField("Show this round in the public gallery", default=True)
    auto_advance = BooleanField(
        "Move on to the next round by itself when the time is up", default=False
    )

    def validate_pb_round_id(self, field: SelectField) -> None:
        if self.kind.data == "pb_vote" and not field.data:
            raise ValidationError("Choose the participatory budgeting round the room votes in")


class MessageForm(FlaskForm):
    text = required_text("Your message", "Enter a message", 1000, field=TextAreaField)
    scope = SelectField(
        "Send to",
        choices=[SelectChoice("room", "The whole room"), SelectChoice("table", "My table")],
    )
    client_id = StringField(validators=[Optional(), Length(max=64)])


class ControlForm(FlaskForm):
    action = StringField(validators=[DataRequired()])
    minutes = IntegerField(default=5, validators=[Optional(), NumberRange(min=1, max=120)])
