"""Participatory budgeting forms: a round's settings, a resident's proposal, moderation and
assessment, voting codes, and the voting code a voter enters. The ballot itself (a list of
checkboxes built from the frozen ballot) is read straight from the request and checked
by `services.check_choices`, which gives the messages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, Optional

from consult.dates import DateField
from consult.forms_common import (
    TOO_LONG,
    choice_field,
    code_field,
    optional_number,
    optional_text,
    required_text,
    slug_field,
    whole_number,
)
from consult.pb.ballots import KIND_LABELS
from consult.pb.services import ASSESSMENT_LABELS, DATE_ORDER, RULE_LABELS

AGE_RANGE = lazy_gettext("Enter an age from 0 to 120")
WHOLE_POUNDS = lazy_gettext("Enter the budget in whole pounds")
POINTS_RANGE = lazy_gettext("Enter from 1 to 1,000")
CHOICES_RANGE = lazy_gettext("Enter a number from 1 to 100")
UNDER_200 = lazy_gettext("Use 200 characters or fewer")


def _choices(pairs: dict[str, str]) -> list[SelectChoice]:
    """Radio choices whose labels (marked with N_ where they are defined) are shown in the
    page's language."""
    return [SelectChoice(value, lazy_gettext(label)) for value, label in pairs.items()]


def _short_text(label: str, most: int, too_long: str = TOO_LONG) -> Any:
    """A line of text of at most `most` characters (`too_long` says so), or nothing."""
    return StringField(label, validators=[Length(max=most, message=too_long)])


def _age(label: str) -> Any:
    """An age from 0 to 120 that may take part, or nothing."""
    return optional_number(label, 0, 120, out_of_range=AGE_RANGE)


def _points(label: str) -> Any:
    """Points on a cumulative ballot, from 1 to 1,000, or nothing."""
    return optional_number(label, 1, 1000, out_of_range=POINTS_RANGE)


def _projects(label: str, missing: str, default: int) -> Any:
    """How many projects a voter chooses, from 1 to 100 (`missing` says when not given)."""
    return whole_number(label, missing, 1, 100, out_of_range=CHOICES_RANGE, default=default)


