"""Question kinds: one class per kind of consultation question (free text, single and multiple
choice, agreement scale, ranking, budget split), and the registry that finds them by name.

A kind owns everything that differs between kinds: what an officer must give when designing
the question, how a resident's answer is read from the no-JavaScript form (and which template
draws that form field), how it is checked and stored, how a spreadsheet cell is parsed on
import, how a stored answer reads as text, how answers are tallied for the charts, and the
answer's shape in the API (the `value_type` text and the OpenAPI fragment). The rest of the
app asks the registry (`question_kind(name)`) instead of comparing kind names, so a new kind
is one new class here, its form template and its name in `models.QUESTION_KINDS` (the
database's check constraint, so also a migration).

The classes read question-like objects (a `Question` row or a `services.QuestionSpec`): they
use `id`, `kind`, `choices`, `max_length` and `budget_total`, and touch no session."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Protocol, TypeVar

from flask_babel import gettext

from consult.consultations.redaction import moderate


class AnswerError(ValueError):
    """One answer that cannot be accepted; the message says how to fix it."""


class QuestionLike(Protocol):
    """What the kinds read from a question (a `Question` row or a `QuestionSpec`)."""

    id: int
    kind: str
    max_length: int | None
    budget_total: int | None

    @property
    def choices(self) -> Sequence[Mapping[str, Any]]: ...


class AnswerLike(Protocol):
    """What the kinds read from a stored answer (an `Answer` row)."""

    value: Any
    text: str | None
    redacted_text: str | None


MAX_DIGITS = 12  # more than any amount, place or scale point a person means to type


def whole_number(text: str) -> int | None:
    """`text` as a whole number of at most MAX_DIGITS ASCII digits, or None. ("²" and other
    scripts' digits pass `str.isdigit()` but not `int()`; 5,000 digits pass neither
    Python's digit limit nor any sense.)"""
    text = text.strip()
    if text.isascii() and text.isdecimal() and len(text) <= MAX_DIGITS:
        return int(text)
    return None


def option_values(question: QuestionLike) -> list[str]:
    return [option["value"] for option in question.choices]


def option_labels(question: QuestionLike) -> dict[str, str]:
    """Option label by option value (as a string)."""
    return {str(option["value"]): option["label"] for option in question.choices}


def normal(text: str) -> str:
    """Text for loose matching: lower case, runs of anything but letters and digits as one
    space (imports match column names and options this way)."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def match_option(question: QuestionLike, text: str) -> str:
    """An option's value from a cell holding its value or its label (any case)."""
    wanted = normal(text)
    for option in question.choices:
        if wanted in (normal(str(option["value"])), normal(option["label"])):
            return str(option["value"])
    raise AnswerError(gettext("'%(text)s' is not one of the options", text=text))


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n>|]", text) if part.strip()]


