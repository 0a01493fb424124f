"""Themes: recovered topics, labels, cited summaries, quotes, no-comment, duplicates, speed."""

import random

import pytest
from sklearn.metrics import adjusted_rand_score

from analysis.ideas import cluster_ideas
from analysis.text import Stemmer, content_tokens, tokenise
from analysis.themes import NO_COMMENT_THEME, cluster_texts, themes

BUSES = [
    "The buses are always late and the bus frequency is terrible.",
    "We need better bus frequency on route 7, buses come every hour.",
    "Bus fares are too expensive for pensioners. Cheaper bus fares please.",
    "The bus station is dirty and the buses are overcrowded at rush hour.",
    "More buses in the evening would help, the last bus leaves too early.",
    "Bus frequency should double. Waiting forty minutes for a bus is absurd.",
    "The bus drivers are friendly but the buses are unreliable.",
    "Please improve bus frequency and add a bus shelter at the stop.",
]
PARKS = [
    "The park needs more benches and the playground is broken.",
    "Keep the parks clean, there is litter everywhere in the park.",
    "The children's playground in the park should be repaired.",
    "More trees and flowers in the park would be lovely.",
    "The park gates close too early in summer.",
    "Dog fouling in the park is a real problem for families.",
    "We love the park but the playground equipment is unsafe.",
    "Add more benches and trees along the park paths.",
]
BINS = [
    "The bin collection is missed every other week.",
    "Recycling bins are collected too rarely and overflow.",
    "Bin collection should be weekly, not fortnightly.",
    "The food waste bins smell terrible in summer.",
    "Our recycling bins were not emptied again this week.",
    "Please bring back weekly bin collection.",
    "Missed bin collection three times this month, the bins overflow.",
    "Garden waste bin collection costs too much.",
]
ENDINGS = ["Thanks.", "Really.", "Honestly.", "That is my view.", "Sort it out."]


def make_corpus(seed: int = 0) -> tuple[list[str], list[str], list[str]]:
    """Three clearly separated topics, each answer twice with a different ending."""
    rng = random.Random(seed)
    rows = []
    for topic, answers in (("buses", BUSES), ("parks", PARKS), ("bins", BINS)):
        for answer in answers:
            for ending in rng.sample(ENDINGS, 2):
                rows.append((topic, f"{answer} {ending}"))
    rng.shuffle(rows)
    topics = [topic for topic, _ in rows]
    texts = [text for _, text in rows]
    ids = [f"r{i}" for i in range(len(rows))]
    return topics, texts, ids


@pytest.fixture(scope="module")
def corpus():
    return make_corpus()


@pytest.fixture(scope="module")
def result(corpus):
    _, texts, ids = corpus
    return themes(texts, ids)


def test_three_separated_topics_are_recovered_with_auto(corpus, result):
    topics, _, _ = corpus
    found = [assignment.theme for assignment in result.assignments]
    assert len(result.themes) == 3
    assert adjusted_rand_score(topics, found) > 0.9


def test_fixed_number_of_themes_is_respected(corpus):
    _, texts, ids = corpus
    assert len(themes(texts, ids, n_themes=2).themes) == 2


def test_labels_are_surface_phrases_of_the_theme(result):
    labels = " | ".join(theme.label.lower() for theme in result.themes)
    for word in ("bus", "park", "bin"):
        assert word in labels
    phrases = {phrase for theme in result.themes for phrase in theme.keyphrases}
    assert phrases & {"bus frequency", "bin collection", "bus fares", "recycling bins"}
    assert not any(phrase.endswith("collect") or phrase == "buse" for phrase in phrases)


def test_summary_sentences_cite_answers_that_contain_them(corpus, result):
    _, texts, ids = corpus
    by_id = dict(zip(ids, texts, strict=True))
    for theme in result.themes:
        assert 2 <= len(theme.summary) <= 4
        for sentence in theme.summary:
            assert sentence.response_ids
            for response_id in sentence.response_ids:
                assert response_id in theme.response_ids
                assert sentence.sentence.rstrip(".!?").lower() in by_id[response_id].lower()


