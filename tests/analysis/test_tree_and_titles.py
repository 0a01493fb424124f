"""The theme tree (themes and sub-themes) and titles in the answers' own words."""

import json
import random

import pytest

from analysis.cli import main
from analysis.text import Stemmer
from analysis.themes import themes
from analysis.titles import FUNCTION_WORDS, TitleSpans, check_title, make_title

# Three themes, each with two or three sub-topics of its own wording.
TOPICS = {
    "buses": [
        ["more frequent evening buses", "buses every ten minutes in the evening"],
        ["cheaper bus fares for students", "bus fares are far too expensive"],
        ["the bus station is dirty and unsafe", "clean up the bus station toilets"],
    ],
    "parks": [
        ["protect the river path from development", "keep the river path wild"],
        ["repair the broken playground swings", "new playground equipment for toddlers"],
    ],
    "housing": [
        ["build on brownfield sites first", "use derelict brownfield land before fields"],
        ["more affordable council homes", "council homes people can afford to rent"],
        ["stop landlords renting damp flats", "license landlords with mouldy flats"],
    ],
}
OPENINGS = ["", "I think we need ", "Please ", "Honestly, ", "My view: "]
CLOSINGS = ["", ".", " please.", " as soon as possible.", " for everyone in town."]


def corpus(n_per_topic=30, seed=0):
    rng = random.Random(seed)
    texts, truth = [], []
    for theme, topics in TOPICS.items():
        for index, phrasings in enumerate(topics):
            for _ in range(n_per_topic):
                text = rng.choice(OPENINGS) + rng.choice(phrasings) + rng.choice(CLOSINGS)
                texts.append(text)
                truth.append((theme, index))
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [truth[i] for i in order]


@pytest.fixture(scope="module")
def tree():
    texts, truth = corpus()
    return texts, truth, themes(texts, n_themes=3, random_state=0)


THEME_FIELDS = {
    "id", "title", "label", "description", "description_response_ids", "keyphrases",
    "size", "share", "sentiment", "summary", "quotes", "response_ids", "parent", "subthemes",
    "language",
}  # fmt: skip


def test_tree_json_has_titles_subthemes_and_subtheme_assignments(tree):
    _texts, _, result = tree
    data = json.loads(json.dumps(result.as_dict()))
    assert data["n_themes"] == 3
    ids_seen = set()
    by_answer = {a["id"]: a for a in data["assignments"]}
    for theme in data["themes"]:
        assert set(theme) == THEME_FIELDS
        assert theme["label"] == theme["title"] and theme["parent"] is None
        assert theme["description"] and set(theme["description_response_ids"]) <= set(
            theme["response_ids"]
        )
        ids_seen.add(theme["id"])
        sub_members = []
        for sub in theme["subthemes"]:
            assert set(sub) == THEME_FIELDS
            assert sub["parent"] == theme["id"] and sub["subthemes"] == []
            assert sub["id"] not in ids_seen
            ids_seen.add(sub["id"])
            sub_members += sub["response_ids"]
            for answer in sub["response_ids"]:
                assert by_answer[answer]["theme"] == theme["id"]
                assert by_answer[answer]["subtheme"] == sub["id"]
        if theme["subthemes"]:  # sub-themes partition their theme
            assert sorted(sub_members) == sorted(theme["response_ids"])
        else:
            assert all(by_answer[a]["subtheme"] == theme["id"] for a in theme["response_ids"])
    assert data["n_subthemes"] == sum(len(t["subthemes"]) for t in data["themes"]) >= 3


def test_subthemes_follow_the_planted_topics(tree):
    _, truth, result = tree
    planted = dict(zip(map(str, range(len(truth))), truth, strict=True))
    for theme in result.themes:
        for sub in theme.subthemes:
            topics = [planted[i] for i in sub.response_ids]
            main = max(set(topics), key=topics.count)
            assert topics.count(main) / len(topics) >= 0.8, sub.title


def test_same_seed_gives_the_same_tree():
    texts, _ = corpus(n_per_topic=20, seed=3)
    first = themes(texts, random_state=5).as_dict()
    assert themes(texts, random_state=5).as_dict() == first
    assert first["n_subthemes"] >= 1


def test_titles_are_phrases_from_the_answers_with_no_dangling_words(tree):
    texts, _, result = tree
    stemmer = Stemmer()
    text_of = {str(i): text for i, text in enumerate(texts)}
    nodes = [t for theme in result.themes for t in (theme, *theme.subthemes)]
    for node in nodes:
        words = node.title.lower().split()
        assert 2 <= len(words) <= 8, node.title
        assert words[0] not in FUNCTION_WORDS and words[-1] not in FUNCTION_WORDS, node.title
        assert "," not in node.title, node.title
        check = check_title(node.title, [text_of[i] for i in node.response_ids], stemmer)
        assert check.grammatical_phrase, node.title


def test_make_title_prefers_a_shared_distinctive_phrase_and_skips_avoided_ones():
    texts = [
        "We need more frequent evening buses.",
        "More frequent evening buses, please!",
        "I want more frequent evening buses to the hospital",
        "the last bus is too early",
    ]
    weights = {"frequent": 1.0, "even": 0.9, "bus": 0.8, "hospit": 0.2}
    spans = TitleSpans(Stemmer())
    assert make_title(texts, weights, spans) == "More frequent evening buses"
    other = make_title(texts, weights, spans, avoid={"more frequent evening buses"})
    assert other.lower() != "more frequent evening buses" and "," not in other


def test_make_title_falls_back_to_key_phrases_joined_by_and():
    spans = TitleSpans(Stemmer())
    assert make_title(["Parking!", "Parking"], {}, spans, fallback=["parking", "fees"]) == (
        "Parking and fees"
    )


def test_check_title_flags_lists_and_dangling_function_words():
    stemmer = Stemmer()
    answers = ["The river path floods in winter"]
    assert check_title("River path floods", answers, stemmer).grammatical_phrase
    assert check_title("the river path", answers, stemmer).function_word_at_edge
    assert check_title("River path, winter", answers, stemmer).comma_joined
    assert not check_title("Library opening hours", answers, stemmer).in_answers


def test_cli_themes_n_fixes_the_top_level_and_prints_the_tree(tmp_path, capsys):
    texts, _ = corpus(n_per_topic=15)
    path = tmp_path / "answers.csv"
    path.write_text("comment\n" + "\n".join(f'"{t}"' for t in texts) + "\n", encoding="utf-8")
    assert main(["themes", str(path), "--text-column", "comment", "--themes", "2", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["n_themes"] == len(data["themes"]) == 2
    assert all("subtheme" in a for a in data["assignments"])
