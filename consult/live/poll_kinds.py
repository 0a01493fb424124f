"""Live deliberation: the kinds of poll, one class each in one registry (`KINDS`). A kind
knows what a poll of its kind needs when it is created, what a ballot may hold
(`clean`, the last word whichever way the ballot came), how to tally the ballots, and
the juror page's form without JavaScript: reading the submitted fields into a ballot
(`read_form`), a stored ballot back into field values (`form_values`), and each field's
input id (`field_ids`); its template macro is `templates/live/_poll_kinds.html`'s
`<name>_fields`. Adding a kind is one class here, one macro there, and its name in
`consult.models.live.POLL_KINDS` (the database's check constraint, with a migration).

Form field names: `statement-<id>` ("1" agree, "-1" disagree, "0" pass), `choice` (an
option's value), `rank-<option>` (1 = first choice; blank to skip) and `amount-<option>`
(dots or budget; blank counts as 0). static/js/live-juror.js reads the same fields with
the same messages, so a ballot means the same whichever way it is sent.

Form methods take the poll as its `payloads.poll` dict (what the page was drawn from);
`clean` and `tally` take the `Poll` row."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from flask_babel import gettext

from consult.errors import Invalid
from consult.i18n import current_language
from consult.live.checks import clean_int
from consult.live.opinion_map import opinion_map
from consult.models import Ballot, Poll
from consult.models.live import POLL_KINDS
from consult.wording import N_

# at most 12 digits: more than any ballot holds, and never a number that int() refuses
# (over 4,300 digits) or that float() turns into infinity
WHOLE_NUMBER = re.compile(r"^[0-9]{1,12}$")
AMOUNT = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,2})?$")

Shape = Mapping[str, Any]  # a `payloads.poll` dict
Form = Mapping[str, str]


def _bad_ballot() -> Invalid:
    return Invalid(
        gettext("That ballot does not fit this poll."),
        fields={"value": gettext("Check your choices")},
    )


def _welsh_labels(poll: Poll) -> dict[str, str]:
    """The options' Welsh labels by value ("" where there is none), for the results."""
    return {o["value"]: o.get("label_cy") or "" for o in poll.options}


def shown_label(option: Mapping[str, Any]) -> str:
    """An option's label in the page's language (its Welsh one on a Welsh page, when the
    facilitator gave one), for messages naming it."""
    welsh = (option.get("label_cy") or "").strip() if current_language() != "en" else ""
    return welsh or str(option["label"])


def _field(form: Form, name: str) -> str:
    return (form.get(name) or "").strip()


class PollKind(ABC):
    """The behaviour every kind of poll shares; subclasses fill in their own."""

    name: ClassVar[str]
    label: ClassVar[str]  # in the console's list of kinds (marked N_, translated there)
    # results table: key, heading (translated where shown)
    result_column: ClassVar[tuple[str, str]] = ("count", N_("Votes"))
    results_macro: ClassVar[str] = "option_results"  # in templates/live/_poll_kinds.html
    needs_statements: ClassVar[bool] = False  # else it needs two or more options

    @property
    def form_macro(self) -> str:
        """The macro drawing the ballot's fields, in templates/live/_poll_kinds.html."""
        return f"{self.name}_fields"

    def allowance(self, dots_per_member: Any, budget_total: Any) -> dict[str, int | None]:
        """The poll's `dots_per_member` and `budget_total` columns (None but for the kinds
        that share out an allowance)."""
        return {"dots_per_member": None, "budget_total": None}

    def check_definition(self, options: Sequence[str], statements: Sequence[str]) -> None:
        """Refuse a poll of this kind without what it asks about."""
        if self.needs_statements and not statements:
            raise Invalid(
                gettext("Add at least one statement."),
                fields={"statements": gettext("Add a statement")},
            )
        if not self.needs_statements and len(options) < 2:
            raise Invalid(
                gettext("Add at least two options."),
                fields={"options": gettext("Add two or more options")},
            )

    @abstractmethod
    def clean(self, poll: Poll, value: Any) -> Any:
        """The ballot to store for `value`; raises Invalid when it does not fit the poll."""

    @abstractmethod
    def tally(self, poll: Poll, ballots: Sequence[Ballot], *, with_map: bool) -> dict[str, Any]:
        """The results' kind-specific part (merged into {"ballots", "kind"})."""

    @abstractmethod
    def read_form(self, poll: Shape, form: Form) -> Any:
        """The ballot value from the submitted fields; raises Invalid naming the field."""

    @abstractmethod
    def form_values(self, poll: Shape, ballot: Any) -> dict[str, str]:
        """The form's field values for a stored (non-empty) ballot."""

    @abstractmethod
    def field_names(self, poll: Shape) -> list[str]:
        """The form's field names, in order."""

    def input_id(self, poll: Shape, name: str) -> str:
        """The id of field `name`'s input on the juror page (a radio group's first radio)."""
        return f"poll-{poll['id']}-{name}"

    def first_field(self, poll: Shape) -> str:
        """Where a whole-ballot error points: the first field ("value" if there is none)."""
        return next(iter(self.field_names(poll)), "value")


