"""The demo council's content, as plain data: Riverside Borough Council (fictional).

A pure module (standard library and PyYAML; the prose, names and lists are in the data
files of consult/demo/data/, read once on import). Every function is deterministic for a given seed
and returns plain dicts and lists with ISO 8601 strings for dates and times (naive, meaning
UK local time); the loader in the app turns them into rows.

- `open_consultation()`   "Riverside 2030: your town, your say", open, ~340 responses
- `closed_consultation()` "Millbrook Park masterplan", closed 2026-09-30, ~150 responses
- `jury()`                the Citizens' Jury on Transport: quotas, 240 registrants, agenda
- `finished_jury()`       the Citizens' Jury on Climate and Energy: recommendations, votes,
                          a minority report, council responses with progress, ideas
- `staff()`               demo staff accounts (no passwords here)

Free text is composed from the hand-written fragment pools in the data files (per question: several
sub-themes of unequal size, each with specific points, reasons and very short answers),
wrapped in openings and closings that depend on a hidden persona (age, children, car,
disability, tenure) and a tone, then lightly roughened (lower case, typos). About forty
whole answers are written out in full, including personal data to redact, abuse and spam
for moderation, and organisations' responses; one organised campaign ("Save Our Weekly
Bins") answers the bins question from a template letter.

Each response also carries `_labels` (the themes its free text was composed from, and
whether it is campaign, hand-written, personal-data or abuse/spam text): ground truth for
tests and benchmarks, not something to load or show.

All names, places, postcodes (RV1-RV6), phone numbers (Ofcom's 07700 900xxx drama range),
e-mail addresses (example.org/.com) and web addresses (.example) are fictional.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SEED = 2026


# ---------------------------------------------------------------------------------------
# The prose and the lists of names live in data files (consult/demo/data/*.yaml); this
# module reads them once and keeps the code that composes responses from them.
# ---------------------------------------------------------------------------------------

DATA = Path(__file__).with_name("data")


def _frozen(value: Any) -> Any:
    """YAML sequences as tuples, all the way down: the data are constants."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


