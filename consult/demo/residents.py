"""The demo's residents and their responses: a hidden persona per respondent drives what they
write and choose; free text is composed from the data files' fragment pools, wrapped in
openings and closings by tone and lightly roughened; structured answers follow the persona
and what they wrote; responses arrive over the consultation's weeks with spikes. Builds the
open consultation ("Riverside 2030") and the closed one ("Millbrook Park masterplan")."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from consult.demo.prose import (
    AGE_BANDS,
    BINS_CAMPAIGN_EXTRAS,
    BINS_CAMPAIGN_SIGNOFFS,
    BINS_CAMPAIGN_TEMPLATE,
    BUDGET_OPTIONS,
    BUS_USE_OPTIONS,
    DEFAULT_SEED,
    DISTRICTS,
    ETHNICITIES,
    GENDERS,
    HANDWRITTEN_ANSWERS,
    MP_HANDWRITTEN,
    MP_TEXT_QUESTIONS,
    NONE_ANSWERS,
    OPEN_ABOUT,
    OPEN_BACKGROUND,
    OPEN_DOCUMENTS,
    OPEN_QUESTIONS,
    OPEN_TEXT_QUESTIONS,
    ORGANISATION_RESPONSES,
    PARK_ABOUT,
    PARK_BACKGROUND,
    PARK_DOCUMENTS,
    PARK_ORGANISATION_RESPONSE,
    PARK_QUESTIONS,
    SERVICES_OPTIONS,
    SLOTS,
    TONE_CLOSINGS,
    TONE_OPENINGS,
    TYPOS,
    TextQuestion,
    Theme,
    plain,
)


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


def weighted(rng: random.Random, options, weights):
    return rng.choices(options, weights=weights, k=1)[0]


def _make_persona(rng: random.Random, overrides: dict | None = None) -> _Persona:
    o = overrides or {}
    age = o.get("age_band") or weighted(rng, AGE_BANDS, RESPONDENT_AGE_WEIGHTS)
    district = o.get("district") or weighted(rng, DISTRICTS, DISTRICT_WEIGHTS)
    disabled = o.get("disabled", rng.random() < _DISABLED_BY_AGE[age])
    car_p = _CAR_BY_AGE[age] - (0.15 if disabled else 0) - (0.12 if district == "RV3" else 0)
    return _Persona(
        age_band=age,
        gender=o.get("gender") or weighted(rng, GENDERS, GENDER_WEIGHTS),
        ethnicity=o.get("ethnicity") or weighted(rng, ETHNICITIES, ETHNICITY_WEIGHTS),
        district=district,
        disabled=disabled,
        parent=o.get("parent", rng.random() < _PARENT_BY_AGE[age]),
        grandparent=rng.random() < _GRANDPARENT_BY_AGE[age],
        car=o.get("car", rng.random() < car_p),
        tenure=o.get("tenure") or weighted(rng, ("owner", "renter", "social"), _TENURE_BY_AGE[age]),
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
        chosen = weighted(rng, candidates, weights)
        self.usage[chosen] = self.usage.get(chosen, 0) + 1
        if used is not None:
            used.add(chosen)
        return _FOR.sub("", chosen)


_FOR = re.compile(r"^\[([a-z_|]+)\] ")


def _suits(fragment: str, tags: frozenset[str]) -> bool:
    m = _FOR.match(fragment)
    return m is None or bool(set(m.group(1).split("|")) & tags)


def _theme_weight(theme: Theme, tags: frozenset[str]) -> float:
    weight = theme.weight
    for tag, factor in theme.bias.items():
        if tag in tags:
            weight *= factor
    return weight


def _choose_theme(rng, question: TextQuestion, tags, exclude=None) -> Theme:
    themes = [t for t in question.themes if t is not exclude]
    return weighted(rng, themes, [_theme_weight(t, tags) for t in themes])


def _roughen(rng: random.Random, text: str, tone: str) -> str:
    """Lower case, typos, missing full stops, exclamation marks: how people really type."""
    if rng.random() < 0.14:
        applicable = [(a, b) for a, b in TYPOS if a in text]
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
    rng: random.Random, q: TextQuestion, persona: _Persona, state: _TextState
) -> tuple[str, list[str], str]:
    """One resident's free-text answer: (text, themes it was built from, tone)."""
    tags = persona.tags
    for _attempt in range(8):
        theme = _choose_theme(rng, q, tags)
        tone_weights = theme.tones or q.tones
        tone = weighted(rng, list(tone_weights), list(tone_weights.values()))
        if rng.random() < 0.1:
            unused = [s for s in theme.short if s not in state.short_used]
            if unused:
                text = rng.choice(unused)
                state.short_used.add(text)
                return _roughen(rng, text, tone), [theme.name], tone
        size = weighted(rng, ("one", "two", "long"), (0.36, 0.4, 0.24))
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
    return weighted(rng, [o["value"] for o in BUS_USE_OPTIONS], weights)


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
        choice = weighted(rng, list(remaining), list(remaining.values()))
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


def moment(rng: random.Random, day: date, earliest: datetime | None = None) -> str:
    hour = weighted(rng, range(24), _HOUR_WEIGHTS)
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
    return plain(OPEN_QUESTIONS)


def _labels(**kwargs) -> dict:
    return {"themes": {}, "campaign": False, "handwritten": None, **kwargs}