class AgreeDisagree(PollKind):
    """Agree, disagree or pass on each statement; the results add the opinion map."""

    name, label = "agree_disagree", N_("Agree / disagree / pass on statements")
    needs_statements = True
    results_macro = "statement_results"
    VOTES: ClassVar[dict[str, int]] = {"1": 1, "-1": -1, "0": 0}

    def clean(self, poll: Poll, value: Any) -> Any:
        if not isinstance(value, dict) or not value:
            raise _bad_ballot()
        statement_ids = {str(s.id) for s in poll.statements if not s.moderated_out}
        clean = {}
        for key, vote in value.items():
            if str(key) not in statement_ids or vote not in (1, 0, -1) or isinstance(vote, bool):
                raise _bad_ballot()
            clean[str(key)] = vote
        return clean

    def tally(self, poll: Poll, ballots: Sequence[Ballot], *, with_map: bool) -> dict[str, Any]:
        rows = []
        votes: list[tuple[str, str, int]] = []
        for statement in poll.statements:
            counts = {"agree": 0, "disagree": 0, "pass": 0}
            for ballot in ballots:
                vote = (ballot.value or {}).get(str(statement.id))
                if vote is None:
                    continue
                counts[{1: "agree", -1: "disagree", 0: "pass"}[vote]] += 1
                votes.append((f"p{ballot.member_id}", str(statement.id), vote))
            rows.append(
                {
                    "statement_id": statement.id,
                    "text": statement.text,
                    "text_cy": statement.text_cy or "",
                    **counts,
                }
            )
        result: dict[str, Any] = {"statements": rows}
        if with_map:
            result["opinion"] = opinion_map(poll, votes)
        return result

    def read_form(self, poll: Shape, form: Form) -> Any:
        ballot = {}
        for statement in poll["statements"]:
            name = f"statement-{statement['id']}"
            raw = _field(form, name)
            if not raw:
                continue
            if raw not in self.VOTES:
                raise Invalid(
                    gettext("Choose agree, disagree or pass."), fields={name: gettext("Choose one")}
                )
            ballot[str(statement["id"])] = self.VOTES[raw]
        if not ballot:
            message = gettext("Choose agree, disagree or pass for at least one statement.")
            raise Invalid(message, fields={self.first_field(poll): message})
        return ballot

    def form_values(self, poll: Shape, ballot: Any) -> dict[str, str]:
        return {f"statement-{key}": str(vote) for key, vote in ballot.items()}

    def field_names(self, poll: Shape) -> list[str]:
        return [f"statement-{s['id']}" for s in poll["statements"]]

    def input_id(self, poll: Shape, name: str) -> str:
        return f"poll-{poll['id']}-{name}-agree"


class SingleChoice(PollKind):
    """One option; the results count the votes for each."""

    name, label = "single_choice", N_("Single choice")

    def clean(self, poll: Poll, value: Any) -> Any:
        if value not in [o["value"] for o in poll.options]:
            raise _bad_ballot()
        return value

    def tally(self, poll: Poll, ballots: Sequence[Ballot], *, with_map: bool) -> dict[str, Any]:
        labels = {o["value"]: o["label"] for o in poll.options}
        welsh = _welsh_labels(poll)
        counts = dict.fromkeys(labels, 0)
        for ballot in ballots:
            counts[ballot.value] = counts.get(ballot.value, 0) + 1
        return {
            "options": [
                {"value": v, "label": labels[v], "label_cy": welsh[v], "count": counts.get(v, 0)}
                for v in labels
            ]
        }

    def read_form(self, poll: Shape, form: Form) -> Any:
        choice = _field(form, "choice")
        if not choice:
            raise Invalid(
                gettext("Choose one option."), fields={"choice": gettext("Choose one option")}
            )
        return choice

    def form_values(self, poll: Shape, ballot: Any) -> dict[str, str]:
        return {"choice": str(ballot)}

    def field_names(self, poll: Shape) -> list[str]:
        return ["choice"] if poll["options"] else []

    def input_id(self, poll: Shape, name: str) -> str:
        return f"poll-{poll['id']}-choice-{poll['options'][0]['value']}"