def _plain(value: Any) -> Any:
    """A fresh, mutable copy of frozen data (lists and dicts), for callers to keep."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def read_data(name: str) -> dict[str, Any]:
    """One data file (consult/demo/data/<name>.yaml) as frozen plain data."""
    with (DATA / f"{name}.yaml").open(encoding="utf-8") as file:
        return _frozen(yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


@dataclass(frozen=True)
class _Theme:
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
class _TextQuestion:
    key: str
    themes: tuple[_Theme, ...]
    intros: dict[str, tuple[str, ...]]  # persona tag -> first sentences
    tones: dict[str, float]
    answer_rate: float
    rate_bias: dict[str, float] = field(default_factory=dict)


def _text_questions(items: tuple[dict[str, Any], ...]) -> tuple[_TextQuestion, ...]:
    return tuple(
        _TextQuestion(**{**item, "themes": tuple(_Theme(**theme) for theme in item["themes"])})
        for item in items
    )


_TEXT = read_data("text")
SLOTS: dict[str, tuple[str, ...]] = _TEXT["slots"]  # {route} and the like in fragments
TONE_OPENINGS: dict[str, tuple[str, ...]] = _TEXT["tone_openings"]
TONE_CLOSINGS: dict[str, tuple[str, ...]] = _TEXT["tone_closings"]
NONE_ANSWERS: tuple[str, ...] = _TEXT["none_answers"]
_TYPOS: tuple[tuple[str, str], ...] = _TEXT["typos"]

_OPEN = read_data("open_consultation")
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
PARK_BACKGROUND: str = _PARK["background"]
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

_JURIES = read_data("juries")
JURY_CATEGORIES: tuple[dict, ...] = _JURIES["jury_categories"]
TRANSPORT_JURY_SESSIONS: tuple[dict[str, str], ...] = _JURIES["transport_sessions"]
TRANSPORT_AGENDA: tuple[dict[str, Any], ...] = _JURIES["transport_agenda"]
TRANSPORT_POLL_STATEMENTS: tuple[str, ...] = next(
    item["statements"] for item in TRANSPORT_AGENDA if item["kind"] == "poll"
)
CLIMATE_RECOMMENDATIONS: tuple[dict, ...] = _JURIES["climate_recommendations"]
CLIMATE_MINORITY_REPORT: dict = _JURIES["climate_minority_report"]
CLIMATE_COUNCIL_RESPONSES: tuple[dict, ...] = _JURIES["climate_council_responses"]
CLIMATE_IDEAS: tuple[str, ...] = _JURIES["climate_ideas"]


def _fill(rng: random.Random, text: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: rng.choice(SLOTS[m.group(1)]), text)


# ---------------------------------------------------------------------------------------
# Respondents: a hidden persona drives what people write and choose; "about you" is what
# they chose to tell us, which may be less.
# ---------------------------------------------------------------------------------------

PREFER_NOT = "prefer_not_to_say"
RESPONDENT_AGE_WEIGHTS = (5, 11, 17, 18, 20, 18, 11)  # consultations skew older
GENDER_WEIGHTS = (55, 42.5, 1.8, 0.7)
ETHNICITY_WEIGHTS = (85, 7.5, 3, 3, 1.5)
DISTRICT_WEIGHTS = (18, 15, 20, 17, 16, 14)

_PARENT_BY_AGE = dict(zip(AGE_BANDS, (0.04, 0.4, 0.66, 0.45, 0.1, 0.02, 0.0), strict=True))
_GRANDPARENT_BY_AGE = dict(zip(AGE_BANDS, (0, 0, 0, 0.03, 0.3, 0.5, 0.45), strict=True))
_DISABLED_BY_AGE = dict(zip(AGE_BANDS, (0.08, 0.09, 0.12, 0.16, 0.2, 0.25, 0.38), strict=True))
_CAR_BY_AGE = dict(zip(AGE_BANDS, (0.35, 0.7, 0.82, 0.85, 0.85, 0.78, 0.55), strict=True))
_TENURE_BY_AGE = {  # owner, renter (private), social
    "16-24": (0.35, 0.5, 0.15),
    "25-34": (0.4, 0.45, 0.15),
    "35-44": (0.6, 0.25, 0.15),
    "45-54": (0.68, 0.17, 0.15),
    "55-64": (0.76, 0.09, 0.15),
    "65-74": (0.8, 0.06, 0.14),
    "75+": (0.78, 0.06, 0.16),
}


@dataclass
class _Persona:
    age_band: str
    gender: str
    ethnicity: str
    district: str
    disabled: bool
    parent: bool
    grandparent: bool
    car: bool
    tenure: str  # owner, renter, social
    dog: bool

    @property
    def tags(self) -> frozenset[str]:
        tags = {self.gender, self.tenure, "car" if self.car else "no_car"}
        if self.age_band == "16-24":
            tags.add("young")
        elif self.age_band == "25-34":
            tags.add("young_adult")
        elif self.age_band in ("65-74", "75+"):
            tags.add("older")
            if self.age_band == "75+":
                tags.add("very_old")
        for flag in ("disabled", "parent", "grandparent", "dog"):
            if getattr(self, flag):
                tags.add(flag)
        return frozenset(tags)


def _weighted(rng: random.Random, options, weights):
    return rng.choices(options, weights=weights, k=1)[0]


def _make_persona(rng: random.Random, overrides: dict | None = None) -> _Persona:
    o = overrides or {}
    age = o.get("age_band") or _weighted(rng, AGE_BANDS, RESPONDENT_AGE_WEIGHTS)
    district = o.get("district") or _weighted(rng, DISTRICTS, DISTRICT_WEIGHTS)
    disabled = o.get("disabled", rng.random() < _DISABLED_BY_AGE[age])
    car_p = _CAR_BY_AGE[age] - (0.15 if disabled else 0) - (0.12 if district == "RV3" else 0)
    return _Persona(
        age_band=age,
        gender=o.get("gender") or _weighted(rng, GENDERS, GENDER_WEIGHTS),
        ethnicity=o.get("ethnicity") or _weighted(rng, ETHNICITIES, ETHNICITY_WEIGHTS),
        district=district,
        disabled=disabled,
        parent=o.get("parent", rng.random() < _PARENT_BY_AGE[age]),
        grandparent=rng.random() < _GRANDPARENT_BY_AGE[age],
        car=o.get("car", rng.random() < car_p),
        tenure=o.get("tenure")
        or _weighted(rng, ("owner", "renter", "social"), _TENURE_BY_AGE[age]),
        dog=rng.random() < 0.24,
    )


def _about_you(rng: random.Random, p: _Persona) -> dict | None:
    """What the respondent chose to tell us: sometimes nothing, sometimes not everything."""
    if rng.random() < 0.12:
        return None

    def told(value: str, withheld: float) -> str:
        return PREFER_NOT if rng.random() < withheld else value

    return {
        "age_band": told(p.age_band, 0.03),
        "gender": told(p.gender, 0.04),
        "ethnicity": told(p.ethnicity, 0.05),
        "disability": told("yes" if p.disabled else "no", 0.07),
        "postcode_district": told(p.district, 0.04),
    }


# ---------------------------------------------------------------------------------------
# Composing free text.
# ---------------------------------------------------------------------------------------


@dataclass
class _TextState:
    """Per-consultation memory so fragments are spread out and answers don't repeat."""

    usage: dict[str, int] = field(default_factory=dict)
    seen: set[tuple[str, str]] = field(default_factory=set)
    short_used: set[str] = field(default_factory=set)

    def pick(
        self,
        rng: random.Random,
        pool: tuple[str, ...],
        tags: frozenset[str] = frozenset(),
        used: set[str] | None = None,
    ) -> str:
        """A fragment that suits the persona, not yet used in this answer, preferring the
        least used so far; a "[parent|dog] " prefix limits a fragment to those tags."""
        suitable = [f for f in pool if _suits(f, tags)] or [f for f in pool if not _FOR.match(f)]
        candidates = [f for f in suitable if f not in (used or ())] or suitable
        weights = [1.0 / (1 + self.usage.get(f, 0)) ** 2 for f in candidates]
        chosen = _weighted(rng, candidates, weights)
        self.usage[chosen] = self.usage.get(chosen, 0) + 1
        if used is not None:
            used.add(chosen)
        return _FOR.sub("", chosen)


_FOR = re.compile(r"^\[([a-z_|]+)\] ")


def _suits(fragment: str, tags: frozenset[str]) -> bool:
    m = _FOR.match(fragment)
    return m is None or bool(set(m.group(1).split("|")) & tags)


def _theme_weight(theme: _Theme, tags: frozenset[str]) -> float:
    weight = theme.weight
    for tag, factor in theme.bias.items():
        if tag in tags:
            weight *= factor
    return weight


def _choose_theme(rng, question: _TextQuestion, tags, exclude=None) -> _Theme:
    themes = [t for t in question.themes if t is not exclude]
    return _weighted(rng, themes, [_theme_weight(t, tags) for t in themes])