class QuestionKind:
    """The behaviour every kind shares; a kind overrides what differs. Subclasses with a
    `name` are registered in `KINDS` (in the order officers see them)."""

    name: ClassVar[str]
    label: ClassVar[str]  # what officers see when choosing the type of question
    value_type: ClassVar[str]  # the API's description of an answer's value
    schema: ClassVar[dict[str, Any]]  # the OpenAPI fragment of an answer's value
    field_template: ClassVar[str]  # the no-JavaScript form field (see _questions.html)
    fieldset: ClassVar[bool] = True  # the field is a fieldset with a legend (not a label)
    has_options: ClassVar[bool] = False  # the officer lists the options (2 or more)
    is_text: ClassVar[bool] = False  # free text: redacted, moderated, analysed into themes
    tally_label: ClassVar[str] = "Count"  # the column heading of the tally's table
    # the dashboard chart's bars: "largest" first, "smallest" first, or "as_asked" (a scale)
    chart_order: ClassVar[str] = "largest"
    own_fields: ClassVar[tuple[str, ...]] = ()  # design-form fields only this kind uses

    # --- designing the question -------------------------------------------------------

    @property
    def design_fields(self) -> tuple[str, ...]:
        """The question form's fields this kind uses besides the question, hint and
        "required" (the form shows only these)."""
        return (("options",) if self.has_options else ()) + self.own_fields

    def design_problems(self, data: Mapping[str, Any], options: list[Any]) -> dict[str, str]:
        """What the officer's design lacks, by form field."""
        if self.has_options and len(options) < 2:
            return {"options": "Enter at least 2 options, one on each line"}
        return {}

    def configure(self, question: Any, data: Mapping[str, Any], options: list[Any]) -> None:
        """Set the kind's own settings on a question being saved (and clear the others')."""
        question.max_length = None
        question.budget_total = None
        question.options = options if self.has_options else []

    # --- answering ----------------------------------------------------------------------

    def from_form(self, question: QuestionLike, form: Any) -> Any:
        """The answer in the API's shape, read from the HTML form the field template draws."""
        return form.get(f"q{question.id}", "")

    def from_cell(self, question: QuestionLike, cell: str) -> Any:
        """The answer in the API's shape, read from a non-empty spreadsheet cell (imports)."""
        return cell

    def clean(self, question: QuestionLike, raw: Any) -> Any:
        """The stored form of a non-empty answer, or None; raises AnswerError."""
        raise AnswerError(gettext("This question cannot be answered"))

    def columns(self, value: Any) -> dict[str, Any]:
        """The Answer row's columns for a cleaned value."""
        return {"value": value, "text": None, "redacted_text": None, "flags": []}

    # --- reading answers ----------------------------------------------------------------

    def answer_text(self, question: QuestionLike, answer: AnswerLike, *, originals: bool) -> Any:
        """A stored answer as text, for the check page and officers."""
        labels = option_labels(question)
        return labels.get(str(answer.value), answer.value)

    def tally(self, counts: Counter[str], value: Any) -> None:
        """Add one answer to the officers' table of counts per option."""
        counts[str(value)] += 1

    def chart(self, question: QuestionLike, values: list[Any]) -> dict[str, Any] | None:
        """The dashboard's bar chart of the submitted answers (None: no chart)."""
        counts: Counter[str] = Counter()
        for value in values:
            counts.update(str(v) for v in (value if isinstance(value, list) else [value]))
        return self._bar(question, "Responses", lambda option: counts.get(option, 0))

    def _bar(self, question: QuestionLike, label: str, figure: Any) -> dict[str, Any]:
        """A bar per option, in the kind's `chart_order` (options with no figure last)."""
        bars = [(text, figure(option)) for option, text in option_labels(question).items()]
        if self.chart_order == "largest":
            bars.sort(key=lambda bar: -bar[1])
        elif self.chart_order == "smallest":
            bars.sort(key=lambda bar: (not bar[1], bar[1]))
        return {
            "type": "bar",
            "label": label,
            "labels": [text for text, _ in bars],
            "values": [value for _, value in bars],
        }


KINDS: dict[str, QuestionKind] = {}
K = TypeVar("K", bound=QuestionKind)


def register(cls: type[K]) -> type[K]:
    """Class decorator: add a kind to the registry."""
    KINDS[cls.name] = cls()
    return cls


def question_kind(name: str) -> QuestionKind:
    """The kind called `name`; KeyError for a name no class registered."""
    return KINDS[name]


@register
class FreeText(QuestionKind):
    name = "free_text"
    label = "Free text"
    value_type = "string, at most max_length characters"
    schema: ClassVar[dict[str, Any]] = {"type": "string"}
    field_template = "consultations/kinds/free_text.html"
    fieldset = False
    is_text = True
    own_fields = ("max_length",)

    def configure(self, question: Any, data: Mapping[str, Any], options: list[Any]) -> None:
        super().configure(question, data, options)
        question.max_length = data.get("max_length") or 2000

    def clean(self, question: QuestionLike, raw: Any) -> Any:
        if not isinstance(raw, str):
            raise AnswerError(gettext("Enter your answer as text"))
        text = raw.strip().replace("\r\n", "\n")
        if not text:
            return None
        limit = question.max_length or 2000
        if len(text) > limit:
            raise AnswerError(
                gettext(
                    "Your answer must be %(limit)s characters or fewer; it is %(length)s",
                    limit=f"{limit:,}",
                    length=f"{len(text):,}",
                )
            )
        return text

    def columns(self, value: Any) -> dict[str, Any]:
        """Free text keeps the original apart from its redacted copy and moderation flags."""
        redacted, flags = moderate(value)
        return {"value": None, "text": value, "redacted_text": redacted, "flags": flags}

    def answer_text(self, question: QuestionLike, answer: AnswerLike, *, originals: bool) -> Any:
        return answer.text if originals else answer.redacted_text

    def chart(self, question: QuestionLike, values: list[Any]) -> dict[str, Any] | None:
        return None  # free text is read through its themes


@register
class SingleChoice(QuestionKind):
    name = "single_choice"
    label = "Single choice"
    value_type = "string: one option value"
    schema: ClassVar[dict[str, Any]] = {"type": "string"}
    field_template = "consultations/kinds/radios.html"
    has_options = True

    def from_cell(self, question: QuestionLike, cell: str) -> Any:
        return match_option(question, cell)

    def clean(self, question: QuestionLike, raw: Any) -> Any:
        if not isinstance(raw, str) or raw not in option_values(question):
            raise AnswerError(gettext("Select one of the options"))
        return raw


