"""Welsh/English identification (`analysis.language`) on sentences it never learnt from,
and the Welsh text preparation (`analysis.text` with language "cy")."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.language import (
    ENGLISH,
    UNKNOWN,
    WELSH,
    LanguageIdentifier,
    default_identifier,
    detect,
    detect_all,
    read_sentences,
)
from analysis.text import (
    STOP_WORDS,
    WELSH_STOP_WORDS,
    Stemmer,
    content_tokens,
    is_no_comment,
    stop_words_for,
    tokenise,
    welsh_key,
)

DATA = Path(__file__).parent / "data"
TRAINING = Path(__file__).resolve().parents[2] / "analysis" / "data"


def holdout(name: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            language, kind, text = line.split("\t")
            rows.append((language, kind, text))
    return rows


HELD_OUT = holdout("language_holdout.tsv") + holdout("language_holdout_fresh.tsv")


def test_held_out_sentences_never_trained_on():
    training = set(read_sentences(TRAINING / "language_cy.txt"))
    training |= set(read_sentences(TRAINING / "language_en.txt"))
    assert not training & {text for _, _, text in HELD_OUT}


@pytest.mark.parametrize("kind", ["short", "long", "all"])
def test_accuracy_on_held_out_sentences(kind):
    rows = [r for r in HELD_OUT if kind == "all" or r[1] == kind]
    assert len(rows) >= 20
    if kind == "short":
        assert all(5 <= len(text.split()) <= 15 for _, _, text in rows)
    right = sum(detect(text) == language for language, _, text in rows)
    assert right / len(rows) >= 0.95, [(r, detect(r[2])) for r in rows if detect(r[2]) != r[0]]


def test_no_english_answer_is_called_welsh():
    english = [text for language, _, text in HELD_OUT if language == ENGLISH]
    english += read_sentences(TRAINING / "language_en.txt")
    assert WELSH not in detect_all(english)


def test_english_with_welsh_names_stays_english():
    for text in (
        "The road between Llanelli and Pontarddulais needs resurfacing.",
        "My son goes to Ysgol Gymraeg Bro Dur and loves it.",
        "diego armando maradona imdb movies celebs",  # leans Welsh, no Welsh word in it
    ):
        assert detect(text) != WELSH, text


def test_too_short_and_mixed_answers_are_unknown():
    assert default_identifier().guess("Diolch").reason == "too short"
    assert detect("") == detect(None) == detect("123 456") == UNKNOWN
    both = "Please keep the library open. Cadwch y llyfrgell ar agor os gwelwch yn dda."
    guess = default_identifier().guess(both)
    assert (guess.language, guess.reason) == (UNKNOWN, "mixed")
    assert detect("Cadwch y llyfrgell ar agor os gwelwch yn dda.") == WELSH
    assert detect("Please keep the library open.") == ENGLISH


def test_a_model_trained_on_one_side_learns_it():
    model = LanguageIdentifier.train(
        ["Mae'r ysgol yn dda iawn", "Mae angen mwy o fysiau yn y dref"],
        ["The school is very good", "We need more buses in the town"],
    )
    assert model.detect("Mae'r dref yn dda") == WELSH
    assert model.detect("The town needs a good school") == ENGLISH
    assert model.ratios[" yn "] > 0 > model.ratios["the"]


def test_welsh_tokens_lose_their_clitics_and_welsh_stop_words_go():
    clitics = tokenise("Mae'r ysgol yn cau i'r plant", "cy")
    assert clitics == ["mae", "r", "ysgol", "yn", "cau", "i", "r", "plant"]
    assert tokenise("Mae'r ysgol") == ["mae'r", "ysgol"]  # English tokens keep their apostrophes
    welsh = tokenise("Mae angen mwy o fysiau i'r pentref gyda'r nos", "cy")
    assert content_tokens(welsh, stop_words_for("cy")) == ["angen", "fysiau", "pentref", "nos"]
    assert {"mae", "yn", "y", "ddim", "gyda"} <= WELSH_STOP_WORDS
    assert not {"mae", "ddim", "gyda"} & STOP_WORDS  # the English list knows none of them


def test_welsh_is_not_stemmed_in_english_and_mutations_meet():
    english, welsh = Stemmer(), Stemmer("cy")
    # Snowball cuts Welsh words ("coed", trees, to "co"; "maes", field, to "mae", is)...
    assert (english.stem("coed"), english.stem("maes")) == ("co", "mae")
    assert (welsh.stem("coed"), welsh.stem("cerdded")) == ("coed", "cerdded")  # ...not here
    assert welsh.stem("teimlo'n") == welsh.stem("teimlo")
    assert welsh_key("fysiau") == welsh_key("bysiau")
    assert welsh_key("nghyngor") == welsh_key("gyngor") == welsh_key("cyngor")
    assert welsh_key("dref") == welsh_key("tref")
    assert welsh_key("ffordd") != welsh_key("fordd")  # ff is a letter of its own
    assert welsh.stop_words == stop_words_for("cy")


def test_welsh_answers_with_nothing_to_say():
    for text in ("Dim", "Dim sylw", "dim sylwadau", "Dim i'w ychwanegu", "Ddim yn gwybod"):
        assert is_no_comment(text), text
    assert not is_no_comment("Dim digon o fysiau")