def _roughen(rng: random.Random, text: str, tone: str) -> str:
    """Lower case, typos, missing full stops, exclamation marks: how people really type."""
    if rng.random() < 0.14:
        applicable = [(a, b) for a, b in _TYPOS if a in text]
        for a, b in rng.sample(applicable, k=min(len(applicable), rng.randint(1, 3))):
            text = text.replace(a, b, 1 if a.startswith((" ", ".", ",")) else -1)
    if rng.random() < 0.09:
        text = text.lower()
    if tone == "angry" and text.endswith(".") and rng.random() < 0.35:
        text = text[:-1] + rng.choice(("!", "!!", "!!!"))
    elif text.endswith(".") and rng.random() < 0.1:
        text = text[:-1]
    return text


def _compose(
    rng: random.Random, q: _TextQuestion, persona: _Persona, state: _TextState
) -> tuple[str, list[str], str]:
    """One resident's free-text answer: (text, themes it was built from, tone)."""
    tags = persona.tags
    for _attempt in range(8):
        theme = _choose_theme(rng, q, tags)
        tone_weights = theme.tones or q.tones
        tone = _weighted(rng, list(tone_weights), list(tone_weights.values()))
        if rng.random() < 0.1:
            unused = [s for s in theme.short if s not in state.short_used]
            if unused:
                text = rng.choice(unused)
                state.short_used.add(text)
                return _roughen(rng, text, tone), [theme.name], tone
        size = _weighted(rng, ("one", "two", "long"), (0.36, 0.4, 0.24))
        themes = [theme.name]
        used: set[str] = set()

        def pick(pool: tuple[str, ...], used: set[str] = used) -> str:
            return _fill(rng, state.pick(rng, pool, tags, used))

        body = [pick(theme.points)]
        if size != "one" or rng.random() < 0.3:
            if size != "one" and rng.random() < 0.55:
                body.append(pick(theme.points))
            if rng.random() < 0.55:
                body.append(pick(theme.reasons))
        if size == "long" or (size == "two" and rng.random() < 0.2):
            other = _choose_theme(rng, q, tags, exclude=theme)
            themes.append(other.name)
            body.append(pick(other.points))
            if size == "long" and rng.random() < 0.4:
                body.append(pick(other.reasons))
        intro_pool = [
            s for tag, pool in q.intros.items() if tag in tags or tag == "any" for s in pool
        ]
        p_wrap = {"one": 0.15, "two": 0.3, "long": 0.55}[size]
        head, tail = [], []
        if intro_pool and rng.random() < p_wrap + 0.1:
            head.append(pick(tuple(intro_pool)))
        if tone != "neutral" and rng.random() < p_wrap:
            head.insert(0, pick(TONE_OPENINGS[tone]))
        if tone != "neutral" and rng.random() < p_wrap:
            tail.append(pick(TONE_CLOSINGS[tone]))
        sentences = head + body + tail
        if size == "long" and len(sentences) > 3 and rng.random() < 0.2:
            cut = rng.randint(2, len(sentences) - 1)
            text = " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
        else:
            text = " ".join(sentences)
        text = _roughen(rng, text, tone)
        if (q.key, text.lower()) not in state.seen:
            break
    state.seen.add((q.key, text.lower()))
    return text, themes, tone


def _campaign_text(rng: random.Random) -> str:
    """The Save Our Weekly Bins letter, as one supporter sent it."""
    street = rng.choice(("our street",) * 3 + SLOTS["street"][:6] + ("the Kingsmead estate",))
    text = BINS_CAMPAIGN_TEMPLATE.replace("{street}", street)
    if rng.random() < 0.2:
        text = text.replace("I am writing", "I'm writing")
    if rng.random() < 0.12:
        text = text.replace(" Council tax keeps going up while services are cut.", "")
    if rng.random() < 0.4:
        extra = rng.choice(BINS_CAMPAIGN_EXTRAS)
        if rng.random() < 0.5:
            text = text.replace(" I urge the council", f" {extra} I urge the council")
        else:
            text = f"{text} {extra}"
    if rng.random() < 0.4:
        text = f"{text}\n\n{rng.choice(BINS_CAMPAIGN_SIGNOFFS)}"
    return text


# ---------------------------------------------------------------------------------------
# Structured answers, correlated with the persona and with what they wrote.
# ---------------------------------------------------------------------------------------


_LIKERT_BY_TONE = {
    "angry": (42, 34, 14, 8, 2),
    "resigned": (26, 42, 22, 9, 1),
    "constructive": (12, 30, 33, 22, 3),
    "neutral": (14, 30, 32, 21, 3),
    "appreciative": (3, 12, 28, 46, 11),
    "campaign": (58, 32, 7, 3, 0),
}


def _bus_use(rng: random.Random, p: _Persona) -> str:
    if p.age_band == "16-24":
        weights = (45, 28, 12, 10, 5)
    elif not p.car:
        weights = (38, 36, 12, 9, 5)
    elif "older" in p.tags:
        weights = (6, 20, 22, 30, 22)
    else:
        weights = (3, 8, 12, 35, 42)
    return _weighted(rng, [o["value"] for o in BUS_USE_OPTIONS], weights)


def _services(rng: random.Random, p: _Persona) -> list[str]:
    tags = p.tags
    chance = {
        "libraries": 0.3 + 0.2 * ("older" in tags) + 0.25 * p.parent,
        "leisure_centre": 0.25 + 0.15 * ("young_adult" in tags) + 0.15 * p.parent,
        "parks": 0.65 + 0.2 * p.parent + 0.15 * p.dog,
        "recycling_centre": 0.5 if p.car else 0.12,
        "bus_pass": 0.8 if "older" in tags else (0.45 if p.disabled else 0.0),
        "housing": {"social": 0.6, "renter": 0.15}.get(p.tenure, 0.02),
        "childrens_centres": 0.4 if p.parent and p.age_band in ("25-34", "35-44") else 0.01,
        "adult_social_care": 0.15 if "older" in tags else (0.2 if p.disabled else 0.02),
        "planning": 0.1 if p.tenure == "owner" else 0.02,
    }
    chosen = [o["value"] for o in SERVICES_OPTIONS if rng.random() < chance.get(o["value"], 0)]
    return chosen or ["none"]