class OptionList(QuestionKind):
    """The answer is a list of option values (several picked, or all in order)."""

    schema: ClassVar[dict[str, Any]] = {"type": "array", "items": {"type": "string"}}
    has_options = True

    def from_cell(self, question: QuestionLike, cell: str) -> Any:
        """Options by value or label, separated by ';', '>', '|' or new lines (or by commas
        when none of those is there)."""
        parts = _split(cell) if re.search(r"[;\n>|]", cell) else cell.split(",")
        return [match_option(question, part) for part in parts if part.strip()]


@register
class MultipleChoice(OptionList):
    name = "multiple_choice"
    label = "Multiple choice"
    value_type = "array of distinct option values"
    field_template = "consultations/kinds/checkboxes.html"

    def from_form(self, question: QuestionLike, form: Any) -> Any:
        return form.getlist(f"q{question.id}")

    def clean(self, question: QuestionLike, raw: Any) -> Any:
        if isinstance(raw, str):
            raw = [raw]
        values = option_values(question)
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise AnswerError(gettext("Select the options that apply"))
        if any(v not in values for v in raw):
            raise AnswerError(gettext("Select only options from the list"))
        if len(set(raw)) != len(raw):
            raise AnswerError(gettext("Select each option only once"))
        return [v for v in values if v in raw]

    def answer_text(self, question: QuestionLike, answer: AnswerLike, *, originals: bool) -> Any:
        labels = option_labels(question)
        return ", ".join(str(labels.get(v, v)) for v in answer.value)

    def tally(self, counts: Counter[str], value: Any) -> None:
        if isinstance(value, list):
            counts.update(str(v) for v in value)
        else:
            super().tally(counts, value)


@register
class Likert(QuestionKind):
    name = "likert"
    label = "Agreement scale (5 points)"
    value_type = "integer from 1 (strongly disagree) to 5 (strongly agree)"
    schema: ClassVar[dict[str, Any]] = {"type": "integer"}
    field_template = "consultations/kinds/radios.html"
    chart_order = "as_asked"  # a scale reads from disagree to agree

    def from_cell(self, question: QuestionLike, cell: str) -> Any:
        return (
            str(whole_number(cell))
            if whole_number(cell) is not None
            else match_option(question, cell)
        )

    def clean(self, question: QuestionLike, raw: Any) -> Any:
        if isinstance(raw, bool):
            raise AnswerError(gettext("Select how far you agree or disagree"))
        number = (
            whole_number(raw) if isinstance(raw, str) else raw if isinstance(raw, int) else None
        )
        if number is None or not 1 <= number <= 5:
            raise AnswerError(gettext("Select how far you agree or disagree"))
        return number


@register
class Ranking(OptionList):
    name = "ranking"
    label = "Ranking"
    value_type = "array of every option value once, most important first"
    field_template = "consultations/kinds/ranking.html"
    chart_order = "smallest"  # average place: 1 is the most important

    def from_form(self, question: QuestionLike, form: Any) -> Any:
        """Raises AnswerError for a place left out or used twice."""
        name = f"q{question.id}"
        places: dict[str, int] = {}
        for option in question.choices:
            place = whole_number(form.get(f"{name}-{option['value']}", ""))
            if place is not None:
                places[option["value"]] = place
        if not places:
            return None
        if len(places) != len(question.choices):
            raise AnswerError(gettext("Give every option a place in the order"))
        if len(set(places.values())) != len(places):
            raise AnswerError(gettext("Give each option a different place in the order"))
        return sorted(places, key=places.__getitem__)

    def clean(self, question: QuestionLike, raw: Any) -> Any:
        values = option_values(question)
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise AnswerError(gettext("Put the options in order"))
        if sorted(raw) != sorted(values):
            if len(set(raw)) != len(raw):
                raise AnswerError(gettext("Give each option a different place in the order"))
            raise AnswerError(
                gettext("Put all %(count)s options in order, each once", count=len(values))
            )
        return list(raw)

    def answer_text(self, question: QuestionLike, answer: AnswerLike, *, originals: bool) -> Any:
        labels = option_labels(question)
        return "; ".join(f"{n}. {labels.get(v, v)}" for n, v in enumerate(answer.value, start=1))

    def tally(self, counts: Counter[str], value: Any) -> None:
        """Counts first choices."""
        if isinstance(value, list) and value:
            counts[str(value[0])] += 1
        else:
            super().tally(counts, value)

    def chart(self, question: QuestionLike, values: list[Any]) -> dict[str, Any] | None:
        places: dict[str, list[int]] = defaultdict(list)
        for value in values:
            for place, option in enumerate(value or [], start=1):
                places[str(option)].append(place)
        return self._bar(
            question,
            "Average place (1 = most important)",
            lambda o: round(sum(places[o]) / len(places[o]), 2) if places[o] else 0,
        )