def test_an_identical_sentence_cites_every_answer_that_has_it(corpus, result):
    _, texts, _ = corpus
    for theme in result.themes:
        for sentence in theme.summary:
            holders = [t for t in texts if sentence.sentence in t]
            assert len(sentence.response_ids) >= len(holders) >= 2


def test_quotes_are_distinct_answers_of_the_theme(result):
    for theme in result.themes:
        assert theme.quotes
        quoted = [quote.text.split(".")[0] for quote in theme.quotes]
        assert len(set(quoted)) == len(quoted)
        assert all(quote.id in theme.response_ids for quote in theme.quotes)


def test_sizes_shares_and_sentiment_are_reported(corpus, result):
    _, texts, _ = corpus
    assert sum(theme.size for theme in result.themes) == len(texts)
    for theme in result.themes:
        assert theme.share == pytest.approx(theme.size / len(texts), abs=1e-3)
        assert set(theme.sentiment) >= {"mean", "positive", "neutral", "negative"}
        assert -1.0 <= theme.sentiment["mean"] <= 1.0


def test_short_answers_go_to_the_no_comment_group(corpus):
    _, texts, ids = corpus
    extra = ["no", "n/a", "None", "Nothing to add.", ""]
    result = themes([*texts, *extra], [*ids, "n1", "n2", "n3", "n4", "n5"])
    assert set(result.no_comment_ids) == {"n1", "n2", "n3", "n4", "n5"}
    theme_of = result.theme_of()
    assert all(theme_of[f"n{i}"] == NO_COMMENT_THEME for i in range(1, 6))
    assert all(theme.id != NO_COMMENT_THEME for theme in result.themes)
    assert len(result.themes) == 3


def test_same_input_and_seed_give_the_same_result(corpus):
    _, texts, ids = corpus
    assert (
        themes(texts, ids, random_state=3).as_dict() == themes(texts, ids, random_state=3).as_dict()
    )


def test_large_corpus_path_fits_kmeans_on_a_sample_and_stays_deterministic(corpus):
    """Above `kmeans_sample` answers k-means runs on a sample; EM then uses every answer."""
    topics, texts, _ = corpus
    stemmer = Stemmer()
    content = [stemmer.stems(content_tokens(tokenise(text))) for text in texts]
    first = cluster_texts(content, n_themes=3, kmeans_sample=30, random_state=1)
    again = cluster_texts(content, n_themes=3, kmeans_sample=30, random_state=1)
    assert first.k == 3
    assert adjusted_rand_score(topics, first.labels) > 0.9
    assert (first.labels == again.labels).all()
    assert (first.probabilities == again.probabilities).all()


def test_an_answer_on_two_topics_lists_the_second_theme(corpus):
    _, texts, ids = corpus
    mixed = "The buses are late and the bus fares are expensive, and the park playground is broken."
    result = themes([*texts, mixed], [*ids, "mixed"])
    assignment = next(a for a in result.assignments if a.id == "mixed")
    labels = {theme.id: theme.label.lower() for theme in result.themes}
    assert "bus" in labels[assignment.theme]
    assert any("park" in labels[other] for other, _ in assignment.other_themes)
    assert 0 < assignment.confidence < 1


def test_campaign_copies_are_counted_once_and_share_the_assignment(corpus):
    _, texts, ids = corpus
    campaign = "Save our library! The library must stay open on Saturdays for families."
    copies = [campaign] * 12
    result = themes([*texts, *copies], [*ids, *[f"c{i}" for i in range(12)]])
    theme_of = result.theme_of()
    assert len({theme_of[f"c{i}"] for i in range(12)}) == 1
    assert any(set(group.ids) >= {f"c{i}" for i in range(12)} for group in result.duplicates)