def _ranking(rng: random.Random, p: _Persona, wrote_about: set[str]) -> list[str]:
    tags = p.tags
    weights = {
        "buses": 1.0 + 1.5 * (not p.car) + 0.5 * ("older" in tags) + 1.5 * ("buses" in wrote_about),
        "green_spaces": 1.0 + 0.8 * p.parent + 0.5 * p.dog + 1.2 * ("parks" in wrote_about),
        "housing": 1.0
        + 1.5 * ("young" in tags or "young_adult" in tags)
        + 1.0 * (p.tenure != "owner")
        + 1.5 * ("housing" in wrote_about),
        "town_centre": 0.9 + 0.5 * p.car + 0.4 * ("older" in tags),
        "community_safety": 0.9 + 0.4 * (p.gender == "woman") + 0.4 * ("older" in tags),
    }
    order = []
    remaining = dict(weights)
    while remaining:  # Plackett-Luce: pick the next favourite in proportion to weight
        choice = _weighted(rng, list(remaining), list(remaining.values()))
        order.append(choice)
        del remaining[choice]
    return order


def _budget(rng: random.Random, p: _Persona, total: int = 100) -> dict[str, int]:
    keys = [o["value"] for o in BUDGET_OPTIONS]
    if rng.random() < 0.07:
        return dict.fromkeys(keys, total // len(keys))
    tags = p.tags
    lean = {
        "roads": 1.0 + 0.8 * p.car + 0.3 * ("older" in tags),
        "parks": 1.0 + 0.5 * p.parent + 0.3 * p.dog,
        "libraries": 0.8 + 0.5 * ("older" in tags) + 0.4 * p.parent,
        "youth": 0.7 + 0.6 * p.parent + 1.2 * ("young" in tags),
        "homelessness": 0.9 + 0.5 * (p.tenure != "owner") + 0.3 * ("young_adult" in tags),
    }
    raw = {k: lean[k] * rng.gammavariate(2.0, 1.0) for k in keys}
    if rng.random() < 0.25:
        raw[min(raw, key=raw.get)] = 0.0
    step = 5 if rng.random() < 0.7 else 1
    scale = sum(raw.values())
    amounts = {k: round(v / scale * total / step) * step for k, v in raw.items()}
    biggest = max(amounts, key=amounts.get)
    amounts[biggest] += total - sum(amounts.values())
    return amounts


# ---------------------------------------------------------------------------------------
# When responses arrive.
# ---------------------------------------------------------------------------------------

_HOUR_WEIGHTS = (
    0.3, 0.15, 0.08, 0.05, 0.05, 0.1, 0.35, 0.9, 1.5, 1.7, 1.6, 1.6,
    2.2, 2.3, 1.7, 1.5, 1.5, 1.6, 2.0, 2.6, 2.9, 2.7, 1.9, 0.9,
)  # fmt: skip


def _moment(rng: random.Random, day: date, earliest: datetime | None = None) -> str:
    hour = _weighted(rng, range(24), _HOUR_WEIGHTS)
    when = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60))
    if earliest and when < earliest:
        when = earliest + timedelta(minutes=rng.randrange(20, 600))
    return when.isoformat()


def _day_weights(days: int, spikes: dict[int, float], start: date) -> list[float]:
    weights = []
    for d in range(days):
        w = 0.9 + 2.0 * math.exp(-d / 2.0) + spikes.get(d, 0.0)
        if (start + timedelta(days=d)).weekday() >= 5:
            w *= 0.75
        weights.append(w)
    return weights


# ---------------------------------------------------------------------------------------
# The open consultation.
# ---------------------------------------------------------------------------------------

OPEN_OPENS = datetime(2026, 10, 23, 9, 0)
OPEN_DAYS = 28  # responses so far: the four weeks before 2026-11-20
# Riverside Gazette article (day 11), campaign post (day 14), reminder e-mail (day 24).
OPEN_SPIKES = {11: 1.3, 12: 0.5, 24: 0.9, 25: 0.4, 26: 0.4, 27: 0.6}
CAMPAIGN_DAYS = (14, 14, 14, 15, 15, 16, 17)
CAMPAIGN_SIZE = 25
OPEN_ORDINARY = 274


def _open_questions() -> list[dict]:
    return _plain(OPEN_QUESTIONS)


def _labels(**kwargs) -> dict:
    return {"themes": {}, "campaign": False, "handwritten": None, **kwargs}