def _individual(
    rng: random.Random,
    persona: _Persona,
    answers: dict,
    keys: Sequence[str],
    labels: dict,
) -> dict:
    """One resident's response as the demo loads it: their about-you answers, and their
    `answers` in the order of the questions' `keys`."""
    return {
        "respondent_type": "individual",
        "about_you": _about_you(rng, persona),
        "answers": {key: answers[key] for key in keys if key in answers},
        "_labels": labels,
    }


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
        q = weighted(rng, OPEN_TEXT_QUESTIONS, [q.answer_rate for q in OPEN_TEXT_QUESTIONS])
        text, themes, tone = _compose(rng, q, persona, state)
        answers[q.key] = text
        labels["themes"][q.key] = themes
        tones.append(tone)
        wrote_about.add(q.key)
    if rng.random() < 0.86:
        answers["services_used"] = _services(rng, persona)
    mood = rng.choice(tones) if tones else "neutral"
    answers["council_listens"] = weighted(rng, range(1, 6), _LIKERT_BY_TONE[mood])
    if rng.random() < 0.74:
        answers["priorities"] = _ranking(rng, persona, wrote_about)
    if rng.random() < 0.64:
        answers["budget"] = _budget(rng, persona)
    keys = [q["key"] for q in _open_questions()]
    return _individual(rng, persona, answers, keys, labels)


def _ordinary_and_handwritten(
    rng: random.Random,
    state: _TextState,
    respond: Callable[..., dict],
    ordinary: int,
    handwritten: Iterable[dict],
    stamp: Callable[[], str],
) -> list[dict]:
    """`ordinary` responses from new residents, then one for each of the `handwritten`
    answers (its resident and text fixed, labelled with its kind), each stamped with
    when it came in; `respond(rng, persona, state, fixed)` writes one."""
    responses = []
    for _ in range(ordinary):
        r = respond(rng, _make_persona(rng), state)
        responses.append({"submitted_at": stamp(), **r})
    for item in handwritten:
        persona = _make_persona(rng, item["persona"])
        r = respond(rng, persona, state, {item["question"]: item["text"]})
        r["_labels"]["themes"][item["question"]] = [item["kind"]]
        r["_labels"]["handwritten"] = item["kind"]
        responses.append({"submitted_at": stamp(), **r})
    return responses


def open_consultation(seed: int = DEFAULT_SEED) -> dict:
    """ "Riverside 2030: your town, your say", open, with four weeks of responses so far."""
    rng = random.Random(seed)
    state = _TextState()
    questions = _open_questions()
    start = OPEN_OPENS.date()
    day_weights = _day_weights(OPEN_DAYS, OPEN_SPIKES, start)

    def stamp(days=None) -> str:
        d = rng.choice(days) if days else weighted(rng, range(OPEN_DAYS), day_weights)
        return moment(rng, start + timedelta(days=d), earliest=OPEN_OPENS)

    responses = _ordinary_and_handwritten(
        rng, state, _open_response, OPEN_ORDINARY, HANDWRITTEN_ANSWERS, stamp
    )

    for _ in range(CAMPAIGN_SIZE):  # mostly the south of the borough, older or with kids
        persona = _make_persona(
            rng,
            {
                "district": weighted(rng, DISTRICTS, (5, 5, 10, 15, 40, 25)),
                "age_band": weighted(rng, AGE_BANDS, (1, 8, 18, 20, 22, 20, 11)),
            },
        )
        r = _open_response(
            rng, persona, state, fixed={"bins": _campaign_text(rng)}, answer_rate=0.25
        )
        r["answers"]["council_listens"] = weighted(rng, range(1, 6), _LIKERT_BY_TONE["campaign"])
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
        **plain(OPEN_ABOUT),
        "opens_at": OPEN_OPENS.isoformat(),
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
    return plain(PARK_QUESTIONS)


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
    answers["overall_support"] = weighted(rng, range(1, 6), weights)
    return _individual(rng, persona, answers, ("support", "change", "overall_support"), labels)


def closed_consultation(seed: int = DEFAULT_SEED) -> dict:
    """ "Millbrook Park masterplan", closed on 30 September 2026, ready to analyse."""
    rng = random.Random(seed + 1)
    state = _TextState()
    start = PARK_OPENS.date()
    day_weights = _day_weights(PARK_DAYS, PARK_SPIKES, start)

    def stamp() -> str:
        d = weighted(rng, range(PARK_DAYS), day_weights)
        return moment(rng, start + timedelta(days=d), earliest=PARK_OPENS)

    responses = _ordinary_and_handwritten(
        rng, state, _park_response, PARK_ORDINARY, MP_HANDWRITTEN, stamp
    )
    friends = plain(PARK_ORGANISATION_RESPONSE)
    responses.append(
        {
            **friends,
            "respondent_type": "organisation",
            "about_you": None,
            "_labels": _labels(
                themes={
                    q.key: ["organisation"]
                    for q in MP_TEXT_QUESTIONS
                    if q.key in friends["answers"]
                },
                handwritten="organisation",
            ),
        }
    )
    responses.sort(key=lambda r: r["submitted_at"])
    return {
        **plain(PARK_ABOUT),
        "opens_at": PARK_OPENS.isoformat(),
        "closes_at": PARK_CLOSES.isoformat(),
        "background": PARK_BACKGROUND,
        "documents": plain(PARK_DOCUMENTS),
        "questions": _park_questions(),
        "responses": responses,
    }
