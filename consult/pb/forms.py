"""Participatory budgeting forms: a round's settings, a resident's proposal, moderation and
assessment, voting codes, and the voting code a voter enters. The ballot itself (a list of
checkboxes built from the frozen ballot) is read straight from the request and checked
by `services.check_choices`, which gives the messages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from consult.dates import DateField
from consult.pb.ballots import KIND_LABELS
from consult.pb.services import ASSESSMENT_LABELS, DATE_ORDER, RULE_LABELS


def _choices(pairs: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs.items()]


class RoundForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Enter a title"), Length(max=200, message="Too long")]
    )
    slug = StringField(
        "Web address (optional)",
        validators=[Optional(), Length(max=100, message="Use 100 characters or fewer")],
    )
    summary = TextAreaField("What the money is for, and the rules for ideas")
    area = StringField("Area (optional)", validators=[Length(max=200, message="Too long")])
    wards = TextAreaField("Wards, one a line (optional)")
    min_age = IntegerField(
        "Youngest age that may take part (optional)",
        validators=[Optional(), NumberRange(min=0, max=120, message="Enter an age from 0 to 120")],
    )
    max_age = IntegerField(
        "Oldest age that may take part (optional)",
        validators=[Optional(), NumberRange(min=0, max=120, message="Enter an age from 0 to 120")],
    )
    budget = IntegerField(
        "Budget in pounds",
        validators=[
            InputRequired("Enter the budget in whole pounds"),
            NumberRange(min=1, max=2_000_000_000, message="Enter the budget in whole pounds"),
        ],
    )
    rule = RadioField("How the winners are chosen", choices=_choices(RULE_LABELS))
    ballot_type = RadioField("Kind of ballot", choices=_choices(KIND_LABELS), default="approval")
    max_sum_points = IntegerField(
        "Points each voter shares out (cumulative ballots)",
        validators=[Optional(), NumberRange(min=1, max=1000, message="Enter from 1 to 1,000")],
    )
    max_points = IntegerField(
        "Most points for one project (cumulative ballots, optional)",
        validators=[Optional(), NumberRange(min=1, max=1000, message="Enter from 1 to 1,000")],
    )
    eligibility_check = BooleanField(
        "Residents without a code can vote by giving their postcode and date of birth"
    )
    postcode_areas = TextAreaField("Postcode areas, one a line (optional)")
    min_choices = IntegerField(
        "Fewest projects a voter must choose",
        default=1,
        validators=[
            InputRequired("Enter the fewest projects a voter must choose"),
            NumberRange(min=1, max=100, message="Enter a number from 1 to 100"),
        ],
    )
    max_choices = IntegerField(
        "Most projects a voter may choose",
        default=5,
        validators=[
            InputRequired("Enter the most projects a voter may choose"),
            NumberRange(min=1, max=100, message="Enter a number from 1 to 100"),
        ],
    )
    tie_seed = StringField(
        "Lottery seed for exact ties (optional)",
        validators=[Length(max=64, message="Use 64 characters or fewer")],
    )
    proposals_open_on = DateField("Ideas open", validators=[Optional()])
    proposals_close_on = DateField("Ideas close", validators=[Optional()])
    assessment_ends_on = DateField("Assessment ends", validators=[Optional()])
    voting_opens_on = DateField("Voting opens", validators=[Optional()])
    voting_closes_on = DateField("Voting closes", validators=[Optional()])
    results_on = DateField("Results published", validators=[Optional()])
    delivery_ends_on = DateField("Projects delivered by", validators=[Optional()])

    def settings(self) -> dict[str, object]:
        return {
            "title": self.title.data or "",
            "summary": (self.summary.data or "").strip(),
            "area": (self.area.data or "").strip(),
            "wards": [w.strip() for w in (self.wards.data or "").splitlines() if w.strip()],
            "min_age": self.min_age.data,
            "max_age": self.max_age.data,
            "budget": self.budget.data,
            "rule": self.rule.data,
            "ballot_type": self.ballot_type.data or "approval",
            "max_sum_points": self.max_sum_points.data,
            "max_points": self.max_points.data,
            "eligibility_check": bool(self.eligibility_check.data),
            "postcode_areas": [
                a.strip() for a in (self.postcode_areas.data or "").splitlines() if a.strip()
            ],
            "min_choices": self.min_choices.data,
            "max_choices": self.max_choices.data,
            "tie_seed": (self.tie_seed.data or "").strip(),
            **{name: getattr(self, name).data for name in DATE_ORDER},
        }


class ProposalForm(FlaskForm):
    title = StringField(
        "Name of your project",
        validators=[
            DataRequired("Enter a name for your project"),
            Length(max=120, message="Use 120 characters or fewer for the name"),
        ],
    )
    description = TextAreaField(
        "What would it do, and who would it help?",
        validators=[
            DataRequired("Describe your project"),
            Length(max=3000, message="Use 3,000 characters or fewer"),
        ],
    )
    ward = StringField("Where would it happen?", validators=[Length(max=100, message="Too long")])
    estimated_cost = IntegerField(
        "Roughly what would it cost, in pounds?",
        validators=[
            InputRequired("Enter roughly what it would cost, in whole pounds"),
            NumberRange(min=1, message="Enter roughly what it would cost, in whole pounds"),
        ],
    )
    proposer_name = StringField(
        "Your name (optional)", validators=[Length(max=200, message="Too long")]
    )
    proposer_email = EmailField(
        "Your email address (optional)",
        validators=[Optional(), Email("Enter an email address like name@example.com")],
    )
    # Checked by what the file is, not its name, in images.clean_image.
    image = FileField("A picture (optional)")
    image_alt = StringField("Describe the picture for someone who cannot see it")


class ModerationForm(FlaskForm):
    decision = RadioField(
        "Moderation",
        choices=_choices({"published": "Publish it", "rejected": "Reject it"}),
        validators=[InputRequired("Choose publish or reject")],
    )
    reason = TextAreaField("Reason for rejecting it (published)")


class AssessmentForm(FlaskForm):
    assessment = RadioField(
        "Assessment",
        choices=_choices(ASSESSMENT_LABELS),
        validators=[InputRequired("Choose an assessment")],
    )
    assessed_cost = IntegerField(
        "Revised cost in pounds (feasible with changes)",
        validators=[
            Optional(),
            NumberRange(min=1, message="Enter the revised cost in whole pounds"),
        ],
    )
    reasons = TextAreaField("Reasons and changes (published; required unless feasible)")


class CodesForm(FlaskForm):
    count = IntegerField(
        "How many codes",
        default=50,
        validators=[
            InputRequired("Enter how many codes to make"),
            NumberRange(min=1, max=2000, message="Enter a number from 1 to 2,000"),
        ],
    )
    batch = StringField(
        "Label for this batch (optional)",
        validators=[Length(max=100, message="Use 100 characters or fewer")],
    )


class VoterCodeForm(FlaskForm):
    code = StringField(
        "Voting code",
        validators=[
            DataRequired("Enter the voting code from your card"),
            Length(max=40, message="Enter the voting code from your card"),
        ],
    )


class EligibilityForm(FlaskForm):
    """The eligibility check (consult/pb/eligibility.py); the date of birth is read from its
    three boxes by `consult.dates.date_from_form`, and nothing typed here is stored."""

    postcode = StringField(
        "Your postcode", validators=[Length(max=10, message="Enter a real postcode, like RV1 2AB")]
    )
    identity = StringField(
        "Your full name or email address",
        validators=[Length(max=254, message="Use 254 characters or fewer")],
    )