def _open_response(
    rng: random.Random,
    persona: _Persona,
    state: _TextState,
    fixed: dict[str, str] | None = None,
    answer_rate: float = 1.0,
) -> dict:
    """One individual's response; `fixed` holds free texts already written for it."""
    fixed = fixed or {}
    answers: dict = {}
    labels = _labels()
    tones = []
    if rng.random() < 0.93:
        answers["bus_use"] = _bus_use(rng, persona)
    wrote_about = set()
    for q in OPEN_TEXT_QUESTIONS:
        if q.key in fixed:
            answers[q.key] = fixed[q.key]
            wrote_about.add(q.key)
            continue
        rate = q.answer_rate * answer_rate
        for tag, factor in q.rate_bias.items():
            if tag in persona.tags:
                rate *= factor
        if rng.random() < 0.012 * answer_rate:
            answers[q.key] = rng.choice(NONE_ANSWERS)
            labels["themes"][q.key] = ["no_comment"]
        elif rng.random() < rate:
            text, themes, tone = _compose(rng, q, persona, state)
            answers[q.key] = text
            labels["themes"][q.key] = themes
            tones.append(tone)
            wrote_about.add(q.key)
    if answer_rate == 1.0 and not wrote_about and rng.random() < 0.85:
        q = _weighted(rng, OPEN_TEXT_QUESTIONS, [q.answer_rate for q in OPEN_TEXT_QUESTIONS])
        text, themes, tone = _compose(rng, q, persona, state)
        answers[q.key] = text
        labels["themes"][q.key] = themes
        tones.append(tone)
        wrote_about.add(q.key)
    if rng.random() < 0.86:
        answers["services_used"] = _services(rng, persona)
    mood = rng.choice(tones) if tones else "neutral"
    answers["council_listens"] = _weighted(rng, range(1, 6), _LIKERT_BY_TONE[mood])
    if rng.random() < 0.74:
        answers["priorities"] = _ranking(rng, persona, wrote_about)
    if rng.random() < 0.64:
        answers["budget"] = _budget(rng, persona)
    ordered = {q["key"]: answers[q["key"]] for q in _open_questions() if q["key"] in answers}
    return {
        "respondent_type": "individual",
        "about_you": _about_you(rng, persona),
        "answers": ordered,
        "_labels": labels,
    }


def open_consultation(seed: int = DEFAULT_SEED) -> dict:
    """ "Riverside 2030: your town, your say", open, with four weeks of responses so far."""
    rng = random.Random(seed)
    state = _TextState()
    questions = _open_questions()
    start = OPEN_OPENS.date()
    day_weights = _day_weights(OPEN_DAYS, OPEN_SPIKES, start)

    def stamp(days=None) -> str:
        d = rng.choice(days) if days else _weighted(rng, range(OPEN_DAYS), day_weights)
        return _moment(rng, start + timedelta(days=d), earliest=OPEN_OPENS)

    responses = []
    for _ in range(OPEN_ORDINARY):
        r = _open_response(rng, _make_persona(rng), state)
        responses.append({"submitted_at": stamp(), **r})

    for item in HANDWRITTEN_ANSWERS:
        persona = _make_persona(rng, item["persona"])
        r = _open_response(rng, persona, state, fixed={item["question"]: item["text"]})
        r["_labels"]["themes"][item["question"]] = [item["kind"]]
        r["_labels"]["handwritten"] = item["kind"]
        responses.append({"submitted_at": stamp(), **r})

    for _ in range(CAMPAIGN_SIZE):  # mostly the south of the borough, older or with kids
        persona = _make_persona(
            rng,
            {
                "district": _weighted(rng, DISTRICTS, (5, 5, 10, 15, 40, 25)),
                "age_band": _weighted(rng, AGE_BANDS, (1, 8, 18, 20, 22, 20, 11)),
            },
        )
        r = _open_response(
            rng, persona, state, fixed={"bins": _campaign_text(rng)}, answer_rate=0.25
        )
        r["answers"]["council_listens"] = _weighted(rng, range(1, 6), _LIKERT_BY_TONE["campaign"])
        r["_labels"]["themes"]["bins"] = ["oppose_three_weekly"]
        r["_labels"]["campaign"] = True
        responses.append({"submitted_at": stamp(CAMPAIGN_DAYS), **r})

    for org in ORGANISATION_RESPONSES:
        answers: dict = dict(org["answers"])
        answers["council_listens"] = rng.choice((2, 2, 3, 3, 4))
        if rng.random() < 0.5:
            answers["priorities"] = _ranking(rng, _make_persona(rng), set(org["answers"]))
        ordered = {q["key"]: answers[q["key"]] for q in questions if q["key"] in answers}
        responses.append(
            {
                "submitted_at": stamp(list(range(8, OPEN_DAYS))),  # organisations take longer
                "respondent_type": "organisation",
                "organisation_name": org["name"],
                "about_you": None,
                "answers": ordered,
                "_labels": _labels(
                    themes={k: ["organisation"] for k in org["answers"]},
                    handwritten="organisation",
                ),
            }
        )

    responses.sort(key=lambda r: r["submitted_at"])
    return {
        "title": "Riverside 2030: your town, your say",
        "slug": "riverside-2030",
        "status": "open",
        "opens_at": OPEN_OPENS.isoformat(),
        "closes_at": "2026-12-18T23:59:00",
        "summary": (
            "Tell us what would make Riverside a better place to live by 2030: buses, parks, "
            "bin collections, libraries and new homes. It takes about ten minutes."
        ),
        "background": OPEN_BACKGROUND,
        "documents": [dict(d) for d in OPEN_DOCUMENTS],
        "questions": questions,
        "responses": responses,
    }


# ---------------------------------------------------------------------------------------
# The closed consultation: Millbrook Park masterplan.
# ---------------------------------------------------------------------------------------

PARK_OPENS = datetime(2026, 7, 1, 9, 0)
PARK_CLOSES = datetime(2026, 9, 30, 23, 59)
PARK_DAYS = 92
# Launch (day 0), drop-in at the Millbrook summer fair (day 45, 15 August), last week.
PARK_SPIKES = {45: 2.5, 46: 1.0, 85: 0.6, 88: 0.8, 89: 1.0, 90: 1.6, 91: 2.4}
PARK_ORDINARY = 148


def _park_questions() -> list[dict]:
    return _plain(PARK_QUESTIONS)


