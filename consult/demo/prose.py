"""The demo council's data files (consult/demo/data/*.yaml), read once: the prose, the lists
of names and places, the questions and the juries' papers, as frozen constants (tuples and
dicts), and the two shapes the composer uses for free-text questions. Pure: PyYAML and the
standard library."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SEED = 2026
DATA = Path(__file__).with_name("data")


def _frozen(value: Any) -> Any:
    """YAML sequences as tuples, all the way down: the data are constants."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


def plain(value: Any) -> Any:
    """A fresh, mutable copy of frozen data (lists and dicts), for callers to keep."""
    if isinstance(value, tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def read_data(name: str) -> dict[str, Any]:
    """One data file (consult/demo/data/<name>.yaml) as frozen plain data."""
    with (DATA / f"{name}.yaml").open(encoding="utf-8") as file:
        return _frozen(yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


@dataclass(frozen=True)
class Theme:
    """A sub-theme of one free-text question: its points, the reasons people give, very
    short answers, and how a persona's tags make it more or less likely (a multiplier per
    tag)."""

    name: str
    weight: float
    points: tuple[str, ...]
    reasons: tuple[str, ...]
    short: tuple[str, ...]
    bias: dict[str, float] = field(default_factory=dict)
    tones: dict[str, float] | None = None  # overrides the question's tone weights


@dataclass(frozen=True)
class TextQuestion:
    key: str
    themes: tuple[Theme, ...]
    intros: dict[str, tuple[str, ...]]  # persona tag -> first sentences
    tones: dict[str, float]
    answer_rate: float
    rate_bias: dict[str, float] = field(default_factory=dict)


def _text_questions(items: tuple[dict[str, Any], ...]) -> tuple[TextQuestion, ...]:
    return tuple(
        TextQuestion(**{**item, "themes": tuple(Theme(**theme) for theme in item["themes"])})
        for item in items
    )


_TEXT = read_data("text")
SLOTS: dict[str, tuple[str, ...]] = _TEXT["slots"]  # {route} and the like in fragments
TONE_OPENINGS: dict[str, tuple[str, ...]] = _TEXT["tone_openings"]
TONE_CLOSINGS: dict[str, tuple[str, ...]] = _TEXT["tone_closings"]
NONE_ANSWERS: tuple[str, ...] = _TEXT["none_answers"]
TYPOS: tuple[tuple[str, str], ...] = _TEXT["typos"]

_OPEN = read_data("open_consultation")
OPEN_ABOUT: dict[str, str] = _OPEN["about"]  # title, slug, status, closing time, summary
OPEN_BACKGROUND: str = _OPEN["background"]
OPEN_DOCUMENTS: tuple[dict[str, str], ...] = _OPEN["documents"]
OPEN_QUESTIONS: tuple[dict[str, Any], ...] = _OPEN["questions"]
_OPEN_OPTIONS = {question["key"]: question.get("options", ()) for question in OPEN_QUESTIONS}
BUS_USE_OPTIONS: tuple[dict[str, str], ...] = _OPEN_OPTIONS["bus_use"]
SERVICES_OPTIONS: tuple[dict[str, str], ...] = _OPEN_OPTIONS["services_used"]
PRIORITY_OPTIONS: tuple[dict[str, str], ...] = _OPEN_OPTIONS["priorities"]
BUDGET_OPTIONS: tuple[dict[str, str], ...] = _OPEN_OPTIONS["budget"]
OPEN_TEXT_QUESTIONS = _text_questions(_OPEN["text_questions"])
# Whole answers written out in full. Each becomes one individual's response (its other
# answers are composed as usual). `persona` pins what the text implies about its writer;
# `kind` labels it: story, personal_data, abuse, spam or no_comment.
HANDWRITTEN_ANSWERS: tuple[dict, ...] = _OPEN["handwritten_answers"]
# Organisations: each answers the free-text questions it cares about, in its own words.
ORGANISATION_RESPONSES: tuple[dict, ...] = _OPEN["organisation_responses"]
# The organised campaign. Everyone who used it was sent this text by e-mail and social
# media; most pasted it, some added a line or changed the street.
BINS_CAMPAIGN_TEMPLATE: str = _OPEN["campaign_template"]
BINS_CAMPAIGN_EXTRAS: tuple[str, ...] = _OPEN["campaign_extras"]
BINS_CAMPAIGN_SIGNOFFS: tuple[str, ...] = _OPEN["campaign_signoffs"]

_PARK = read_data("park_consultation")
PARK_ABOUT: dict[str, str] = _PARK["about"]  # title, slug, status, summary
PARK_BACKGROUND: str = _PARK["background"]
PARK_DOCUMENTS: tuple[dict[str, str], ...] = _PARK["documents"]
PARK_ORGANISATION_RESPONSE: dict[str, Any] = _PARK["organisation_response"]
PARK_QUESTIONS: tuple[dict[str, Any], ...] = _PARK["questions"]
MP_TEXT_QUESTIONS = _text_questions(_PARK["text_questions"])
MP_HANDWRITTEN: tuple[dict, ...] = _PARK["handwritten_answers"]

_PEOPLE = read_data("people")
AGE_BANDS: tuple[str, ...] = _PEOPLE["age_bands"]
GENDERS: tuple[str, ...] = _PEOPLE["genders"]
ETHNICITIES: tuple[str, ...] = _PEOPLE["ethnicities"]  # ONS high-level groups
DISTRICTS: tuple[str, ...] = _PEOPLE["districts"]
WB_WOMEN: dict[str, tuple[str, ...]] = _PEOPLE["white_british_women"]
WB_MEN: dict[str, tuple[str, ...]] = _PEOPLE["white_british_men"]
WB_SURNAMES: tuple[str, ...] = _PEOPLE["white_british_surnames"]
NAME_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple]] = _PEOPLE["name_groups"]
WHITE_GROUPS = frozenset(_PEOPLE["white_groups"])
AREA_DISTRICTS: dict[str, tuple[str, ...]] = _PEOPLE["area_districts"]
AREA_STREETS: dict[str, tuple[str, ...]] = _PEOPLE["area_streets"]
BLOCKS_OF_FLATS: tuple[str, ...] = _PEOPLE["blocks_of_flats"]
STAFF: tuple[dict[str, str], ...] = _PEOPLE["staff"]

_JURIES = read_data("juries")
TRANSPORT_JURY: dict[str, str] = _JURIES["transport_jury"]  # title, question, description
CLIMATE_JURY: dict[str, Any] = _JURIES["climate_jury"]  # also its sessions and dates
JURY_CATEGORIES: tuple[dict, ...] = _JURIES["jury_categories"]
# each of the three days with its own agenda (title, starts_at, date, agenda)
TRANSPORT_JURY_SESSIONS: tuple[dict[str, Any], ...] = _JURIES["transport_sessions"]
# every round of the three days, in order
TRANSPORT_AGENDA: tuple[dict[str, Any], ...] = tuple(
    item for day in TRANSPORT_JURY_SESSIONS for item in day["agenda"]
)
TRANSPORT_POLL_STATEMENTS: tuple[str, ...] = next(
    item["statements"] for item in TRANSPORT_AGENDA if item["kind"] == "poll"
)
CLIMATE_RECOMMENDATIONS: tuple[dict, ...] = _JURIES["climate_recommendations"]
CLIMATE_MINORITY_REPORT: dict = _JURIES["climate_minority_report"]
CLIMATE_COUNCIL_RESPONSES: tuple[dict, ...] = _JURIES["climate_council_responses"]
CLIMATE_IDEAS: tuple[str, ...] = _JURIES["climate_ideas"]