class RoundForm(FlaskForm):
    title = required_text(
        lazy_gettext("Title"), lazy_gettext("Enter a title"), 200, too_long=lazy_gettext("Too long")
    )
    slug = slug_field()
    summary = TextAreaField(lazy_gettext("What the money is for, and the rules for ideas"))
    area = _short_text(lazy_gettext("Area (optional)"), 200)
    wards = TextAreaField(lazy_gettext("Wards, one a line (optional)"))
    # Welsh versions (optional): residents reading in Welsh see the English where blank
    title_cy = optional_text(lazy_gettext("Teitl (Welsh version)"), 200, too_long=UNDER_200)
    summary_cy = TextAreaField(lazy_gettext("Crynodeb (Welsh version)"), validators=[Optional()])
    area_cy = optional_text(lazy_gettext("Ardal (Welsh version)"), 200, too_long=UNDER_200)
    min_age = _age(lazy_gettext("Youngest age that may take part (optional)"))
    max_age = _age(lazy_gettext("Oldest age that may take part (optional)"))
    budget = whole_number(
        lazy_gettext("Budget in pounds"), WHOLE_POUNDS, 1, 2_000_000_000, out_of_range=WHOLE_POUNDS
    )
    rule = RadioField(lazy_gettext("How the winners are chosen"), choices=_choices(RULE_LABELS))
    ballot_type = RadioField(
        lazy_gettext("Kind of ballot"), choices=_choices(KIND_LABELS), default="approval"
    )
    max_sum_points = _points(lazy_gettext("Points each voter shares out (cumulative ballots)"))
    max_points = _points(lazy_gettext("Most points for one project (cumulative ballots, optional)"))
    eligibility_check = BooleanField(
        lazy_gettext("Residents without a code can vote by giving their postcode and date of birth")
    )
    postcode_areas = TextAreaField(lazy_gettext("Postcode areas, one a line (optional)"))
    min_choices = _projects(
        lazy_gettext("Fewest projects a voter must choose"),
        lazy_gettext("Enter the fewest projects a voter must choose"),
        1,
    )
    max_choices = _projects(
        lazy_gettext("Most projects a voter may choose"),
        lazy_gettext("Enter the most projects a voter may choose"),
        5,
    )
    tie_seed = _short_text(
        lazy_gettext("Lottery seed for exact ties (optional)"),
        64,
        lazy_gettext("Use 64 characters or fewer"),
    )
    proposals_open_on = DateField(lazy_gettext("Ideas open"), validators=[Optional()])
    proposals_close_on = DateField(lazy_gettext("Ideas close"), validators=[Optional()])
    assessment_ends_on = DateField(lazy_gettext("Assessment ends"), validators=[Optional()])
    voting_opens_on = DateField(lazy_gettext("Voting opens"), validators=[Optional()])
    voting_closes_on = DateField(lazy_gettext("Voting closes"), validators=[Optional()])
    results_on = DateField(lazy_gettext("Results published"), validators=[Optional()])
    delivery_ends_on = DateField(lazy_gettext("Projects delivered by"), validators=[Optional()])

    def settings(self) -> dict[str, object]:
        return {
            "title": self.title.data or "",
            "summary": (self.summary.data or "").strip(),
            "area": (self.area.data or "").strip(),
            "title_cy": (self.title_cy.data or "").strip() or None,
            "summary_cy": (self.summary_cy.data or "").strip() or None,
            "area_cy": (self.area_cy.data or "").strip() or None,
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
    title = required_text(
        lazy_gettext("Name of your project"),
        lazy_gettext("Enter a name for your project"),
        120,
        too_long=lazy_gettext("Use 120 characters or fewer for the name"),
    )
    description = required_text(
        lazy_gettext("What would it do, and who would it help?"),
        lazy_gettext("Describe your project"),
        3000,
        too_long=lazy_gettext("Use 3,000 characters or fewer"),
        field=TextAreaField,
    )
    ward = _short_text(lazy_gettext("Where would it happen?"), 100)
    estimated_cost = whole_number(
        lazy_gettext("Roughly what would it cost, in pounds?"),
        lazy_gettext("Enter roughly what it would cost, in whole pounds"),
        1,
        None,
        out_of_range=lazy_gettext("Enter roughly what it would cost, in whole pounds"),
    )
    proposer_name = _short_text(lazy_gettext("Your name (optional)"), 200)
    proposer_email = EmailField(
        lazy_gettext("Your email address (optional)"),
        validators=[
            Optional(),
            Email(lazy_gettext("Enter an email address like name@example.com")),
        ],
    )
    # Checked by what the file is, not its name, in images.clean_image.
    image = FileField(lazy_gettext("A picture (optional)"))
    image_alt = StringField(lazy_gettext("Describe the picture for someone who cannot see it"))


class ModerationForm(FlaskForm):
    decision = choice_field(
        lazy_gettext("Moderation"),
        lazy_gettext("Choose publish or reject"),
        _choices({"published": lazy_gettext("Publish it"), "rejected": lazy_gettext("Reject it")}),
    )
    reason = TextAreaField(lazy_gettext("Reason for rejecting it (published)"))


class AssessmentForm(FlaskForm):
    assessment = choice_field(
        lazy_gettext("Assessment"),
        lazy_gettext("Choose an assessment"),
        _choices(ASSESSMENT_LABELS),
    )
    assessed_cost = optional_number(
        lazy_gettext("Revised cost in pounds (feasible with changes)"),
        1,
        None,
        out_of_range=lazy_gettext("Enter the revised cost in whole pounds"),
    )
    reasons = TextAreaField(
        lazy_gettext("Reasons and changes (published; required unless feasible)")
    )


class CodesForm(FlaskForm):
    count = whole_number(
        lazy_gettext("How many codes"),
        lazy_gettext("Enter how many codes to make"),
        1,
        2000,
        out_of_range=lazy_gettext("Enter a number from 1 to 2,000"),
        default=50,
    )
    batch = _short_text(
        lazy_gettext("Label for this batch (optional)"),
        100,
        lazy_gettext("Use 100 characters or fewer"),
    )


class VoterCodeForm(FlaskForm):
    code = code_field(
        lazy_gettext("Voting code"), lazy_gettext("Enter the voting code from your card")
    )


class EligibilityForm(FlaskForm):
    """The eligibility check (consult/pb/eligibility.py); the date of birth is read from its
    three boxes by `consult.dates.date_from_form`, and nothing typed here is stored."""

    postcode = _short_text(
        lazy_gettext("Your postcode"), 10, lazy_gettext("Enter a real postcode, like RV1 2AB")
    )
    identity = _short_text(
        lazy_gettext("Your full name or email address"),
        254,
        lazy_gettext("Use 254 characters or fewer"),
    )