def _park_response(
    rng: random.Random, persona: _Persona, state: _TextState, fixed: dict | None = None
) -> dict:
    fixed = fixed or {}
    answers: dict = {}
    labels = _labels()
    change_themes: list[str] = []
    for q in MP_TEXT_QUESTIONS:
        if q.key in fixed:
            answers[q.key] = fixed[q.key]
        elif rng.random() < 0.01:
            answers[q.key] = rng.choice(NONE_ANSWERS)
            labels["themes"][q.key] = ["no_comment"]
        elif rng.random() < q.answer_rate:
            text, themes, _tone = _compose(rng, q, persona, state)
            answers[q.key] = text
            labels["themes"][q.key] = themes
            if q.key == "change":
                change_themes = themes
    weights = [4, 8, 14, 42, 32]
    if "car_park_extension" in change_themes or "save_the_lime_avenue" in change_themes:
        weights = [8, 18, 22, 38, 14]
    if "support" not in answers:
        weights = [14, 18, 22, 30, 16]
    answers["overall_support"] = _weighted(rng, range(1, 6), weights)
    ordered = {k: answers[k] for k in ("support", "change", "overall_support") if k in answers}
    return {
        "respondent_type": "individual",
        "about_you": _about_you(rng, persona),
        "answers": ordered,
        "_labels": labels,
    }


def closed_consultation(seed: int = DEFAULT_SEED) -> dict:
    """ "Millbrook Park masterplan", closed on 30 September 2026, ready to analyse."""
    rng = random.Random(seed + 1)
    state = _TextState()
    start = PARK_OPENS.date()
    day_weights = _day_weights(PARK_DAYS, PARK_SPIKES, start)

    def stamp() -> str:
        d = _weighted(rng, range(PARK_DAYS), day_weights)
        return _moment(rng, start + timedelta(days=d), earliest=PARK_OPENS)

    responses = []
    for _ in range(PARK_ORDINARY):
        r = _park_response(rng, _make_persona(rng), state)
        responses.append({"submitted_at": stamp(), **r})
    for item in MP_HANDWRITTEN:
        r = _park_response(
            rng, _make_persona(rng, item["persona"]), state, {item["question"]: item["text"]}
        )
        r["_labels"]["themes"][item["question"]] = [item["kind"]]
        r["_labels"]["handwritten"] = item["kind"]
        responses.append({"submitted_at": stamp(), **r})
    responses.append(
        {
            "submitted_at": "2026-09-29T16:42:10",
            "respondent_type": "organisation",
            "organisation_name": "Friends of Millbrook Park",
            "about_you": None,
            "answers": {
                "support": (
                    "We strongly support the new playground, the reopened pavilion with "
                    "toilets open all day, and the lighting on the river path, all of which "
                    "our members have campaigned for. The wetland and meadows are welcome."
                ),
                "change": (
                    "We oppose the car park extension and the loss of the lime avenue. The "
                    "path can be routed around the limes at little extra cost. We also ask "
                    "for a maintenance budget and a ranger, and for the works to be phased so "
                    "the park never closes completely."
                ),
                "overall_support": 4,
            },
            "_labels": _labels(
                themes={"support": ["organisation"], "change": ["organisation"]},
                handwritten="organisation",
            ),
        }
    )
    responses.sort(key=lambda r: r["submitted_at"])
    return {
        "title": "Millbrook Park masterplan",
        "slug": "millbrook-park-masterplan",
        "status": "closed",
        "opens_at": PARK_OPENS.isoformat(),
        "closes_at": PARK_CLOSES.isoformat(),
        "summary": (
            "Our draft plan for the next four years of Millbrook Park: a new playground, the "
            "pavilion reopened, lighting on the river path, more trees and a bigger car park."
        ),
        "background": PARK_BACKGROUND,
        "documents": [
            {
                "title": "Millbrook Park draft masterplan (PDF, 8.1 MB)",
                "url": "https://www.riverside.example/parks/millbrook/draft-masterplan.pdf",
            },
            {
                "title": "Tree survey and arboricultural report",
                "url": "https://www.riverside.example/parks/millbrook/tree-survey.pdf",
            },
            {
                "title": "Ecology and bat survey",
                "url": "https://www.riverside.example/parks/millbrook/ecology-survey.pdf",
            },
        ],
        "questions": _park_questions(),
        "responses": responses,
    }


# ---------------------------------------------------------------------------------------
# People for the juries: names from the many backgrounds of a real English town.
# ---------------------------------------------------------------------------------------

# Share of each background among people who register (white British first).
NAME_GROUP_WEIGHTS = {
    "white_british": 69.0,
    "irish_scottish_welsh": 6.0,
    "eastern_european": 6.5,
    "southern_european": 2.0,
    "indian": 3.5,
    "pakistani_bangladeshi": 3.0,
    "black_caribbean": 1.8,
    "black_african": 2.6,
    "east_asian": 1.3,
    "middle_eastern": 1.3,
    "mixed": 2.0,
}

_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward half of UK postcodes


def _generation(jury_age: str) -> str:
    return {"16-29": "young", "30-44": "young", "45-64": "middle", "65+": "older"}[jury_age]


def _name(rng: random.Random, group: str, gender: str, jury_age: str) -> tuple[str, str]:
    if gender == "non_binary":
        gender = rng.choice(("woman", "man"))
    if group in ("white_british", "mixed"):
        generation = _generation(jury_age)
        if jury_age == "30-44" and rng.random() < 0.5:
            generation = "middle"
        first = rng.choice((WB_WOMEN if gender == "woman" else WB_MEN)[generation])
        if group == "mixed":
            other = rng.choice(("black_caribbean", "black_african", "indian", "east_asian"))
            return first, _surname(rng, NAME_GROUPS[other][2], gender)
        return first, rng.choice(WB_SURNAMES)
    women, men, surnames = NAME_GROUPS[group]
    return rng.choice(women if gender == "woman" else men), _surname(rng, surnames, gender)