class Ranking(PollKind):
    """Options in order of preference (not all need ranking); the results score each
    option n points for a first place, n - 1 for a second, and so on (a Borda count)."""

    name, label = "ranking", N_("Ranking")
    result_column = ("score", N_("Points"))

    def clean(self, poll: Poll, value: Any) -> Any:
        options = [o["value"] for o in poll.options]
        if not isinstance(value, list) or not value or len(set(value)) != len(value):
            raise _bad_ballot()
        if any(v not in options for v in value):
            raise _bad_ballot()
        return value

    def tally(self, poll: Poll, ballots: Sequence[Ballot], *, with_map: bool) -> dict[str, Any]:
        labels = {o["value"]: o["label"] for o in poll.options}
        welsh = _welsh_labels(poll)
        n = len(labels)
        scores = dict.fromkeys(labels, 0)
        firsts = dict.fromkeys(labels, 0)
        for ballot in ballots:
            for place, value in enumerate(ballot.value or []):
                scores[value] = scores.get(value, 0) + (n - place)
            if ballot.value:
                firsts[ballot.value[0]] = firsts.get(ballot.value[0], 0) + 1
        rows = (
            {
                "value": v,
                "label": labels[v],
                "label_cy": welsh[v],
                "score": scores[v],
                "first": firsts[v],
            }
            for v in labels
        )
        return {"options": sorted(rows, key=lambda row: (-row["score"], row["label"]))}

    def read_form(self, poll: Shape, form: Form) -> Any:
        options = poll["options"]
        places: dict[int, str] = {}
        for option in options:
            name = f"rank-{option['value']}"
            raw = _field(form, name)
            if not raw:
                continue
            if not WHOLE_NUMBER.match(raw) or not 1 <= int(raw) <= len(options):
                message = gettext(
                    "Enter a number from 1 to %(num)s for %(option)s.",
                    num=len(options),
                    option=shown_label(option),
                )
                raise Invalid(message, fields={name: message})
            if int(raw) in places:
                message = gettext("Give each option a different number.")
                raise Invalid(message, fields={name: message})
            places[int(raw)] = option["value"]
        if not places:
            message = gettext("Number at least one option, starting with 1 for your first choice.")
            raise Invalid(message, fields={self.first_field(poll): message})
        return [places[place] for place in sorted(places)]

    def form_values(self, poll: Shape, ballot: Any) -> dict[str, str]:
        return {f"rank-{value}": str(place) for place, value in enumerate(ballot, start=1)}

    def field_names(self, poll: Shape) -> list[str]:
        return [f"rank-{o['value']}" for o in poll["options"]]