@register
class Budget(QuestionKind):
    name = "budget"
    label = "Budget allocation"
    value_type = "object: option value -> whole number >= 0, adding up to budget_total"
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 0},
    }
    field_template = "consultations/kinds/budget.html"
    has_options = True
    tally_label = "Total"
    own_fields = ("budget_total",)

    def design_problems(self, data: Mapping[str, Any], options: list[Any]) -> dict[str, str]:
        problems = super().design_problems(data, options)
        if not data.get("budget_total"):
            problems["budget_total"] = "Enter the total the amounts must add up to, like 100"
        return problems

    def configure(self, question: Any, data: Mapping[str, Any], options: list[Any]) -> None:
        super().configure(question, data, options)
        question.budget_total = data.get("budget_total")

    def from_form(self, question: QuestionLike, form: Any) -> Any:
        name = f"q{question.id}"
        return {
            option["value"]: form.get(f"{name}-{option['value']}", "").strip().lstrip("£")
            for option in question.choices
        }

    def from_cell(self, question: QuestionLike, cell: str) -> Any:
        amounts: dict[str, Any] = {}
        for part in _split(cell) if re.search(r"[;\n|]", cell) else cell.split(","):
            name, _, amount = part.replace("=", ":").rpartition(":")
            if not name:
                raise AnswerError(
                    gettext(
                        "Write amounts like 'Roads: 30; Parks: 70' (each area, a colon, an amount)"
                    )
                )
            amounts[match_option(question, name)] = amount.strip().lstrip("£")
        return amounts

    def clean(self, question: QuestionLike, raw: Any) -> Any:
        values = option_values(question)
        total = question.budget_total or 0
        if not isinstance(raw, dict):
            raise AnswerError(gettext("Enter an amount for each area"))
        amounts: dict[str, int] = {}
        for value in values:
            amount = raw.get(value, 0)
            if amount in ("", None):
                amount = 0
            if isinstance(amount, str) and whole_number(amount) is not None:
                amount = whole_number(amount)
            if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
                raise AnswerError(gettext("Enter each amount as a whole number of pounds, like 25"))
            amounts[value] = amount
        if set(raw) - set(values):
            raise AnswerError(gettext("Enter amounts only for the areas listed"))
        spent = sum(amounts.values())
        if spent == 0:
            return None
        if spent != total:
            raise AnswerError(
                gettext(
                    "Your amounts must add up to £%(total)s; they add up to £%(spent)s",
                    total=f"{total:,}",
                    spent=f"{spent:,}",
                )
            )
        return amounts

    def faulty_amounts(self, question: QuestionLike, value: Any) -> set[str]:
        """The options whose own amount is wrong (not a whole number of pounds), so that an
        error outlines just those boxes; empty when every amount is fine on its own and only
        their total is wrong, which is a fault of them all."""
        if not isinstance(value, dict):
            return set()
        faulty = set()
        for option in option_values(question):
            amount = value.get(option, "")
            if isinstance(amount, str):
                wrong = bool(amount.strip()) and whole_number(amount) is None
            else:
                wrong = not isinstance(amount, int) or isinstance(amount, bool) or amount < 0
            if wrong:
                faulty.add(option)
        return faulty

    def answer_text(self, question: QuestionLike, answer: AnswerLike, *, originals: bool) -> Any:
        labels = option_labels(question)
        return "; ".join(f"{labels.get(k, k)}: £{v}" for k, v in answer.value.items())

    def tally(self, counts: Counter[str], value: Any) -> None:
        """Adds up the amounts per option."""
        if not isinstance(value, dict):
            super().tally(counts, value)
            return
        for key, amount in value.items():
            try:
                counts[str(key)] += float(amount)
            except (TypeError, ValueError):
                continue

    def chart(self, question: QuestionLike, values: list[Any]) -> dict[str, Any] | None:
        sums: Counter[str] = Counter()
        for value in values:
            sums.update({str(k): int(v) for k, v in (value or {}).items()})
        return self._bar(
            question,
            "Average amount (£)",
            lambda o: round(sums[o] / len(values), 1) if values else 0,
        )


TEXT_KINDS = tuple(name for name, kind in KINDS.items() if kind.is_text)


def answer_schema() -> dict[str, Any]:
    """The OpenAPI schema of an answer's value: any of the kinds' shapes."""
    shapes: list[dict[str, Any]] = []
    for kind in KINDS.values():
        if kind.schema not in shapes:
            shapes.append(kind.schema)
    return {
        "description": "The answer; its type depends on the question's kind (see `value_type`).",
        "anyOf": shapes,
    }
