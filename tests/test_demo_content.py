"""The demo council's promises (README, docs/): the same demo every time, answers the app
accepts for every question kind, examples for moderation and campaign detection, a jury
pool worth drawing and a finished jury with its council responses. The data files' own
shape is `consult.demo.data_check`, which the loader runs; here it must pass, and fail on a
broken file. No app needed."""

from __future__ import annotations

import ast
import json
import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest

from consult.consultations.kinds import KINDS, question_kind
from consult.demo import content, data_check, juries, prose, residents
from consult.models.consultations import LIKERT_OPTIONS


@cache
def open_c() -> dict:
    return content.open_consultation()


@cache
def closed_c() -> dict:
    return content.closed_consultation()


def free_texts(consultation: dict, key: str | None = None) -> list[str]:
    keys = [q["key"] for q in consultation["questions"] if q["type"] == "free_text"]
    return [
        r["answers"][k]
        for r in consultation["responses"]
        for k in keys
        if k in r["answers"] and (key is None or k == key)
    ]


def test_the_generator_needs_no_app_and_gives_the_same_plain_data_every_time():
    imported = set()
    for module in (content, prose, residents, juries):
        for node in ast.walk(ast.parse(Path(module.__file__).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
    outside = {name.split(".")[0] for name in imported if not name.startswith("consult.demo.")}
    assert outside <= set(sys.stdlib_module_names) | {"__future__", "yaml"}, outside
    for make in (content.open_consultation, content.jury, content.finished_jury):
        assert make() == make(2026)
        assert json.loads(json.dumps(make())) == make()
    assert content.open_consultation(7)["responses"] != open_c()["responses"]


def test_every_demo_answer_is_one_the_app_accepts_for_every_kind():
    assert {q["type"] for q in open_c()["questions"]} == set(KINDS)
    for consultation in (open_c(), closed_c()):
        for number, spec in enumerate(consultation["questions"]):
            options = LIKERT_OPTIONS if spec["type"] == "likert" else spec.get("options", ())
            question = SimpleNamespace(
                id=number,
                kind=spec["type"],
                choices=[dict(o) for o in options],
                max_length=spec.get("max_length"),
                budget_total=spec.get("total"),
            )
            for response in consultation["responses"]:
                value = response["answers"].get(spec["key"])
                if value is None:
                    assert not spec["required"], (spec["key"], response["submitted_at"])
                    continue
                assert question_kind(spec["type"]).clean(question, value) is not None


def test_the_demo_gives_moderation_and_campaign_detection_something_to_find():
    texts = free_texts(open_c())
    joined = "\n".join(texts)
    assert re.search(r"[\w.]+@example\.(org|com)", joined)  # personal data to redact
    assert re.search(r"\b07700 ?900\d{3}\b", joined)
    assert re.search(r"\bRV\d \d[A-Z]{2}\b", joined)
    assert re.search(r"\b\d{1,3} [A-Z][a-z]+ (Road|Lane|Close)\b", joined)
    labels = Counter(r["_labels"]["handwritten"] for r in open_c()["responses"])
    assert labels["abuse"] >= 2 and labels["spam"] >= 2 and labels["organisation"] >= 8
    campaign = [r for r in open_c()["responses"] if r["_labels"]["campaign"]]
    assert 20 <= len(campaign) <= 30  # "Save Our Weekly Bins", pasted with small edits
    assert len({r["answers"]["bins"] for r in campaign}) >= 12
    assert Counter(r["submitted_at"][:10] for r in campaign).most_common(1)[0][1] >= 8


def test_the_juries_are_the_ones_the_docs_describe():
    transport = content.jury()
    assert transport["panel_size"] == 24 and len(transport["registrants"]) == 240
    assert len(transport["categories"]) == 5
    households = Counter(r["household"] for r in transport["registrants"])
    assert max(households.values()) >= 2  # one person per household is a real rule here
    climate = content.finished_jury()
    passed = {r["title"] for r in climate["recommendations"] if r["passed"]}
    assert len(climate["recommendations"]) == 8 and len(passed) == 6
    responses = climate["council_responses"]
    assert {r["recommendation_title"] for r in responses} == passed
    refused = [r for r in responses if r["status"] == "not_accepted"]
    assert len(refused) == 1 and len(refused[0]["reasons"].split()) >= 20


def test_the_data_files_pass_their_check_and_a_broken_one_fails_it(monkeypatch):
    assert data_check.problems() == []
    broken = [dict(r) for r in prose.CLIMATE_COUNCIL_RESPONSES]
    broken[0] = {**broken[0], "status": "not_accepted", "reasons": ""}
    monkeypatch.setattr(prose, "CLIMATE_COUNCIL_RESPONSES", tuple(broken))
    monkeypatch.setattr(prose, "SLOTS", {k: v for k, v in prose.SLOTS.items() if k != "stop"})
    found = data_check.problems()
    assert any("give the reasons" in p for p in found), found
    assert any("slots no list fills: ['stop']" in p for p in found), found
    with pytest.raises(data_check.DemoDataError, match="consult/demo/data/"):
        data_check.check()