class Amounts(PollKind):
    """Share an allowance between the options (`limit` in total); the results give each
    option's total and mean."""

    column: ClassVar[str]  # the poll's column holding the allowance
    default: ClassVar[int]  # the allowance when the facilitator gives none
    most: ClassVar[int]  # the largest allowance a poll may have
    field_pattern: ClassVar[re.Pattern[str]]
    bad_amount: ClassVar[str]  # formatted with the option's label
    nothing: ClassVar[str]

    def allowance(self, dots_per_member: Any, budget_total: Any) -> dict[str, int | None]:
        given = {"dots_per_member": dots_per_member, "budget_total": budget_total}[self.column]
        other = "budget_total" if self.column == "dots_per_member" else "dots_per_member"
        value = clean_int(given or self.default, field=self.column, low=1, high=self.most)
        return {self.column: value, other: None}

    def limit(self, poll: Poll) -> float:
        """The most a ballot may share out in total."""
        return getattr(poll, self.column) or 0

    @abstractmethod
    def amount(self, raw: int | float) -> int | float:
        """An amount as stored (whole dots, or money to the penny)."""

    def clean(self, poll: Poll, value: Any) -> Any:
        options = [o["value"] for o in poll.options]
        if not isinstance(value, dict):
            raise _bad_ballot()
        limit = self.limit(poll)
        clean = {}
        for key, amount in value.items():
            if (
                key not in options
                or isinstance(amount, bool)
                or not isinstance(amount, int | float)
            ):
                raise _bad_ballot()
            if amount < 0:
                raise _bad_ballot()
            if amount:
                clean[key] = self.amount(amount)
        if sum(clean.values()) > limit + 1e-9:
            raise Invalid(
                gettext("Use at most %(limit)s in total.", limit=limit),
                fields={"value": gettext("Use at most %(limit)s in total", limit=limit)},
            )
        return clean

    def tally(self, poll: Poll, ballots: Sequence[Ballot], *, with_map: bool) -> dict[str, Any]:
        labels = {o["value"]: o["label"] for o in poll.options}
        welsh = _welsh_labels(poll)
        totals = dict.fromkeys(labels, 0.0)
        for ballot in ballots:
            for value, amount in (ballot.value or {}).items():
                totals[value] = totals.get(value, 0.0) + amount
        return {
            "options": [
                {
                    "value": v,
                    "label": labels[v],
                    "label_cy": welsh[v],
                    "total": round(totals[v], 2),
                    "mean": round(totals[v] / len(ballots), 2) if ballots else 0.0,
                }
                for v in labels
            ]
        }

    def read_form(self, poll: Shape, form: Form) -> Any:
        ballot: dict[str, int | float] = {}
        for option in poll["options"]:
            name = f"amount-{option['value']}"
            raw = _field(form, name)
            if not raw:
                continue
            if not self.field_pattern.match(raw):
                message = gettext(self.bad_amount, label=shown_label(option))
                raise Invalid(message, fields={name: message})
            amount = self.amount(float(raw))
            if amount:
                ballot[option["value"]] = amount
        if not ballot:
            nothing = gettext(self.nothing)
            raise Invalid(nothing, fields={self.first_field(poll): nothing})
        return ballot

    def form_values(self, poll: Shape, ballot: Any) -> dict[str, str]:
        return {f"amount-{value}": _number(amount) for value, amount in ballot.items()}

    def field_names(self, poll: Shape) -> list[str]:
        return [f"amount-{o['value']}" for o in poll["options"]]


class Dots(Amounts):
    """Dot voting: whole dots, `dots_per_member` of them."""

    name, label = "dots", N_("Dot votes")
    result_column = ("total", N_("Dots"))
    column, default, most = "dots_per_member", 5, 100
    field_pattern = WHOLE_NUMBER
    bad_amount = N_("Enter a whole number of dots for %(label)s, like 2.")
    nothing = N_("Put at least one dot on an option.")

    def amount(self, raw: int | float) -> int | float:
        return int(raw)


class Budget(Amounts):
    """A budget split: amounts to 2 decimal places, `budget_total` of them."""

    name, label = "budget", N_("Budget split")
    result_column = ("mean", N_("Average"))
    column, default, most = "budget_total", 100, 10_000_000
    field_pattern = AMOUNT
    bad_amount = N_("Enter an amount for %(label)s, like 25 or 12.50.")
    nothing = N_("Put some of the budget on at least one option.")

    def amount(self, raw: int | float) -> int | float:
        return round(float(raw), 2)


def _number(amount: Any) -> str:
    """12.0 -> "12", 12.5 -> "12.5": what a person would have typed."""
    if isinstance(amount, float) and amount.is_integer():
        return str(int(amount))
    return str(amount)


KINDS: dict[str, PollKind] = {
    kind.name: kind() for kind in (AgreeDisagree, SingleChoice, Ranking, Dots, Budget)
}
if tuple(KINDS) != POLL_KINDS:  # the registry and the database's constraint must agree
    raise RuntimeError(f"poll kinds {tuple(KINDS)} differ from the models' {POLL_KINDS}")


def kind_of(poll: Shape | Poll) -> PollKind:
    """The kind of a poll row or a `payloads.poll` dict."""
    name = poll["kind"] if isinstance(poll, Mapping) else poll.kind
    return KINDS[name]


def ballot_from_form(poll: Shape, form: Form) -> Any:
    """The ballot value for `poll` from the submitted fields (see `PollKind.read_form`)."""
    return kind_of(poll).read_form(poll, form)


def fields_from_ballot(poll: Shape, ballot: Any) -> dict[str, str]:
    """The form's field values for a stored ballot (empty when there is none)."""
    return {} if ballot is None else kind_of(poll).form_values(poll, ballot)


def field_ids(poll: Shape) -> dict[str, str]:
    """Each field's name -> the id of its input on the juror page, first field first; a
    whole-ballot error (`value`) points at the first field. The ids are
    templates/live/_poll_kinds.html's (and live-juror.js's)."""
    kind = kind_of(poll)
    ids = {name: kind.input_id(poll, name) for name in kind.field_names(poll)}
    return {**ids, "value": next(iter(ids.values()), f"poll-{poll['id']}-form")}
