"""Live deliberation: a poll's form on the juror page, read into the ballot value that
`services.cast_ballot` takes (the page without JavaScript), and a stored ballot turned
back into the form's field values (so the form shows the juror's current ballot).

Field names, per kind of poll: `statement-<id>` ("1" agree, "-1" disagree, "0" pass),
`choice` (an option's value), `rank-<option>` (1 = first choice; blank to skip) and
`amount-<option>` (dots or budget; blank counts as 0). static/js/live-juror.js reads the
same fields with the same messages, so a ballot means the same whichever way it is sent;
`services._clean_ballot` still has the last word on what a ballot may hold."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from consult.errors import Invalid

AGREEMENT = {"1": 1, "-1": -1, "0": 0}
WHOLE_NUMBER = re.compile(r"^[0-9]+$")
AMOUNT = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")


def ballot_from_form(poll: Mapping[str, Any], form: Mapping[str, str]) -> Any:
    """The ballot value for `poll` (a `payloads.poll` dict) from the submitted fields.
    Raises Invalid, naming the field to correct, when the fields cannot make a ballot."""
    kind = poll["kind"]
    if kind == "agree_disagree":
        return _agreement(poll, form)
    if kind == "single_choice":
        return _single_choice(form)
    if kind == "ranking":
        return _ranking(poll, form)
    return _amounts(poll, form)


def fields_from_ballot(poll: Mapping[str, Any], ballot: Any) -> dict[str, str]:
    """The form's field values for a stored ballot (empty when there is none)."""
    if ballot is None:
        return {}
    kind = poll["kind"]
    if kind == "agree_disagree":
        return {f"statement-{key}": str(vote) for key, vote in ballot.items()}
    if kind == "single_choice":
        return {"choice": str(ballot)}
    if kind == "ranking":
        return {f"rank-{value}": str(place) for place, value in enumerate(ballot, start=1)}
    return {f"amount-{value}": _number(amount) for value, amount in ballot.items()}


def first_field(poll: Mapping[str, Any]) -> str:
    """The name of the form's first field (where a whole-ballot error points)."""
    kind = poll["kind"]
    if kind == "agree_disagree":
        return f"statement-{poll['statements'][0]['id']}" if poll["statements"] else "value"
    if kind == "single_choice":
        return "choice"
    prefix = "rank" if kind == "ranking" else "amount"
    return f"{prefix}-{poll['options'][0]['value']}" if poll["options"] else "value"


def _field(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def _agreement(poll: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, int]:
    ballot = {}
    for statement in poll["statements"]:
        name = f"statement-{statement['id']}"
        raw = _field(form, name)
        if not raw:
            continue
        if raw not in AGREEMENT:
            raise Invalid("Choose agree, disagree or pass.", fields={name: "Choose one"})
        ballot[str(statement["id"])] = AGREEMENT[raw]
    if not ballot:
        message = "Choose agree, disagree or pass for at least one statement."
        raise Invalid(message, fields={first_field(poll): message})
    return ballot


def _single_choice(form: Mapping[str, str]) -> str:
    choice = _field(form, "choice")
    if not choice:
        raise Invalid("Choose one option.", fields={"choice": "Choose one option"})
    return choice


def _ranking(poll: Mapping[str, Any], form: Mapping[str, str]) -> list[str]:
    options = poll["options"]
    places: dict[int, str] = {}
    for option in options:
        name = f"rank-{option['value']}"
        raw = _field(form, name)
        if not raw:
            continue
        if not WHOLE_NUMBER.match(raw) or not 1 <= int(raw) <= len(options):
            message = f"Enter a number from 1 to {len(options)} for {option['label']}."
            raise Invalid(message, fields={name: message})
        if int(raw) in places:
            message = "Give each option a different number."
            raise Invalid(message, fields={name: message})
        places[int(raw)] = option["value"]
    if not places:
        message = "Number at least one option, starting with 1 for your first choice."
        raise Invalid(message, fields={first_field(poll): message})
    return [places[place] for place in sorted(places)]


def _amounts(poll: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, int | float]:
    dots = poll["kind"] == "dots"
    ballot: dict[str, int | float] = {}
    for option in poll["options"]:
        name = f"amount-{option['value']}"
        raw = _field(form, name)
        if not raw:
            continue
        if not (WHOLE_NUMBER if dots else AMOUNT).match(raw):
            message = (
                f"Enter a whole number of dots for {option['label']}, like 2."
                if dots
                else f"Enter an amount for {option['label']}, like 25 or 12.50."
            )
            raise Invalid(message, fields={name: message})
        amount = int(raw) if dots else float(raw)
        if amount:
            ballot[option["value"]] = amount
    if not ballot:
        message = (
            "Put at least one dot on an option."
            if dots
            else "Put some of the budget on at least one option."
        )
        raise Invalid(message, fields={first_field(poll): message})
    return ballot


def _number(amount: Any) -> str:
    """12.0 -> "12", 12.5 -> "12.5": what a person would have typed."""
    if isinstance(amount, float) and amount.is_integer():
        return str(int(amount))
    return str(amount)


def field_ids(poll: Mapping[str, Any]) -> dict[str, str]:
    """Each field's name -> the id of its input on the juror page (a radio group's first
    radio), first field first; a whole-ballot error (`value`) points at the first field.
    The ids are templates/live/_juror_cards.html's (and live-juror.js's)."""
    prefix = f"poll-{poll['id']}"
    kind = poll["kind"]
    if kind == "agree_disagree":
        ids = {
            f"statement-{s['id']}": f"{prefix}-statement-{s['id']}-agree"
            for s in poll["statements"]
        }
    elif kind == "single_choice":
        ids = (
            {"choice": f"{prefix}-choice-{poll['options'][0]['value']}"} if poll["options"] else {}
        )
    else:
        field = "rank" if kind == "ranking" else "amount"
        ids = {f"{field}-{o['value']}": f"{prefix}-{field}-{o['value']}" for o in poll["options"]}
    return {**ids, "value": next(iter(ids.values()), f"{prefix}-form")}
