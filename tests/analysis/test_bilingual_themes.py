"""Answers in Welsh are themed apart from English ones, never mixed (`analysis.bilingual`
through `analysis.themes.themes`), and coded only into themes of their own language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis import themes
from analysis.bilingual import MIN_WELSH_ANSWERS, WELSH_GROUP_TITLE
from analysis.job import Parameters, analyse_task
from analysis.language import WELSH, detect, read_sentences
from analysis.text import WELSH_STOP_WORDS, tokenise

TRAINING = Path(__file__).resolve().parents[2] / "analysis" / "data"
ENGLISH = read_sentences(TRAINING / "language_en.txt")
WELSH_TEXTS = read_sentences(TRAINING / "language_cy.txt")


def _corpus(n_welsh: int) -> tuple[list[str], list[str]]:
    """English answers with `n_welsh` Welsh ones spread among them, and a few with
    nothing to say in each language."""
    texts = list(ENGLISH)
    for number, text in enumerate(WELSH_TEXTS[:n_welsh]):
        texts.insert(3 * number + 1, text)
    texts += ["n/a", "Dim sylw", "no comment", "Dim"]
    return texts, [f"R{number}" for number in range(len(texts))]


def _nodes(result):  # type: ignore[no-untyped-def]
    for theme in result.themes:
        yield theme
        yield from theme.subthemes


@pytest.fixture(scope="module")
def many_welsh():  # type: ignore[no-untyped-def]
    texts, ids = _corpus(100)
    return texts, ids, themes(texts, ids, random_state=0)


@pytest.fixture(scope="module")
def few_welsh():  # type: ignore[no-untyped-def]
    texts, ids = _corpus(8)
    return texts, ids, themes(texts, ids, random_state=0)


def test_welsh_answers_get_themes_of_their_own(many_welsh):
    texts, ids, result = many_welsh
    language_of = {i: detect(text) for i, text in zip(ids, texts, strict=True)}
    welsh = [theme for theme in result.themes if theme.language == WELSH]
    english = [theme for theme in result.themes if theme.language == "en"]
    assert len(welsh) >= 2 and len(english) >= 2
    assert result.themes == (*english, *welsh)  # Welsh themes come after the English ones
    for node in _nodes(result):
        spoken = {language_of[i] for i in node.response_ids}
        if node.language == WELSH:
            assert spoken == {WELSH}, node.title
        else:
            assert WELSH not in spoken, node.title
    for sub in (sub for theme in welsh for sub in theme.subthemes):
        assert sub.language == WELSH
    node_ids = [node.id for node in _nodes(result)]
    assert len(node_ids) == len(set(node_ids))
    assert min(theme.id for theme in welsh) > max(
        node.id for node in _nodes(result) if node.language == "en"
    )


def test_assignments_carry_the_language_and_point_into_its_themes(many_welsh):
    texts, ids, result = many_welsh
    language_of_theme = {node.id: node.language for node in _nodes(result)}
    for assignment, text in zip(result.assignments, texts, strict=True):
        assert assignment.language == detect(text)
        if assignment.theme == 0:
            continue
        expected = WELSH if assignment.language == WELSH else "en"
        assert language_of_theme[assignment.theme] == expected
        for other, _share in assignment.other_themes:
            assert language_of_theme[other] == expected
        if assignment.subtheme is not None:
            assert language_of_theme[assignment.subtheme] == expected
    assert {"R-1", "Dim sylw"}.isdisjoint(result.no_comment_ids)
    no_comment = {texts[ids.index(i)] for i in result.no_comment_ids}
    assert {"n/a", "Dim sylw", "no comment", "Dim"} <= no_comment


def test_shares_are_of_all_answers_and_json_says_the_language(many_welsh):
    texts, _ids, result = many_welsh
    n = len(texts)
    assert sum(t.size for t in result.themes) + len(result.no_comment_ids) == n
    for node in _nodes(result):
        assert node.share == round(node.size / n, 4)
    data = json.loads(json.dumps(result.as_dict()))
    assert {t["language"] for t in data["themes"]} == {"en", WELSH}
    assert data["languages"][WELSH] == sum(detect(t) == WELSH for t in texts)
    assert {a["language"] for a in data["assignments"]} <= {"en", WELSH, "unknown"}


def test_welsh_themes_use_welsh_stop_words_and_no_sentiment(many_welsh):
    _texts, _ids, result = many_welsh
    for node in _nodes(result):
        if node.language != WELSH:
            continue
        assert node.keyphrases
        for phrase in node.keyphrases:
            words = tokenise(phrase, WELSH)
            assert words[0] not in WELSH_STOP_WORDS and words[-1] not in WELSH_STOP_WORDS, phrase
        assert node.sentiment == {"mean": 0.0, "positive": 0.0, "neutral": 0.0, "negative": 0.0}
    english = [a.sentiment for a in result.assignments if a.language != WELSH and a.theme]
    assert result.sentiment["mean"] == pytest.approx(sum(english) / len(english))


def test_few_welsh_answers_are_one_group(few_welsh):
    _texts, _ids, result = few_welsh
    assert MIN_WELSH_ANSWERS > 8
    (group,) = [theme for theme in result.themes if theme.language == WELSH]
    assert group.title == WELSH_GROUP_TITLE and group.subthemes == ()
    assert group is result.themes[-1]
    welsh_ids = {a.id for a in result.assignments if a.language == WELSH and a.theme}
    assert set(group.response_ids) == welsh_ids and group.size == 8
    assert all(theme.language == "en" for theme in result.themes[:-1])


def test_a_fixed_number_of_themes_applies_to_the_larger_group():
    texts, ids = _corpus(40)
    result = themes(texts, ids, n_themes=3, subthemes=False)
    assert sum(theme.language == "en" for theme in result.themes) == 3
    assert sum(theme.language == WELSH for theme in result.themes) >= 1


def test_english_only_answers_take_the_one_language_path():
    result = themes(ENGLISH, n_themes=3, subthemes=False)
    assert [theme.id for theme in result.themes] == [1, 2, 3]
    assert {theme.language for theme in result.themes} == {"en"}
    assert {a.language for a in result.assignments} <= {"en", "unknown"}


def test_welsh_answers_are_never_coded_into_english_approved_themes():
    frame = (ENGLISH * 2, [7 if "bus" in text or "school" in text else 8 for text in ENGLISH * 2])
    items = [(f"e{n}", text) for n, text in enumerate(ENGLISH[:30])]
    items += [(f"w{n}", text) for n, text in enumerate(WELSH_TEXTS[:30])]
    outcome = analyse_task(items, frame, Parameters("auto", 0, 0.0), lambda f, m: None)
    coded = {item_id for item_id, _theme, _confidence in outcome["coded"]}
    assert coded and all(item_id.startswith("e") for item_id in coded)
    clustered = {a["id"] for a in outcome["themes"]["assignments"]}
    assert {f"w{n}" for n in range(30)} <= clustered
    welsh_frame = (WELSH_TEXTS[:40], [9] * 20 + [10] * 20)
    outcome = analyse_task(items, welsh_frame, Parameters("auto", 0, 0.0), lambda f, m: None)
    coded = {item_id for item_id, _theme, _confidence in outcome["coded"]}
    assert coded and all(item_id.startswith("w") for item_id in coded)


def test_a_consultation_answered_only_in_welsh_gets_welsh_themes():
    result = themes(WELSH_TEXTS[:15])
    assert len(result.themes) >= 2
    assert {theme.language for theme in result.themes} == {WELSH}
    assert WELSH_GROUP_TITLE not in {theme.title for theme in result.themes}
    assert [theme.id for theme in result.themes] == list(range(1, len(result.themes) + 1))
