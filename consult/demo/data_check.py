"""The demo data files' check (consult/demo/data/*.yaml): what someone editing the prose
could break without noticing. The loader runs it before loading anything, so a broken file
stops `flask demo load` with a list of what to fix instead of a half-loaded demo.

It checks shape and cross-references: every {slot} a fragment uses exists; every question
has a kind the app knows, unique keys, options with tidy values; every hand-written answer
and organisation response answers a free-text question; quotas have min <= max; the agenda
uses real round kinds; a council response that does not accept a recommendation gives its
reasons (as the app requires); progress only moves forward; ideas are short and distinct."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from consult.consultations.kinds import KINDS
from consult.demo import content, prose
from consult.models.live import ROUND_KINDS
from consult.models.outcomes import RESPONSE_STATUSES

ANSWER_LABELS = ("story", "personal_data", "abuse", "spam", "no_comment")
OPTION_VALUE = re.compile(r"[a-z0-9_]+")
SLOT = re.compile(r"\{(\w+)\}")


class DemoDataError(ValueError):
    """The demo data files have problems; the message lists them."""


def _texts(value: Any) -> Iterable[str]:
    """Every string inside nested data."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item)


def _questions(name: str, questions: Any, text_questions: Any) -> list[str]:
    problems = []
    keys = [q["key"] for q in questions]
    if len(keys) != len(set(keys)):
        problems.append(f"{name}: two questions share a key")
    free_text = {q["key"] for q in questions if q["type"] == "free_text"}
    for question in questions:
        where = f"{name}: question '{question['key']}'"
        kind = KINDS.get(question["type"])
        if kind is None:
            problems.append(f"{where}: unknown type '{question['type']}'")
            continue
        if not question.get("prompt"):
            problems.append(f"{where}: no prompt")
        options = question.get("options", ())
        if kind.has_options and len(options) < 2:
            problems.append(f"{where}: needs at least 2 options")
        values = [o["value"] for o in options]
        if len(values) != len(set(values)) or not all(OPTION_VALUE.fullmatch(v) for v in values):
            problems.append(f"{where}: option values must be distinct, like bus_pass")
        if kind.name == "budget" and not question.get("total"):
            problems.append(f"{where}: a budget question needs a total")
        if kind.is_text and not question.get("max_length"):
            problems.append(f"{where}: a free-text question needs a max_length")
    for text_question in text_questions:
        where = f"{name}: text question '{text_question.key}'"
        if text_question.key not in free_text:
            problems.append(f"{where}: no free-text question has this key")
        names = [theme.name for theme in text_question.themes]
        if not 4 <= len(names) <= 8 or len(names) != len(set(names)):
            problems.append(f"{where}: needs 4 to 8 sub-themes with distinct names")
        for theme in text_question.themes:
            if theme.weight <= 0 or not theme.points:
                problems.append(f"{where}: sub-theme '{theme.name}' needs a weight and points")
        if not 0 < text_question.answer_rate < 1:
            problems.append(f"{where}: answer_rate must be between 0 and 1")
        unknown = set(text_question.tones) - set(prose.TONE_OPENINGS) - {"neutral"}
        if unknown:
            problems.append(f"{where}: tones without openings: {sorted(unknown)}")
    return problems


def _answers(name: str, answers: Any, free_text: set[str]) -> list[str]:
    problems = []
    for answer in answers:
        if answer["question"] not in free_text:
            problems.append(f"{name}: a hand-written answer to unknown '{answer['question']}'")
        if answer["kind"] not in ANSWER_LABELS or not answer["text"].strip():
            problems.append(f"{name}: a hand-written answer needs a text and a kind")
    return problems


def _juries() -> list[str]:
    problems = []
    for category in prose.JURY_CATEGORIES:
        for value in category["values"]:
            if not 0 <= value["min"] <= value["max"]:
                problems.append(f"quota {category['category']}={value['value']}: min > max")
    agenda = prose.TRANSPORT_AGENDA
    for item in agenda:
        if item["kind"] not in ROUND_KINDS or item["minutes"] <= 0 or not item["instructions"]:
            problems.append(f"agenda round '{item['title']}': kind, minutes or instructions")
        if not item.get("script") or item["script"] == item["instructions"]:
            problems.append(f"agenda round '{item['title']}': a facilitator script of its own")
        welsh = item.get("statements_cy")
        if welsh is not None and len(welsh) != len(item.get("statements") or []):
            problems.append(f"agenda round '{item['title']}': one Welsh statement per statement")
    if sum(item["kind"] == "poll" for item in agenda) != 1:
        problems.append("the transport agenda needs exactly one poll round")
    days = [day["agenda"] for day in prose.TRANSPORT_JURY_SESSIONS]
    if not all(days) or any(days[i] == days[j] for i in range(len(days)) for j in range(i)):
        problems.append("each transport day needs an agenda of its own")
    if any(item["kind"] == "final_vote" for day in days[:-1] for item in day):
        problems.append("only the last transport day ends with a final vote")
    titles = {r["title"] for r in prose.CLIMATE_RECOMMENDATIONS}
    if prose.CLIMATE_MINORITY_REPORT["recommendation_title"] not in titles:
        problems.append("the minority report is on no recommendation")
    for response in prose.CLIMATE_COUNCIL_RESPONSES:
        where = f"council response to '{response['recommendation_title']}'"
        if response["recommendation_title"] not in titles:
            problems.append(f"{where}: no such recommendation")
        if response["status"] not in RESPONSE_STATUSES:
            problems.append(f"{where}: unknown status '{response['status']}'")
        if response["status"] != "accepted" and not (response.get("reasons") or "").strip():
            problems.append(f"{where}: give the reasons (required unless accepted)")
        date.fromisoformat(response["due"])
        progress = [(p["date"], p["percent"]) for p in response["progress"]]
        if progress != sorted(progress) or not all(0 <= pct <= 100 for _, pct in progress):
            problems.append(f"{where}: progress must move forward, 0 to 100 %")
    ideas = prose.CLIMATE_IDEAS
    if len(set(ideas)) != len(ideas) or not all(1 <= len(i.split()) <= 12 for i in ideas):
        problems.append("climate ideas must be distinct, 1 to 12 words each")
    return problems


