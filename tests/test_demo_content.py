"""The demo council's content: deterministic, valid for every question type, realistic
enough to exercise analysis, moderation and the lottery. Pure data, no app needed."""

from __future__ import annotations

import ast
import json
import random
import re
import statistics
import sys
from collections import Counter, defaultdict
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pytest

from consult.demo import content

AGE_BANDS = {"16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"}
GENDERS = {"woman", "man", "non_binary", "self_describe"}
ETHNICITIES = {"white", "asian", "black", "mixed", "other"}
DISTRICTS = {f"RV{n}" for n in range(1, 7)}
PNTS = "prefer_not_to_say"
QUESTION_TYPES = {"free_text", "single_choice", "multiple_choice", "likert", "ranking", "budget"}
ROUND_KINDS = {
    "briefing",
    "open_discussion",
    "table_discussion",
    "ideas",
    "poll",
    "drafting",
    "final_vote",
    "reflection",
}
STATUSES = {"accepted", "accepted_in_part", "not_accepted", "under_consideration"}


@cache
def open_c() -> dict:
    return content.open_consultation()


@cache
def closed_c() -> dict:
    return content.closed_consultation()


@cache
def transport() -> dict:
    return content.jury()


@cache
def climate() -> dict:
    return content.finished_jury()


def free_texts(consultation: dict, key: str | None = None) -> list[str]:
    keys = [q["key"] for q in consultation["questions"] if q["type"] == "free_text"]
    return [
        r["answers"][k]
        for r in consultation["responses"]
        for k in keys
        if k in r["answers"] and (key is None or k == key)
    ]


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


# ------------------------------------------------------------------------- purity