def test_progress_callback_runs_from_zero_to_one(corpus):
    _, texts, ids = corpus
    calls = []
    themes(texts, ids, progress=lambda fraction, message: calls.append((fraction, message)))
    fractions = [fraction for fraction, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert all(isinstance(message, str) and message for _, message in calls)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="ids"):
        themes(["a", "b"], ["1"])
    with pytest.raises(ValueError, match="unique"):
        themes(["a", "b"], ["1", "1"])


def test_tiny_and_empty_inputs_do_not_crash():
    assert themes([]).themes == ()
    only_blank = themes(["", "no"])
    assert only_blank.themes == () and len(only_blank.no_comment_ids) == 2
    one = themes(["The buses are always late."])
    assert len(one.themes) == 1 and one.assignments[0].theme == 1


def test_ids_default_to_row_numbers(corpus):
    _, texts, _ = corpus
    result = themes(texts[:10])
    assert [a.id for a in result.assignments] == [str(i) for i in range(10)]


def test_idea_board_recovers_topics_and_keeps_theme_ids_stable(corpus):
    topics, texts, ids = corpus
    first = cluster_ideas(texts, ids)
    assert len(first.themes) == 3
    before = first.theme_of()
    assert adjusted_rand_score(topics, [before[i] for i in ids]) > 0.9
    more = ["The bus shelter at my stop leaks.", "Bins left open attract foxes."]
    second = cluster_ideas([*texts, *more], [*ids, "new1", "new2"], previous=first)
    after = second.theme_of()
    assert all(after[i] == before[i] for i in ids)
    assert after["new1"] == before[ids[topics.index("buses")]]


def test_idea_board_reclusters_a_thousand_ideas_keeping_most_in_their_themes():
    """Speed is measured by bench/analysis.py ("Idea board"), not here."""
    rng = random.Random(1)
    pool = BUSES + PARKS + BINS
    texts = [f"{rng.choice(pool)} {rng.choice(pool)}" for _ in range(1000)]
    ids = [str(i) for i in range(1000)]
    previous = cluster_ideas(texts, ids)
    before = previous.theme_of()
    after = cluster_ideas(texts, ids, previous=previous).theme_of()
    assert set(after) == set(ids)
    assert sum(after[i] == before[i] for i in ids) >= 900


def test_key_phrases_never_start_or_end_with_filler_words():
    from analysis.labels import WEAK_WORDS
    from analysis.themes import themes

    texts = [
        "I just think the park needs better lighting on the river path really",
        "Really need lighting on the river path, it is just too dark at night",
        "The river path lighting is a good idea but it is just not enough",
        "Good idea to fix the river path lighting, I really want it done",
        "Please fix the broken swings in the playground, my kids just love it",
        "The broken swings in the playground are a really bad idea to leave",
        "Broken swings in the playground again, I think it is just neglect",
        "Swings in the playground are broken and it is a good idea to repair them",
    ] * 3
    result = themes(texts, n_themes=2, random_state=0)
    for theme in result.themes:
        for phrase in theme.keyphrases:
            words = phrase.lower().split()
            assert words[0] not in WEAK_WORDS and words[-1] not in WEAK_WORDS, phrase


def test_the_embeddings_backend_falls_back_to_the_light_pipeline_and_says_so():
    from analysis import embeddings

    answers = [f"more buses in the evening please {i}" for i in range(10)] + [
        f"fix the potholes on the high street {i}" for i in range(10)
    ]
    messages: list[str] = []
    result = themes(
        answers, backend="embeddings", progress=lambda fraction, message: messages.append(message)
    )
    if embeddings.available():
        assert result.backend == "embeddings"
    else:
        assert result.backend == "light"
        assert any("not installed" in message for message in messages)
    assert result.as_dict()["backend"] == result.backend
    with pytest.raises(ValueError, match="backend"):
        themes(answers, backend="neural")  # type: ignore[arg-type]


def test_a_run_request_names_its_backend_or_is_refused():
    from analysis.job import Parameters, RequestError

    assert Parameters.read({}).backend == "light"
    assert Parameters.read({"backend": "embeddings"}).backend == "embeddings"
    with pytest.raises(RequestError, match="backend"):
        Parameters.read({"backend": "gpu"})