def _surname(rng: random.Random, surnames: tuple, gender: str) -> str:
    return _gendered(rng.choice(surnames), gender)


def _gendered(surname, gender: str) -> str:
    if isinstance(surname, tuple):
        return surname[1] if gender == "woman" else surname[0]
    return surname


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c in ".-_")).lower()


def _email(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    f, last_ = _ascii(first), _ascii(last)
    for _ in range(20):
        local = _weighted(
            rng,
            (
                f"{f}.{last_}",
                f"{f}{last_}{rng.randint(1, 99)}",
                f"{f[0]}{last_}",
                f"{f}_{last_}{rng.randint(60, 99)}",
                f"{last_}.{f}",
                f"{f}.{last_}{rng.randint(1, 9)}",
            ),
            (30, 20, 15, 10, 10, 15),
        )
        email = f"{local}@{rng.choice(('example.org', 'example.com'))}"
        if email not in taken:
            taken.add(email)
            return email
    raise RuntimeError("could not make a unique e-mail address")  # pragma: no cover


# ---------------------------------------------------------------------------------------
# The Citizens' Jury on Transport: recruiting, with its quotas, pool and agenda.
# ---------------------------------------------------------------------------------------


# Registration pools skew older and female, and under-represent ethnic minorities and
# people without a car: the quotas are there to correct that.
_POOL_AGES = ("16-29", "30-44", "45-64", "65+")
_POOL_AGE_WEIGHTS = (5, 16, 37, 42)
_POOL_CAR_BY_AGE = {"16-29": 0.55, "30-44": 0.8, "45-64": 0.86, "65+": 0.8}


def _transport_agenda() -> list[dict]:
    return _plain(TRANSPORT_AGENDA)


def jury(seed: int = DEFAULT_SEED) -> dict:
    """The Riverside Citizens' Jury on Transport, recruiting: quotas, pool and agenda."""
    rng = random.Random(seed + 2)
    target = 240
    emails: set[str] = set()
    phones = [n for n in range(1000) if n not in (123, 321, 456, 654, 789)]
    rng.shuffle(phones)
    sessions = [s["date"] for s in TRANSPORT_JURY_SESSIONS]
    registrants: list[dict] = []
    household_no = 0
    postcodes: set[str] = set()
    while len(registrants) < target:
        household_no += 1
        area = _weighted(rng, list(AREA_DISTRICTS), (30, 38, 32))
        district = rng.choice(AREA_DISTRICTS[area])
        while True:
            postcode = (
                f"{district} {rng.randint(1, 9)}"
                f"{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
            )
            if postcode not in postcodes:
                postcodes.add(postcode)
                break
        street = rng.choice(AREA_STREETS[area])
        if rng.random() < 0.18:
            address = f"Flat {rng.randint(1, 40)}, {rng.choice(BLOCKS_OF_FLATS)}, {street}"
        else:
            address = f"{rng.randint(1, 180)} {street}"
        group = _weighted(rng, list(NAME_GROUP_WEIGHTS), list(NAME_GROUP_WEIGHTS.values()))
        age = _weighted(rng, _POOL_AGES, _POOL_AGE_WEIGHTS)
        car = rng.random() < _POOL_CAR_BY_AGE[age] - (0.15 if area == "central" else 0)
        gender = _weighted(rng, ("woman", "man", "non_binary"), (57, 41.5, 1.5))
        first, last = _name(rng, group, gender, age)
        members = [(first, last, gender, age, group)]
        size = _weighted(rng, (1, 2, 3), (81, 15, 4))
        if size >= 2:
            if age != "16-29" and (size == 3 or rng.random() < 0.72):  # a partner
                p_gender = (
                    rng.choice(("woman", "man"))
                    if rng.random() < 0.08
                    else ("man" if gender == "woman" else "woman")
                )
                p_group = (
                    group
                    if rng.random() < 0.88
                    else _weighted(rng, list(NAME_GROUP_WEIGHTS), list(NAME_GROUP_WEIGHTS.values()))
                )
                p_first, p_last = _name(rng, p_group, p_gender, age)
                if rng.random() < 0.65:
                    p_last = _same_family(last, p_gender)
                members.append((p_first, p_last, p_gender, age, p_group))
            if len(members) < size and age in ("45-64", "65+"):  # a grown-up child
                c_age = "16-29" if age == "45-64" else "30-44"
                c_gender = _weighted(rng, ("woman", "man", "non_binary"), (48, 48, 4))
                c_first, _ = _name(rng, group, c_gender, c_age)
                members.append((c_first, _same_family(last, c_gender), c_gender, c_age, group))
        registered = datetime(2026, 10, 5) + timedelta(
            days=min(_weighted(rng, range(40), [1.0 / (1 + d / 4) for d in range(40)]), 39)
        )
        for first, last, gender, age_band, grp in members:
            if len(registrants) >= target and len(members) == 1:
                break
            if rng.random() < 0.82:
                availability = list(sessions)
            else:
                availability = sorted(rng.sample(sessions, rng.choice((1, 2, 2))))
            registrants.append(
                {
                    "first_name": first,
                    "last_name": last,
                    "email": _email(rng, first, last, emails),
                    "phone": f"07700 900{phones.pop():03d}",
                    "address_line": address,
                    "postcode": postcode,
                    "household": f"H{household_no:03d}",
                    "features": {
                        "gender": gender,
                        "age": age_band,
                        "ethnicity": "white" if grp in WHITE_GROUPS else "ethnic_minority",
                        "area": area,
                        "car_access": "yes" if car else "no",
                    },
                    "availability": availability,
                    "registered_at": _moment(rng, registered.date()),
                }
            )
            registered += timedelta(hours=rng.randint(0, 30))
    registrants.sort(key=lambda r: r["registered_at"])
    return {
        "title": "Riverside Citizens' Jury on Transport",
        "slug": "transport-jury",
        "status": "recruiting",
        "question": (
            "How should we make it easier, fairer and greener for everyone to get around "
            "Riverside over the next ten years?"
        ),
        "description": (
            "In October 2026 the council sent 6,000 invitation letters to addresses chosen at "
            "random from the Royal Mail address file. From everyone who registers, a civic "
            "lottery will choose 24 people who together reflect the borough by gender, age, "
            "ethnicity, where they live and whether they have a car. Jurors are paid £100 a "
            "day, with childcare, care and travel costs covered. The jury meets on three "
            "Saturdays at the Riverside Guildhall."
        ),
        "panel_size": 24,
        "categories": [{**c, "values": [dict(v) for v in c["values"]]} for c in JURY_CATEGORIES],
        "sessions": [dict(s) for s in TRANSPORT_JURY_SESSIONS],
        "registrants": registrants,
        "agenda": _transport_agenda(),
    }


def _same_family(surname: str, gender: str) -> str:
    """The family's surname in the form this person would use (Kowalski / Kowalska)."""
    for *_names, surnames in NAME_GROUPS.values():
        for s in surnames:
            if isinstance(s, tuple) and surname in s:
                return _gendered(s, gender)
    return surname


# ---------------------------------------------------------------------------------------
# The finished Citizens' Jury on Climate and Energy.
# ---------------------------------------------------------------------------------------


def _climate_members(rng: random.Random) -> list[dict]:
    """The twenty jurors, as they appear in the published record (first name, initial)."""
    plan = [  # (gender, age, ethnicity, area, car) roughly matching the borough
        ("woman", "16-29", "white", "north", "no"),
        ("man", "16-29", "ethnic_minority", "central", "no"),
        ("woman", "16-29", "white", "south", "yes"),
        ("man", "16-29", "white", "central", "yes"),
        ("woman", "30-44", "ethnic_minority", "central", "no"),
        ("man", "30-44", "white", "north", "yes"),
        ("woman", "30-44", "white", "south", "yes"),
        ("man", "30-44", "white", "south", "yes"),
        ("non_binary", "30-44", "white", "central", "no"),
        ("woman", "45-64", "white", "north", "yes"),
        ("man", "45-64", "ethnic_minority", "south", "yes"),
        ("woman", "45-64", "white", "central", "yes"),
        ("man", "45-64", "white", "north", "yes"),
        ("woman", "45-64", "white", "south", "yes"),
        ("man", "45-64", "white", "central", "yes"),
        ("woman", "65+", "white", "north", "yes"),
        ("man", "65+", "white", "south", "yes"),
        ("woman", "65+", "white", "central", "no"),
        ("man", "65+", "white", "north", "yes"),
        ("woman", "65+", "ethnic_minority", "south", "yes"),
    ]
    members = []
    minority_groups = ("indian", "pakistani_bangladeshi", "black_caribbean", "black_african")
    for gender, age, ethnicity, area, car in plan:
        if ethnicity == "white":
            group = _weighted(
                rng, ("white_british", "irish_scottish_welsh", "eastern_european"), (8, 1, 1)
            )
        else:
            group = rng.choice(minority_groups)
        first, last = _name(rng, group, gender, age)
        members.append(
            {
                "display_name": f"{first} {last[0]}.",
                "features": {
                    "gender": gender,
                    "age": age,
                    "ethnicity": ethnicity,
                    "area": area,
                    "car_access": car,
                },
            }
        )
    return members


def finished_jury(seed: int = DEFAULT_SEED) -> dict:
    """The Riverside Citizens' Jury on Climate and Energy: finished and responded to."""
    rng = random.Random(seed + 3)
    panel = 20
    threshold = 0.8
    recommendations = []
    for rec in CLIMATE_RECOMMENDATIONS:
        assert rec["support"] + rec["against"] + rec["abstain"] == panel
        recommendations.append({**rec, "passed": rec["support"] >= threshold * panel})
    return {
        "title": "Riverside Citizens' Jury on Climate and Energy",
        "slug": "climate-jury",
        "status": "finished",
        "question": (
            "How should Riverside cut its carbon emissions to net zero by 2040 in a way that "
            "is fair to everyone?"
        ),
        "description": (
            "Twenty residents, chosen by civic lottery from 212 people who answered 5,000 "
            "invitation letters, met for three Saturdays in spring 2026. They heard from 11 "
            "expert witnesses, and agreed six recommendations with at least 80% support."
        ),
        "panel_size": panel,
        "threshold": threshold,
        "sessions": [
            {"date": "2026-03-07", "title": "Day 1: The evidence", "starts_at": "10:00"},
            {
                "date": "2026-03-21",
                "title": "Day 2: Homes, energy and travel",
                "starts_at": "10:00",
            },
            {"date": "2026-04-18", "title": "Day 3: Our recommendations", "starts_at": "10:00"},
        ],
        "members": _climate_members(rng),
        "recommendations": recommendations,
        "decided_at": "2026-04-18T15:40:00",
        "minority_report": dict(CLIMATE_MINORITY_REPORT),
        "council_responses_published_at": "2026-06-24T18:00:00",
        "council_responses": [
            {**r, "progress": [dict(p) for p in r["progress"]]} for r in CLIMATE_COUNCIL_RESPONSES
        ],
        "ideas": list(CLIMATE_IDEAS),
    }


# ---------------------------------------------------------------------------------------
# Staff.
# ---------------------------------------------------------------------------------------


def staff() -> list[dict]:
    """The demo staff accounts. Passwords are the loader's business, never stored here."""
    return _plain(_PEOPLE["staff"])