def test_module_is_pure_standard_library_and_yaml():
    source = Path(content.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__", "yaml"}, imported


def test_everything_is_plain_json_data():
    for data in (open_c(), closed_c(), transport(), climate(), content.staff()):
        assert json.loads(json.dumps(data)) == data


# ------------------------------------------------------------------------- determinism


def test_same_seed_same_output_and_other_seed_differs():
    for make in (
        content.open_consultation,
        content.closed_consultation,
        content.jury,
        content.finished_jury,
    ):
        assert make() == make(2026) == make(seed=2026)
        assert make(7) == make(7)
    assert content.open_consultation(7)["responses"] != open_c()["responses"]
    assert content.jury(7)["registrants"] != transport()["registrants"]


# ------------------------------------------------------------------------- consultations


def test_counts():
    assert len(open_c()["responses"]) >= 320
    assert 140 <= len(closed_c()["responses"]) <= 170
    assert len(transport()["registrants"]) >= 220
    assert len(climate()["ideas"]) >= 55


@pytest.mark.parametrize("make", [open_c, closed_c])
def test_consultation_shape(make):
    c = make()
    assert c["title"] and re.fullmatch(r"[a-z0-9-]+", c["slug"])
    assert 1 <= c["summary"].count(".") <= 3
    assert c["background"].count("\n## ") + c["background"].startswith("## ") >= 2
    assert re.search(r"(?m)^- ", c["background"])
    paragraphs = [p for p in c["background"].split("\n\n") if p and not p.startswith(("#", "-"))]
    assert 3 <= len(paragraphs) <= 6
    assert c["documents"] and all(
        d["url"].startswith("https://www.riverside.example/") for d in c["documents"]
    )
    keys = [q["key"] for q in c["questions"]]
    assert len(keys) == len(set(keys))
    for q in c["questions"]:
        assert q["type"] in QUESTION_TYPES and q["prompt"] and isinstance(q["required"], bool)
        if q["type"] in ("single_choice", "multiple_choice", "ranking", "budget"):
            values = [o["value"] for o in q["options"]]
            assert len(values) == len(set(values)) and all(o["label"] for o in q["options"])
            assert all(re.fullmatch(r"[a-z0-9_]+", v) for v in values)
        if q["type"] == "budget":
            assert q["total"] == 100
        if q["type"] == "free_text":
            assert q["max_length"] > 0


def test_open_consultation_has_every_question_type():
    types = Counter(q["type"] for q in open_c()["questions"])
    assert types["free_text"] >= 4
    assert all(types[t] >= 1 for t in QUESTION_TYPES)
    closed_types = Counter(q["type"] for q in closed_c()["questions"])
    assert closed_types == {"free_text": 2, "likert": 1}


@pytest.mark.parametrize("make", [open_c, closed_c])
def test_every_answer_is_valid_for_its_question(make):
    c = make()
    questions = {q["key"]: q for q in c["questions"]}
    for r in c["responses"]:
        assert set(r["answers"]) <= set(questions)
        for q in questions.values():
            if q["required"]:
                assert q["key"] in r["answers"]
        for key, value in r["answers"].items():
            q = questions[key]
            options = [o["value"] for o in q.get("options", [])]
            if q["type"] == "free_text":
                assert isinstance(value, str) and value.strip()
                assert len(value) <= q["max_length"]
            elif q["type"] == "single_choice":
                assert value in options
            elif q["type"] == "multiple_choice":
                assert value and len(value) == len(set(value)) and set(value) <= set(options)
                assert "none" not in value or value == ["none"]
            elif q["type"] == "likert":
                assert type(value) is int and 1 <= value <= 5
            elif q["type"] == "ranking":
                assert sorted(value) == sorted(options)
            elif q["type"] == "budget":
                assert set(value) <= set(options)
                assert all(type(v) is int and v >= 0 for v in value.values())
                assert sum(value.values()) == q["total"]


@pytest.mark.parametrize("make", [open_c, closed_c])
def test_respondents_and_about_you(make):
    c = make()
    skipped = withheld = 0
    for r in c["responses"]:
        assert r["respondent_type"] in ("individual", "organisation")
        if r["respondent_type"] == "organisation":
            assert r["organisation_name"] and r["about_you"] is None
            continue
        assert "organisation_name" not in r
        about = r["about_you"]
        if about is None:
            skipped += 1
            continue
        assert set(about) == {"age_band", "gender", "ethnicity", "disability", "postcode_district"}
        assert about["age_band"] in AGE_BANDS | {PNTS}
        assert about["gender"] in GENDERS | {PNTS}
        assert about["ethnicity"] in ETHNICITIES | {PNTS}
        assert about["disability"] in {"yes", "no", PNTS}
        assert about["postcode_district"] in DISTRICTS | {PNTS}
        withheld += PNTS in about.values()
    assert skipped >= 5 and withheld >= 5
    orgs = [r for r in c["responses"] if r["respondent_type"] == "organisation"]
    assert orgs


def test_submission_times():
    for c, first, last in (
        (open_c(), datetime(2026, 10, 23), datetime(2026, 11, 20)),
        (closed_c(), datetime(2026, 7, 1), datetime(2026, 9, 30, 23, 59, 59)),
    ):
        times = [datetime.fromisoformat(r["submitted_at"]) for r in c["responses"]]
        assert times == sorted(times)
        assert first <= times[0] and times[-1] <= last
        assert datetime.fromisoformat(c["opens_at"]) <= times[0]
        if c["status"] == "closed":
            assert times[-1] <= datetime.fromisoformat(c["closes_at"])
        per_day = Counter(t.date() for t in times)
        assert max(per_day.values()) >= 2.5 * statistics.median(per_day.values())  # spikes
        night = sum(1 for t in times if 1 <= t.hour < 6)
        evening = sum(1 for t in times if 18 <= t.hour < 23)
        assert night * 5 < evening
    open_days = {datetime.fromisoformat(r["submitted_at"]).date() for r in open_c()["responses"]}
    assert len(open_days) >= 26


def test_not_every_resident_answers_every_free_text_question():
    c = open_c()
    for q in c["questions"]:
        if q["type"] == "free_text":
            answered = sum(q["key"] in r["answers"] for r in c["responses"])
            assert 0.3 * len(c["responses"]) < answered < 0.9 * len(c["responses"])


def test_free_texts_are_varied():
    for c in (open_c(), closed_c()):
        texts = free_texts(c)
        assert len({t.lower() for t in texts}) >= 0.9 * len(texts)
        counts = [len(t.split()) for t in texts]
        assert 15 <= statistics.mean(counts) <= 60
    counts = [len(t.split()) for t in free_texts(open_c())]
    assert min(counts) <= 3 and max(counts) >= 100
    texts = free_texts(open_c())
    assert sum(t == t.lower() and len(t) > 30 for t in texts) >= 10  # typed in lower case
    assert sum(bool(re.search(r"\b(dont|cant|teh|becuase|realy|ppl)\b", t)) for t in texts) >= 10
    nothing = {"n/a", "no comment.", "nothing", "none", "nothing to add."}
    assert sum(t.lower() in nothing for t in texts) >= 3


def test_themes_per_question_are_clear_and_unequal():
    for c in (open_c(), closed_c()):
        by_question = defaultdict(Counter)
        for r in c["responses"]:
            assert set(r["_labels"]["themes"]) <= set(r["answers"])
            if r["_labels"]["handwritten"] or r["_labels"]["campaign"]:
                continue
            for key, themes in r["_labels"]["themes"].items():
                by_question[key].update(t for t in themes if t != "no_comment")
        for key, counts in by_question.items():
            assert 4 <= len(counts) <= 8, key
            assert max(counts.values()) >= 2 * min(counts.values()), key


def test_demographics_shape_what_people_write():
    """Young people write about fares and night buses, older people about access and bus
    passes; parents about playgrounds."""
    young, old = Counter(), Counter()
    for r in open_c()["responses"]:
        about = r["about_you"] or {}
        themes = r["_labels"]["themes"].get("buses", [])
        if about.get("age_band") in ("16-24", "25-34"):
            young.update([*themes, "_n"])
        elif about.get("age_band") in ("65-74", "75+"):
            old.update([*themes, "_n"])

    def share(counter: Counter, *themes: str) -> float:
        return sum(counter[t] for t in themes) / counter["_n"]

    assert share(young, "fares", "night_and_evening_buses") > 2 * share(
        old, "fares", "night_and_evening_buses"
    )
    assert share(old, "accessibility") > 2 * share(young, "accessibility")


def test_organised_campaign_present():
    bins = free_texts(open_c(), "bins")
    word_sets = [words(t) for t in bins]

    def jaccard(a: set, b: set) -> float:
        return len(a & b) / max(len(a | b), 1)

    cluster = max(
        (sum(jaccard(a, b) >= 0.7 for b in word_sets) for a in word_sets),
        default=0,
    )
    assert 20 <= cluster <= 30
    flagged = [r for r in open_c()["responses"] if r["_labels"]["campaign"]]
    assert len(flagged) == cluster
    assert len({r["answers"]["bins"] for r in flagged}) >= 12  # small edits, not all copies
    campaign_days = Counter(r["submitted_at"][:10] for r in flagged)
    assert campaign_days.most_common(1)[0][1] >= 8  # arrives in a burst


def test_personal_data_to_redact_is_present():
    texts = "\n".join(free_texts(open_c()))
    assert re.search(r"[\w.]+@example\.(org|com)", texts)
    assert re.search(r"\b07700 ?900\d{3}\b", texts)
    assert re.search(r"\bRV\d \d[A-Z]{2}\b", texts)
    assert re.search(r"\b\d{1,3} [A-Z][a-z]+ (Road|Lane|Close)\b", texts)
    labelled = Counter(r["_labels"]["handwritten"] for r in open_c()["responses"])
    assert labelled["personal_data"] >= 5


def test_moderation_examples_are_present():
    texts = free_texts(open_c())
    assert sum(bool(re.search(r"https?://|www\.", t)) for t in texts) >= 2
    assert any(re.search(r"\b(idiot|crooks|crap|useless)\b", t, re.I) for t in texts)
    labelled = Counter(r["_labels"]["handwritten"] for r in open_c()["responses"])
    assert labelled["abuse"] >= 2 and labelled["spam"] >= 2
    assert labelled["organisation"] >= 8


# ------------------------------------------------------------------------- the jury


def test_jury_shape_and_agenda():
    j = transport()
    assert j["panel_size"] == 24 and j["question"].endswith("?")
    assert [c["category"] for c in j["categories"]] == [
        "gender",
        "age",
        "ethnicity",
        "area",
        "car_access",
    ]
    agenda = j["agenda"]
    assert {r["kind"] for r in agenda} <= ROUND_KINDS
    assert {"briefing", "table_discussion", "ideas", "poll", "drafting", "final_vote"} <= {
        r["kind"] for r in agenda
    }
    assert all(r["title"] and r["instructions"] and r["minutes"] > 0 for r in agenda)
    polls = [r for r in agenda if r["kind"] == "poll"]
    assert len(polls) == 1 and len(polls[0]["statements"]) == 10
    assert 240 <= sum(r["minutes"] for r in agenda) <= 360


def test_quotas_are_feasible_for_the_pool():
    j = transport()
    size = j["panel_size"]
    for cat in j["categories"]:
        assert sum(v["min"] for v in cat["values"]) <= size <= sum(v["max"] for v in cat["values"])
        have = Counter(r["features"][cat["category"]] for r in j["registrants"])
        for v in cat["values"]:
            assert 0 <= v["min"] <= v["max"] and v["min"] <= have[v["value"]], (cat, v)
            assert set(have) <= {v["value"] for v in cat["values"]}


def _find_panel(registrants: list[dict], categories: list[dict], size: int) -> list[dict] | None:
    """A greedy search for one panel that meets every quota, one person per household:
    at each step, take someone who fills the most unmet minimums without breaking a maximum."""
    quotas = {
        (c["category"], v["value"]): (v["min"], v["max"]) for c in categories for v in c["values"]
    }

    def fits(person: dict, counts: Counter, households: set) -> bool:
        return person["household"] not in households and all(
            counts[f] < quotas[f][1] for f in person["features"].items()
        )

    def need(person: dict, counts: Counter) -> int:
        return sum(counts[f] < quotas[f][0] for f in person["features"].items())

    for attempt in range(200):
        pool = registrants[:]
        random.Random(attempt).shuffle(pool)
        counts: Counter = Counter()
        panel: list[dict] = []
        households: set[str] = set()
        while len(panel) < size:
            candidates = [p for p in pool if fits(p, counts, households)]
            if not candidates:
                break
            chosen = max(candidates, key=lambda p: need(p, counts))
            panel.append(chosen)
            households.add(chosen["household"])
            counts.update(chosen["features"].items())
        if len(panel) == size and all(counts[f] >= lo for f, (lo, _hi) in quotas.items()):
            return panel
    return None


def test_a_panel_meeting_every_quota_exists():
    j = transport()
    everyone = j["registrants"]
    assert _find_panel(everyone, j["categories"], j["panel_size"])
    available = [r for r in everyone if len(r["availability"]) == len(j["sessions"])]
    assert _find_panel(available, j["categories"], j["panel_size"])


def test_pool_is_skewed_so_quotas_matter():
    registrants = transport()["registrants"]
    n = len(registrants)
    ages = Counter(r["features"]["age"] for r in registrants)
    genders = Counter(r["features"]["gender"] for r in registrants)
    assert ages["65+"] / n > 0.3 and ages["16-29"] / n < 0.12
    assert genders["woman"] > 1.2 * genders["man"]


def test_registrants_look_real():
    j = transport()
    regs = j["registrants"]
    categories = {c["category"]: {v["value"] for v in c["values"]} for c in j["categories"]}
    sessions = {s["date"] for s in j["sessions"]}
    assert len({r["email"] for r in regs}) == len(regs)
    assert len({r["phone"] for r in regs}) == len(regs)
    for r in regs:
        assert r["first_name"] and r["last_name"]
        assert re.fullmatch(r"[a-z0-9._-]+@example\.(org|com)", r["email"])
        assert re.fullmatch(r"07700 900\d{3}", r["phone"])
        assert re.fullmatch(r"RV[1-6] \d[A-Z]{2}", r["postcode"])
        assert r["address_line"] and r["household"]
        assert set(r["features"]) == set(categories)
        assert all(r["features"][k] in values for k, values in categories.items())
        assert r["availability"] and set(r["availability"]) <= sessions
        assert date(2026, 10, 1) <= datetime.fromisoformat(r["registered_at"]).date()
    households = defaultdict(list)
    for r in regs:
        households[r["household"]].append(r)
    shared = [h for h in households.values() if len(h) >= 2]
    assert len(shared) >= 10 and any(len(h) == 3 for h in shared)
    for members in shared:
        assert len({(m["address_line"], m["postcode"]) for m in members}) == 1
        assert len({m["features"]["area"] for m in members}) == 1
    surnames = Counter(r["last_name"] for r in regs)
    assert len(surnames) >= 100  # many backgrounds, not Smith and Jones
    assert any("ł" in r["first_name"] or "ś" in r["last_name"].lower() for r in regs) or any(
        r["last_name"] in ("Kaur", "Begum", "Okafor", "Nguyen", "Patel") for r in regs
    )


# ------------------------------------------------------------------------- the finished jury


def test_finished_jury_recommendations_and_votes():
    j = climate()
    assert j["panel_size"] == 20 and len(j["members"]) == 20
    recs = j["recommendations"]
    assert len(recs) == 8
    for rec in recs:
        assert rec["support"] + rec["against"] + rec["abstain"] == j["panel_size"]
        assert rec["passed"] == (rec["support"] >= 0.8 * j["panel_size"])
    passed = [r for r in recs if r["passed"]]
    assert len(passed) == 6
    titles = {r["title"] for r in recs}
    assert j["minority_report"]["recommendation_title"] in titles
    assert j["minority_report"]["text"]


def test_council_responses_cover_passed_recommendations():
    j = climate()
    passed = {r["title"] for r in j["recommendations"] if r["passed"]}
    responses = j["council_responses"]
    assert {r["recommendation_title"] for r in responses} == passed
    statuses = Counter(r["status"] for r in responses)
    assert set(statuses) <= STATUSES and statuses["not_accepted"] == 1
    for r in responses:
        assert r["text"] and r["owner"]
        date.fromisoformat(r["due"])
        if r["status"] != "accepted":
            assert len(r["reasons"].split()) >= 20
        percents = [p["percent"] for p in r["progress"]]
        assert percents == sorted(percents) and all(0 <= p <= 100 for p in percents)
        dates = [p["date"] for p in r["progress"]]
        assert dates == sorted(dates) and all(p["note"] for p in r["progress"])
    refused = next(r for r in responses if r["status"] == "not_accepted")
    assert re.search(r"£[\d.,]+ (million|m)", refused["reasons"]) and "Act" in refused["reasons"]


def test_ideas_are_short_and_distinct():
    ideas = climate()["ideas"]
    assert 55 <= len(ideas) <= 65 and len(set(ideas)) == len(ideas)
    assert all(1 <= len(i.split()) <= 12 for i in ideas)


def test_staff():
    staff = content.staff()
    assert {s["role"] for s in staff} == {"admin", "officer", "facilitator"}
    assert {s["email"] for s in staff} == {
        "admin@riverside.example",
        "officer@riverside.example",
        "facilitator@riverside.example",
    }
    assert all("password" not in s for s in staff)
