"""Live deliberation forms: a new session, a round of the agenda, and the no-JavaScript
fallbacks for the console and the juror view."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from consult.forms_common import optional_text, required_text, whole_number
from consult.live.rounds import ROUND_LABELS


class SessionForm(FlaskForm):
    title = required_text(
        lazy_gettext("Session title"), lazy_gettext("Enter a title for the session"), 200
    )
    template = BooleanField(lazy_gettext("Start from the standard jury day agenda"), default=True)


class RoundForm(FlaskForm):
    kind = SelectField(
        lazy_gettext("Kind of round"),
        choices=[SelectChoice(value, lazy_gettext(label)) for value, label in ROUND_LABELS.items()],
    )
    pb_round_id = SelectField(
        lazy_gettext("Participatory budgeting round"),
        description=lazy_gettext(
            "For a participatory budgeting vote: the round, in its voting phase, "
            "that jurors vote in on their own devices."
        ),
        choices=[],
        validate_choice=False,
    )
    title = required_text(lazy_gettext("Title"), lazy_gettext("Enter a title for the round"), 200)
    planned_minutes = whole_number(
        lazy_gettext("Planned minutes"),
        lazy_gettext("Enter how many minutes the round should take"),
        1,
        480,
        out_of_range=lazy_gettext("Enter a number of minutes from 1 to 480"),
        required=DataRequired,  # 0 minutes is no round
        default=15,
    )
    instructions = TextAreaField(
        lazy_gettext("Instructions for jurors"),
        description=lazy_gettext("What jurors see on their screens during this round."),
        validators=[Length(max=5000)],
    )
    # Welsh versions (issue 19): jurors reading in Welsh see them; empty, the English shows
    title_cy = optional_text(lazy_gettext("Title (Welsh version)"), 200)
    instructions_cy = TextAreaField(
        lazy_gettext("Instructions for jurors (Welsh version)"),
        description=lazy_gettext(
            "Jurors reading in Welsh see this; without it they see the English."
        ),
        validators=[Length(max=5000)],
    )
    script = TextAreaField(
        lazy_gettext("Facilitator's script"),
        description=lazy_gettext("Your notes for running the round. Only facilitators see this."),
        validators=[Length(max=5000)],
    )
    materials = TextAreaField(
        lazy_gettext("Materials (links or notes)"), validators=[Length(max=5000)]
    )
    public = BooleanField(lazy_gettext("Show this round in the public gallery"), default=True)
    auto_advance = BooleanField(
        lazy_gettext("Move on to the next round by itself when the time is up"), default=False
    )

    def validate_pb_round_id(self, field: SelectField) -> None:
        if self.kind.data == "pb_vote" and not field.data:
            raise ValidationError(
                lazy_gettext("Choose the participatory budgeting round the room votes in")
            )


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