def problems() -> list[str]:
    """Everything wrong with the demo data files (empty when they are fine)."""
    found = []
    data = [prose.read_data(path.stem) for path in sorted(prose.DATA.glob("*.yaml"))]
    slots = {slot for text in _texts(data) for slot in SLOT.findall(text)}
    if missing := slots - set(prose.SLOTS):
        found.append(f"fragments use slots no list fills: {sorted(missing)}")
    if set(prose.TONE_OPENINGS) != set(prose.TONE_CLOSINGS):
        found.append("tone_openings and tone_closings must have the same tones")
    for name, questions, text_questions, answers in (
        (
            "open consultation",
            prose.OPEN_QUESTIONS,
            prose.OPEN_TEXT_QUESTIONS,
            prose.HANDWRITTEN_ANSWERS,
        ),
        (
            "park consultation",
            prose.PARK_QUESTIONS,
            prose.MP_TEXT_QUESTIONS,
            prose.MP_HANDWRITTEN,
        ),
    ):
        found += _questions(name, questions, text_questions)
        free_text = {q["key"] for q in questions if q["type"] == "free_text"}
        found += _answers(name, answers, free_text)
    open_free_text = {q["key"] for q in prose.OPEN_QUESTIONS if q["type"] == "free_text"}
    for organisation in prose.ORGANISATION_RESPONSES:
        if not set(organisation["answers"]) <= open_free_text:
            found.append(f"organisation '{organisation['name']}' answers unknown questions")
    if not set(prose.WHITE_GROUPS) <= set(prose.NAME_GROUPS) | {"white_british"}:
        found.append("white_groups names a group with no names")
    if not {d for ds in prose.AREA_DISTRICTS.values() for d in ds} <= set(prose.DISTRICTS):
        found.append("area_districts names an unknown district")
    staff = content.staff()
    if {s["role"] for s in staff} != {"admin", "officer", "facilitator"} or any(
        "password" in s for s in staff
    ):
        found.append("staff: one admin, officer and facilitator each, and no passwords")
    return found + _juries() + _pb_rounds()


def _pb_rounds() -> list[str]:
    """participatory_budgeting.yaml: what the app would refuse (an assessment without its
    reasons or revised cost, a ballot naming a project not on it, more choices than
    allowed, a project dearer than the budget), caught before loading."""
    found = []
    data = prose.read_data("participatory_budgeting")
    for name in ("finished", "open"):
        item = data[name]
        on_ballot = set()
        for key, proposal in item["proposals"].items():
            where = f"participatory_budgeting {name} proposal '{key}'"
            dear = proposal["cost"] > item["budget"]
            if (
                dear
                and not proposal.get("rejected")
                and proposal.get("assessment") != "not_feasible"
            ):
                found.append(f"{where}: costs more than the whole budget")
            if proposal.get("rejected"):
                continue
            assessment = proposal.get("assessment")
            if assessment not in ("feasible", "feasible_with_changes", "not_feasible"):
                found.append(
                    f"{where}: assessment must be feasible, feasible_with_changes or not_feasible"
                )
            elif assessment != "feasible" and not str(proposal.get("reasons", "")).strip():
                found.append(f"{where}: {assessment} needs published reasons")
            if assessment == "feasible_with_changes" and not proposal.get("revised_cost"):
                found.append(f"{where}: feasible_with_changes needs a revised_cost")
            if proposal.get("ward") not in data["wards"]:
                found.append(f"{where}: ward is not one of the wards")
            if assessment in ("feasible", "feasible_with_changes"):
                on_ballot.add(key)
        for number, bloc in enumerate(item["ballots"], start=1):
            bloc_name = f"participatory_budgeting {name} ballot bloc {number}"
            if not set(bloc["choices"]) <= on_ballot:
                found.append(f"{bloc_name}: names a project not on the ballot")
            if not item["min_choices"] <= len(bloc["choices"]) <= item["max_choices"]:
                found.append(f"{bloc_name}: too few or too many choices")
    return found


def check() -> None:
    """Raise DemoDataError listing every problem, if there is any."""
    found = problems()
    if found:
        raise DemoDataError(
            "The demo data files (consult/demo/data/) need fixing:\n- " + "\n- ".join(found)
        )
