"""Text preparation: tokens, stems with display forms, phrases, sentences, no-comment."""

from analysis.text import (
    Stemmer,
    content_tokens,
    detect_phrases,
    is_no_comment,
    normalise,
    sentence_splitter,
    split_sentences,
    tokenise,
)


def test_normalise_straightens_quotes_and_collapses_space():
    assert normalise("  It’s   fine\n\there ") == "It's fine here"
    assert normalise(None) == ""


def test_tokenise_lowercases_and_keeps_technical_words():
    assert tokenise("Buses, BUSES! C# and ASP.NET don't") == [
        "buses",
        "buses",
        "c#",
        "and",
        "asp.net",
        "don't",
    ]


def test_content_tokens_drop_stop_words_numbers_and_contractions():
    assert content_tokens(tokenise("The 7 buses don't come on time")) == ["buses", "come", "time"]


def test_stemmer_merges_inflections_and_displays_the_commonest_surface_form():
    stemmer = Stemmer()
    stems = stemmer.stems(["parking", "parking", "parked", "buses", "bus"])
    assert stems[0] == stems[2]
    assert stems[3] == stems[4]
    assert stemmer.display(stems[0]) == "parking"


def test_no_comment_answers_are_recognised():
    for text in ["no", "N/A", "none", "Nothing to add.", "", "  ", "No comment", "-", "n/a."]:
        assert is_no_comment(text), text
    for text in ["No more parking fees", "Buses are late", "none of the bins are emptied"]:
        assert not is_no_comment(text), text


def test_detect_phrases_finds_repeated_phrases_across_answers():
    stemmer = Stemmer()
    answers = [
        "the bus frequency is poor",
        "bus frequency must improve",
        "cost of parking is high",
        "the cost of parking keeps rising",
        "better bus frequency and lower cost of parking",
        "parks are nice",
    ]
    documents = [stemmer.stems(tokenise(answer)) for answer in answers]
    phrases = detect_phrases(documents, min_count=2)
    assert tuple(stemmer.stems(["bus", "frequency"], count=False)) in phrases
    assert tuple(stemmer.stems(["cost", "of", "parking"], count=False)) in phrases
    assert all(phrase[0] not in {"the", "of", "is"} for phrase in phrases)


def test_sentences_split_with_punkt_trained_on_the_corpus():
    corpus = [
        "Dr. Smith runs the clinic. It is too far away.",
        "The bus is late. It is always late! Why?",
        "Mr. Jones agrees. The park is lovely.",
    ] * 5
    splitter = sentence_splitter(corpus)
    assert split_sentences("The bus is late. It is always late!", splitter) == [
        "The bus is late.",
        "It is always late!",
    ]
    assert split_sentences("first line\nsecond line") == ["first line", "second line"]
    assert split_sentences("") == []


def _nltk_phrases(documents, min_count):
    """The phrases NLTK's own collocation finders give (the reference `detect_phrases` matches)."""
    from nltk.collocations import BigramCollocationFinder, TrigramCollocationFinder
    from nltk.metrics import BigramAssocMeasures, TrigramAssocMeasures

    from analysis.text import is_content_word

    bigrams = BigramCollocationFinder.from_documents(documents)
    bigrams.apply_freq_filter(min_count)
    bigrams.apply_ngram_filter(lambda a, b: not (is_content_word(a) and is_content_word(b)))
    trigrams = TrigramCollocationFinder.from_documents(documents)
    trigrams.apply_freq_filter(min_count)
    trigrams.apply_ngram_filter(
        lambda a, b, c: not (is_content_word(a) and is_content_word(c)) or a == c
    )
    scored = [
        (score, ngram)
        for finder, measure in (
            (bigrams, BigramAssocMeasures.likelihood_ratio),
            (trigrams, TrigramAssocMeasures.likelihood_ratio),
        )
        for ngram, score in finder.score_ngrams(measure)
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [ngram for _, ngram in scored]


def test_detect_phrases_gives_exactly_what_nltk_finders_give():
    stemmer = Stemmer()
    answers = [
        "the bus frequency is poor and the bus fares are high",
        "bus frequency must improve; bus fares too",
        "cost of parking is high, cost of parking keeps rising",
        "the cost of parking keeps rising and rising",
        "better bus frequency and lower cost of parking",
        "parks are nice",
        "parks parks parks",
        "",
        "bus",
    ] * 3
    documents = [stemmer.stems(tokenise(answer)) for answer in answers]
    for min_count in (1, 2, 4):
        assert detect_phrases(documents, min_count=min_count) == _nltk_phrases(documents, min_count)


def test_stem_lists_match_stems_answer_by_answer():
    token_lists = [tokenise(t) for t in ["Parking parked", "Buses and the bus", "", "parks"]]
    one, many = Stemmer(), Stemmer()
    expected = [one.stems(tokens) for tokens in token_lists]
    assert many.stem_lists(token_lists) == expected
    for stem in {stem for stems in expected for stem in stems}:
        assert many.display(stem) == one.display(stem)


def test_tokens_keep_letters_of_any_script():
    from analysis.text import tokenise

    assert tokenise("Reopen the café in Llanelwy; ŵyr") == [
        "reopen",
        "the",
        "café",
        "in",
        "llanelwy",
        "ŵyr",
    ]


def test_sentences_split_in_answers_written_all_in_lower_case():
    from analysis.text import split_sentences

    text = (
        "i've used millbrook park for over forty years. proper toilets, open all day, "
        "at last. the cafe in the old pavilion is a lovely idea, as long as it's cheap. "
        "bins etc. are fine by me really."
    )
    assert split_sentences(text) == [
        "i've used millbrook park for over forty years.",
        "proper toilets, open all day, at last.",
        "the cafe in the old pavilion is a lovely idea, as long as it's cheap.",
        "bins etc. are fine by me really.",
    ]
